#include "analysis/controller/analysis_run_controller.h"

#include "operator/kube/reconcile_loop.h"

#include <algorithm>

#include "common/strings.h"
#include "operator/kube/reconcile_loop.h"
#include "operator/rollout/keys.h"

namespace serin::analysis {

std::string runInstanceSelector(std::string_view api_group, std::string_view instance_id) {
  const std::string key = rollout::Keys(api_group).instance_id;
  return instance_id.empty() ? strCat("!", key) : strCat(key, "=", instance_id);
}

AnalysisRunController::AnalysisRunController(kube::KubeClient& client, kube::EventRecorder& events,
                                             const Clock& clock, const Logger& log,
                                             AnalysisRunControllerOptions options,
                                             prometheus::Registry* registry)
    : clock_(clock),
      log_(log.with({{"controller", "analysisrun"}})),
      options_(std::move(options)),
      queue_(clock),
      pool_(options_.measurement_threads) {
  if (registry != nullptr) metrics_ = std::make_unique<AnalysisRunMetrics>(*registry);
  kube::InformerOptions informer;
  informer.reflector.ns = options_.ns;
  informer.reflector.label_selector = runInstanceSelector(options_.api_group, options_.instance_id);
  informer.resync = options_.resync;
  runs_ = std::make_unique<kube::Informer<RunObject>>(
      client, kube::resources::analysisRuns(options_.api_group), informer, log_);
  reconciler_ =
      std::make_unique<AnalysisRunReconciler>(*runs_, client, pool_, providers_, events, clock_,
                                              log_, RunReconcilerOptions{options_.api_group});
  reconciler_->setMeasuredCallback([this](const kube::ObjectKey& key) { enqueue(key); });
  if (metrics_ != nullptr) {
    AnalysisRunMetrics* m = metrics_.get();
    reconciler_->setObserver([this, m](const RunSnapshot& snap) {
      m->observe(snap);
      // The run may have been deleted (and its series removed) during the reconcile.
      if (runs_->get(snap.key.ns, snap.key.name) == nullptr) m->forget(snap.key);
    });
  }

  using Ptr = kube::Informer<RunObject>::Ptr;
  runs_->addHandlers({
      [this](const Ptr& run) { enqueue(run->meta().key()); },
      [this](const Ptr&, const Ptr& run) { enqueue(run->meta().key()); },
      [this](const Ptr& run) {
        reconciler_->forget(*run);
        if (metrics_ != nullptr) metrics_->forget(run->meta().key());
      },
  });
}

AnalysisRunController::~AnalysisRunController() { stop(); }

bool AnalysisRunController::startCaches(absl::Duration timeout) {
  runs_->start();
  return runs_->waitForSync(timeout);
}

void AnalysisRunController::startWorkers() {
  pool_.start();
  for (int i = 0; i < std::max(options_.workers, 1); ++i) {
    workers_.emplace_back([this] { work(); });
  }
}

void AnalysisRunController::work() {
  kube::runReconcileLoop(
      queue_, [this](const kube::ObjectKey& key) { return reconciler_->reconcile(key); }, clock_, log_,
      [this](const kube::ObjectKey& key, absl::Duration took, bool failed) {
        // Deleted runs leave no series behind.
        if (metrics_ != nullptr && runs_->get(key.ns, key.name) != nullptr) {
          metrics_->observeReconcile(key, took, failed);
        }
      });
}

void AnalysisRunController::stop() {
  if (stopped_.exchange(true)) return;
  queue_.shutDown();
  for (auto& t : workers_) t.join();
  workers_.clear();
  pool_.stop();
  runs_->stop();
}

}  // namespace serin::analysis
