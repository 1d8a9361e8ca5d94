// RolloutController: the caches, the work queue and the workers around the reconciler.
// Informer handlers only enqueue "namespace/name" keys of Rollouts: their own, their
// owner's (ReplicaSets, AnalysisRuns), or those whose spec names the object (Services,
// AnalysisTemplates, VirtualServices, DestinationRules).
#ifndef SERIN_OPERATOR_ROLLOUT_ROLLOUT_CONTROLLER_H_
#define SERIN_OPERATOR_ROLLOUT_ROLLOUT_CONTROLLER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "operator/kube/reconcile_loop.h"
#include "operator/kube/work_queue.h"
#include "operator/rollout/rollout_reconciler.h"

namespace serin::rollout {

struct RolloutControllerOptions {
  std::string api_group = "serin.io";
  std::string ns;           // empty: all namespaces
  std::string instance_id;  // only Rollouts labelled with it (or, when empty, unlabelled ones)
  int workers = 10;
  absl::Duration resync = absl::Minutes(15);
};

using ReconcileTiming = kube::ReconcileTiming;

class RolloutController {
 public:
  // Everything passed in must outlive the controller.
  RolloutController(kube::KubeClient& client, kube::EventRecorder& events, const Clock& clock,
                    const Logger& log, RolloutControllerOptions options);
  ~RolloutController();

  // The traffic router (may be null: Rollouts with trafficRouting report an error). Set
  // before start().
  void setTrafficRouter(traffic::TrafficRouter* router) { router_ = router; }
  void setReconcileObserver(ReconcileObserver observer) { observer_ = std::move(observer); }
  void setReconcileTiming(ReconcileTiming timing) { timing_ = std::move(timing); }

  // Starts the informers and waits until they have synced; false on timeout.
  bool startCaches(absl::Duration timeout);
  // Starts the workers (after startCaches).
  void startWorkers();
  // Stops taking work, lets the workers finish what they hold, then stops the informers.
  void stop();

  // Queues every Rollout in `ns` whose spec mentions `name` (a quoted string): used for
  // Services, templates and the router's VirtualServices and DestinationRules.
  void enqueueReferencing(const std::string& ns, const std::string& name);
  void enqueue(const kube::ObjectKey& key) { queue_.add(key.str()); }

  kube::Informer<RolloutObject>& rollouts() { return *rollouts_; }
  kube::WorkQueue& queue() { return queue_; }
  // The label selector this controller's Rollouts and runs are filtered by.
  std::string instanceSelector() const;

 private:
  void work();
  template <typename T>
  void enqueueOwner(const std::shared_ptr<const T>& obj);

  kube::KubeClient& client_;
  kube::EventRecorder& events_;
  const Clock& clock_;
  Logger log_;
  const RolloutControllerOptions options_;
  traffic::TrafficRouter* router_ = nullptr;
  ReconcileObserver observer_;
  ReconcileTiming timing_;

  std::unique_ptr<kube::Informer<RolloutObject>> rollouts_;
  std::unique_ptr<kube::Informer<kube::ReplicaSet>> replica_sets_;
  std::unique_ptr<kube::Informer<kube::Service>> services_;
  std::unique_ptr<kube::Informer<AnalysisRunObject>> runs_;
  std::unique_ptr<kube::Informer<kube::SpecObject>> templates_;
  std::unique_ptr<kube::Informer<kube::SpecObject>> cluster_templates_;
  std::unique_ptr<RolloutReconciler> reconciler_;
  kube::WorkQueue queue_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stopped_{false};
};

}  // namespace serin::rollout

#endif  // SERIN_OPERATOR_ROLLOUT_ROLLOUT_CONTROLLER_H_
