#include "operator/traffic/istio/istio_router.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "common/status_macros.h"
#include "common/strings.h"
#include "operator/kube/resource.h"
#include "operator/traffic/istio/destination_rule_subsets.h"
#include "operator/traffic/istio/destinations.h"
#include "operator/traffic/istio/quote.h"
#include "operator/traffic/istio/virtual_service_split.h"

namespace serin::traffic::istio {
namespace {

std::string_view kindName(IstioKind kind) {
  return kind == IstioKind::kVirtualService ? "VirtualService" : "DestinationRule";
}

kube::InformerOptions cacheOptions(const IstioRouterOptions& options) {
  kube::InformerOptions o = options.informer;
  o.reflector.ns = options.ns;
  return o;
}

SplitTarget targetOf(const RoutedRollout& rollout) {
  return SplitTarget::of(rollout.canary_service, rollout.stable_service,
                         rollout.istio.destination_rule);
}

kube::ObjectKey virtualServiceKey(const RoutedRollout& rollout,
                                  const rollout::IstioVirtualService& vs) {
  return {vs.ns.empty() ? rollout.ns : vs.ns, vs.name};
}

absl::Status noVirtualService() {
  return absl::FailedPreconditionError(
      "spec.strategy.canary.trafficRouting.istio names no VirtualService");
}

// One write: a merge patch of `spec` made conditional on the cached resourceVersion.
struct PlannedWrite {
  kube::ObjectKey key;
  std::string resource_version;
  nlohmann::json spec;
};

}  // namespace

IstioRouter::IstioRouter(kube::KubeClient& client, IstioRouterOptions options, const Logger& log)
    : client_(client),
      options_(std::move(options)),
      owned_virtual_services_(std::make_unique<Cache>(client, kube::resources::virtualServices(),
                                                      cacheOptions(options_), log)),
      owned_destination_rules_(std::make_unique<Cache>(client, kube::resources::destinationRules(),
                                                       cacheOptions(options_), log)),
      virtual_services_(*owned_virtual_services_),
      destination_rules_(*owned_destination_rules_) {
  registerHandlers();
}

IstioRouter::IstioRouter(kube::KubeClient& client, Cache& virtual_services,
                         Cache& destination_rules, IstioRouterOptions options)
    : client_(client),
      options_(std::move(options)),
      virtual_services_(virtual_services),
      destination_rules_(destination_rules) {
  registerHandlers();
}

IstioRouter::~IstioRouter() { stop(); }

void IstioRouter::start() {
  if (owned_virtual_services_) owned_virtual_services_->start();
  if (owned_destination_rules_) owned_destination_rules_->start();
}

void IstioRouter::stop() {
  // Owned caches stop before the router's members go: their handlers call notify().
  if (owned_virtual_services_) owned_virtual_services_->stop();
  if (owned_destination_rules_) owned_destination_rules_->stop();
}

bool IstioRouter::waitForSync(absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  return virtual_services_.waitForSync(timeout) &&
         destination_rules_.waitForSync(std::max(deadline - absl::Now(), absl::ZeroDuration()));
}

void IstioRouter::registerHandlers() {
  for (auto [cache, kind] : {std::pair{&virtual_services_, IstioKind::kVirtualService},
                             std::pair{&destination_rules_, IstioKind::kDestinationRule}}) {
    Cache::Handlers h;
    h.on_add = [this, kind](const Cache::Ptr& obj) { notify(kind, obj->meta().key()); };
    h.on_update = [this, kind](const Cache::Ptr& old_obj, const Cache::Ptr& new_obj) {
      // A periodic resync hands over the same object: nothing drifted.
      if (old_obj->meta().resource_version == new_obj->meta().resource_version) return;
      notify(kind, new_obj->meta().key());
    };
    h.on_delete = [this, kind](const Cache::Ptr& obj) { notify(kind, obj->meta().key()); };
    cache->addHandlers(std::move(h));
  }
}

void IstioRouter::notify(IstioKind kind, const kube::ObjectKey& key) const {
  const std::vector<kube::ObjectKey> rollouts = references_.rolloutsReferencing({kind, key});
  if (rollouts.empty()) return;
  std::vector<RolloutCallback> callbacks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    callbacks = callbacks_;
  }
  for (const kube::ObjectKey& rollout : rollouts) {
    for (const RolloutCallback& callback : callbacks) callback(rollout);
  }
}

void IstioRouter::onReferencedObjectChange(RolloutCallback callback) {
  std::lock_guard<std::mutex> lock(mu_);
  callbacks_.push_back(std::move(callback));
}

std::vector<kube::ObjectKey> IstioRouter::rolloutsReferencing(const IstioObjectRef& object) const {
  return references_.rolloutsReferencing(object);
}

void IstioRouter::track(const RoutedRollout& rollout) const {
  references_.set({rollout.ns, rollout.name}, referencedObjects(rollout));
}

void IstioRouter::forget(const kube::ObjectKey& rollout) { references_.erase(rollout); }

absl::StatusOr<IstioRouter::Cache::Ptr> IstioRouter::lookup(IstioKind kind,
                                                            const kube::ObjectKey& key) const {
  const Cache& cache = kind == IstioKind::kVirtualService ? virtual_services_ : destination_rules_;
  Cache::Ptr obj = cache.get(key.ns, key.name);
  if (obj != nullptr) return obj;
  std::string message = strCat(kindName(kind), " ", quote(key.str()), " not found");
  if (!options_.ns.empty() && key.ns != options_.ns) {
    strAppend(&message, ": serin watches only namespace ", quote(options_.ns));
  }
  return absl::NotFoundError(message);
}

absl::StatusOr<std::vector<RouteWeights>> IstioRouter::readWeights(
    const RoutedRollout& rollout) const {
  if (rollout.istio.virtual_services.empty()) return noVirtualService();
  const SplitTarget target = targetOf(rollout);
  std::vector<RouteWeights> all;
  for (const auto& vs : rollout.istio.virtual_services) {
    const kube::ObjectKey key = virtualServiceKey(rollout, vs);
    ASSIGN_OR_RETURN(Cache::Ptr obj, lookup(IstioKind::kVirtualService, key));
    ASSIGN_OR_RETURN(std::vector<RouteWeights> weights,
                     readVirtualServiceWeights(obj->spec(), vs, target, key.str()));
    all.insert(all.end(), weights.begin(), weights.end());
  }
  return all;
}

rollout::TrafficObservation IstioRouter::observe(const RoutedRollout& rollout) const {
  track(rollout);
  rollout::TrafficObservation obs;
  absl::StatusOr<std::vector<RouteWeights>> weights = readWeights(rollout);
  if (!weights.ok()) {
    obs.error = weights.status();
    return obs;
  }
  obs = summarizeRoutes(*weights);
  if (const auto& rule = rollout.istio.destination_rule) {
    const kube::ObjectKey key{rollout.ns, rule->name};
    absl::StatusOr<Cache::Ptr> obj = lookup(IstioKind::kDestinationRule, key);
    absl::StatusOr<SubsetHashes> hashes =
        obj.ok() ? readSubsetHashes((*obj)->spec(), *rule, key.str()) : obj.status();
    if (!hashes.ok()) {
      rollout::TrafficObservation failed;
      failed.error = hashes.status();
      return failed;
    }
    obs.canary_subset_hash = hashes->canary;
    obs.stable_subset_hash = hashes->stable;
  }
  return obs;
}

absl::Status IstioRouter::apply(const RoutedRollout& rollout, const rollout::TrafficChange& change,
                                std::vector<RouterEvent>& events) {
  track(rollout);
  if (rollout.istio.virtual_services.empty()) return noVirtualService();
  const SplitTarget target = targetOf(rollout);

  // Plan every write before making any, so a broken route elsewhere leaves all as it was.
  std::optional<PlannedWrite> rule_write;
  SubsetHashes new_hashes;
  if (const auto& rule = rollout.istio.destination_rule) {
    const kube::ObjectKey key{rollout.ns, rule->name};
    ASSIGN_OR_RETURN(Cache::Ptr obj, lookup(IstioKind::kDestinationRule, key));
    const nlohmann::json spec = obj->spec();
    ASSIGN_OR_RETURN(
        std::optional<nlohmann::json> subsets,
        planSubsetHashes(spec, *rule, {change.canary_hash, change.stable_hash}, key.str()));
    if (subsets) {
      nlohmann::json next_spec = {{"subsets", std::move(*subsets)}};
      ASSIGN_OR_RETURN(new_hashes, readSubsetHashes(next_spec, *rule, key.str()));
      rule_write = PlannedWrite{key, obj->meta().resource_version, std::move(next_spec)};
    }
  }
  // Entries naming the same VirtualService (different routes of it) make one write: two
  // patches conditional on the same resourceVersion would conflict with each other.
  std::vector<std::pair<kube::ObjectKey, std::vector<const rollout::IstioVirtualService*>>> groups;
  for (const auto& vs : rollout.istio.virtual_services) {
    const kube::ObjectKey key = virtualServiceKey(rollout, vs);
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == key; });
    if (it == groups.end()) it = groups.insert(groups.end(), {key, {}});
    it->second.push_back(&vs);
  }
  std::vector<PlannedWrite> vs_writes;
  for (const auto& [key, refs] : groups) {
    ASSIGN_OR_RETURN(Cache::Ptr obj, lookup(IstioKind::kVirtualService, key));
    ASSIGN_OR_RETURN(
        nlohmann::json sections,
        planVirtualServiceWeights(obj->spec(), refs, target, change.canary_weight, key.str()));
    if (sections.empty()) continue;
    vs_writes.push_back({key, obj->meta().resource_version, std::move(sections)});
  }

  // The DestinationRule first: the subsets must select the right pods before weight moves.
  if (rule_write) {
    const auto& rule = *rollout.istio.destination_rule;
    nlohmann::json patch = {{"metadata",
                             {{"resourceVersion", rule_write->resource_version},
                              {"annotations", {{options_.keys.managed_by, rollout.name}}}}},
                            {"spec", std::move(rule_write->spec)}};
    RETURN_IF_ERROR(client_
                        .patch(kube::resources::destinationRules(), rule_write->key.ns,
                               rule_write->key.name, kube::PatchType::kMerge, patch)
                        .status());
    rememberWrite(IstioKind::kDestinationRule, rule_write->key, rule_write->resource_version);
    events.push_back(
        {kube::EventType::kNormal, "UpdatedDestinationRule",
         strCat("DestinationRule ", quote(rule.name), " subset updated (", rule.canary_subset, ": ",
                new_hashes.canary, ", ", rule.stable_subset, ": ", new_hashes.stable, ")")});
  }
  for (PlannedWrite& write : vs_writes) {
    nlohmann::json patch = {{"metadata", {{"resourceVersion", write.resource_version}}},
                            {"spec", std::move(write.spec)}};
    RETURN_IF_ERROR(client_
                        .patch(kube::resources::virtualServices(), write.key.ns, write.key.name,
                               kube::PatchType::kMerge, patch)
                        .status());
    rememberWrite(IstioKind::kVirtualService, write.key, write.resource_version);
    events.push_back({kube::EventType::kNormal, "Updated VirtualService",
                      strCat("VirtualService ", quote(write.key.name), " set to desiredWeight \"",
                             change.canary_weight, "\"")});
  }
  return absl::OkStatus();
}

void IstioRouter::rememberWrite(IstioKind kind, const kube::ObjectKey& key,
                                const std::string& replaced_version) {
  std::lock_guard<std::mutex> lock(mu_);
  written_[IstioObjectRef{kind, key}] = Written{replaced_version, absl::Now()};
}

bool IstioRouter::cachesLag(const RoutedRollout& rollout) const {
  // A watch that lags longer than this is not worth waiting for: plan from what is cached.
  constexpr absl::Duration kMaxWait = absl::Seconds(3);
  std::lock_guard<std::mutex> lock(mu_);
  bool lag = false;
  for (const IstioObjectRef& ref : referencedObjects(rollout)) {
    auto it = written_.find(ref);
    if (it == written_.end()) continue;
    const Cache& cache = ref.kind == IstioKind::kVirtualService ? virtual_services_ : destination_rules_;
    const Cache::Ptr obj = cache.get(ref.key.ns, ref.key.name);
    const bool seen = obj == nullptr || obj->meta().resource_version != it->second.replaced_version;
    if (seen || absl::Now() - it->second.at > kMaxWait) {
      written_.erase(it);
    } else {
      lag = true;
    }
  }
  return lag;
}

}  // namespace serin::traffic::istio
