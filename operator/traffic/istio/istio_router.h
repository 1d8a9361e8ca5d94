// IstioRouter: the TrafficRouter that splits traffic through Istio VirtualService route
// weights and, for a subset-level split, DestinationRule subset labels.
//
// observe() reads only the informer caches. apply() plans every write from the caches
// first (so a route that cannot be managed stops the change before anything moves), then
// writes the DestinationRule, then each VirtualService, as merge patches that carry the
// cached metadata.resourceVersion: an object edited since the cache saw it gives Aborted
// (re-read and re-plan) instead of a lost update. A patch holds only the route lists that
// change (spec.http / spec.tls / spec.tcp) or spec.subsets, so other fields and metadata are
// untouched. Nothing to change means no request at all.
//
// Drift: every observe()/apply() records which objects the Rollout references; when one of
// them changes in the cache, the callbacks given to onReferencedObjectChange get the
// Rollout's key (see reference_index.h).
//
// Thread-safe: observe() and apply() may run on several workers at once. Right after an
// apply(), until the watch brings the new object into the cache, observe() still shows the
// old split and a second apply() of the same change gets Aborted; the controller re-queues.
#ifndef SERIN_OPERATOR_TRAFFIC_ISTIO_ISTIO_ROUTER_H_
#define SERIN_OPERATOR_TRAFFIC_ISTIO_ISTIO_ROUTER_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/log.h"
#include "operator/kube/informer.h"
#include "operator/kube/kube_client.h"
#include "operator/kube/replica_set.h"
#include "operator/rollout/keys.h"
#include "operator/traffic/istio/reference_index.h"
#include "operator/traffic/istio/route_weights.h"
#include "operator/traffic/traffic_router.h"

namespace serin::traffic::istio {

struct IstioRouterOptions {
  // The namespace serin watches; empty: all namespaces.
  std::string ns;
  // Its managed-by annotation goes on the DestinationRules serin changes.
  rollout::Keys keys{"serin.io"};
  // For the caches the router owns; reflector.ns is taken from `ns`.
  kube::InformerOptions informer;
};

class IstioRouter final : public TrafficRouter {
 public:
  using Cache = kube::Informer<kube::SpecObject>;
  using RolloutCallback = std::function<void(const kube::ObjectKey& rollout)>;

  // Makes and owns caches of VirtualServices and DestinationRules (started by start()).
  // `client` and `log` must outlive the router.
  IstioRouter(kube::KubeClient& client, IstioRouterOptions options, const Logger& log);
  // Uses caches owned by the caller, who starts them after this constructor (it registers
  // their handlers) and stops them before destroying the router (the handlers call into it).
  IstioRouter(kube::KubeClient& client, Cache& virtual_services, Cache& destination_rules,
              IstioRouterOptions options);
  ~IstioRouter() override;
  IstioRouter(const IstioRouter&) = delete;
  IstioRouter& operator=(const IstioRouter&) = delete;

  // Start and stop the owned caches (no-ops for caches given by the caller).
  void start();
  void stop();
  bool waitForSync(absl::Duration timeout) const;

  // On error (error set, weights zero) the message is one of:
  //   VirtualService "ns/name" not found [: serin watches only namespace "x"]
  //   DestinationRule "ns/name" not found [...]
  //   the messages of findManagedRoutes, readRouteWeights and readSubsetHashes.
  rollout::TrafficObservation observe(const RoutedRollout& rollout) const override;
  // The errors of observe() (NotFound for a missing object, FailedPrecondition for a route
  // or subset that cannot be managed), InvalidArgument for a weight outside 0..100, and the
  // client's (Aborted on a concurrent edit). An event is appended for each write made, also
  // when a later write fails.
  absl::Status apply(const RoutedRollout& rollout, const rollout::TrafficChange& change,
                     std::vector<RouterEvent>& events) override;
  // True while a VirtualService or DestinationRule of `rollout` that apply() wrote still
  // shows, in the cache, the version the write replaced (for at most a few seconds).
  bool cachesLag(const RoutedRollout& rollout) const override;

  // Registers `callback`, called on an informer thread with each Rollout that references a
  // VirtualService or DestinationRule that was added, changed or deleted. It should only
  // enqueue the key.
  void onReferencedObjectChange(RolloutCallback callback);
  // The Rollouts known to reference `object` (those observed or applied since they last
  // changed their references).
  std::vector<kube::ObjectKey> rolloutsReferencing(const IstioObjectRef& object) const;
  // Records `rollout`'s references now (observe and apply also do).
  void track(const RoutedRollout& rollout) const;
  // Forgets a Rollout that was deleted or no longer routes through Istio.
  void forget(const kube::ObjectKey& rollout);

 private:
  void registerHandlers();
  void notify(IstioKind kind, const kube::ObjectKey& key) const;
  absl::StatusOr<Cache::Ptr> lookup(IstioKind kind, const kube::ObjectKey& key) const;
  absl::StatusOr<std::vector<RouteWeights>> readWeights(const RoutedRollout& rollout) const;

  kube::KubeClient& client_;
  const IstioRouterOptions options_;
  std::unique_ptr<Cache> owned_virtual_services_;
  std::unique_ptr<Cache> owned_destination_rules_;
  Cache& virtual_services_;
  Cache& destination_rules_;
  // Mutable: observe() is const for callers, but remembering who references what is a cache.
  mutable ReferenceIndex references_;

  void rememberWrite(IstioKind kind, const kube::ObjectKey& key, const std::string& replaced_version);

  mutable std::mutex mu_;
  std::vector<RolloutCallback> callbacks_;  // guarded by mu_
  struct Written {
    std::string replaced_version;
    absl::Time at;
  };
  mutable std::map<IstioObjectRef, Written> written_;  // guarded by mu_
};

}  // namespace serin::traffic::istio

#endif  // SERIN_OPERATOR_TRAFFIC_ISTIO_ISTIO_ROUTER_H_
