// ReplicaSets of a Rollout: building a new one, scaling down old ones after their delay,
// and deleting those beyond revisionHistoryLimit.
#include <algorithm>

#include "common/strings.h"
#include "operator/kube/object_meta.h"
#include "operator/rollout/planner_context.h"

namespace serin::rollout {
nlohmann::json buildReplicaSet(const PlanContext& c, int32_t replicas) {
  nlohmann::json tmpl = c.spec.template_;
  nlohmann::json& tmeta = tmpl["metadata"];
  if (!tmeta.is_object()) tmeta = nlohmann::json::object();
  if (!tmeta["labels"].is_object()) tmeta["labels"] = nlohmann::json::object();
  tmeta["labels"][std::string(kPodTemplateHashLabel)] = c.hash;

  nlohmann::json selector = {{"matchLabels", c.spec.selector.match_labels.toJson()}};
  selector["matchLabels"][std::string(kPodTemplateHashLabel)] = c.hash;
  if (!c.spec.selector.match_expressions.empty()) {
    nlohmann::json exprs = nlohmann::json::array();
    for (const auto& req : c.spec.selector.match_expressions) {
      nlohmann::json e = {{"key", req.key}, {"operator", req.op}};
      if (!req.values.empty()) e["values"] = req.values;
      exprs.push_back(std::move(e));
    }
    selector["matchExpressions"] = std::move(exprs);
  }
  nlohmann::json labels = tmeta["labels"];
  return {
      {"apiVersion", "apps/v1"},
      {"kind", "ReplicaSet"},
      {"metadata",
       {{"name", c.rsName(c.hash)},
        {"namespace", c.ro.meta().ns},
        {"labels", labels},
        {"annotations",
         {{c.in.keys.revision, std::to_string(c.new_revision)},
          {c.in.keys.desired_replicas, std::to_string(c.replicas())}}},
        {"ownerReferences", nlohmann::json::array({c.ownerReference()})}}},
      {"spec",
       {{"replicas", replicas},
        {"minReadySeconds", c.spec.min_ready_seconds},
        {"selector", selector},
        {"template", tmpl}}}};
}

void planOldReplicaSets(PlanContext& c) {
  const std::string canary_target = c.observedCanaryTarget();
  const std::string stable_target = c.observedStableTarget();
  std::vector<const kube::ReplicaSet*> idle;
  for (const kube::ReplicaSet* rs : c.in.replica_sets) {
    if (rs == c.new_rs || rs == c.stable_rs || rs->meta().deletion_timestamp) continue;
    const std::string h = rs->meta().labels.get(kPodTemplateHashLabel);
    if (rs->spec_replicas == 0) {
      if (rs->replicas == 0) idle.push_back(rs);
      continue;
    }
    // Pods that a route or Service may still send traffic to stay until it points elsewhere.
    if (c.trafficRouted() && !h.empty() && (h == canary_target || h == stable_target)) continue;
    const absl::Duration delay = c.spec.scaleDownDelay();
    const std::string annotated = rs->meta().annotations.get(kScaleDownDeadlineAnnotation);
    std::optional<absl::Time> deadline = kube::parseTime(annotated);
    // After a completed update the deadline follows from when it completed (recorded in the
    // Completed condition): no annotation to write. Otherwise (an update superseded by
    // another) the deadline is written on the ReplicaSet so a restart keeps it.
    const Condition* completed = c.st.findCondition(condition::kCompleted);
    if (!deadline && !c.updating && completed != nullptr && completed->status == "True") {
      deadline = completed->last_transition_time + delay;
    }
    if (delay <= absl::ZeroDuration() || (deadline && c.now >= *deadline)) {
      c.planScale(rs, 0);
      continue;
    }
    if (!c.updating && (completed == nullptr || completed->status != "True")) {
      c.plan.requeueAt(c.now + delay, c.now);  // completes in this plan; the deadline follows
      continue;
    }
    if (!deadline) {
      ReplicaSetScale mark;
      mark.name = rs->meta().name;
      mark.from = mark.to = rs->spec_replicas;
      mark.scale_down_deadline = c.now + delay;
      mark.revision = c.revisionOf(rs);
      c.plan.scale_down.push_back(std::move(mark));
      c.plan.requeueAt(c.now + delay, c.now);
    } else {
      c.plan.requeueAt(*deadline, c.now);
    }
  }
  // History: keep the newest revisionHistoryLimit idle ReplicaSets (for undo).
  std::sort(idle.begin(), idle.end(), [&](const kube::ReplicaSet* a, const kube::ReplicaSet* b) {
    return revisionNumber(c.revisionOf(a)) > revisionNumber(c.revisionOf(b));
  });
  for (size_t i = static_cast<size_t>(std::max(c.spec.revision_history_limit, 0)); i < idle.size(); ++i) {
    c.plan.delete_replica_sets.push_back(idle[i]->meta().name);
  }
}

}  // namespace serin::rollout
