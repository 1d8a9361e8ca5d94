// Builders for VirtualService and DestinationRule specs and Rollout references in tests.
#ifndef SERIN_TESTS_OPERATOR_TRAFFIC_ISTIO_ISTIO_TEST_UTIL_H_
#define SERIN_TESTS_OPERATOR_TRAFFIC_ISTIO_ISTIO_TEST_UTIL_H_

#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "operator/rollout/rollout_spec.h"
#include "operator/traffic/istio/destinations.h"

namespace serin::traffic::istio::testutil {

using nlohmann::json;

inline json parse(const std::string& text) { return json::parse(text); }

// A route entry {destination: {host[, subset]}[, weight]}; weight < 0 leaves it unset.
inline json dest(const std::string& host, int weight = -1, const std::string& subset = "") {
  json d = {{"destination", {{"host", host}}}};
  if (!subset.empty()) d["destination"]["subset"] = subset;
  if (weight >= 0) d["weight"] = weight;
  return d;
}

inline json httpRoute(const std::string& name, std::vector<json> dests) {
  json r = {{"route", dests}};
  if (!name.empty()) r["name"] = name;
  return r;
}

// The usual host-level route: stable and canary Services of "checkout".
inline json checkoutRoute(const std::string& name, int canary, int stable) {
  return httpRoute(name, {dest("checkout-stable", stable), dest("checkout-canary", canary)});
}

inline rollout::IstioVirtualService vsRef(
    std::vector<std::string> routes = {},
    std::vector<rollout::IstioVirtualService::TlsRoute> tls = {},
    std::vector<rollout::IstioVirtualService::TcpRoute> tcp = {},
    const std::string& name = "checkout", const std::string& ns = "") {
  rollout::IstioVirtualService vs;
  vs.name = name;
  vs.ns = ns;
  vs.routes = std::move(routes);
  vs.tls_routes = std::move(tls);
  vs.tcp_routes = std::move(tcp);
  return vs;
}

inline SplitTarget hostTarget() {
  return SplitTarget::of("checkout-canary", "checkout-stable", std::nullopt);
}

inline rollout::IstioDestinationRule ruleRef(const std::string& name = "checkout") {
  return {name, "canary", "stable"};
}

inline SplitTarget subsetTarget() {
  return SplitTarget::of("", "", std::optional<rollout::IstioDestinationRule>(ruleRef()));
}

inline constexpr const char* kVs = "shop/checkout";

}  // namespace serin::traffic::istio::testutil

#endif  // SERIN_TESTS_OPERATOR_TRAFFIC_ISTIO_ISTIO_TEST_UTIL_H_
