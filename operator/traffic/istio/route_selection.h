// Which routes of a VirtualService a Rollout manages (argo-compat §6).
//
//   HTTP  `routes` lists route names; each must exist exactly once. Without `routes` the
//         VirtualService's only HTTP route is managed, named or not (more than one is an
//         error: serin will not guess).
//   TLS   each `tlsRoutes` entry selects every route whose matches name exactly one port,
//         equal to `port` (0: no port), and whose SNI hosts are, as a set, `sniHosts`. At
//         least one route must match. Without `tlsRoutes` the only TLS route is managed.
//   TCP   likewise by port alone.
//
// A section the Rollout does not list is managed implicitly when the VirtualService has it
// (its only route), as Argo Rollouts does; a VirtualService with no route at all is an error.
#ifndef SERIN_OPERATOR_TRAFFIC_ISTIO_ROUTE_SELECTION_H_
#define SERIN_OPERATOR_TRAFFIC_ISTIO_ROUTE_SELECTION_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "operator/rollout/rollout_spec.h"

namespace serin::traffic::istio {

enum class RouteKind { kHttp, kTls, kTcp };

// The spec member holding routes of `kind`: "http", "tls" or "tcp".
std::string_view sectionOf(RouteKind kind);
// "HTTP", "TLS" or "TCP".
std::string_view kindName(RouteKind kind);

struct ManagedRoute {
  RouteKind kind = RouteKind::kHttp;
  size_t index = 0;  // in spec.<section>
  // Names the route for messages: `HTTP route "primary" of VirtualService "shop/checkout"`,
  // or by position when it has no name: `TLS route spec.tls[0] of VirtualService "..."`.
  std::string where;
};

// The routes of `spec` (a VirtualService's .spec) that `ref` manages: each once, HTTP then
// TLS then TCP, in spec order. `vs_key` ("namespace/name") is for messages.
// FailedPrecondition, with a message naming the route or section, when a named route is
// missing or repeated, a TLS/TCP selector matches nothing, an unlisted section has several
// routes, a section is not a list, or there is no route at all.
absl::StatusOr<std::vector<ManagedRoute>> findManagedRoutes(const nlohmann::json& spec,
                                                            const rollout::IstioVirtualService& ref,
                                                            std::string_view vs_key);

}  // namespace serin::traffic::istio

#endif  // SERIN_OPERATOR_TRAFFIC_ISTIO_ROUTE_SELECTION_H_
