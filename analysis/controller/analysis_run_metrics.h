// Prometheus metrics of AnalysisRuns under Argo Rollouts' names and labels (argo-compat
// §1), so users' dashboards and alerts keep working:
//   analysis_run_info{namespace,name,phase} 1           phase as stored, "" before the first write
//   analysis_run_phase{namespace,name,phase} 0/1        deprecated in Argo; one series per phase
//   analysis_run_metric_type{namespace,name,metric,type} 1
//   analysis_run_metric_phase{namespace,name,metric,type,dry_run,phase} 0/1  six per metric
//   analysis_run_reconcile{namespace,name} histogram (seconds)
//   analysis_run_reconcile_error{namespace,name} counter
// Every series of a run is removed when the run is deleted.
#ifndef SERIN_ANALYSIS_CONTROLLER_ANALYSIS_RUN_METRICS_H_
#define SERIN_ANALYSIS_CONTROLLER_ANALYSIS_RUN_METRICS_H_

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "analysis/model/phase.h"
#include "operator/kube/reconcile_metrics.h"
#include "operator/kube/resource.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace serin::analysis {

// What the metrics say about one run after a reconcile.
struct RunSnapshot {
  kube::ObjectKey key;
  std::string phase;  // status.phase as stored in the API ("" before the first write)
  struct MetricState {
    std::string name;
    std::string type;  // "Prometheus"
    bool dry_run = false;
    AnalysisPhase phase = AnalysisPhase::kPending;  // Pending before its first measurement
  };
  std::vector<MetricState> metrics;  // in spec order
};

// Thread-safe. The registry must outlive this object.
class AnalysisRunMetrics {
 public:
  explicit AnalysisRunMetrics(prometheus::Registry& registry);

  void observe(const RunSnapshot& run);
  void observeReconcile(const kube::ObjectKey& key, absl::Duration took, bool failed);
  void forget(const kube::ObjectKey& key);

 private:
  struct Series {
    std::string labels;  // what the gauges below were made for, to notice a change
    prometheus::Gauge* info = nullptr;
    std::vector<prometheus::Gauge*> phases;
    std::vector<prometheus::Gauge*> metric_types;
    std::vector<prometheus::Gauge*> metric_phases;
  };
  void removeGauges(Series& s);

  prometheus::Family<prometheus::Gauge>& info_;
  prometheus::Family<prometheus::Gauge>& phase_;
  prometheus::Family<prometheus::Gauge>& metric_type_;
  prometheus::Family<prometheus::Gauge>& metric_phase_;
  kube::ReconcileMetrics reconcile_;
  std::mutex mu_;
  std::map<kube::ObjectKey, Series> series_;  // guarded by mu_
};

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_CONTROLLER_ANALYSIS_RUN_METRICS_H_
