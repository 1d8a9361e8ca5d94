// The reconcile timing a controller exports, under Argo Rollouts' names: a histogram of
// reconcile durations in seconds (<name>{namespace,name}) and a counter of failed
// reconciles (<name>_error{namespace,name}), e.g. rollout_reconcile and
// rollout_reconcile_error. Fed by runReconcileLoop's ReconcileTiming (reconcile_loop.h).
#ifndef SERIN_OPERATOR_KUBE_RECONCILE_METRICS_H_
#define SERIN_OPERATOR_KUBE_RECONCILE_METRICS_H_

#include <map>
#include <mutex>
#include <string>

#include "absl/time/time.h"
#include "operator/kube/resource.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace serin::kube {

// Thread-safe. The registry must outlive this object.
class ReconcileMetrics {
 public:
  ReconcileMetrics(prometheus::Registry& registry, const std::string& name, const std::string& help,
                   const std::string& error_help);

  void observe(const ObjectKey& key, absl::Duration took, bool failed);
  // Removes the object's series (it was deleted).
  void forget(const ObjectKey& key);

 private:
  struct Series {
    prometheus::Histogram* duration = nullptr;
    prometheus::Counter* errors = nullptr;
  };
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Counter>& errors_;
  std::mutex mu_;
  std::map<ObjectKey, Series> series_;  // guarded by mu_
};

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_RECONCILE_METRICS_H_
