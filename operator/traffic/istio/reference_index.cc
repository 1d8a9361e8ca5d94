#include "operator/traffic/istio/reference_index.h"

#include <algorithm>
#include <utility>

namespace serin::traffic::istio {

std::vector<IstioObjectRef> referencedObjects(const RoutedRollout& rollout) {
  std::vector<IstioObjectRef> refs;
  for (const auto& vs : rollout.istio.virtual_services) {
    refs.push_back({IstioKind::kVirtualService, {vs.ns.empty() ? rollout.ns : vs.ns, vs.name}});
  }
  if (rollout.istio.destination_rule) {
    refs.push_back(
        {IstioKind::kDestinationRule, {rollout.ns, rollout.istio.destination_rule->name}});
  }
  std::sort(refs.begin(), refs.end());
  refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
  return refs;
}

void ReferenceIndex::set(const kube::ObjectKey& rollout, std::vector<IstioObjectRef> refs) {
  std::sort(refs.begin(), refs.end());
  refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_rollout_.find(rollout);
  // Every reconcile records its references: the common case changes nothing.
  if (it != by_rollout_.end() && it->second == refs) return;
  eraseLocked(rollout);
  for (const IstioObjectRef& ref : refs) by_object_[ref].insert(rollout);
  by_rollout_[rollout] = std::move(refs);
}

void ReferenceIndex::erase(const kube::ObjectKey& rollout) {
  std::lock_guard<std::mutex> lock(mu_);
  eraseLocked(rollout);
}

void ReferenceIndex::eraseLocked(const kube::ObjectKey& rollout) {
  auto it = by_rollout_.find(rollout);
  if (it == by_rollout_.end()) return;
  for (const IstioObjectRef& ref : it->second) {
    auto obj = by_object_.find(ref);
    if (obj == by_object_.end()) continue;
    obj->second.erase(rollout);
    if (obj->second.empty()) by_object_.erase(obj);
  }
  by_rollout_.erase(it);
}

std::vector<kube::ObjectKey> ReferenceIndex::rolloutsReferencing(
    const IstioObjectRef& object) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_object_.find(object);
  if (it == by_object_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

}  // namespace serin::traffic::istio
