// The one small HTTP interface serin's Kubernetes and Prometheus clients use, so the
// library under it (cpprestsdk today) could be swapped, and tests can script answers.
#ifndef SERIN_OPERATOR_KUBE_HTTP_TRANSPORT_H_
#define SERIN_OPERATOR_KUBE_HTTP_TRANSPORT_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace serin::kube {

struct HttpRequest {
  std::string method = "GET";
  // Path and query, e.g. "/api/v1/namespaces/a/pods?limit=500". Appended to the base URL.
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Whole-request deadline for send(); for stream() the longest silence tolerated.
  absl::Duration timeout = absl::Seconds(30);
};

struct HttpResponse {
  int status = 0;
  std::string body;
  // Header names in lower case.
  std::map<std::string, std::string> headers;
};

// Lets another thread stop a stream() in progress. Thread-safe; cancel() is idempotent.
class CancelToken {
 public:
  void cancel() {
    std::lock_guard<std::mutex> running(hook_mu_);
    std::function<void()> hook;
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_ = true;
      hook = hook_;
    }
    if (hook) hook();
  }
  bool cancelled() const {
    std::lock_guard<std::mutex> lock(mu_);
    return cancelled_;
  }
  // Used by transports: `hook` runs on cancel() (at once if already cancelled). It must not
  // call this token's cancel(), onCancel() or clearHook().
  void onCancel(std::function<void()> hook) {
    std::lock_guard<std::mutex> running(hook_mu_);
    bool run_now;
    {
      std::lock_guard<std::mutex> lock(mu_);
      hook_ = hook;
      run_now = cancelled_;
    }
    if (run_now && hook) hook();
  }
  // Removes the hook; if a cancel() is running it, waits until it has returned, so what
  // the hook refers to may be destroyed as soon as this returns.
  void clearHook() {
    std::lock_guard<std::mutex> running(hook_mu_);
    std::lock_guard<std::mutex> lock(mu_);
    hook_ = nullptr;
  }

 private:
  // Held while a hook runs (taken before mu_): clearHook() waits for it.
  std::mutex hook_mu_;
  mutable std::mutex mu_;
  bool cancelled_ = false;
  std::function<void()> hook_;
};

// Called with each line of a streamed body (without the newline). Return false to stop.
using LineHandler = std::function<bool(std::string_view line)>;

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Sends one request and reads the whole response. Any HTTP status is a response (OK);
  // a failure to connect or a broken connection is Unavailable, a passed deadline is
  // DeadlineExceeded. Thread-safe.
  virtual absl::StatusOr<HttpResponse> send(const HttpRequest& request) = 0;

  // Sends a request whose body is a stream of lines (a watch) and calls `on_line` for each
  // line as it arrives, on the calling thread, until the server ends the body (returns
  // the response with an empty body), `on_line` returns false or `cancel` is cancelled
  // (Cancelled), or the connection breaks or stays silent past request.timeout
  // (Unavailable / DeadlineExceeded). A non-2xx status is returned as a response whose body
  // holds the server's answer, without calling `on_line`. Thread-safe.
  virtual absl::StatusOr<HttpResponse> stream(const HttpRequest& request, const LineHandler& on_line,
                                              CancelToken& cancel) = 0;
};

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_HTTP_TRANSPORT_H_
