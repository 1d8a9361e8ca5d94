// The canary strategy's steps: steady state, each step kind, promotion, abort and retry.
#include <algorithm>
#include <variant>

#include "common/strings.h"
#include "operator/rollout/planner_context.h"

namespace serin::rollout {
namespace {

std::string describe(const CanaryStep& step) {
  if (const auto* w = std::get_if<SetWeightStep>(&step)) return strCat("setWeight: ", w->weight);
  if (const auto* p = std::get_if<PauseStep>(&step)) {
    return p->duration ? strCat("pause: ", absl::FormatDuration(*p->duration)) : std::string("pause");
  }
  if (std::holds_alternative<SetCanaryScaleStep>(step)) return "setCanaryScale";
  return "analysis";
}

// The setCanaryScale in effect at step `index`.
CanaryScale scaleAt(const std::vector<CanaryStep>& steps, int32_t index) {
  CanaryScale scale;
  for (int32_t i = 0; i <= index && i < static_cast<int32_t>(steps.size()); ++i) {
    if (const auto* s = std::get_if<SetCanaryScaleStep>(&steps[i])) {
      scale = s->match_traffic_weight ? CanaryScale{} : CanaryScale{s->weight, s->replicas};
    }
  }
  return scale;
}

void removePause(RolloutStatus& st, std::string_view reason) {
  st.pause_conditions.erase(std::remove_if(st.pause_conditions.begin(), st.pause_conditions.end(),
                                           [&](const PauseCondition& p) { return p.reason == reason; }),
                            st.pause_conditions.end());
}

void addPause(PlanContext& c, std::string_view reason) {
  if (c.st.hasPause(reason)) return;
  c.st.pause_conditions.push_back({std::string(reason), c.now});
  c.st.controller_pause = true;
  c.plan.event(kube::EventType::kNormal, "RolloutPaused", strCat("Rollout is paused (", reason, ")"));
}

// True once a human resumed a pause the controller made (promote clears pauseConditions
// and leaves controllerPause set). The resume is consumed by the first pause it ends.
bool consumeResume(PlanContext& c) {
  if (!c.resume_pending) return false;
  c.resume_pending = false;
  c.st.controller_pause = false;
  return true;
}

enum class StepResult { kCompleted, kWaiting };

StepResult runStep(PlanContext& c, int32_t index, int32_t needed_for_current_weight) {
  RolloutStatus& st = c.st;
  const CanaryStep& step = c.spec.canary.steps[index];
  if (const auto* w = std::get_if<SetWeightStep>(&step)) {
    if (!c.trafficRouted()) {
      const kube::ReplicaSet* canary = c.new_rs;
      const int32_t want = needed_for_current_weight;
      const bool canary_ready = canary != nullptr && canary->spec_replicas == want &&
                                canary->available_replicas >= want && canary->observed();
      const bool stable_sized = c.stable_rs == nullptr ||
                                c.stable_rs->spec_replicas == std::max(0, c.replicas() - want);
      return canary_ready && stable_sized ? StepResult::kCompleted : StepResult::kWaiting;
    }
    const bool reached = c.observedWeight() == w->weight && c.trafficUniform() &&
                         (w->weight == 0 || c.observedCanaryTarget() == c.hash);
    return reached ? StepResult::kCompleted : StepResult::kWaiting;
  }
  if (const auto* p = std::get_if<PauseStep>(&step)) {
    c.waiting_on_step = true;
    if (consumeResume(c)) return StepResult::kCompleted;
    if (!st.hasPause(reason::kCanaryPauseStep)) {
      if (p->duration && *p->duration <= absl::ZeroDuration()) return StepResult::kCompleted;
      addPause(c, reason::kCanaryPauseStep);
    }
    if (p->duration) {
      const auto it = std::find_if(st.pause_conditions.begin(), st.pause_conditions.end(),
                                   [](const PauseCondition& pc) { return pc.reason == reason::kCanaryPauseStep; });
      const absl::Time end = it->start_time + *p->duration;
      if (c.now >= end) {
        removePause(st, reason::kCanaryPauseStep);
        st.controller_pause = !st.pause_conditions.empty();
        c.plan.event(kube::EventType::kNormal, "RolloutResumed", "Rollout is resumed");
        return StepResult::kCompleted;
      }
      c.plan.requeueAt(end, c.now);
    }
    return StepResult::kWaiting;
  }
  if (std::holds_alternative<SetCanaryScaleStep>(step)) {
    // Sizing is applied below for the step in effect; the step is done once the canary has
    // that many pods available.
    const kube::ReplicaSet* canary = c.new_rs;
    const int32_t want = needed_for_current_weight;
    return canary != nullptr && canary->spec_replicas == want && canary->available_replicas >= want
               ? StepResult::kCompleted
               : StepResult::kWaiting;
  }
  const auto& analysis = std::get<AnalysisStep>(step).analysis;
  c.waiting_on_step = true;
  RunState run = stepRun(c, index, analysis);
  switch (run.verdict) {
    case RunVerdict::kSuccessful:
      return StepResult::kCompleted;
    case RunVerdict::kFailed:
      startAbort(c, strCat("Step-based analysis phase ", run.message.empty() ? "failed" : run.message));
      return StepResult::kWaiting;
    case RunVerdict::kInconclusive:
      if (consumeResume(c)) return StepResult::kCompleted;  // a human judged it
      addPause(c, reason::kInconclusiveAnalysisRun);
      return StepResult::kWaiting;
    default:
      return StepResult::kWaiting;
  }
}

// Background analysis: from startingStep to the end of the update.
void checkBackgroundAnalysis(PlanContext& c, int32_t index) {
  const auto& bg = c.spec.canary.background_analysis;
  if (!bg || index < bg->starting_step || c.aborted) return;
  RunState run = backgroundRun(c, *bg);
  if (run.verdict == RunVerdict::kFailed) {
    startAbort(c, strCat("Background analysis phase ", run.message.empty() ? "failed" : run.message));
  } else if (run.verdict == RunVerdict::kInconclusive) {
    if (consumeResume(c)) {
      c.st.background_run.reset();  // a human judged it: analysis goes on with a new run
    } else {
      addPause(c, reason::kInconclusiveAnalysisRun);
    }
  }
}

void planAbortedUpdate(PlanContext& c) {
  RolloutStatus& st = c.st;
  c.aborted = true;
  if (!st.aborted_at) st.aborted_at = c.now;
  terminateRuns(c, true, true);
  st.pause_conditions.clear();
  st.controller_pause = false;
  const std::string stable = st.stable_rs;
  // Stable keeps (or regains) its full size first: it takes all traffic back.
  c.planScale(c.stable_rs, c.replicas());
  if (c.trafficRouted()) {
    c.planTraffic(0, stable, stable, 0);
  } else if (c.new_rs != nullptr && c.stable_rs != nullptr &&
             c.stable_rs->available_replicas >= c.replicas()) {
    c.planScale(c.new_rs, 0);  // basic canary: the weight is the pod count itself
    return;
  }
  if (!c.trafficRouted() || c.new_rs == nullptr) return;
  // The canary goes only once no traffic reaches it: weight 0 observed on every route, and
  // the canary destination observed on the stable pods.
  // Both destinations count: an abort during promotion finds the stable destination
  // already on the canary's pods.
  const bool canary_off = c.observedCanaryTarget() == stable ||
                          (!c.subsetSplit() && c.spec.canary.canary_service.empty());
  const bool stable_back = c.observedStableTarget() == stable ||
                           (!c.subsetSplit() && c.spec.canary.stable_service.empty());
  const bool drained = c.observedWeight() == 0 && c.trafficUniform() && canary_off && stable_back;
  if (!drained || c.spec.abortScaleDownNever() || c.new_rs->spec_replicas == 0) return;
  const absl::Time deadline = *st.aborted_at + c.spec.abortScaleDownDelay();
  if (c.now >= deadline) {
    c.planScale(c.new_rs, 0);
  } else {
    c.plan.requeueAt(deadline, c.now);
  }
}

// progressDeadlineSeconds: no progress (new pods available, a step done) for that long while
// the update is neither paused nor waiting on a step. True when it aborted the update.
bool checkProgressDeadline(PlanContext& c) {
  RolloutStatus& st = c.st;
  if (c.waiting_on_step || c.paused || c.progress_made) return false;
  const Condition* p = st.findCondition(condition::kProgressing);
  if (p == nullptr) return false;
  const bool moving = p->status == "True" && (p->reason == reason::kReplicaSetUpdated ||
                                               p->reason == reason::kNewReplicaSetCreated ||
                                               p->reason == reason::kFoundNewReplicaSet);
  const bool timed_out = p->status == "False" && p->reason == reason::kProgressDeadlineExceeded;
  if (!moving && !timed_out) return false;
  if (moving && p->message != progressMessage(c)) return false;  // progress this round
  const absl::Time deadline = p->last_update_time + absl::Seconds(c.spec.progress_deadline_seconds);
  if (timed_out) {
    if (c.spec.progress_deadline_abort) {
      startAbort(c, p->message);
      return true;
    }
    return false;
  }
  if (c.now < deadline) {
    c.plan.requeueAt(deadline, c.now);
    return false;
  }
  const std::string message = strCat("ReplicaSet \"", c.rsName(c.hash), "\" has timed out progressing.");
  setCondition(st.conditions, {std::string(condition::kProgressing), "False",
                               std::string(reason::kProgressDeadlineExceeded), message}, c.now);
  if (c.spec.progress_deadline_abort) {
    startAbort(c, message);
    return true;
  }
  return false;
}

}  // namespace

void startAbort(PlanContext& c, std::string message) {
  if (c.aborted) return;
  c.st.abort = true;
  c.abort_message = std::move(message);
  c.plan.event(kube::EventType::kWarning, "RolloutAborted",
               strCat("Rollout aborted update to revision ", c.new_revision, ": ", c.abort_message));
  setCondition(c.st.conditions, {std::string(condition::kProgressing), "False",
                                 std::string(reason::kRolloutAborted),
                                 strCat("Rollout aborted update to revision ", c.new_revision, ": ",
                                        c.abort_message)}, c.now);
  planAbortedUpdate(c);
}

void planSteady(PlanContext& c) {
  RolloutStatus& st = c.st;
  st.abort = false;
  st.aborted_at.reset();
  st.pause_conditions.clear();
  st.controller_pause = false;
  st.promote_full = false;
  if (!c.spec.canary.steps.empty()) st.current_step_index = static_cast<int32_t>(c.spec.canary.steps.size());
  c.planScale(c.new_rs, c.replicas());
  c.planTraffic(0, c.hash, c.hash, 0);
  // The update is over: its runs are history (and terminated below).
  st.step_run.reset();
  st.background_run.reset();
  if (!c.trafficRouted()) {
    // Without a router the Services (when given) still select the stable pods.
    for (const auto& [name, svc] : {std::pair{c.spec.canary.canary_service, c.in.canary_service},
                                   std::pair{c.spec.canary.stable_service, c.in.stable_service}}) {
      if (!name.empty() && svc != nullptr && svc->selector.get(kPodTemplateHashLabel) != c.hash) {
        c.plan.selectors.push_back({name, c.hash});
      }
    }
  }
  terminateRuns(c, true, true);
}

void planUpdate(PlanContext& c) {
  RolloutStatus& st = c.st;
  const auto& steps = c.spec.canary.steps;
  const int32_t n = static_cast<int32_t>(steps.size());

  // Retry: the abort flag was cleared by a human after an abort.
  if (!st.abort && st.aborted_at) {
    st.aborted_at.reset();
    st.current_step_index = 0;
    st.pause_conditions.clear();
    st.controller_pause = false;
    st.step_run.reset();
    st.background_run.reset();
    setCondition(st.conditions, {std::string(condition::kProgressing), "Unknown",
                                 std::string(reason::kRolloutRetry), "Retrying the update"}, c.now);
  }
  if (st.abort) {
    if (!st.aborted_at) {
      // Aborted by a human (kubectl serin abort) or by a previous reconcile.
      c.plan.event(kube::EventType::kWarning, "RolloutAborted",
                   strCat("Rollout aborted update to revision ", c.new_revision));
      setCondition(st.conditions, {std::string(condition::kProgressing), "False",
                                   std::string(reason::kRolloutAborted),
                                   strCat("Rollout aborted update to revision ", c.new_revision)}, c.now);
    }
    planAbortedUpdate(c);
    return;
  }

  // Rollback window: going back to one of the last revisions skips steps and analysis.
  bool skip_steps = st.promote_full || n == 0;
  // (Revisions, not creation times: two versions may be created within the same second.)
  const int64_t new_revision = revisionNumber(c.revisionOf(c.new_rs));
  if (c.spec.rollback_window_revisions && c.stable_rs != nullptr &&
      new_revision < revisionNumber(c.revisionOf(c.stable_rs))) {
    int32_t newer = 0;
    for (const kube::ReplicaSet* rs : c.in.replica_sets) {
      if (revisionNumber(c.revisionOf(rs)) > new_revision) ++newer;
    }
    skip_steps = skip_steps || newer <= *c.spec.rollback_window_revisions;
  }

  c.resume_pending = st.controller_pause && st.pause_conditions.empty();
  int32_t i = std::clamp(st.current_step_index.value_or(0), 0, n);
  if (skip_steps) {
    i = n;
    st.pause_conditions.clear();
    st.controller_pause = false;
  }

  // Walk the steps as far as they are complete.
  while (i < n && !c.spec.paused) {
    const int32_t weight = setWeightAt(steps, i);
    const int32_t needed = canaryReplicasFor(c.replicas(), weight, scaleAt(steps, i));
    checkBackgroundAnalysis(c, i);
    if (c.aborted) return;
    if (st.hasPause(reason::kInconclusiveAnalysisRun)) break;  // held for a human
    if (runStep(c, i, needed) != StepResult::kCompleted) break;
    if (c.aborted) return;
    c.plan.event(kube::EventType::kNormal, "RolloutStepCompleted",
                 strCat("Rollout step ", i + 1, "/", n, " completed (", describe(steps[i]), ")"));
    c.progress_made = true;
    ++i;
  }
  if (c.aborted) return;
  st.current_step_index = n > 0 ? std::optional<int32_t>(i) : std::nullopt;
  c.paused = c.spec.paused || !st.pause_conditions.empty();
  if (i < n) checkBackgroundAnalysis(c, i);
  if (c.aborted) return;

  if (c.resume_pending) st.controller_pause = false;  // nothing was waiting for it
  if (checkProgressDeadline(c)) return;
  const std::string stable = st.stable_rs;
  if (c.trafficRouted()) c.planScale(c.stable_rs, c.replicas());
  if (i >= n) {
    // Promotion: the canary to full size; once it is all available the stable
    // destination moves to it, then the canary weight returns to 0 and it becomes stable.
    c.planCanaryScale(c.replicas());
    const bool full = c.canaryServable() >= c.replicas() && c.new_rs->observed() &&
                      c.new_rs->spec_replicas == c.replicas();
    if (!c.trafficRouted()) {
      if (full) c.complete();
      return;
    }
    if (!full) {
      // Hold the current weight (never raise it: promote --full skips the steps that would)
      // while the canary grows to full size.
      const int32_t held = std::min(c.observedWeight(), n > 0 ? setWeightAt(steps, n - 1) : 0);
      c.planTraffic(servableWeight(held, percentOfReplicas(c.replicas(), held), c.canaryServable()),
                    c.hash, stable, percentOfReplicas(c.replicas(), held));
      return;
    }
    c.planTraffic(0, c.hash, c.hash, c.replicas());
    const bool switched = c.observedStableTarget() == c.hash && c.observedWeight() == 0 &&
                          c.trafficUniform() && c.plan.selectors.empty() && !c.plan.traffic;
    if (switched) c.complete();
    return;
  }

  // Within the steps: size the canary for the weight in effect, and write the weight only
  // when the canary pods can carry it.
  const int32_t weight = setWeightAt(steps, i);
  const CanaryScale scale = scaleAt(steps, i);
  const int32_t needed = canaryReplicasFor(c.replicas(), weight, scale);
  if (c.spec.paused) {
    // Manually paused: hold; never raise the weight, lower it if pods went away.
    if (c.trafficRouted()) {
      const int32_t held = std::min(c.observedWeight(),
                                    servableWeight(c.observedWeight(), percentOfReplicas(c.replicas(), c.observedWeight()),
                                                   c.canaryServable()));
      c.planTraffic(held, c.hash, stable, needed);
    }
    return;
  }
  c.planCanaryScale(needed);
  if (!c.trafficRouted()) {
    // Basic canary: the weight is carried by pod counts. The stable side shrinks only as far
    // as canary pods have become available, so capacity never drops below spec.replicas.
    const int32_t canary_ready = std::min(c.new_rs->available_replicas, needed);
    c.planScale(c.stable_rs, std::max(0, c.replicas() - std::max(canary_ready, 0)));
    return;
  }
  const int32_t available = c.canaryServable();
  int32_t target = weight;
  if (available < needed || !c.new_rs->observed()) {
    const bool at_set_weight = std::holds_alternative<SetWeightStep>(steps[i]);
    const int32_t previous = at_set_weight && i > 0 ? setWeightAt(steps, i - 1) : (at_set_weight ? 0 : weight);
    const int32_t previous_needed = canaryReplicasFor(c.replicas(), previous, scaleAt(steps, std::max(i - 1, 0)));
    target = servableWeight(previous, previous_needed, available);
  }
  c.planTraffic(target, c.hash, stable, needed);
}

}  // namespace serin::rollout
