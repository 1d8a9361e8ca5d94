#include "operator/traffic/istio/virtual_service_split.h"

#include "common/status_macros.h"

namespace serin::traffic::istio {

absl::StatusOr<std::vector<RouteWeights>> readVirtualServiceWeights(
    const nlohmann::json& spec, const rollout::IstioVirtualService& ref, const SplitTarget& target,
    std::string_view vs_key) {
  ASSIGN_OR_RETURN(std::vector<ManagedRoute> routes, findManagedRoutes(spec, ref, vs_key));
  std::vector<RouteWeights> weights;
  weights.reserve(routes.size());
  for (const ManagedRoute& route : routes) {
    const nlohmann::json& entry = spec[sectionOf(route.kind)][route.index];
    ASSIGN_OR_RETURN(RouteWeights w, readRouteWeights(entry, target, route.where));
    weights.push_back(w);
  }
  return weights;
}

absl::StatusOr<nlohmann::json> planVirtualServiceWeights(
    const nlohmann::json& spec, const std::vector<const rollout::IstioVirtualService*>& refs,
    const SplitTarget& target, int32_t canary_weight, std::string_view vs_key) {
  nlohmann::json changed = nlohmann::json::object();
  // Sections are copied only once something in them changes: most reconciles change nothing.
  auto current = [&](std::string_view section) -> const nlohmann::json& {
    auto it = changed.find(section);
    return it != changed.end() ? *it : spec[section];
  };
  for (const rollout::IstioVirtualService* ref : refs) {
    ASSIGN_OR_RETURN(std::vector<ManagedRoute> routes, findManagedRoutes(spec, *ref, vs_key));
    for (const ManagedRoute& route : routes) {
      const std::string_view section = sectionOf(route.kind);
      nlohmann::json entry = current(section)[route.index];
      ASSIGN_OR_RETURN(bool entry_changed,
                       setRouteWeights(entry, target, canary_weight, route.where));
      if (!entry_changed) continue;
      if (!changed.contains(section)) changed[section] = spec[section];
      changed[section][route.index] = std::move(entry);
    }
  }
  return changed;
}

}  // namespace serin::traffic::istio
