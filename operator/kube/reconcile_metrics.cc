#include "operator/kube/reconcile_metrics.h"

namespace serin::kube {

ReconcileMetrics::ReconcileMetrics(prometheus::Registry& registry, const std::string& name,
                                   const std::string& help, const std::string& error_help)
    : duration_(prometheus::BuildHistogram().Name(name).Help(help).Register(registry)),
      errors_(prometheus::BuildCounter().Name(name + "_error").Help(error_help).Register(registry)) {}

void ReconcileMetrics::observe(const ObjectKey& key, absl::Duration took, bool failed) {
  // Argo Rollouts' buckets, so existing dashboards' quantiles read the same.
  static const prometheus::Histogram::BucketBoundaries kBuckets = {0.01, 0.15, 0.25, 0.5, 1};
  std::lock_guard<std::mutex> lock(mu_);
  Series& s = series_[key];
  if (s.duration == nullptr) {
    const prometheus::Labels labels = {{"namespace", key.ns}, {"name", key.name}};
    s.duration = &duration_.Add(labels, kBuckets);
    s.errors = &errors_.Add(labels);
  }
  s.duration->Observe(absl::ToDoubleSeconds(took));
  if (failed) s.errors->Increment();
}

void ReconcileMetrics::forget(const ObjectKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = series_.find(key);
  if (it == series_.end()) return;
  duration_.Remove(it->second.duration);
  errors_.Remove(it->second.errors);
  series_.erase(it);
}

}  // namespace serin::kube
