// What one reconcile of a Rollout decided: the writes to make and the status to record. A
// Plan is a value computed by a pure planner from cached objects and the time; the
// reconciler applies it (in a fixed, safe order) and nothing else.
#ifndef SERIN_OPERATOR_ROLLOUT_PLAN_H_
#define SERIN_OPERATOR_ROLLOUT_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "operator/kube/event_type.h"
#include "operator/rollout/rollout_status.h"

namespace serin::rollout {

struct ReplicaSetScale {
  std::string name;
  int32_t from = 0;
  int32_t to = 0;
  // Set (or, when nullopt with clear_deadline, removed) the scale-down-deadline annotation.
  std::optional<absl::Time> scale_down_deadline;
  bool clear_deadline = false;
  std::string revision;  // for the event message
};

// The selector change of one Service: point it at pods of `pod_hash`.
struct SelectorChange {
  std::string service;
  std::string pod_hash;
};

// The traffic to set on every managed route: `canary_weight` to the canary destination,
// 100 - canary_weight to the stable one; for a subset split, the subsets' hashes.
struct TrafficChange {
  int32_t canary_weight = 0;
  std::string canary_hash;
  std::string stable_hash;
};

struct PlannedEvent {
  kube::EventType type = kube::EventType::kNormal;
  std::string reason;
  std::string message;
};

struct Plan {
  std::optional<nlohmann::json> create_replica_set;  // a complete ReplicaSet object
  std::vector<ReplicaSetScale> scale_up;    // applied before traffic changes
  std::vector<SelectorChange> selectors;    // applied before traffic changes
  std::optional<TrafficChange> traffic;
  std::vector<ReplicaSetScale> scale_down;  // applied after traffic changes, only if they worked
  std::vector<std::string> delete_replica_sets;
  std::vector<nlohmann::json> create_runs;  // complete AnalysisRun objects
  std::vector<std::string> terminate_runs;
  std::vector<std::string> delete_runs;
  RolloutStatus status;  // written when it differs from the cached one
  std::vector<PlannedEvent> events;
  std::optional<absl::Duration> requeue_after;

  void requeueAt(absl::Time when, absl::Time now) {
    const absl::Duration d = std::max(when - now, absl::Milliseconds(1));
    if (!requeue_after || d < *requeue_after) requeue_after = d;
  }
  void event(kube::EventType type, std::string reason, std::string message) {
    events.push_back({type, std::move(reason), std::move(message)});
  }
  bool hasWrites() const {
    return create_replica_set || !scale_up.empty() || !selectors.empty() || traffic ||
           !scale_down.empty() || !delete_replica_sets.empty() || !create_runs.empty() ||
           !terminate_runs.empty() || !delete_runs.empty();
  }
};

}  // namespace serin::rollout

#endif  // SERIN_OPERATOR_ROLLOUT_PLAN_H_
