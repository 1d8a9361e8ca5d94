#include "analysis/providers/deadline_sender.h"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

#include "common/strings.h"

namespace serin::analysis::providers {

// Shared with every request thread, so it outlives the sender if a thread does.
struct DeadlineSender::State {
  std::mutex mu;
  std::condition_variable idle;  // signalled when `running` drops
  size_t running = 0;
};

namespace {

// One request's result, shared by the waiting caller and the thread that sends it.
struct Call {
  std::mutex mu;
  std::condition_variable done_cv;
  std::optional<absl::StatusOr<kube::HttpResponse>> result;
};

absl::StatusOr<kube::HttpResponse> sendCatching(kube::HttpTransport& transport,
                                                const kube::HttpRequest& request) {
  // An exception must not reach the top of a std::thread (std::terminate).
  try {
    return transport.send(request);
  } catch (const std::exception& e) {
    return absl::InternalError(strCat("HTTP transport failed: ", e.what()));
  } catch (...) {
    return absl::InternalError("HTTP transport failed");
  }
}

std::chrono::nanoseconds toChrono(absl::Duration d) {
  if (d < absl::ZeroDuration()) return std::chrono::nanoseconds(0);
  if (d > absl::Hours(24 * 365)) d = absl::Hours(24 * 365);  // no overflow in wait_for
  return absl::ToChronoNanoseconds(d);
}

}  // namespace

DeadlineSender::DeadlineSender(size_t max_running, absl::Duration drain_timeout)
    : state_(std::make_shared<State>()), max_running_(max_running), drain_timeout_(drain_timeout) {}

DeadlineSender::~DeadlineSender() {
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->idle.wait_for(lock, toChrono(drain_timeout_), [&] { return state_->running == 0; });
}

size_t DeadlineSender::running() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->running;
}

absl::StatusOr<kube::HttpResponse> DeadlineSender::send(
    std::shared_ptr<kube::HttpTransport> transport, kube::HttpRequest request,
    absl::Duration deadline) {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (state_->running >= max_running_) {
      return absl::ResourceExhaustedError(
          strCat(state_->running, " earlier requests to this server are still running"));
    }
    ++state_->running;
  }
  auto call = std::make_shared<Call>();
  try {
    std::thread([state = state_, call, transport = std::move(transport),
                 request = std::move(request)]() mutable {
      absl::StatusOr<kube::HttpResponse> result = sendCatching(*transport, request);
      // Dropped before `running` falls, so a sender's destructor that saw zero knows no
      // thread of its own still holds a transport (whose teardown touches the HTTP library).
      transport.reset();
      {
        std::lock_guard<std::mutex> lock(call->mu);
        call->result = std::move(result);
      }
      call->done_cv.notify_all();
      {
        std::lock_guard<std::mutex> lock(state->mu);
        --state->running;
      }
      state->idle.notify_all();
    }).detach();
  } catch (const std::system_error& e) {
    std::lock_guard<std::mutex> lock(state_->mu);
    --state_->running;
    return absl::ResourceExhaustedError(strCat("cannot start a request thread: ", e.what()));
  }

  std::unique_lock<std::mutex> lock(call->mu);
  if (!call->done_cv.wait_for(lock, toChrono(deadline), [&] { return call->result.has_value(); })) {
    return absl::DeadlineExceededError(strCat("no answer within ", absl::FormatDuration(deadline)));
  }
  return std::move(*call->result);
}

}  // namespace serin::analysis::providers
