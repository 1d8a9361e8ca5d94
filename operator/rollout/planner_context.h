// Internal to the planner (rollout_planner.cc, canary_steps.cc, analysis_plan.cc,
// replica_set_plan.cc, rollout_phase.cc): the inputs, the plan being built, and facts
// derived once from them. Not part of the module's API.
#ifndef SERIN_OPERATOR_ROLLOUT_PLANNER_CONTEXT_H_
#define SERIN_OPERATOR_ROLLOUT_PLANNER_CONTEXT_H_

#include <optional>
#include <string>
#include <vector>

#include "operator/rollout/plan.h"
#include "operator/rollout/replica_math.h"
#include "operator/rollout/rollout_inputs.h"

namespace serin::rollout {

struct PlanContext {
  PlanContext(const RolloutInputs& inputs)
      : in(inputs), spec(*inputs.spec), ro(*inputs.rollout), st(plan.status), now(inputs.now) {}

  const RolloutInputs& in;
  const RolloutSpec& spec;
  const RolloutObject& ro;
  Plan plan;
  RolloutStatus& st;  // plan.status
  absl::Time now;

  std::string hash;                            // of the current pod template
  const kube::ReplicaSet* new_rs = nullptr;    // the ReplicaSet of `hash`
  const kube::ReplicaSet* stable_rs = nullptr;  // the ReplicaSet of status.stableRS
  int64_t new_revision = 0;
  bool updating = false;       // a new version is being rolled out
  bool aborted = false;        // status.abort during an update
  bool paused = false;         // spec.paused or a pause condition
  bool waiting_on_step = false;  // at a pause or analysis step (no progress deadline)
  std::string abort_message;   // why, when the controller aborts now
  bool progress_made = false;
  bool resume_pending = false;  // a human cleared the controller's pause (promote)

  // ---- derived facts ----
  const kube::ReplicaSet* rsByHash(const std::string& h) const;
  int32_t availableOf(const std::string& h) const;
  int32_t replicas() const { return spec.replicas; }
  bool trafficRouted() const { return spec.canary.istio.has_value(); }
  bool subsetSplit() const { return trafficRouted() && spec.canary.istio->destination_rule.has_value(); }
  int32_t observedWeight() const;
  bool trafficUniform() const;
  // The hash of the pods behind the canary (stable) destination now, as observed.
  std::string observedCanaryTarget() const;
  std::string observedStableTarget() const;
  std::string revisionOf(const kube::ReplicaSet* rs) const;
  std::string rsName(const std::string& h) const { return ro.meta().name + "-" + h; }

  // Requests canary traffic `weight` to the pods of `canary_hash` and the rest to
  // `stable_hash`, in safe order (see rollout_planner.h): lowers the weight first when the
  // canary destination must move to pods that cannot carry the current weight.
  void planTraffic(int32_t weight, const std::string& canary_hash, const std::string& stable_hash,
                   int32_t needed_for_weight);
  // The controller owner reference to the Rollout, for what it creates.
  nlohmann::json ownerReference() const;
  // The update is done: `hash` becomes stable (event RolloutCompleted), background runs end.
  void complete();
  // Pods of `h` the traffic flowing to them now (as observed) needs.
  int32_t podsCarryingTraffic(const std::string& h) const;
  // Requests `rs` be scaled to `replicas` (up or down lists by direction); a scale-down
  // stops at podsCarryingTraffic.
  void planScale(const kube::ReplicaSet* rs, int32_t replicas);
  // planScale of the canary (new_rs). With traffic routing, a scale-up waits while a
  // scale-down of it is still in flight: see the .cc.
  void planCanaryScale(int32_t replicas);
  // Canary pods that may carry traffic: available ones, never more than the canary is
  // meant to have (a ReplicaSet scaled down still reports its departing pods).
  int32_t canaryServable() const;
};

// The number in a revision annotation; 0 when absent or malformed.
int64_t revisionNumber(const std::string& text);

// canary_steps.cc
void planSteady(PlanContext& c);
void planUpdate(PlanContext& c);
void startAbort(PlanContext& c, std::string message);

// analysis_plan.cc
enum class RunVerdict { kNone, kRunning, kSuccessful, kFailed, kInconclusive };
struct RunState {
  RunVerdict verdict = RunVerdict::kNone;
  std::string name;
  std::string message;
};
// Ensures the run for step `index` exists (creating it) and returns its state.
RunState stepRun(PlanContext& c, int32_t index, const RolloutAnalysis& analysis);
RunState backgroundRun(PlanContext& c, const RolloutAnalysis& analysis);
void terminateRuns(PlanContext& c, bool step, bool background);
void planRunHistory(PlanContext& c);

// replica_set_plan.cc
nlohmann::json buildReplicaSet(const PlanContext& c, int32_t replicas);
void planOldReplicaSets(PlanContext& c);

// rollout_phase.cc
// The Progressing message while an update moves; it changes whenever the update makes
// progress, which is what the progress deadline measures.
std::string progressMessage(const PlanContext& c);
void finishStatus(PlanContext& c);

}  // namespace serin::rollout

#endif  // SERIN_OPERATOR_ROLLOUT_PLANNER_CONTEXT_H_
