#include "operator/traffic/istio/route_selection.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "common/json_fields.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "operator/traffic/istio/quote.h"

namespace serin::traffic::istio {
namespace {

// A port no selector can ask for: marks a match entry serin cannot read.
constexpr int64_t kUnreadablePort = -1;

std::string vsName(std::string_view vs_key) { return strCat("VirtualService ", quote(vs_key)); }

// spec.<section> as a list; an absent or null member is an empty one.
absl::StatusOr<const nlohmann::json*> sectionList(const nlohmann::json& spec, RouteKind kind,
                                                  std::string_view vs_key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const nlohmann::json* routes = jsonMember(spec, sectionOf(kind));
  if (routes == nullptr || routes->is_null()) return &kEmpty;
  if (!routes->is_array()) {
    return absl::FailedPreconditionError(
        strCat(vsName(vs_key), ": spec.", sectionOf(kind), " is not a list"));
  }
  return routes;
}

std::string whereOf(RouteKind kind, const nlohmann::json& routes, size_t index,
                    std::string_view vs_key) {
  const std::string name =
      kind == RouteKind::kHttp ? jsonString(routes[index], "name") : std::string();
  if (!name.empty()) return strCat("HTTP route ", quote(name), " of ", vsName(vs_key));
  return strCat(kindName(kind), " route spec.", sectionOf(kind), "[", index, "] of ",
                vsName(vs_key));
}

// What a TLS or TCP route's matches select: its distinct ports and SNI hosts.
struct MatchSignature {
  std::set<int64_t> ports;
  std::set<std::string> sni_hosts;
};

MatchSignature signatureOf(const nlohmann::json& route) {
  MatchSignature sig;
  for (const nlohmann::json& match : jsonArray(route, "match")) {
    if (!match.is_object()) {
      sig.ports.insert(kUnreadablePort);
      continue;
    }
    const nlohmann::json* port = jsonMember(match, "port");
    // A match without a port is port 0, as Argo Rollouts reads it.
    if (port == nullptr || port->is_null()) {
      sig.ports.insert(0);
    } else {
      sig.ports.insert(jsonInt(match, "port").value_or(kUnreadablePort));
    }
    for (const nlohmann::json& host : jsonArray(match, "sniHosts")) {
      if (host.is_string()) sig.sni_hosts.insert(host.get<std::string>());
    }
  }
  return sig;
}

// One port, equal to `port` (a route without matches is port 0).
bool portMatches(const MatchSignature& sig, int64_t port) {
  if (sig.ports.empty()) return port == 0;
  return sig.ports.size() == 1 && *sig.ports.begin() == port;
}

std::string hostList(const std::vector<std::string>& hosts) {
  std::string out = "[";
  for (size_t i = 0; i < hosts.size() && i < 10; ++i)
    strAppend(&out, i ? ", " : "", quote(hosts[i]));
  if (hosts.size() > 10) strAppend(&out, ", ...");
  return out + "]";
}

absl::Status tooManyRoutes(RouteKind kind, size_t count, std::string_view vs_key,
                           std::string_view how) {
  return absl::FailedPreconditionError(
      strCat(vsName(vs_key), " has ", count, " ", kindName(kind), " routes; ", how));
}

absl::Status selectHttp(const nlohmann::json& routes, const rollout::IstioVirtualService& ref,
                        std::string_view vs_key, std::set<size_t>& out) {
  if (ref.routes.empty()) {
    if (routes.size() > 1) {
      return tooManyRoutes(RouteKind::kHttp, routes.size(), vs_key,
                           "list the ones to manage in the Rollout's virtualService routes");
    }
    if (routes.size() == 1) out.insert(0);
    return absl::OkStatus();
  }
  std::map<std::string, std::vector<size_t>, std::less<>> by_name;
  for (size_t i = 0; i < routes.size(); ++i) {
    const std::string name = jsonString(routes[i], "name");
    if (!name.empty()) by_name[name].push_back(i);
  }
  for (const std::string& name : ref.routes) {
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      return absl::FailedPreconditionError(
          strCat("HTTP route ", quote(name), " not found in ", vsName(vs_key)));
    }
    if (it->second.size() > 1) {
      return absl::FailedPreconditionError(strCat("HTTP route ", quote(name), " appears ",
                                                  it->second.size(), " times in ", vsName(vs_key)));
    }
    out.insert(it->second.front());
  }
  return absl::OkStatus();
}

absl::Status selectTls(const nlohmann::json& routes, const rollout::IstioVirtualService& ref,
                       std::string_view vs_key, std::set<size_t>& out) {
  if (ref.tls_routes.empty()) {
    if (routes.size() > 1) {
      return tooManyRoutes(RouteKind::kTls, routes.size(), vs_key,
                           "select the ones to manage with the Rollout's tlsRoutes");
    }
    if (routes.size() == 1) out.insert(0);
    return absl::OkStatus();
  }
  std::vector<MatchSignature> sigs;
  sigs.reserve(routes.size());
  for (const nlohmann::json& route : routes) sigs.push_back(signatureOf(route));
  for (const auto& want : ref.tls_routes) {
    const std::set<std::string> hosts(want.sni_hosts.begin(), want.sni_hosts.end());
    bool found = false;
    for (size_t i = 0; i < sigs.size(); ++i) {
      if (portMatches(sigs[i], want.port) && sigs[i].sni_hosts == hosts) {
        out.insert(i);
        found = true;
      }
    }
    if (!found) {
      return absl::FailedPreconditionError(strCat("no TLS route in ", vsName(vs_key),
                                                  " matches port ", want.port, " and SNI hosts ",
                                                  hostList(want.sni_hosts)));
    }
  }
  return absl::OkStatus();
}

absl::Status selectTcp(const nlohmann::json& routes, const rollout::IstioVirtualService& ref,
                       std::string_view vs_key, std::set<size_t>& out) {
  if (ref.tcp_routes.empty()) {
    if (routes.size() > 1) {
      return tooManyRoutes(RouteKind::kTcp, routes.size(), vs_key,
                           "select the ones to manage with the Rollout's tcpRoutes");
    }
    if (routes.size() == 1) out.insert(0);
    return absl::OkStatus();
  }
  std::vector<MatchSignature> sigs;
  sigs.reserve(routes.size());
  for (const nlohmann::json& route : routes) sigs.push_back(signatureOf(route));
  for (const auto& want : ref.tcp_routes) {
    bool found = false;
    for (size_t i = 0; i < sigs.size(); ++i) {
      if (portMatches(sigs[i], want.port)) {
        out.insert(i);
        found = true;
      }
    }
    if (!found) {
      return absl::FailedPreconditionError(
          strCat("no TCP route in ", vsName(vs_key), " matches port ", want.port));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view sectionOf(RouteKind kind) {
  switch (kind) {
    case RouteKind::kHttp:
      return "http";
    case RouteKind::kTls:
      return "tls";
    case RouteKind::kTcp:
      return "tcp";
  }
  return "http";
}

std::string_view kindName(RouteKind kind) {
  switch (kind) {
    case RouteKind::kHttp:
      return "HTTP";
    case RouteKind::kTls:
      return "TLS";
    case RouteKind::kTcp:
      return "TCP";
  }
  return "HTTP";
}

absl::StatusOr<std::vector<ManagedRoute>> findManagedRoutes(const nlohmann::json& spec,
                                                            const rollout::IstioVirtualService& ref,
                                                            std::string_view vs_key) {
  std::vector<ManagedRoute> out;
  for (RouteKind kind : {RouteKind::kHttp, RouteKind::kTls, RouteKind::kTcp}) {
    ASSIGN_OR_RETURN(const nlohmann::json* routes, sectionList(spec, kind, vs_key));
    std::set<size_t> picked;
    switch (kind) {
      case RouteKind::kHttp:
        RETURN_IF_ERROR(selectHttp(*routes, ref, vs_key, picked));
        break;
      case RouteKind::kTls:
        RETURN_IF_ERROR(selectTls(*routes, ref, vs_key, picked));
        break;
      case RouteKind::kTcp:
        RETURN_IF_ERROR(selectTcp(*routes, ref, vs_key, picked));
        break;
    }
    for (size_t index : picked) out.push_back({kind, index, whereOf(kind, *routes, index, vs_key)});
  }
  if (out.empty()) {
    return absl::FailedPreconditionError(strCat(vsName(vs_key), " has no HTTP, TLS or TCP routes"));
  }
  return out;
}

}  // namespace serin::traffic::istio
