#include "operator/traffic/istio/destinations.h"

#include <cmath>

#include "common/json_fields.h"
#include "common/strings.h"
#include "operator/traffic/istio/quote.h"

namespace serin::traffic::istio {

SplitTarget SplitTarget::of(std::string_view canary_service, std::string_view stable_service,
                            const std::optional<rollout::IstioDestinationRule>& rule) {
  if (rule) return {true, rule->canary_subset, rule->stable_subset};
  return {false, std::string(canary_service), std::string(stable_service)};
}

std::string SplitTarget::describeCanary() const {
  return strCat(by_subset ? "canary DestinationRule subset " : "canary Service ", quote(canary));
}

std::string SplitTarget::describeStable() const {
  return strCat(by_subset ? "stable DestinationRule subset " : "stable Service ", quote(stable));
}

std::string_view serviceOfHost(std::string_view host) { return host.substr(0, host.find('.')); }

DestinationRole roleOf(const nlohmann::json& entry, const SplitTarget& target) {
  const nlohmann::json& destination = jsonObject(entry, "destination");
  // An empty name never matches: a Rollout without a canary Service owns no host "".
  const std::string name = target.by_subset
                               ? jsonString(destination, "subset")
                               : std::string(serviceOfHost(jsonString(destination, "host")));
  if (name.empty()) return DestinationRole::kForeign;
  if (name == target.canary) return DestinationRole::kCanary;
  if (name == target.stable) return DestinationRole::kStable;
  return DestinationRole::kForeign;
}

absl::StatusOr<int32_t> weightOf(const nlohmann::json& entry, std::string_view where) {
  const nlohmann::json* w = jsonMember(entry, "weight");
  if (w == nullptr || w->is_null()) return 0;
  std::optional<int64_t> value = jsonInt(entry, "weight");
  // JSON from other writers may carry 30.0; it is still the integer Istio stores.
  if (!value && w->is_number_float()) {
    const double d = w->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= 1e9) {
      value = static_cast<int64_t>(d);
    }
  }
  if (!value || *value < 0 || *value > 100) {
    return absl::InvalidArgumentError(
        strCat(where, " has weight ", clipJson(*w), ", not a whole number between 0 and 100"));
  }
  return static_cast<int32_t>(*value);
}

std::string describeDestination(const nlohmann::json& entry, size_t index) {
  const nlohmann::json& destination = jsonObject(entry, "destination");
  const std::string host = jsonString(destination, "host");
  if (host.empty()) return strCat("destination ", index);
  const std::string subset = jsonString(destination, "subset");
  if (subset.empty()) return strCat("destination ", quote(host));
  return strCat("destination ", quote(host), " subset ", quote(subset));
}

}  // namespace serin::traffic::istio
