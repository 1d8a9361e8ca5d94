#include "operator/rollout/rollout_controller.h"

#include "common/strings.h"
#include "operator/kube/reconcile_loop.h"
#include "operator/rollout/keys.h"

namespace serin::rollout {

RolloutController::RolloutController(kube::KubeClient& client, kube::EventRecorder& events,
                                     const Clock& clock, const Logger& log,
                                     RolloutControllerOptions options)
    : client_(client), events_(events), clock_(clock), log_(log), options_(std::move(options)),
      queue_(clock) {
  auto informerOptions = [&](std::string selector, bool resync) {
    kube::InformerOptions o;
    o.reflector.ns = options_.ns;
    o.reflector.label_selector = std::move(selector);
    if (resync) o.resync = options_.resync;
    return o;
  };
  const std::string group = options_.api_group;
  rollouts_ = std::make_unique<kube::Informer<RolloutObject>>(
      client_, kube::resources::rollouts(group), informerOptions(instanceSelector(), true), log_);
  replica_sets_ = std::make_unique<kube::Informer<kube::ReplicaSet>>(
      client_, kube::resources::replicaSets(), informerOptions("", false), log_);
  services_ = std::make_unique<kube::Informer<kube::Service>>(
      client_, kube::resources::services(), informerOptions("", false), log_);
  runs_ = std::make_unique<kube::Informer<AnalysisRunObject>>(
      client_, kube::resources::analysisRuns(group), informerOptions(instanceSelector(), false), log_);
  templates_ = std::make_unique<kube::Informer<kube::SpecObject>>(
      client_, kube::resources::analysisTemplates(group), informerOptions("", false), log_);
  kube::InformerOptions cluster_options;  // cluster-scoped: never limited to a namespace
  cluster_templates_ = std::make_unique<kube::Informer<kube::SpecObject>>(
      client_, kube::resources::clusterAnalysisTemplates(group), cluster_options, log_);

  auto enqueueSelf = [this](const auto& obj) { queue_.add(obj->meta().key().str()); };
  rollouts_->addHandlers({enqueueSelf, [this](const auto&, const auto& obj) { queue_.add(obj->meta().key().str()); },
                          enqueueSelf});
  auto owner = [this](const auto& obj) { enqueueOwner(obj); };
  replica_sets_->addHandlers({owner, [this](const auto&, const auto& obj) { enqueueOwner(obj); }, owner});
  runs_->addHandlers({owner, [this](const auto&, const auto& obj) { enqueueOwner(obj); }, owner});
  auto referenced = [this](const auto& obj) { enqueueReferencing(obj->meta().ns, obj->meta().name); };
  auto referenced2 = [this](const auto&, const auto& obj) { enqueueReferencing(obj->meta().ns, obj->meta().name); };
  services_->addHandlers({referenced, referenced2, referenced});
  templates_->addHandlers({referenced, referenced2, referenced});
  auto cluster_referenced = [this](const auto& obj) { enqueueReferencing("", obj->meta().name); };
  cluster_templates_->addHandlers(
      {cluster_referenced, [this](const auto&, const auto& obj) { enqueueReferencing("", obj->meta().name); },
       cluster_referenced});
}

RolloutController::~RolloutController() { stop(); }

std::string RolloutController::instanceSelector() const {
  const std::string key = Keys(options_.api_group).instance_id;
  return options_.instance_id.empty() ? "!" + key : key + "=" + options_.instance_id;
}

template <typename T>
void RolloutController::enqueueOwner(const std::shared_ptr<const T>& obj) {
  const kube::OwnerReference* owner = obj->meta().controllerOwner();
  if (owner == nullptr || owner->kind != "Rollout") return;
  queue_.add(kube::ObjectKey{obj->meta().ns, owner->name}.str());
}

void RolloutController::enqueueReferencing(const std::string& ns, const std::string& name) {
  const std::string needle = strCat("\"", name, "\"");
  for (const auto& ro : rollouts_->list(ns)) {
    if (ro->spec_text.find(needle) != std::string::npos) queue_.add(ro->meta().key().str());
  }
}

bool RolloutController::startCaches(absl::Duration timeout) {
  RolloutCaches caches{rollouts_.get(), replica_sets_.get(), services_.get(), runs_.get(),
                       templates_.get(), cluster_templates_.get()};
  reconciler_ = std::make_unique<RolloutReconciler>(caches, client_, router_, events_, clock_, log_,
                                                    ReconcilerOptions{options_.api_group, options_.instance_id});
  if (observer_) reconciler_->setObserver(observer_);
  rollouts_->start();
  replica_sets_->start();
  services_->start();
  runs_->start();
  templates_->start();
  cluster_templates_->start();
  return rollouts_->waitForSync(timeout) && replica_sets_->waitForSync(timeout) &&
         services_->waitForSync(timeout) && runs_->waitForSync(timeout) &&
         templates_->waitForSync(timeout) && cluster_templates_->waitForSync(timeout);
}

void RolloutController::startWorkers() {
  for (int i = 0; i < std::max(options_.workers, 1); ++i) workers_.emplace_back([this] { work(); });
}

void RolloutController::work() {
  kube::runReconcileLoop(
      queue_, [this](const kube::ObjectKey& key) { return reconciler_->reconcile(key); }, clock_, log_,
      timing_);
}

void RolloutController::stop() {
  if (stopped_.exchange(true)) return;
  queue_.shutDown();
  for (auto& t : workers_) t.join();
  workers_.clear();
  rollouts_->stop();
  replica_sets_->stop();
  services_->stop();
  runs_->stop();
  templates_->stop();
  cluster_templates_->stop();
}

}  // namespace serin::rollout
