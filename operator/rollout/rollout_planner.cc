#include "operator/rollout/rollout_planner.h"

#include <algorithm>

#include "common/strings.h"
#include "operator/rollout/planner_context.h"
#include "operator/rollout/pod_template_hash.h"

namespace serin::rollout {

int64_t revisionNumber(const std::string& text) {
  int64_t v = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9' || v > (INT64_MAX - 9) / 10) return 0;
    v = v * 10 + (ch - '0');
  }
  return v;
}

// ---- PlanContext facts ----

const kube::ReplicaSet* PlanContext::rsByHash(const std::string& h) const {
  if (h.empty()) return nullptr;
  for (const kube::ReplicaSet* rs : in.replica_sets) {
    if (rs->meta().labels.get(kPodTemplateHashLabel) == h && !rs->meta().deletion_timestamp) return rs;
  }
  return nullptr;
}

int32_t PlanContext::availableOf(const std::string& h) const {
  const kube::ReplicaSet* rs = rsByHash(h);
  return rs == nullptr ? 0 : rs->available_replicas;
}

int32_t PlanContext::observedWeight() const {
  if (!in.traffic) return 0;
  return in.traffic->canary_weight;
}

bool PlanContext::trafficUniform() const { return !in.traffic || in.traffic->uniform; }

std::string PlanContext::observedCanaryTarget() const {
  if (subsetSplit()) return in.traffic ? in.traffic->canary_subset_hash : "";
  if (in.canary_service == nullptr) return "";
  return in.canary_service->selector.get(kPodTemplateHashLabel);
}

std::string PlanContext::observedStableTarget() const {
  if (subsetSplit()) return in.traffic ? in.traffic->stable_subset_hash : "";
  if (in.stable_service == nullptr) return "";
  return in.stable_service->selector.get(kPodTemplateHashLabel);
}

std::string PlanContext::revisionOf(const kube::ReplicaSet* rs) const {
  return rs == nullptr ? "" : rs->meta().annotations.get(in.keys.revision);
}

int32_t PlanContext::podsCarryingTraffic(const std::string& h) const {
  if (!trafficRouted() || h.empty()) return 0;
  const int32_t w = std::clamp(observedWeight(), 0, 100);
  int32_t flow = 0;
  if (observedStableTarget() == h) flow += 100 - w;
  // With setCanaryScale the user sizes the canary explicitly, whatever its weight.
  const bool explicit_scale = std::any_of(spec.canary.steps.begin(), spec.canary.steps.end(),
                                          [](const CanaryStep& s) { return std::holds_alternative<SetCanaryScaleStep>(s); });
  if (observedCanaryTarget() == h && !explicit_scale) flow += w;
  return percentOfReplicas(replicas(), std::min(flow, 100));
}

nlohmann::json PlanContext::ownerReference() const {
  return {{"apiVersion", in.api_version}, {"kind", "Rollout"}, {"name", ro.meta().name},
          {"uid", ro.meta().uid}, {"controller", true}, {"blockOwnerDeletion", true}};
}

void PlanContext::complete() {
  st.stable_rs = hash;
  plan.event(kube::EventType::kNormal, "RolloutCompleted",
             strCat("Rollout completed update to revision ", new_revision, " (", hash,
                    "): Completed all steps"));
  terminateRuns(*this, false, true);
}

void PlanContext::planScale(const kube::ReplicaSet* rs, int32_t replicas) {
  if (rs == nullptr) return;
  if (replicas < rs->spec_replicas) {
    // Never below what the traffic flowing to these pods right now needs (as observed): a
    // scale-down waits until the routes have moved away.
    replicas = std::min(rs->spec_replicas,
                        std::max(replicas, podsCarryingTraffic(rs->meta().labels.get(kPodTemplateHashLabel))));
  }
  if (rs->spec_replicas == replicas) return;
  ReplicaSetScale s;
  s.name = rs->meta().name;
  s.from = rs->spec_replicas;
  s.to = replicas;
  s.revision = revisionOf(rs);
  if (replicas > rs->spec_replicas) {
    // A scale-up cancels a pending scale-down.
    s.clear_deadline = rs->meta().annotations.contains(kScaleDownDeadlineAnnotation);
    plan.scale_up.push_back(std::move(s));
  } else {
    s.clear_deadline = rs->meta().annotations.contains(kScaleDownDeadlineAnnotation);
    plan.scale_down.push_back(std::move(s));
  }
}

void PlanContext::planCanaryScale(int32_t replicas) {
  // The ReplicaSet controller writes status from its pod cache even before that cache has
  // seen the deletions it just made, and marks it observed. A canary scaled down (abort)
  // and straight back up (retry) would then report its departing pods as available for
  // the new spec, and a weight would be written for pods on their way out. So while the
  // status still counts more pods than the spec wants, the scale-up waits; the status
  // update that ends the scale-down re-queues the Rollout.
  if (trafficRouted() && new_rs != nullptr && replicas > new_rs->spec_replicas &&
      new_rs->replicas > new_rs->spec_replicas) {
    return;
  }
  planScale(new_rs, replicas);
}

int32_t PlanContext::canaryServable() const {
  if (new_rs == nullptr) return 0;
  return std::max(0, std::min(new_rs->available_replicas, new_rs->spec_replicas));
}

void PlanContext::planTraffic(int32_t weight, const std::string& canary_hash,
                              const std::string& stable_hash, int32_t needed_for_weight) {
  if (!trafficRouted()) return;
  const int32_t observed = observedWeight();
  const std::string canary_now = observedCanaryTarget();
  const std::string stable_now = observedStableTarget();
  const bool host_split = !subsetSplit();

  // Can the pods of `h` carry `w` now? The stable side needs its share of spec.replicas.
  auto canCarry = [&](const std::string& h, int32_t w, bool canary_side) {
    if (w <= 0) return true;
    const int32_t needed = canary_side ? (w == weight ? needed_for_weight : percentOfReplicas(replicas(), w))
                                       : percentOfReplicas(replicas(), w);
    return availableOf(h) >= needed;
  };

  int32_t target = weight;
  bool switch_canary = canary_now != canary_hash;
  bool switch_stable = stable_now != stable_hash;
  if (switch_canary && !canCarry(canary_hash, observed, true)) {
    // The new canary pods cannot take what flows to the canary destination today: first
    // bring that down (in this plan), move the destination in a later one.
    switch_canary = false;
    target = std::min(target, observed);
    target = std::min(target, servableWeight(observed, percentOfReplicas(replicas(), observed),
                                             availableOf(canary_hash)));
  }
  if (switch_stable && !canCarry(stable_hash, 100 - std::min(observed, target), false)) {
    switch_stable = false;
  }
  if (host_split) {
    if (switch_canary && !spec.canary.canary_service.empty()) {
      plan.selectors.push_back({spec.canary.canary_service, canary_hash});
    }
    if (switch_stable && !spec.canary.stable_service.empty()) {
      plan.selectors.push_back({spec.canary.stable_service, stable_hash});
    }
  } else {
    // Subset split: services (when configured) follow the subsets.
    if (switch_canary && in.canary_service != nullptr &&
        in.canary_service->selector.get(kPodTemplateHashLabel) != canary_hash) {
      plan.selectors.push_back({spec.canary.canary_service, canary_hash});
    }
    if (switch_stable && in.stable_service != nullptr &&
        in.stable_service->selector.get(kPodTemplateHashLabel) != stable_hash) {
      plan.selectors.push_back({spec.canary.stable_service, stable_hash});
    }
  }
  // The hashes the destinations will point at once this plan is applied.
  const std::string canary_after = switch_canary ? canary_hash : canary_now;
  const std::string stable_after = switch_stable ? stable_hash : stable_now;
  if (target > observed && canary_after != canary_hash) target = observed;  // never raise onto old pods
  const bool subsets_change = !host_split && (canary_after != canary_now || stable_after != stable_now);
  if (target != observed || !trafficUniform() || subsets_change) {
    plan.traffic = TrafficChange{target, canary_after.empty() ? canary_hash : canary_after,
                                 stable_after.empty() ? stable_hash : stable_after};
  }
  st.weights = TrafficWeights{{target, spec.canary.canary_service, canary_after.empty() ? canary_hash : canary_after},
                              {100 - target, spec.canary.stable_service, stable_after.empty() ? stable_hash : stable_after}};
}

// ---- planning ----

Plan planInvalidSpec(const RolloutObject& rollout, const absl::Status& error, absl::Time now) {
  Plan plan;
  plan.status = rollout.status;
  RolloutStatus& st = plan.status;
  const std::string message = strCat("The Rollout \"", rollout.meta().name, "\" is invalid: ", error.message());
  setCondition(st.conditions, {std::string(condition::kInvalidSpec), "True", std::string(reason::kInvalidSpec),
                               message}, now);
  st.phase = std::string(kPhaseDegraded);
  st.message = strCat("InvalidSpec: ", message);
  st.observed_generation = std::to_string(rollout.meta().generation);
  return plan;
}

namespace {

std::string stepsHash(const RolloutObject& ro) {
  const nlohmann::json spec = ro.spec();
  if (!spec.is_object()) return "";
  const auto strategy = spec.find("strategy");
  if (strategy == spec.end() || !strategy->is_object()) return "";
  const auto canary = strategy->find("canary");
  if (canary == strategy->end() || !canary->is_object()) return "";
  const auto steps = canary->find("steps");
  return shortHash(steps == canary->end() ? "[]" : steps->dump());
}

static_assert(kube::kPodTemplateHashLabel == kPodTemplateHashLabel);

// `pod_template` equals the template stored in a ReplicaSet (known by its digest, see
// kube::podTemplateDigest), ignoring the hash label and a null creationTimestamp (both added
// on the way into the ReplicaSet).
bool templatesMatch(const nlohmann::json& pod_template, uint64_t stored_digest) {
  return stored_digest != 0 && kube::podTemplateDigest(pod_template) == stored_digest;
}

}  // namespace

Plan planRollout(const RolloutInputs& inputs) {
  PlanContext c(inputs);
  c.plan.status = inputs.rollout->status;
  RolloutStatus& st = c.st;
  removeCondition(st.conditions, condition::kInvalidSpec);
  st.observed_generation = std::to_string(c.ro.meta().generation);
  st.selector = c.spec.selector.toString();

  c.hash = podTemplateHash(c.spec.template_);
  if (c.rsByHash(c.hash) == nullptr) {
    // An undo copies a ReplicaSet's stored template (with the API server's defaults) back
    // into the Rollout: that hashes differently, but it is that ReplicaSet's version.
    for (const kube::ReplicaSet* rs : inputs.replica_sets) {
      if (templatesMatch(c.spec.template_, rs->template_digest)) {
        c.hash = rs->meta().labels.get(kPodTemplateHashLabel);
        break;
      }
    }
  }
  int64_t max_revision = 0;
  for (const kube::ReplicaSet* rs : inputs.replica_sets) {
    max_revision = std::max(max_revision, revisionNumber(c.revisionOf(rs)));
  }

  // A new pod template (or an undo to an older one) starts a new update from step 0.
  if (st.current_pod_hash != c.hash) {
    if (!st.current_pod_hash.empty()) {
      c.plan.event(kube::EventType::kNormal, "RolloutUpdated",
                   strCat("Rollout updated to revision ", max_revision + (c.rsByHash(c.hash) ? 0 : 1)));
    }
    st.current_pod_hash = c.hash;
    st.current_step_index = 0;
    st.pause_conditions.clear();
    st.controller_pause = false;
    st.abort = false;
    st.aborted_at.reset();
    st.promote_full = false;
    st.step_run.reset();
    st.background_run.reset();
  }
  // Changed steps restart the update from the first step.
  const std::string steps_hash = stepsHash(c.ro);
  if (st.current_step_hash != steps_hash) {
    if (!st.current_step_hash.empty() && st.stable_rs != c.hash) {
      st.current_step_index = 0;
      st.pause_conditions.clear();
      st.controller_pause = false;
    }
    st.current_step_hash = steps_hash;
  }

  // Things the routing needs that are not there: report them and change nothing until
  // they are fixed (the informers re-queue the Rollout when they appear).
  std::string missing;
  const auto& canary = c.spec.canary;
  if (!canary.canary_service.empty() && c.in.canary_service == nullptr) {
    missing = strCat("spec.strategy.canary.canaryService: Service \"", canary.canary_service, "\" not found");
  } else if (!canary.stable_service.empty() && c.in.stable_service == nullptr) {
    missing = strCat("spec.strategy.canary.stableService: Service \"", canary.stable_service, "\" not found");
  }
  if (missing.empty() && c.in.traffic && !c.in.traffic->error.ok()) {
    missing = std::string(c.in.traffic->error.message());
  }
  if (!missing.empty()) {
    setCondition(st.conditions, {std::string(condition::kInvalidSpec), "True", std::string(reason::kInvalidSpec),
                                 strCat("The Rollout \"", c.ro.meta().name, "\" is invalid: ", missing)},
                 c.now);
    c.new_rs = c.rsByHash(c.hash);
    c.stable_rs = c.rsByHash(st.stable_rs);
    c.updating = !st.stable_rs.empty() && st.stable_rs != c.hash;
    finishStatus(c);
    return std::move(c.plan);
  }
  c.new_rs = c.rsByHash(c.hash);
  if (c.new_rs == nullptr) {
    // First deploy: the first version is stable at once and skips the steps.
    const bool first = st.stable_rs.empty() || c.rsByHash(st.stable_rs) == nullptr;
    c.new_revision = max_revision + 1;
    // A canary starts at the size its first step asks for (one write fewer than creating
    // it empty and scaling it); traffic waits for its pods as always.
    int32_t initial = first ? c.replicas() : 0;
    if (!first && !c.spec.canary.steps.empty() &&
        std::holds_alternative<SetWeightStep>(c.spec.canary.steps.front())) {
      initial = percentOfReplicas(c.replicas(), std::get<SetWeightStep>(c.spec.canary.steps.front()).weight);
    }
    c.plan.create_replica_set = buildReplicaSet(c, initial);
    c.plan.event(kube::EventType::kNormal, "NewReplicaSetCreated",
                 strCat("Created ReplicaSet ", c.rsName(c.hash), " (revision ", c.new_revision, ")"));
    setCondition(st.conditions, {std::string(condition::kProgressing), "True",
                                 std::string(reason::kNewReplicaSetCreated),
                                 strCat("Created new replica set \"", c.rsName(c.hash), "\"")}, c.now);
    if (first) st.stable_rs = c.hash;
    c.updating = st.stable_rs != c.hash;
    finishStatus(c);
    return std::move(c.plan);
  }
  c.new_revision = revisionNumber(c.revisionOf(c.new_rs));
  if (st.stable_rs.empty() || c.rsByHash(st.stable_rs) == nullptr) {
    // No stable version to protect (first deploy, or it was deleted): this one is stable.
    st.stable_rs = c.hash;
  }
  c.stable_rs = c.rsByHash(st.stable_rs);
  c.updating = st.stable_rs != c.hash;

  if (c.updating) {
    planUpdate(c);
  } else {
    planSteady(c);
  }
  planOldReplicaSets(c);
  planRunHistory(c);
  finishStatus(c);
  return std::move(c.plan);
}

}  // namespace serin::rollout
