// libFuzzer target: one line of a watch stream, as the API server (or anything between it
// and serin) might send it, through everything that reads it before it reaches a cache:
// the decoder, the Status of an ERROR event, and for other events what an informer does on
// arrival (stripNoise, then each kind's projection). Any crash, sanitizer report or
// exception is a bug: every line must end in an event or an InvalidArgument status.
//
//   tests/fuzz/run_fuzzers.sh     (builds every *_fuzz target with clang, SERIN_FUZZ=ON)
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "operator/kube/api_status.h"
#include "operator/kube/object_meta.h"
#include "operator/kube/replica_set.h"
#include "operator/kube/watch_event.h"
#include "operator/rollout/rollout_object.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using serin::kube::WatchEvent;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<WatchEvent> event = serin::kube::decodeWatchEvent(line);
  if (!event.ok()) return 0;
  if (event->type == WatchEvent::Type::kError) {
    (void)serin::kube::isGone(
        serin::kube::statusFromWatchError(event->object.dump(), "watch rollouts"));
    return 0;
  }
  nlohmann::json object = std::move(event->object);
  serin::kube::stripNoise(object);
  (void)serin::kube::ReplicaSet::fromJson(object);
  (void)serin::kube::Service::fromJson(object);
  (void)serin::kube::SpecObject::fromJson(object).spec();
  const auto rollout = serin::rollout::RolloutObject::fromJson(object);
  (void)rollout.spec();
  return 0;
}
