// The Rollout planner: a pure function from cached objects and the time to a Plan.
//
// It never reads a clock, never talks to the network, and holds no state between calls:
// everything it knows is in RolloutInputs (level-based, like every Kubernetes controller).
// Its safety rules, pinned by the property tests:
//   - a canary weight is written only when the pods behind the canary destination can
//     carry it (setWeight waits for ceil(replicas * weight / 100) available canary pods);
//   - on abort, traffic and the canary selector go back to stable first; the canary is
//     scaled down only once the observed weight is 0 and then only after
//     abortScaleDownDelaySeconds;
//   - a selector or subset is switched to a version only when that version can carry the
//     traffic already flowing to it.
#ifndef SERIN_OPERATOR_ROLLOUT_ROLLOUT_PLANNER_H_
#define SERIN_OPERATOR_ROLLOUT_ROLLOUT_PLANNER_H_

#include "absl/status/status.h"
#include "operator/rollout/plan.h"
#include "operator/rollout/rollout_inputs.h"

namespace serin::rollout {

// Plans a Rollout whose spec parsed (inputs.spec set).
Plan planRollout(const RolloutInputs& inputs);

// Plans a Rollout whose spec is invalid: only its status changes (InvalidSpec condition
// naming the field, phase Degraded); nothing else is touched.
Plan planInvalidSpec(const RolloutObject& rollout, const absl::Status& error, absl::Time now);

}  // namespace serin::rollout

#endif  // SERIN_OPERATOR_ROLLOUT_ROLLOUT_PLANNER_H_
