#include "operator/kube/event_recorder.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "common/strings.h"
#include "operator/kube/object_meta.h"

namespace serin::kube {
namespace {
constexpr absl::Duration kPollInterval = absl::Milliseconds(500);
constexpr size_t kMaxMessageBytes = 1024;  // the API server's limit is larger; keep events readable
}  // namespace

EventRecorder::EventRecorder(KubeClient& client, EventRecorderOptions options, const Clock& clock,
                             const Logger& log)
    : client_(client),
      options_(std::move(options)),
      clock_(clock),
      log_(log),
      queue_(options_.queue_size) {}

EventRecorder::~EventRecorder() { stop(); }

void EventRecorder::setObserver(
    std::function<void(const InvolvedObject&, EventType, std::string_view)> f) {
  observer_ = std::move(f);
}

void EventRecorder::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { run(); });
}

void EventRecorder::stop() {
  queue_.close();
  if (thread_.joinable()) thread_.join();
}

void EventRecorder::record(const InvolvedObject& object, EventType type, std::string_view reason,
                           std::string message) {
  if (observer_) observer_(object, type, reason);
  if (message.size() > kMaxMessageBytes) message.resize(kMaxMessageBytes);
  Pending event{object, type, std::string(reason), std::move(message), clock_.now()};
  if (!queue_.push(std::move(event), absl::ZeroDuration())) {
    std::lock_guard<std::mutex> lock(mu_);
    ++dropped_;
  }
}

int64_t EventRecorder::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

int64_t EventRecorder::writes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return writes_;
}

void EventRecorder::run() {
  for (;;) {
    std::optional<Pending> event = queue_.popFor(kPollInterval);
    if (event) {
      handle(std::move(*event));
    } else if (queue_.finished()) {
      break;
    }
    flushDue(false);
  }
  flushDue(true);
}

void EventRecorder::flushForTest() {
  while (queue_.size() > 0) {
    auto event = queue_.pop();
    if (!event) break;
    handle(std::move(*event));
  }
  flushDue(false);
}

bool EventRecorder::takeToken(const Pending& event) {
  const absl::Time now = event.at;
  auto [it, inserted] = buckets_.try_emplace({event.object.uid, event.reason},
                                             Bucket{double(options_.burst_per_reason), now});
  Bucket& b = it->second;
  if (!inserted && now > b.last) {
    b.tokens = std::min<double>(options_.burst_per_reason,
                                b.tokens + (now - b.last) / options_.refill_every);
    b.last = now;
  }
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

void EventRecorder::handle(Pending&& event) {
  const AggregateKey key{event.object.uid, static_cast<int>(event.type), event.reason,
                         event.message};
  // Forget aggregates outside the window, so the map stays small.
  for (auto it = aggregates_.begin(); it != aggregates_.end();) {
    if (event.at - it->second.last > options_.aggregation_window &&
        it->second.written_count == it->second.count) {
      it = aggregates_.erase(it);
    } else {
      ++it;
    }
  }
  auto it = aggregates_.find(key);
  if (it != aggregates_.end() && event.at - it->second.first <= options_.aggregation_window) {
    it->second.count++;
    it->second.last = event.at;
    return;  // written by flushDue, coalesced
  }
  if (!takeToken(event)) {
    std::lock_guard<std::mutex> lock(mu_);
    ++dropped_;
    return;
  }
  Aggregate agg;
  agg.ns = event.object.ns;
  agg.count = 1;
  agg.first = agg.last = event.at;
  writeNew(event, agg);
  aggregates_[key] = std::move(agg);
}

void EventRecorder::writeNew(const Pending& event, Aggregate& agg) {
  char suffix[32];
  std::snprintf(suffix, sizeof(suffix), "%" PRIx64 "%03" PRIx64,
                static_cast<uint64_t>(absl::ToUnixNanos(event.at)), ++sequence_ % 4096);
  agg.event_name = strCat(event.object.name, ".", suffix);
  const std::string ts = formatTime(event.at);
  nlohmann::json body = {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata", {{"name", agg.event_name}, {"namespace", event.object.ns}}},
      {"involvedObject",
       {{"apiVersion", event.object.api_version},
        {"kind", event.object.kind},
        {"namespace", event.object.ns},
        {"name", event.object.name},
        {"uid", event.object.uid}}},
      {"reason", event.reason},
      {"message", event.message},
      {"type", eventTypeName(event.type)},
      {"count", 1},
      {"firstTimestamp", ts},
      {"lastTimestamp", ts},
      {"source", {{"component", options_.component}}},
      {"reportingComponent", options_.component},
      {"reportingInstance", options_.instance}};
  auto created = client_.create(resources::events(), event.object.ns, body);
  agg.last_write = clock_.now();
  agg.written_count = 1;
  if (!created.ok()) {
    log_.debug("event not written", {{"reason", event.reason},
                                     {"error", std::string(created.status().message())}});
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++writes_;
}

void EventRecorder::writeUpdate(Aggregate& agg) {
  nlohmann::json patch = {{"count", agg.count}, {"lastTimestamp", formatTime(agg.last)}};
  auto patched = client_.patch(resources::events(), agg.ns, agg.event_name, PatchType::kMerge, patch);
  agg.last_write = clock_.now();
  agg.written_count = agg.count;
  if (!patched.ok()) {
    log_.debug("event update not written", {{"event", agg.event_name},
                                            {"error", std::string(patched.status().message())}});
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++writes_;
}

void EventRecorder::flushDue(bool force) {
  const absl::Time now = clock_.now();
  for (auto& [key, agg] : aggregates_) {
    if (agg.count == agg.written_count) continue;
    if (force || now - agg.last_write >= options_.min_update_interval) writeUpdate(agg);
  }
}

}  // namespace serin::kube
