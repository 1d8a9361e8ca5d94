// The controller's Prometheus metrics, under Argo Rollouts' names and labels
// (argo-compat §1) so users' dashboards and alerts keep working:
//   rollout_info{namespace,name,strategy,traffic_router,phase} 1
//   rollout_info_replicas_{available,unavailable,desired,updated}{namespace,name}
//   rollout_phase{namespace,name,strategy,phase} 0/1 (deprecated in Argo, still scraped)
//   rollout_reconcile{namespace,name} histogram, rollout_reconcile_error{namespace,name}
//   rollout_events_total{namespace,name,type,reason}
//   serin_controller_info{version} 1
// Series of a deleted Rollout are removed.
#ifndef SERIN_OPERATOR_METRICS_CONTROLLER_METRICS_H_
#define SERIN_OPERATOR_METRICS_CONTROLLER_METRICS_H_

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "operator/kube/object_meta.h"
#include "operator/kube/reconcile_metrics.h"
#include "operator/rollout/rollout_status.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace serin::metrics {

// What rollout_info{phase} says: not status.phase but Argo's reading of the conditions.
std::string_view rolloutInfoPhase(const rollout::RolloutStatus& status);

struct RolloutSnapshot {
  kube::ObjectKey key;
  std::string strategy = "canary";  // canary, blueGreen or none
  std::string traffic_router;       // "Istio" or ""
  rollout::RolloutStatus status;
  int32_t desired = 0;
};

// Thread-safe. The registry must outlive this object.
class ControllerMetrics {
 public:
  ControllerMetrics(prometheus::Registry& registry, std::string_view version);

  void observeRollout(const RolloutSnapshot& rollout);
  void forgetRollout(const kube::ObjectKey& key);
  void observeReconcile(const kube::ObjectKey& key, absl::Duration took, bool failed);
  void countEvent(const kube::ObjectKey& key, std::string_view type, std::string_view reason);

 private:
  struct Series {
    prometheus::Gauge* info = nullptr;
    std::vector<prometheus::Gauge*> phases;
    prometheus::Gauge* available = nullptr;
    prometheus::Gauge* unavailable = nullptr;
    prometheus::Gauge* desired = nullptr;
    prometheus::Gauge* updated = nullptr;
    std::vector<prometheus::Counter*> events;
    std::string info_labels;  // to notice a label change
  };

  prometheus::Family<prometheus::Gauge>& info_;
  prometheus::Family<prometheus::Gauge>& phase_;
  prometheus::Family<prometheus::Gauge>& available_;
  prometheus::Family<prometheus::Gauge>& unavailable_;
  prometheus::Family<prometheus::Gauge>& desired_;
  prometheus::Family<prometheus::Gauge>& updated_;
  kube::ReconcileMetrics reconcile_;
  prometheus::Family<prometheus::Counter>& events_;
  std::mutex mu_;
  std::map<kube::ObjectKey, Series> series_;
};

}  // namespace serin::metrics

#endif  // SERIN_OPERATOR_METRICS_CONTROLLER_METRICS_H_
