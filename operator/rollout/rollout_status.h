// The Rollout's status as Argo Rollouts writes it (field names users, dashboards, Argo CD
// health checks and kubectl plugins read), and its JSON form both ways.
#ifndef SERIN_OPERATOR_ROLLOUT_ROLLOUT_STATUS_H_
#define SERIN_OPERATOR_ROLLOUT_ROLLOUT_STATUS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace serin::rollout {

// status.phase
inline constexpr std::string_view kPhaseHealthy = "Healthy";
inline constexpr std::string_view kPhaseProgressing = "Progressing";
inline constexpr std::string_view kPhasePaused = "Paused";
inline constexpr std::string_view kPhaseDegraded = "Degraded";

// Condition types and reasons (argo-compat §3).
namespace condition {
inline constexpr std::string_view kAvailable = "Available";
inline constexpr std::string_view kProgressing = "Progressing";
inline constexpr std::string_view kPaused = "Paused";
inline constexpr std::string_view kHealthy = "Healthy";
inline constexpr std::string_view kCompleted = "Completed";
inline constexpr std::string_view kInvalidSpec = "InvalidSpec";
}  // namespace condition

namespace reason {
inline constexpr std::string_view kNewReplicaSetCreated = "NewReplicaSetCreated";
inline constexpr std::string_view kFoundNewReplicaSet = "FoundNewReplicaSet";
inline constexpr std::string_view kReplicaSetUpdated = "ReplicaSetUpdated";
inline constexpr std::string_view kNewReplicaSetAvailable = "NewReplicaSetAvailable";
inline constexpr std::string_view kReplicaSetNotAvailable = "ReplicaSetNotAvailable";
inline constexpr std::string_view kProgressDeadlineExceeded = "ProgressDeadlineExceeded";
inline constexpr std::string_view kRolloutAborted = "RolloutAborted";
inline constexpr std::string_view kRolloutPaused = "RolloutPaused";
inline constexpr std::string_view kRolloutResumed = "RolloutResumed";
inline constexpr std::string_view kRolloutRetry = "RolloutRetry";
inline constexpr std::string_view kRolloutHealthy = "RolloutHealthy";
inline constexpr std::string_view kRolloutCompleted = "RolloutCompleted";
inline constexpr std::string_view kAvailableReason = "AvailableReason";
inline constexpr std::string_view kInvalidSpec = "InvalidSpec";
inline constexpr std::string_view kCanaryPauseStep = "CanaryPauseStep";
inline constexpr std::string_view kInconclusiveAnalysisRun = "InconclusiveAnalysisRun";
inline constexpr std::string_view kTrafficRoutingError = "TrafficRoutingError";
}  // namespace reason

struct Condition {
  std::string type;
  std::string status;  // "True", "False", "Unknown"
  std::string reason;
  std::string message;
  absl::Time last_transition_time = absl::InfinitePast();
  absl::Time last_update_time = absl::InfinitePast();
  friend bool operator==(const Condition&, const Condition&) = default;
};

struct PauseCondition {
  std::string reason;
  absl::Time start_time = absl::InfinitePast();
  friend bool operator==(const PauseCondition&, const PauseCondition&) = default;
};

struct RunStatusRef {  // canary.currentStepAnalysisRunStatus / currentBackgroundAnalysisRunStatus
  std::string name;
  std::string status;  // the run's phase
  std::string message;
  friend bool operator==(const RunStatusRef&, const RunStatusRef&) = default;
};

struct WeightDestination {
  int32_t weight = 0;
  std::string service_name;
  std::string pod_template_hash;
  friend bool operator==(const WeightDestination&, const WeightDestination&) = default;
};

struct TrafficWeights {
  WeightDestination canary;
  WeightDestination stable;
  friend bool operator==(const TrafficWeights&, const TrafficWeights&) = default;
};

struct RolloutStatus {
  std::string phase;
  std::string message;
  std::string observed_generation;  // a string, as in Argo
  std::string current_pod_hash;
  std::string stable_rs;
  std::optional<int32_t> current_step_index;
  std::string current_step_hash;
  std::vector<PauseCondition> pause_conditions;
  bool controller_pause = false;
  bool abort = false;
  std::optional<absl::Time> aborted_at;
  bool promote_full = false;
  std::optional<absl::Time> restarted_at;
  int32_t replicas = 0;
  int32_t updated_replicas = 0;
  int32_t ready_replicas = 0;
  int32_t available_replicas = 0;
  int32_t hpa_replicas = 0;
  std::string selector;
  std::optional<TrafficWeights> weights;  // canary.weights
  std::optional<RunStatusRef> step_run;
  std::optional<RunStatusRef> background_run;
  std::vector<Condition> conditions;

  const Condition* findCondition(std::string_view type) const;
  bool hasPause(std::string_view reason) const;
  friend bool operator==(const RolloutStatus&, const RolloutStatus&) = default;
};

// Reads a status written by serin (or by Argo Rollouts: the same shape). Lenient: fields of
// an unexpected type read as absent, since the controller rewrites the status anyway.
RolloutStatus parseRolloutStatus(const nlohmann::json& status);
nlohmann::json toJson(const RolloutStatus& status);

// Sets condition `c` in `conditions`, keeping lastTransitionTime when the status does not
// change and lastUpdateTime when nothing changes at all (so an unchanged reconcile writes
// nothing).
void setCondition(std::vector<Condition>& conditions, Condition c, absl::Time now);
void removeCondition(std::vector<Condition>& conditions, std::string_view type);

}  // namespace serin::rollout

#endif  // SERIN_OPERATOR_ROLLOUT_ROLLOUT_STATUS_H_
