#include "operator/metrics/controller_metrics.h"

#include <algorithm>

namespace serin::metrics {
namespace {

prometheus::Labels keyLabels(const kube::ObjectKey& key) {
  return {{"namespace", key.ns}, {"name", key.name}};
}

// The phases rollout_phase reports, one 0/1 series each.
constexpr std::string_view kLegacyPhases[] = {"Completed", "Progressing", "Paused",
                                              "Timeout", "Error", "Abort"};

}  // namespace

std::string_view rolloutInfoPhase(const rollout::RolloutStatus& status) {
  if (status.findCondition(rollout::condition::kInvalidSpec) != nullptr) return "InvalidSpec";
  const rollout::Condition* p = status.findCondition(rollout::condition::kProgressing);
  if (p == nullptr) return "Progressing";
  if (p->reason == rollout::reason::kNewReplicaSetAvailable) return "Completed";
  if (p->reason == rollout::reason::kRolloutPaused) return "Paused";
  if (p->reason == "ReplicaSetCreateError") return "Error";
  if (p->reason == rollout::reason::kProgressDeadlineExceeded) return "Timeout";
  if (p->reason == rollout::reason::kRolloutAborted) return "Abort";
  return "Progressing";
}

ControllerMetrics::ControllerMetrics(prometheus::Registry& registry, std::string_view version)
    : info_(prometheus::BuildGauge().Name("rollout_info").Help("Information about a Rollout").Register(registry)),
      phase_(prometheus::BuildGauge()
                 .Name("rollout_phase")
                 .Help("Information on the state of a Rollout (deprecated: use rollout_info)")
                 .Register(registry)),
      available_(prometheus::BuildGauge()
                     .Name("rollout_info_replicas_available")
                     .Help("The number of available replicas per Rollout")
                     .Register(registry)),
      unavailable_(prometheus::BuildGauge()
                       .Name("rollout_info_replicas_unavailable")
                       .Help("The number of unavailable replicas per Rollout")
                       .Register(registry)),
      desired_(prometheus::BuildGauge()
                   .Name("rollout_info_replicas_desired")
                   .Help("The number of desired replicas per Rollout")
                   .Register(registry)),
      updated_(prometheus::BuildGauge()
                   .Name("rollout_info_replicas_updated")
                   .Help("The number of updated replicas per Rollout")
                   .Register(registry)),
      reconcile_(registry, "rollout_reconcile", "Rollout reconciliation performance (seconds)",
                 "Error occurring during the rollout"),
      events_(prometheus::BuildCounter()
                  .Name("rollout_events_total")
                  .Help("Count of Rollout events")
                  .Register(registry)) {
  prometheus::BuildGauge()
      .Name("serin_controller_info")
      .Help("Running serin controller information")
      .Register(registry)
      .Add({{"version", std::string(version)}})
      .Set(1);
}

void ControllerMetrics::observeRollout(const RolloutSnapshot& r) {
  std::lock_guard<std::mutex> lock(mu_);
  Series& s = series_[r.key];
  const std::string phase(rolloutInfoPhase(r.status));
  const std::string info_labels = r.strategy + "|" + r.traffic_router + "|" + phase;
  if (s.info_labels != info_labels) {
    if (s.info != nullptr) info_.Remove(s.info);
    prometheus::Labels labels = keyLabels(r.key);
    labels["strategy"] = r.strategy;
    labels["traffic_router"] = r.traffic_router;
    labels["phase"] = phase;
    s.info = &info_.Add(labels);
    s.info->Set(1);
    s.info_labels = info_labels;
    for (auto* g : s.phases) phase_.Remove(g);
    s.phases.clear();
    for (std::string_view p : kLegacyPhases) {
      prometheus::Labels pl = keyLabels(r.key);
      pl["strategy"] = r.strategy;
      pl["phase"] = std::string(p);
      prometheus::Gauge& g = phase_.Add(pl);
      g.Set(p == phase ? 1 : 0);
      s.phases.push_back(&g);
    }
  }
  if (s.available == nullptr) {
    s.available = &available_.Add(keyLabels(r.key));
    s.unavailable = &unavailable_.Add(keyLabels(r.key));
    s.desired = &desired_.Add(keyLabels(r.key));
    s.updated = &updated_.Add(keyLabels(r.key));
  }
  s.available->Set(r.status.available_replicas);
  s.unavailable->Set(std::max(0, r.status.replicas - r.status.available_replicas));
  s.desired->Set(r.desired);
  s.updated->Set(r.status.updated_replicas);
}

void ControllerMetrics::forgetRollout(const kube::ObjectKey& key) {
  reconcile_.forget(key);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = series_.find(key);
  if (it == series_.end()) return;
  Series& s = it->second;
  if (s.info) info_.Remove(s.info);
  for (auto* g : s.phases) phase_.Remove(g);
  if (s.available) {
    available_.Remove(s.available);
    unavailable_.Remove(s.unavailable);
    desired_.Remove(s.desired);
    updated_.Remove(s.updated);
  }
  for (auto* c : s.events) events_.Remove(c);
  series_.erase(it);
}

void ControllerMetrics::observeReconcile(const kube::ObjectKey& key, absl::Duration took, bool failed) {
  reconcile_.observe(key, took, failed);
}

void ControllerMetrics::countEvent(const kube::ObjectKey& key, std::string_view type, std::string_view reason) {
  std::lock_guard<std::mutex> lock(mu_);
  prometheus::Labels labels = keyLabels(key);
  labels["type"] = std::string(type);
  labels["reason"] = std::string(reason);
  prometheus::Counter& c = events_.Add(labels);
  c.Increment();
  Series& s = series_[key];
  if (std::find(s.events.begin(), s.events.end(), &c) == s.events.end()) s.events.push_back(&c);
}

}  // namespace serin::metrics
