// Which destinations of an Istio route belong to a Rollout, and what weight each carries.
//
// Host-level split (no DestinationRule): a destination is the canary (stable) one when its
// host, cut at the first '.', is the canary (stable) Service's name, so `checkout`,
// `checkout.shop` and `checkout.shop.svc.cluster.local` are all Service `checkout` (as in
// Argo Rollouts, the namespace part is not compared). Subset-level split: the destination
// whose `subset` is the canary (stable) subset name. Every other destination is foreign:
// serin never removes or reweights it.
#ifndef SERIN_OPERATOR_TRAFFIC_ISTIO_DESTINATIONS_H_
#define SERIN_OPERATOR_TRAFFIC_ISTIO_DESTINATIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "operator/rollout/rollout_spec.h"

namespace serin::traffic::istio {

// How a Rollout recognises its two destinations in a route.
struct SplitTarget {
  bool by_subset = false;  // subset-level split (a DestinationRule is configured)
  std::string canary;      // the canary Service name, or the canary subset name
  std::string stable;

  // Subset-level when `rule` is set, host-level otherwise.
  static SplitTarget of(std::string_view canary_service, std::string_view stable_service,
                        const std::optional<rollout::IstioDestinationRule>& rule);

  // For messages: `canary Service "checkout-canary"` or `canary DestinationRule subset "canary"`.
  std::string describeCanary() const;
  std::string describeStable() const;
};

enum class DestinationRole { kCanary, kStable, kForeign };

// The Service name a destination host names: the host up to its first '.'.
std::string_view serviceOfHost(std::string_view host);

// The role of one entry of a route's `route` list ({destination: {host, subset}, weight}).
// Anything malformed (not an object, no host) is foreign.
DestinationRole roleOf(const nlohmann::json& entry, const SplitTarget& target);

// The entry's weight: 0 when absent or null (Istio reads it so). InvalidArgument when it is
// not a whole number between 0 and 100; `where` starts the message.
absl::StatusOr<int32_t> weightOf(const nlohmann::json& entry, std::string_view where);

// For messages: `destination "payments.shop"` (subset appended when set), or
// `destination 2` when the entry has no host.
std::string describeDestination(const nlohmann::json& entry, size_t index);

}  // namespace serin::traffic::istio

#endif  // SERIN_OPERATOR_TRAFFIC_ISTIO_DESTINATIONS_H_
