// AnalysisRunReconciler: the I/O shell around the pure run planner (run_planner.h). For
// one run it:
//   1. plans from the cached spec and status (an invalid spec or unreadable status ends the
//      run as Error, naming the field);
//   2. records the measurements the pool has finished for the run, and plans again;
//   3. writes status if it changed: a PUT of the status subresource carrying the cached
//      resourceVersion, so a concurrent change (a user's or the Rollout's terminate) gives
//      Aborted instead of being overwritten;
//   4. then, only after that write: marks the recorded outcomes consumed, records events,
//      and submits the measurements now due to the pool.
// It never waits for a measurement: a due metric is handed to a pool thread, whose
// completion re-queues the run.
#ifndef SERIN_ANALYSIS_CONTROLLER_ANALYSIS_RUN_RECONCILER_H_
#define SERIN_ANALYSIS_CONTROLLER_ANALYSIS_RUN_RECONCILER_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "analysis/controller/analysis_run_metrics.h"
#include "analysis/controller/measurement_pool.h"
#include "analysis/controller/provider_set.h"
#include "analysis/controller/run_object.h"
#include "analysis/model/spec.h"
#include "common/clock.h"
#include "common/log.h"
#include "operator/kube/event_recorder.h"
#include "operator/kube/informer.h"
#include "operator/kube/kube_client.h"

namespace serin::analysis {

struct RunReconcilerOptions {
  std::string api_group = "serin.io";
};

// Called after each reconcile that read a run, with what the metrics should show.
using RunObserver = std::function<void(const RunSnapshot&)>;
// Called when a measurement of run `key` has finished (to re-queue it).
using MeasuredCallback = std::function<void(const kube::ObjectKey& key)>;

// Thread-safe for distinct keys (the work queue never hands one key to two workers).
// Everything passed in must outlive the reconciler, and the pool's measurements refer to
// the reconciler: stop the pool before destroying it.
class AnalysisRunReconciler {
 public:
  AnalysisRunReconciler(kube::Informer<RunObject>& runs, kube::KubeClient& client,
                        MeasurementPool& pool, const ProviderSet& providers,
                        kube::EventRecorder& events, const Clock& clock, const Logger& log,
                        RunReconcilerOptions options);

  void setObserver(RunObserver observer) { observer_ = std::move(observer); }
  void setMeasuredCallback(MeasuredCallback callback) { measured_ = std::move(callback); }

  // Reconciles run `key`. OK with the delay after which to look again (nullopt: only when
  // something changes, e.g. a measurement finishes); an error means retry with backoff.
  // Aborted means the status write lost an optimistic-concurrency race: re-read and
  // re-plan soon (nothing measured is lost: outcomes stay in the pool until written).
  absl::StatusOr<std::optional<absl::Duration>> reconcile(const kube::ObjectKey& key);

  // Forgets what is kept in memory for a deleted run.
  void forget(const RunObject& run);

 private:
  absl::Status writeStatus(const RunObject& run, const nlohmann::json& status);
  void submit(const RunObject& run, std::shared_ptr<const AnalysisRunSpec> spec,
              const std::string& metric);

  kube::Informer<RunObject>& runs_;
  kube::KubeClient& client_;
  MeasurementPool& pool_;
  const ProviderSet& providers_;
  kube::EventRecorder& events_;
  const Clock& clock_;
  Logger log_;
  const RunReconcilerOptions options_;
  RunObserver observer_;
  MeasuredCallback measured_;

  // run UID -> the resourceVersion the run had when this process last wrote its status.
  // While the cache still shows that version it has not seen the write yet, and planning
  // from it would take again the measurements just recorded.
  std::mutex mu_;
  std::map<std::string, std::string> written_over_;  // guarded by mu_
};

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_CONTROLLER_ANALYSIS_RUN_RECONCILER_H_
