// The status a plan ends with: replica counts, conditions, phase and message, as Argo
// Rollouts computes them (argo-compat §3), so Argo CD health checks and dashboards read
// serin's Rollouts the same way.
#include <algorithm>

#include "common/strings.h"
#include "operator/rollout/planner_context.h"

namespace serin::rollout {
namespace {

Condition cond(std::string_view type, std::string_view status, std::string_view reason,
               std::string message) {
  return {std::string(type), std::string(status), std::string(reason), std::move(message)};
}

}  // namespace

std::string progressMessage(const PlanContext& c) {
  const int32_t n = static_cast<int32_t>(c.spec.canary.steps.size());
  const bool updating = c.st.stable_rs != c.hash;
  const int32_t canary_available = c.new_rs != nullptr ? c.new_rs->available_replicas : 0;
  std::string message = strCat("ReplicaSet \"", c.rsName(c.hash), "\" is progressing");
  if (updating && n > 0) strAppend(&message, ": step ", c.st.current_step_index.value_or(0), "/", n);
  strAppend(&message, updating && n > 0 ? ", " : ": ", canary_available, " pods available");
  if (c.waiting_on_step) strAppend(&message, ", waiting on the step");
  return message;
}

void finishStatus(PlanContext& c) {
  RolloutStatus& st = c.st;
  int32_t replicas = 0, ready = 0, available = 0;
  for (const kube::ReplicaSet* rs : c.in.replica_sets) {
    if (rs->meta().deletion_timestamp) continue;
    replicas += rs->replicas;
    ready += rs->ready_replicas;
    available += rs->available_replicas;
  }
  st.replicas = replicas;
  st.ready_replicas = ready;
  st.available_replicas = available;
  st.updated_replicas = c.new_rs != nullptr ? c.new_rs->replicas : 0;
  st.hpa_replicas = replicas;
  const int32_t want = c.replicas();
  const bool updating = st.stable_rs != c.hash;
  const std::string rs_name = c.rsName(c.hash);

  // Available: enough pods of any version.
  setCondition(st.conditions,
               available >= want ? cond(condition::kAvailable, "True", reason::kAvailableReason,
                                        "Rollout has minimum availability")
                                  : cond(condition::kAvailable, "False", reason::kAvailableReason,
                                         "Rollout does not have minimum availability"),
               c.now);

  // Paused.
  c.paused = c.spec.paused || !st.pause_conditions.empty();
  if (c.paused) {
    setCondition(st.conditions, cond(condition::kPaused, "True", reason::kRolloutPaused, "Rollout is paused"),
                 c.now);
  } else if (st.findCondition(condition::kPaused) != nullptr) {
    setCondition(st.conditions,
                 cond(condition::kPaused, "False", reason::kRolloutResumed, "Rollout is resumed"), c.now);
  }

  // Progressing.
  const Condition* progressing = st.findCondition(condition::kProgressing);
  const bool deadline_exceeded = progressing != nullptr && progressing->status == "False" &&
                                 progressing->reason == reason::kProgressDeadlineExceeded;
  if (st.abort) {
    if (progressing == nullptr || progressing->reason != reason::kRolloutAborted) {
      setCondition(st.conditions, cond(condition::kProgressing, "False", reason::kRolloutAborted,
                                       strCat("Rollout aborted update to revision ", c.new_revision)),
                   c.now);
    }
  } else if (c.paused) {
    setCondition(st.conditions, cond(condition::kProgressing, "Unknown", reason::kRolloutPaused,
                                     "Rollout is paused"), c.now);
  } else if (!updating && c.new_rs != nullptr && c.new_rs->available_replicas >= want) {
    setCondition(st.conditions, cond(condition::kProgressing, "True", reason::kNewReplicaSetAvailable,
                                     strCat("ReplicaSet \"", rs_name, "\" has successfully progressed.")),
                 c.now);
  } else if (!deadline_exceeded || c.progress_made) {
    setCondition(st.conditions,
                 cond(condition::kProgressing, "True", reason::kReplicaSetUpdated, progressMessage(c)),
                 c.now);
  }

  // Phase and message.
  const Condition* invalid = st.findCondition(condition::kInvalidSpec);
  const Condition* prog = st.findCondition(condition::kProgressing);
  const bool healthy_now = !updating && !st.abort && invalid == nullptr && !c.paused &&
                           c.new_rs != nullptr && c.new_rs->available_replicas >= want &&
                           c.new_rs->spec_replicas == want && !c.plan.traffic && c.plan.selectors.empty();
  if (invalid != nullptr) {
    st.phase = std::string(kPhaseDegraded);
    st.message = strCat("InvalidSpec: ", invalid->message);
  } else if (st.abort) {
    st.phase = std::string(kPhaseDegraded);
    st.message = strCat("RolloutAborted: ", prog != nullptr ? prog->message : "Rollout aborted");
  } else if (prog != nullptr && prog->reason == reason::kProgressDeadlineExceeded && prog->status == "False") {
    st.phase = std::string(kPhaseDegraded);
    st.message = strCat("ProgressDeadlineExceeded: ", prog->message);
  } else if (c.paused) {
    st.phase = std::string(kPhasePaused);
    st.message = c.spec.paused ? std::string("manually paused") : st.pause_conditions.front().reason;
  } else if (healthy_now) {
    st.phase = std::string(kPhaseHealthy);
    st.message.clear();
  } else {
    st.phase = std::string(kPhaseProgressing);
    if (c.new_rs == nullptr || c.new_rs->replicas < (updating ? 0 : want)) {
      st.message = "more replicas need to be updated";
    } else if (updating) {
      st.message = "waiting for rollout to finish steps";
    } else {
      st.message = "updated replicas are still becoming available";
    }
  }

  setCondition(st.conditions,
               st.phase == kPhaseHealthy
                   ? cond(condition::kHealthy, "True", reason::kRolloutHealthy, "Rollout is healthy")
                   : cond(condition::kHealthy, "False", reason::kRolloutHealthy, "Rollout is not healthy"),
               c.now);
  setCondition(st.conditions,
               st.phase == kPhaseHealthy
                   ? cond(condition::kCompleted, "True", reason::kRolloutCompleted, "Rollout is completed")
                   : cond(condition::kCompleted, "False", reason::kRolloutCompleted, "Rollout not completed"),
               c.now);
}

}  // namespace serin::rollout
