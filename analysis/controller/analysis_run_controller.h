// AnalysisRunController: runs AnalysisRuns to a verdict, whoever created them — the Rollout
// controller, or a user with `kubectl apply`.
//
// Threads: the informer's (its handlers only enqueue "namespace/name"), `workers`
// reconcile workers taking keys from the work queue, and `measurement_threads` pool
// threads that query providers. A reconcile never waits for a measurement: it submits
// what is due to the pool and returns; the measurement's completion re-queues the run,
// and the next reconcile records it and writes status. Runs are also re-queued at their
// next measurement time.
//
// A restart keeps nothing but what is in each run's status: the planner starts from it,
// and a measurement that was in flight when the process died is simply taken again.
#ifndef SERIN_ANALYSIS_CONTROLLER_ANALYSIS_RUN_CONTROLLER_H_
#define SERIN_ANALYSIS_CONTROLLER_ANALYSIS_RUN_CONTROLLER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "analysis/controller/analysis_run_metrics.h"
#include "analysis/controller/analysis_run_reconciler.h"
#include "analysis/controller/measurement_pool.h"
#include "analysis/controller/provider_set.h"
#include "operator/kube/work_queue.h"

namespace serin::analysis {

struct AnalysisRunControllerOptions {
  std::string api_group = "serin.io";
  std::string ns;           // empty: all namespaces
  std::string instance_id;  // only runs labelled with it (or, when empty, unlabelled ones)
  int workers = 30;
  int measurement_threads = 30;
  absl::Duration resync = absl::Minutes(15);
};

// The label selector of the runs a controller with `instance_id` handles: the same as the
// Rollout controller's, so a Rollout's runs are reconciled by the same instance.
std::string runInstanceSelector(std::string_view api_group, std::string_view instance_id);

class AnalysisRunController {
 public:
  // Everything passed in must outlive the controller. With a registry, the analysis_run_*
  // metrics are registered on it.
  AnalysisRunController(kube::KubeClient& client, kube::EventRecorder& events, const Clock& clock,
                        const Logger& log, AnalysisRunControllerOptions options,
                        prometheus::Registry* registry = nullptr);
  ~AnalysisRunController();

  // Adds a metric provider (it must outlive the controller). Call before startWorkers().
  void addProvider(providers::MetricProvider& provider) { providers_.add(provider); }

  // Starts the informer and waits until it has synced; false on timeout.
  bool startCaches(absl::Duration timeout);
  // Starts the measurement threads and the workers (after startCaches).
  void startWorkers();
  // Stops taking work, lets the workers finish what they hold, drops queued measurements,
  // waits for running ones (bounded by their timeouts), then stops the informer.
  // Idempotent.
  void stop();

  void enqueue(const kube::ObjectKey& key) { queue_.add(key.str()); }
  kube::Informer<RunObject>& runs() { return *runs_; }
  kube::WorkQueue& queue() { return queue_; }
  MeasurementPool& pool() { return pool_; }
  AnalysisRunReconciler& reconciler() { return *reconciler_; }

 private:
  void work();

  const Clock& clock_;
  Logger log_;
  const AnalysisRunControllerOptions options_;
  ProviderSet providers_;
  std::unique_ptr<AnalysisRunMetrics> metrics_;
  std::unique_ptr<kube::Informer<RunObject>> runs_;
  kube::WorkQueue queue_;
  MeasurementPool pool_;
  std::unique_ptr<AnalysisRunReconciler> reconciler_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stopped_{false};
};

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_CONTROLLER_ANALYSIS_RUN_CONTROLLER_H_
