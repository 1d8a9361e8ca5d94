#include "operator/rollout/rollout_reconciler.h"

#include <algorithm>

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

bool significantStatusChange(const RolloutStatus& current, const RolloutStatus& next) {
  RolloutStatus n = next;
  n.replicas = current.replicas;
  n.updated_replicas = current.updated_replicas;
  n.ready_replicas = current.ready_replicas;
  n.available_replicas = current.available_replicas;
  n.hpa_replicas = current.hpa_replicas;
  n.weights = current.weights;
  n.message = current.message;
  n.step_run = current.step_run;
  n.background_run = current.background_run;
  if (next.step_run && (!current.step_run || next.step_run->name != current.step_run->name ||
                        next.step_run->status != current.step_run->status)) {
    return true;  // a run started or reached a verdict
  }
  if (next.background_run && (!current.background_run || next.background_run->name != current.background_run->name ||
                              next.background_run->status != current.background_run->status)) {
    return true;
  }
  for (auto& c : n.conditions) {
    const Condition* old = current.findCondition(c.type);
    if (old != nullptr && old->status == c.status && old->reason == c.reason) {
      c.message = old->message;
      c.last_transition_time = old->last_transition_time;
      c.last_update_time = old->last_update_time;
    }
  }
  return !(n == current);
}

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

void RolloutReconciler::expect(const kube::ObjectKey& rollout, CachedKind kind, const std::string& name,
                               const std::string& stale_version) {
  std::lock_guard<std::mutex> lock(mu_);
  Pending& p = pending_[rollout];
  p.deadline = clock_.now() + absl::Seconds(3);
  p.items.push_back({kind, name, stale_version});
}

bool RolloutReconciler::cachesLag(const kube::ObjectKey& rollout) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pending_.find(rollout);
  if (it == pending_.end()) return false;
  if (clock_.now() > it->second.deadline) {
    pending_.erase(it);  // a watch that lags this long: plan from what there is
    return false;
  }
  auto version = [&](const Expectation& e) -> std::optional<std::string> {
    auto get = [&](auto* cache) -> std::optional<std::string> {
      if (cache == nullptr) return std::nullopt;
      auto obj = cache->get(rollout.ns, e.name);
      if (obj == nullptr) return std::nullopt;
      return obj->meta().resource_version;
    };
    switch (e.kind) {
      case CachedKind::kRollout: return get(caches_.rollouts);
      case CachedKind::kReplicaSet: return get(caches_.replica_sets);
      case CachedKind::kService: return get(caches_.services);
      case CachedKind::kRun: return get(caches_.runs);
    }
    return std::nullopt;
  };
  auto& items = it->second.items;
  items.erase(std::remove_if(items.begin(), items.end(),
                             [&](const Expectation& e) {
                               const std::optional<std::string> v = version(e);
                               // Seen: created and now present, or changed from the version replaced.
                               return e.stale_version.empty() ? v.has_value() : (!v || *v != e.stale_version);
                             }),
              items.end());
  if (items.empty()) {
    pending_.erase(it);
    return false;
  }
  return true;
}

void RolloutReconciler::event(const RolloutObject& ro, kube::EventType type, const std::string& reason,
                              const std::string& message) {
  events_.record({options_.api_group + "/v1alpha1", "Rollout", ro.meta().ns, ro.meta().name, ro.meta().uid},
                 type, reason, message);
}

absl::StatusOr<std::optional<absl::Duration>> RolloutReconciler::reconcile(const kube::ObjectKey& key) {
  // Our own last writes must be in the caches before anything is read from them: a watch
  // event that lands between reading a snapshot and this check would otherwise pass the
  // check and leave the plan with the snapshot from before the write (caches only move
  // forward, so whatever is read after the check is at least as new).
  constexpr absl::Duration kLagRetry = absl::Milliseconds(20);
  if (cachesLag(key)) return std::optional<absl::Duration>(kLagRetry);
  const std::shared_ptr<const RolloutObject> ro = caches_.rollouts->get(key.ns, key.name);
  if (ro == nullptr || ro->meta().deletion_timestamp) {
    std::lock_guard<std::mutex> lock(mu_);
    last_status_write_.erase(key);
    pending_.erase(key);
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

  // Gather what the planner may look at. Working copies: a pass that moved traffic or a
  // selector updates them with what it wrote and plans again, so a step whose weight was
  // just written completes in the same reconcile (and its status is written once).
  std::vector<kube::ReplicaSet> replica_sets;
  for (auto& rs : caches_.replica_sets->listByOwner(ro->meta().uid)) {
    const kube::OwnerReference* owner = rs->meta().controllerOwner();
    if (owner != nullptr && owner->uid == ro->meta().uid) replica_sets.push_back(*rs);
  }
  std::vector<std::shared_ptr<const AnalysisRunObject>> owned_runs = caches_.runs->listByOwner(ro->meta().uid);
  std::optional<kube::Service> canary_svc, stable_svc;
  if (!spec->canary.canary_service.empty()) {
    if (auto svc = caches_.services->get(key.ns, spec->canary.canary_service)) canary_svc = *svc;
  }
  if (!spec->canary.stable_service.empty()) {
    if (auto svc = caches_.services->get(key.ns, spec->canary.stable_service)) stable_svc = *svc;
  }
  std::optional<traffic::RoutedRollout> routed;
  std::optional<TrafficObservation> traffic;
  if (spec->canary.istio) {
    routed = traffic::RoutedRollout{key.ns, key.name, spec->canary.canary_service,
                                    spec->canary.stable_service, *spec->canary.istio};
    // The router's written objects, likewise, before it is asked what the routes say.
    if (router_ != nullptr && router_->cachesLag(*routed)) return std::optional<absl::Duration>(kLagRetry);
    if (router_ != nullptr) {
      traffic = router_->observe(*routed);
    } else {
      traffic.emplace();
      traffic->error = absl::FailedPreconditionError("no traffic router configured");
    }
  }
  auto templates = [this, &key](const std::string& name, bool cluster) -> absl::StatusOr<analysis::NamedTemplate> {
    auto* cache = cluster ? caches_.cluster_templates : caches_.templates;
    if (cache == nullptr) return absl::NotFoundError("no template cache");
    auto t = cache->get(cluster ? "" : key.ns, name);
    if (t == nullptr) return absl::NotFoundError(name);
    auto parsed = analysis::parseAnalysisTemplateSpec(t->spec());
    if (!parsed.ok()) return parsed.status();
    return analysis::NamedTemplate{strCat("template \"", name, "\""), std::move(*parsed)};
  };

  RolloutObject current = *ro;
  Plan plan;
  std::vector<PlannedEvent> events;
  std::optional<absl::Duration> requeue;
  for (int pass = 0; pass < 3; ++pass) {
    RolloutInputs in;
    in.rollout = &current;
    in.spec = &*spec;
    for (const auto& rs : replica_sets) in.replica_sets.push_back(&rs);
    for (const auto& run : owned_runs) in.runs.push_back(run.get());
    in.canary_service = canary_svc ? &*canary_svc : nullptr;
    in.stable_service = stable_svc ? &*stable_svc : nullptr;
    in.traffic = traffic;
    in.keys = Keys(options_.api_group);
    in.api_version = options_.api_group + "/v1alpha1";
    in.instance_id = options_.instance_id;
    in.now = now;
    in.templates = templates;
    plan = planRollout(in);
    absl::Status applied = applyWrites(current, plan, routed ? &*routed : nullptr, log);
    if (!applied.ok()) {
      if (observer_) observer_(current, plan);
      return applied;
    }
    events.insert(events.end(), plan.events.begin(), plan.events.end());
    if (plan.requeue_after && (!requeue || *plan.requeue_after < *requeue)) requeue = plan.requeue_after;
    const bool moved = plan.traffic.has_value() || !plan.selectors.empty();
    if (!moved || plan.create_replica_set) break;
    // What this pass wrote is now true.
    for (const auto& changes : {plan.scale_up, plan.scale_down}) {
      for (const ReplicaSetScale& s : changes) {
        for (auto& rs : replica_sets) {
          if (rs.meta().name == s.name) rs.spec_replicas = s.to;
        }
      }
    }
    for (const SelectorChange& sel : plan.selectors) {
      for (auto* svc : {&canary_svc, &stable_svc}) {
        if (*svc && (*svc)->meta().name == sel.service) (*svc)->selector.set(kPodTemplateHashLabel, sel.pod_hash);
      }
    }
    if (plan.traffic && traffic) {
      traffic->canary_weight = plan.traffic->canary_weight;
      traffic->uniform = true;
      traffic->canary_subset_hash = plan.traffic->canary_hash;
      traffic->stable_subset_hash = plan.traffic->stable_hash;
    }
    current.status = plan.status;
  }
  plan.events = std::move(events);
  std::optional<absl::Duration> deferred;
  absl::Status written = finish(*ro, plan, &deferred);
  if (observer_) observer_(*ro, plan);
  RETURN_IF_ERROR(written);
  if (deferred && (!requeue || *deferred < *requeue)) requeue = deferred;
  return requeue;
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
  const auto cached = caches_.replica_sets->get(ro.meta().ns, s.name);
  auto r = client_.patch(kube::resources::replicaSets(), ro.meta().ns, s.name, kube::PatchType::kMerge, patch);
  if (!r.ok()) return r.status();
  if (cached != nullptr) expect(ro.meta().key(), CachedKind::kReplicaSet, s.name, cached->meta().resource_version);
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
  if (!r.ok()) return r.status();
  expect(ro.meta().key(), CachedKind::kRollout, ro.meta().name, ro.meta().resource_version);
  return absl::OkStatus();
}

absl::Status RolloutReconciler::applyWrites(const RolloutObject& ro, const Plan& plan,
                                            const traffic::RoutedRollout* routed, const Logger& log) {
  const std::string& ns = ro.meta().ns;
  if (plan.create_replica_set) {
    auto created = client_.create(kube::resources::replicaSets(), ns, *plan.create_replica_set);
    if (!created.ok() && !absl::IsAlreadyExists(created.status())) return created.status();
    expect(ro.meta().key(), CachedKind::kReplicaSet,
           (*plan.create_replica_set)["metadata"]["name"].get<std::string>(), "");
  }
  for (const auto& s : plan.scale_up) RETURN_IF_ERROR(scale(ro, s, log));
  for (const auto& sel : plan.selectors) {
    nlohmann::json patch = {
        {"metadata", {{"annotations", {{Keys(options_.api_group).managed_by, ro.meta().name}}}}},
        {"spec", {{"selector", {{std::string(kPodTemplateHashLabel), sel.pod_hash}}}}}};
    const auto cached = caches_.services->get(ns, sel.service);
    auto r = client_.patch(kube::resources::services(), ns, sel.service, kube::PatchType::kMerge, patch);
    if (!r.ok()) return r.status();
    if (cached != nullptr) expect(ro.meta().key(), CachedKind::kService, sel.service, cached->meta().resource_version);
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
    expect(ro.meta().key(), CachedKind::kRun, run["metadata"]["name"].get<std::string>(), "");
  }
  for (const auto& name : plan.terminate_runs) {
    auto r = client_.patch(runs, ns, name, kube::PatchType::kMerge, {{"spec", {{"terminate", true}}}});
    if (!r.ok() && !absl::IsNotFound(r.status())) return r.status();
  }
  for (const auto& name : plan.delete_runs) {
    absl::Status s = client_.remove(runs, ns, name);
    if (!s.ok() && !absl::IsNotFound(s)) return s;
  }
  return absl::OkStatus();
}

absl::Status RolloutReconciler::finish(const RolloutObject& ro, const Plan& plan,
                                       std::optional<absl::Duration>* deferred) {
  if (!(plan.status == ro.status)) {
    const absl::Time now = clock_.now();
    const kube::ObjectKey key = ro.meta().key();
    bool write = true;
    if (plan.events.empty() && !significantStatusChange(ro.status, plan.status)) {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = last_status_write_.find(key);
      if (it != last_status_write_.end() && now - it->second < options_.status_coalesce) {
        write = false;
        *deferred = it->second + options_.status_coalesce - now;
      }
    }
    if (write) {
      if (log_.enabled(LogLevel::kDebug)) {
        const nlohmann::json before = toJson(ro.status), after = toJson(plan.status);
        std::string changed;
        for (auto it = after.begin(); it != after.end(); ++it) {
          if (!before.contains(it.key()) || before[it.key()] != it.value()) strAppend(&changed, it.key(), " ");
        }
        log_.debug("writing status", {{"namespace", key.ns}, {"rollout", key.name}, {"changed", changed}});
      }
      RETURN_IF_ERROR(writeStatus(ro, plan.status));
      std::lock_guard<std::mutex> lock(mu_);
      last_status_write_[key] = now;
    }
  }
  for (const auto& e : plan.events) event(ro, e.type, e.reason, e.message);
  return absl::OkStatus();
}

}  // namespace serin::rollout
