// TrafficRouter: the seam between the Rollout controller and whatever splits live traffic
// (Istio today). A router reads the current split from its caches and writes a new one.
#ifndef SERIN_OPERATOR_TRAFFIC_TRAFFIC_ROUTER_H_
#define SERIN_OPERATOR_TRAFFIC_TRAFFIC_ROUTER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "operator/rollout/plan.h"
#include "operator/rollout/rollout_inputs.h"
#include "operator/rollout/rollout_spec.h"

namespace serin::traffic {

// The Rollout whose traffic is routed: where, and by which Services or subsets.
struct RoutedRollout {
  std::string ns;
  std::string name;
  std::string canary_service;  // the canary destination's host (host-level split)
  std::string stable_service;
  rollout::IstioRouting istio;
};

// An event the router wants recorded on the Rollout (e.g. "Updated VirtualService").
struct RouterEvent {
  kube::EventType type = kube::EventType::kNormal;
  std::string reason;
  std::string message;
};

class TrafficRouter {
 public:
  virtual ~TrafficRouter() = default;

  // The split as the router's caches see it now. Never blocks on the network. A problem
  // that stops management (missing VirtualService or route, a route without both
  // destinations, a foreign destination carrying weight) is reported in `error`, whose
  // message names the field path or the route.
  virtual rollout::TrafficObservation observe(const RoutedRollout& rollout) const = 0;

  // Writes `change` to every managed route (and, for a subset split, the DestinationRule
  // subsets first), touching only what differs, with optimistic concurrency (a concurrent
  // edit gives Aborted: re-read and re-plan). Appends events to `events`.
  virtual absl::Status apply(const RoutedRollout& rollout, const rollout::TrafficChange& change,
                             std::vector<RouterEvent>& events) = 0;

  // True while an object this router wrote for `rollout` is not yet back in its caches
  // (observe() would still show the old split). Read-your-writes for the controller.
  virtual bool cachesLag(const RoutedRollout& rollout) const { return false; }
};

}  // namespace serin::traffic

#endif  // SERIN_OPERATOR_TRAFFIC_TRAFFIC_ROUTER_H_
