#include "operator/kube/reflector.h"

#include <random>

#include "common/json_fields.h"
#include "common/strings.h"
#include "operator/kube/api_status.h"
#include "operator/kube/backoff.h"

namespace serin::kube {

Reflector::Reflector(KubeClient& client, Resource resource, ReflectorOptions options,
                     ReflectorSink& sink, const Logger& log)
    : client_(client),
      resource_(std::move(resource)),
      options_(std::move(options)),
      sink_(sink),
      log_(log.with({{"resource", resource_.plural}})) {}

void Reflector::stop() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!stopped_.HasBeenNotified()) stopped_.Notify();
  if (active_watch_ != nullptr) active_watch_->cancel();
}

std::string Reflector::lastResourceVersion() const {
  std::lock_guard<std::mutex> lock(mu_);
  return resource_version_;
}

void Reflector::setResourceVersion(const std::string& rv) {
  std::lock_guard<std::mutex> lock(mu_);
  resource_version_ = rv;
}

absl::StatusOr<std::string> Reflector::listOnce() {
  ListOptions options;
  options.ns = options_.ns;
  options.label_selector = options_.label_selector;
  options.page_size = options_.page_size;
  sink_.beginList();
  auto rv = client_.listEach(resource_, options, [this](nlohmann::json&& object) {
    sink_.listed(std::move(object));
  });
  // A failed list leaves the sink as it was before the list began: endList() is only
  // called with a complete list, so a partial one never reads as deletions.
  if (!rv.ok()) {
    sink_.abortList();
    return rv.status();
  }
  sink_.endList();
  ++lists_;
  return rv;
}

absl::Status Reflector::watchOnce(std::string& rv) {
  WatchOptions options;
  options.ns = options_.ns;
  options.label_selector = options_.label_selector;
  options.resource_version = rv;
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> spread(1.0, 2.0);
  options.server_timeout = options_.min_watch_timeout * spread(rng);

  CancelToken cancel;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_.HasBeenNotified()) return absl::CancelledError("stopped");
    active_watch_ = &cancel;
  }
  absl::Status status = client_.watch(resource_, options, [&](WatchEvent&& event) {
    const std::string event_rv = jsonString(jsonObject(event.object, "metadata"), "resourceVersion");
    switch (event.type) {
      case WatchEvent::Type::kBookmark:
        break;
      case WatchEvent::Type::kError:
        return false;
      default:
        sink_.applyEvent(event.type, std::move(event.object));
        break;
    }
    if (!event_rv.empty()) {
      rv = event_rv;
      setResourceVersion(rv);
    }
    return true;
  }, cancel);
  std::lock_guard<std::mutex> lock(mu_);
  active_watch_ = nullptr;
  return status;
}

void Reflector::run() {
  Backoff backoff(options_.backoff_initial, options_.backoff_max);
  while (!stopped_.HasBeenNotified()) {
    auto listed = listOnce();
    if (!listed.ok()) {
      const absl::Duration wait = backoff.next();
      log_.warn("list failed; retrying", {{"error", std::string(listed.status().message())},
                                          {"retry_in_ms", absl::ToInt64Milliseconds(wait)}});
      stopped_.WaitForNotificationWithTimeout(wait);
      continue;
    }
    std::string rv = *listed;
    setResourceVersion(rv);
    synced_ = true;
    backoff.reset();
    while (!stopped_.HasBeenNotified()) {
      const absl::Status status = watchOnce(rv);
      if (stopped_.HasBeenNotified()) return;
      if (status.ok()) {
        backoff.reset();
        continue;  // the server ended the watch on schedule: resume from rv
      }
      if (isGone(status)) {
        log_.info("resource version too old; listing again", {{"resource_version", rv}});
        break;
      }
      const absl::Duration wait = backoff.next();
      log_.warn("watch failed; resuming", {{"error", std::string(status.message())},
                                           {"resource_version", rv},
                                           {"retry_in_ms", absl::ToInt64Milliseconds(wait)}});
      stopped_.WaitForNotificationWithTimeout(wait);
    }
  }
}

}  // namespace serin::kube
