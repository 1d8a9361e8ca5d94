// Sends HTTP requests with a hard deadline, whatever the transport does.
//
// A provider promises to return within the metric's timeout. cpprestsdk's timeout is an
// inactivity timeout, so a server that trickles one byte a second would hold a request (and
// the analysis worker calling it) forever, and HttpTransport::send cannot be cancelled. So
// each request runs on a thread of its own and the caller waits for it only until the
// deadline; a request that misses it is abandoned and finishes in the background when the
// transport gives up. The number of requests running at once is bounded, so a hanging
// server cannot pile up threads.
#ifndef SERIN_ANALYSIS_PROVIDERS_DEADLINE_SENDER_H_
#define SERIN_ANALYSIS_PROVIDERS_DEADLINE_SENDER_H_

#include <cstddef>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "operator/kube/http_transport.h"

namespace serin::analysis::providers {

class DeadlineSender {
 public:
  // `max_running`: requests allowed to run at once, abandoned ones included.
  // `drain_timeout`: how long the destructor waits for abandoned requests to finish.
  explicit DeadlineSender(size_t max_running = 64, absl::Duration drain_timeout = absl::Seconds(2));
  // Waits up to `drain_timeout` for requests still running, so that a clean shutdown does
  // not tear the HTTP library down under them. Requests still running after that keep the
  // transport alive through their shared_ptr.
  ~DeadlineSender();
  DeadlineSender(const DeadlineSender&) = delete;
  DeadlineSender& operator=(const DeadlineSender&) = delete;

  // Sends `request` through `transport` and returns within `deadline`: the transport's
  // answer (any HTTP status is OK, its errors pass through), DeadlineExceeded when it has
  // not answered by then, ResourceExhausted when `max_running` requests are already running
  // or no thread can be started. An exception thrown by the transport becomes Internal.
  // Thread-safe.
  absl::StatusOr<kube::HttpResponse> send(std::shared_ptr<kube::HttpTransport> transport,
                                          kube::HttpRequest request, absl::Duration deadline);

  // Requests running now, abandoned ones included (for tests and metrics).
  size_t running() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
  const size_t max_running_;
  const absl::Duration drain_timeout_;
};

}  // namespace serin::analysis::providers

#endif  // SERIN_ANALYSIS_PROVIDERS_DEADLINE_SENDER_H_
