// The canary/stable split of one Istio route (an entry of spec.http, spec.tls or spec.tcp),
// read and written, and the split of all managed routes folded into a TrafficObservation.
//
// A route is manageable when it has exactly one canary and one stable destination (see
// destinations.h) and every other destination has weight 0 or none: Istio needs the weights
// to sum to 100, and serin never removes or reweights a destination it does not own (Argo
// Rollouts deletes such destinations; serin asks the user to fix the route instead).
#ifndef SERIN_OPERATOR_TRAFFIC_ISTIO_ROUTE_WEIGHTS_H_
#define SERIN_OPERATOR_TRAFFIC_ISTIO_ROUTE_WEIGHTS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "operator/rollout/rollout_inputs.h"
#include "operator/traffic/istio/destinations.h"

namespace serin::traffic::istio {

struct RouteWeights {
  int32_t canary = 0;
  int32_t stable = 0;
  friend bool operator==(const RouteWeights&, const RouteWeights&) = default;
};

// The weights `route` gives its canary and stable destinations. `where` names the route in
// messages (ManagedRoute::where). FailedPrecondition when the route is not an object, lacks
// the canary or the stable destination, has either more than once, gives a foreign
// destination a weight, or carries a weight that is not a whole number 0..100.
absl::StatusOr<RouteWeights> readRouteWeights(const nlohmann::json& route,
                                              const SplitTarget& target, std::string_view where);

// Gives the canary destination `canary_weight` and the stable one 100 - canary_weight, as
// integers, touching nothing else. True when `route` changed; a weight already right (an
// absent weight is 0) is not rewritten. The errors of readRouteWeights, plus InvalidArgument
// for a weight outside 0..100; on any error `route` is unchanged.
absl::StatusOr<bool> setRouteWeights(nlohmann::json& route, const SplitTarget& target,
                                     int32_t canary_weight, std::string_view where);

// Folds the managed routes' weights: canary_weight is the highest canary weight, uniform
// holds when every route is exactly (canary_weight, 100 - canary_weight). The subset hashes
// and error are left for the caller.
rollout::TrafficObservation summarizeRoutes(const std::vector<RouteWeights>& routes);

}  // namespace serin::traffic::istio

#endif  // SERIN_OPERATOR_TRAFFIC_ISTIO_ROUTE_WEIGHTS_H_
