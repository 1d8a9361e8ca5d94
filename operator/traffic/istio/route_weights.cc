#include "operator/traffic/istio/route_weights.h"

#include <algorithm>
#include <optional>

#include "common/json_fields.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "operator/traffic/istio/quote.h"

namespace serin::traffic::istio {
namespace {

// Where the Rollout's two destinations sit in a route's `route` list, and their weights.
struct Located {
  size_t canary_index = 0;
  size_t stable_index = 0;
  RouteWeights weights;
};

absl::Status precondition(const absl::Status& status) {
  return absl::FailedPreconditionError(status.message());
}

absl::StatusOr<Located> locate(const nlohmann::json& route, const SplitTarget& target,
                               std::string_view where) {
  if (!route.is_object()) {
    return absl::FailedPreconditionError(strCat(where, " is not an object"));
  }
  const nlohmann::json& entries = jsonArray(route, "route");
  std::optional<size_t> canary, stable;
  size_t canary_count = 0, stable_count = 0;
  Located found;
  for (size_t i = 0; i < entries.size(); ++i) {
    const nlohmann::json& entry = entries[i];
    // Built only for a message: a route may have many destinations.
    auto destWhere = [&] { return strCat(where, ": ", describeDestination(entry, i)); };
    const DestinationRole role = roleOf(entry, target);
    absl::StatusOr<int32_t> weight = weightOf(entry, "");
    if (!weight.ok() && role != DestinationRole::kForeign) {
      return precondition(weightOf(entry, destWhere()).status());
    }
    if (role == DestinationRole::kCanary) {
      if (canary_count++ == 0) {
        canary = i;
        found.weights.canary = *weight;
      }
    } else if (role == DestinationRole::kStable) {
      if (stable_count++ == 0) {
        stable = i;
        found.weights.stable = *weight;
      }
    } else if (!weight.ok() || *weight != 0) {
      return absl::FailedPreconditionError(
          strCat(destWhere(), " is neither the ", target.describeCanary(), " nor the ",
                 target.describeStable(), " but has weight ",
                 weight.ok() ? std::to_string(*weight) : clipJson(*jsonMember(entry, "weight")),
                 "; serin never removes a destination it does not own: set its weight to 0 or "
                 "remove it"));
    }
  }
  for (const auto& [count, what] : {std::pair{canary_count, target.describeCanary()},
                                    std::pair{stable_count, target.describeStable()}}) {
    if (count == 0) {
      return absl::FailedPreconditionError(strCat(where, " has no destination for the ", what));
    }
    if (count > 1) {
      return absl::FailedPreconditionError(
          strCat(where, " has ", count, " destinations for the ", what, "; keep one"));
    }
  }
  found.canary_index = *canary;
  found.stable_index = *stable;
  return found;
}

}  // namespace

absl::StatusOr<RouteWeights> readRouteWeights(const nlohmann::json& route,
                                              const SplitTarget& target, std::string_view where) {
  ASSIGN_OR_RETURN(Located found, locate(route, target, where));
  return found.weights;
}

absl::StatusOr<bool> setRouteWeights(nlohmann::json& route, const SplitTarget& target,
                                     int32_t canary_weight, std::string_view where) {
  if (canary_weight < 0 || canary_weight > 100) {
    return absl::InvalidArgumentError(
        strCat("canary weight ", canary_weight, " is not between 0 and 100"));
  }
  ASSIGN_OR_RETURN(Located found, locate(route, target, where));
  const RouteWeights want{canary_weight, 100 - canary_weight};
  if (found.weights == want) return false;
  nlohmann::json& entries = route["route"];
  entries[found.canary_index]["weight"] = want.canary;
  entries[found.stable_index]["weight"] = want.stable;
  return true;
}

rollout::TrafficObservation summarizeRoutes(const std::vector<RouteWeights>& routes) {
  rollout::TrafficObservation obs;
  for (const RouteWeights& r : routes) obs.canary_weight = std::max(obs.canary_weight, r.canary);
  obs.uniform = std::all_of(routes.begin(), routes.end(), [&](const RouteWeights& r) {
    return r.canary == obs.canary_weight && r.stable == 100 - obs.canary_weight;
  });
  return obs;
}

}  // namespace serin::traffic::istio
