// The split of a whole VirtualService: the weights of the routes a Rollout manages, and the
// route lists to write for a new canary weight. Pure: the router reads specs from its cache
// and writes what planVirtualServiceWeights returns.
#ifndef SERIN_OPERATOR_TRAFFIC_ISTIO_VIRTUAL_SERVICE_SPLIT_H_
#define SERIN_OPERATOR_TRAFFIC_ISTIO_VIRTUAL_SERVICE_SPLIT_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "operator/rollout/rollout_spec.h"
#include "operator/traffic/istio/destinations.h"
#include "operator/traffic/istio/route_selection.h"
#include "operator/traffic/istio/route_weights.h"

namespace serin::traffic::istio {

// The weights of every route `ref` manages in `spec` (the VirtualService's .spec), in
// findManagedRoutes order. `vs_key` ("namespace/name") is for messages. The errors of
// findManagedRoutes and readRouteWeights.
absl::StatusOr<std::vector<RouteWeights>> readVirtualServiceWeights(
    const nlohmann::json& spec, const rollout::IstioVirtualService& ref, const SplitTarget& target,
    std::string_view vs_key);

// What to write so that every route managed by any of `refs` (entries of one Rollout naming
// this same VirtualService) is (canary_weight, 100 - canary_weight): an object whose members
// "http", "tls" and "tcp" are the complete new lists of the sections that change, so it can
// be the `spec` of a merge patch. An empty object when nothing changes. All-or-nothing: any
// route that cannot be managed fails the whole plan (errors as readVirtualServiceWeights,
// InvalidArgument for a weight outside 0..100).
absl::StatusOr<nlohmann::json> planVirtualServiceWeights(
    const nlohmann::json& spec, const std::vector<const rollout::IstioVirtualService*>& refs,
    const SplitTarget& target, int32_t canary_weight, std::string_view vs_key);

}  // namespace serin::traffic::istio

#endif  // SERIN_OPERATOR_TRAFFIC_ISTIO_VIRTUAL_SERVICE_SPLIT_H_
