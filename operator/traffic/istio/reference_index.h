// Which Rollouts reference which VirtualServices and DestinationRules. When someone edits
// the weights of a VirtualService by hand, the informer event names the VirtualService; this
// index turns it into the Rollouts to re-queue, whose next observe() sees the drift and whose
// plan writes the weights back (DESIGN §2.8).
#ifndef SERIN_OPERATOR_TRAFFIC_ISTIO_REFERENCE_INDEX_H_
#define SERIN_OPERATOR_TRAFFIC_ISTIO_REFERENCE_INDEX_H_

#include <compare>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "operator/kube/resource.h"
#include "operator/traffic/traffic_router.h"

namespace serin::traffic::istio {

enum class IstioKind { kVirtualService, kDestinationRule };

struct IstioObjectRef {
  IstioKind kind = IstioKind::kVirtualService;
  kube::ObjectKey key;
  friend bool operator==(const IstioObjectRef&, const IstioObjectRef&) = default;
  friend auto operator<=>(const IstioObjectRef&, const IstioObjectRef&) = default;
};

// The objects `rollout` names: its VirtualServices (in its namespace unless "name.ns") and
// its DestinationRule (always in its namespace), sorted, each once.
std::vector<IstioObjectRef> referencedObjects(const RoutedRollout& rollout);

// Thread-safe.
class ReferenceIndex {
 public:
  // Records that `rollout` references exactly `refs` (replacing what it referenced before).
  void set(const kube::ObjectKey& rollout, std::vector<IstioObjectRef> refs);
  // Forgets `rollout` (deleted, or no longer routed through Istio).
  void erase(const kube::ObjectKey& rollout);
  // The Rollouts referencing `object`, sorted.
  std::vector<kube::ObjectKey> rolloutsReferencing(const IstioObjectRef& object) const;

 private:
  void eraseLocked(const kube::ObjectKey& rollout);

  mutable std::mutex mu_;
  std::map<kube::ObjectKey, std::vector<IstioObjectRef>> by_rollout_;  // guarded by mu_
  std::map<IstioObjectRef, std::set<kube::ObjectKey>> by_object_;      // guarded by mu_
};

}  // namespace serin::traffic::istio

#endif  // SERIN_OPERATOR_TRAFFIC_ISTIO_REFERENCE_INDEX_H_
