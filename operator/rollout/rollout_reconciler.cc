#include "operator/rollout/rollout_reconciler.h"

#include "analysis/model/spec_json.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "operator/rollout/keys.h"
#include "operator/rollout/rollout_planner.h"
#include "operator/rollout/rollout_spec.h"

namespace serin::rollout {
namespace {

template <typename T>
const T* rawPtr(const std::shared_ptr<const T>& p) {
  return p.get();
}

}  // namespace

RolloutReconciler::RolloutReconciler(RolloutCaches caches, kube::KubeClient& client,
                                     traffic::TrafficRouter* router, kube::EventRecorder& events,
                                     const Clock& clock, const Logger& log, ReconcilerOptions options)
    : caches_(caches),
      client_(client),
      router_(router),
      events_(events),
      clock_(clock),
      log_(log),
      options_(std::move(options)) {}

void RolloutReconciler::event(const RolloutObject& ro, kube::EventType type, const std::string& reason,
                              const std::string& message) {
  events_.record({options_.api_group + "/v1alpha1", "Rollout", ro.meta().ns, ro.meta().name, ro.meta().uid},
                 type, reason, message);
}

absl::StatusOr<std::optional<absl::Duration>> RolloutReconciler::reconcile(const kube::ObjectKey& key) {
  const std::shared_ptr<const RolloutObject> ro = caches_.rollouts->get(key.ns, key.name);
  if (ro == nullptr || ro->meta().deletion_timestamp) {
    return std::optional<absl::Duration>();  // gone; owned objects go with it (owner references)
  }
  const Logger log = log_.with({{"namespace", key.ns}, {"rollout", key.name}});
  const absl::Time now = clock_.now();

  absl::StatusOr<RolloutSpec> spec = parseRolloutSpec(ro->spec());
  if (!spec.ok()) {
    Plan plan = planInvalidSpec(*ro, spec.status(), now);
    if (!(plan.status == ro->status)) {
      log.warn("invalid spec", {{"error", std::string(spec.status().message())}});
      RETURN_IF_ERROR(writeStatus(*ro, plan.status));
    }
    if (observer_) observer_(*ro, plan);
    return std::optional<absl::Duration>();
  }

  // Gather what the planner may look at; the shared pointers keep the objects alive.
  std::vector<std::shared_ptr<const kube::ReplicaSet>> owned_rs;
  for (auto& rs : caches_.replica_sets->listByOwner(ro->meta().uid)) {
    const kube::OwnerReference* owner = rs->meta().controllerOwner();
    if (owner != nullptr && owner->uid == ro->meta().uid) owned_rs.push_back(rs);
  }
  std::vector<std::shared_ptr<const AnalysisRunObject>> owned_runs = caches_.runs->listByOwner(ro->meta().uid);
  std::shared_ptr<const kube::Service> canary_svc, stable_svc;
  if (!spec->canary.canary_service.empty()) canary_svc = caches_.services->get(key.ns, spec->canary.canary_service);
  if (!spec->canary.stable_service.empty()) stable_svc = caches_.services->get(key.ns, spec->canary.stable_service);

  RolloutInputs in;
  in.rollout = ro.get();
  in.spec = &*spec;
  for (const auto& rs : owned_rs) in.replica_sets.push_back(rs.get());
  for (const auto& run : owned_runs) in.runs.push_back(run.get());
  in.canary_service = canary_svc.get();
  in.stable_service = stable_svc.get();
  in.keys = Keys(options_.api_group);
  in.api_version = options_.api_group + "/v1alpha1";
  in.instance_id = options_.instance_id;
  in.now = now;
  in.templates = [this, &key](const std::string& name, bool cluster) -> absl::StatusOr<analysis::NamedTemplate> {
    auto* cache = cluster ? caches_.cluster_templates : caches_.templates;
    if (cache == nullptr) return absl::NotFoundError("no template cache");
    auto t = cache->get(cluster ? "" : key.ns, name);
    if (t == nullptr) return absl::NotFoundError(name);
    auto parsed = analysis::parseAnalysisTemplateSpec(t->spec());
    if (!parsed.ok()) return parsed.status();
    return analysis::NamedTemplate{strCat("template \"", name, "\""), std::move(*parsed)};
  };

  std::optional<traffic::RoutedRollout> routed;
  if (spec->canary.istio) {
    routed = traffic::RoutedRollout{key.ns, key.name, spec->canary.canary_service,
                                    spec->canary.stable_service, *spec->canary.istio};
    if (router_ == nullptr) {
      in.traffic = TrafficObservation{absl::FailedPreconditionError("no traffic router configured")};
    } else {
      in.traffic = router_->observe(*routed);
    }
  }

  Plan plan = planRollout(in);
  absl::Status applied = apply(*ro, plan, routed ? &*routed : nullptr, log);
  if (observer_) observer_(*ro, plan);
  RETURN_IF_ERROR(applied);
  return plan.requeue_after;
}

absl::Status RolloutReconciler::scale(const RolloutObject& ro, const ReplicaSetScale& s, const Logger& log) {
  nlohmann::json patch = nlohmann::json::object();
  if (s.to != s.from) patch["spec"] = {{"replicas", s.to}};
  if (s.scale_down_deadline) {
    patch["metadata"]["annotations"][std::string(kScaleDownDeadlineAnnotation)] =
        kube::formatTime(*s.scale_down_deadline);
  } else if (s.clear_deadline) {
    patch["metadata"]["annotations"][std::string(kScaleDownDeadlineAnnotation)] = nullptr;
  }
  if (patch.empty()) return absl::OkStatus();
  auto r = client_.patch(kube::resources::replicaSets(), ro.meta().ns, s.name, kube::PatchType::kMerge, patch);
  if (!r.ok()) return r.status();
  if (s.to != s.from) {
    event(ro, kube::EventType::kNormal, "ScalingReplicaSet",
          strCat("Scaled ", s.to > s.from ? "up" : "down", " ReplicaSet ", s.name, " (revision ", s.revision,
                 ") from ", s.from, " to ", s.to));
    log.info("scaled replica set", {{"replicaset", s.name}, {"from", s.from}, {"to", s.to}});
  }
  return absl::OkStatus();
}

absl::Status RolloutReconciler::writeStatus(const RolloutObject& ro, const RolloutStatus& status) {
  // A PUT of the status subresource carrying the cached resourceVersion: if anything
  // changed the Rollout since (a human's abort or promote), this fails with Aborted
  // instead of overwriting it, and the Rollout is planned again from fresh state.
  nlohmann::json body = {{"apiVersion", options_.api_group + "/v1alpha1"},
                         {"kind", "Rollout"},
                         {"metadata",
                          {{"name", ro.meta().name},
                           {"namespace", ro.meta().ns},
                           {"resourceVersion", ro.meta().resource_version}}},
                         {"status", toJson(status)}};
  auto r = client_.update(kube::resources::rollouts(options_.api_group), body, "status");
  return r.ok() ? absl::OkStatus() : r.status();
}

absl::Status RolloutReconciler::apply(const RolloutObject& ro, const Plan& plan,
                                      const traffic::RoutedRollout* routed, const Logger& log) {
  const std::string& ns = ro.meta().ns;
  if (plan.create_replica_set) {
    auto created = client_.create(kube::resources::replicaSets(), ns, *plan.create_replica_set);
    if (!created.ok() && !absl::IsAlreadyExists(created.status())) return created.status();
  }
  for (const auto& s : plan.scale_up) RETURN_IF_ERROR(scale(ro, s, log));
  for (const auto& sel : plan.selectors) {
    nlohmann::json patch = {
        {"metadata", {{"annotations", {{Keys(options_.api_group).managed_by, ro.meta().name}}}}},
        {"spec", {{"selector", {{std::string(kPodTemplateHashLabel), sel.pod_hash}}}}}};
    auto r = client_.patch(kube::resources::services(), ns, sel.service, kube::PatchType::kMerge, patch);
    if (!r.ok()) return r.status();
    event(ro, kube::EventType::kNormal, "SwitchService",
          strCat("Switched selector for service '", sel.service, "' to '", sel.pod_hash, "'"));
  }
  if (plan.traffic && routed != nullptr && router_ != nullptr) {
    std::vector<traffic::RouterEvent> router_events;
    absl::Status s = router_->apply(*routed, *plan.traffic, router_events);
    for (const auto& e : router_events) event(ro, e.type, e.reason, e.message);
    if (!s.ok()) {
      event(ro, kube::EventType::kWarning, "TrafficRoutingError", std::string(s.message()));
      return s;
    }
    const int32_t before = ro.status.weights ? ro.status.weights->canary.weight : 0;
    if (before != plan.traffic->canary_weight) {
      event(ro, kube::EventType::kNormal, "TrafficWeightUpdated",
            strCat("Traffic weight updated from ", before, " to ", plan.traffic->canary_weight));
    }
    log.info("traffic weight set", {{"canary_weight", plan.traffic->canary_weight}});
  }
  // Everything above worked: traffic has left whatever is scaled down now.
  for (const auto& s : plan.scale_down) RETURN_IF_ERROR(scale(ro, s, log));
  for (const auto& name : plan.delete_replica_sets) {
    absl::Status s = client_.remove(kube::resources::replicaSets(), ns, name);
    if (!s.ok() && !absl::IsNotFound(s)) return s;
  }
  const kube::Resource runs = kube::resources::analysisRuns(options_.api_group);
  for (const auto& run : plan.create_runs) {
    auto created = client_.create(runs, ns, run);
    if (!created.ok() && !absl::IsAlreadyExists(created.status())) return created.status();
  }
  for (const auto& name : plan.terminate_runs) {
    auto r = client_.patch(runs, ns, name, kube::PatchType::kMerge, {{"spec", {{"terminate", true}}}});
    if (!r.ok() && !absl::IsNotFound(r.status())) return r.status();
  }
  for (const auto& name : plan.delete_runs) {
    absl::Status s = client_.remove(runs, ns, name);
    if (!s.ok() && !absl::IsNotFound(s)) return s;
  }
  if (!(plan.status == ro.status)) RETURN_IF_ERROR(writeStatus(ro, plan.status));
  for (const auto& e : plan.events) event(ro, e.type, e.reason, e.message);
  return absl::OkStatus();
}

}  // namespace serin::rollout
