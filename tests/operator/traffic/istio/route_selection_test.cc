#include "operator/traffic/istio/route_selection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/strings.h"
#include "tests/operator/traffic/istio/istio_test_util.h"

namespace serin::traffic::istio {
namespace {

using namespace testutil;  // NOLINT: test builders
using ::testing::HasSubstr;
using TlsRoute = rollout::IstioVirtualService::TlsRoute;
using TcpRoute = rollout::IstioVirtualService::TcpRoute;

// "http[0] tcp[1]": the selection in a compact, comparable form.
std::string picked(const std::vector<ManagedRoute>& routes) {
  std::string out;
  for (const auto& r : routes)
    strAppend(&out, out.empty() ? "" : " ", sectionOf(r.kind), "[", r.index, "]");
  return out;
}

struct SelectionCase {
  std::string name;
  std::string spec;
  rollout::IstioVirtualService ref;
  std::string want;   // picked() form when OK
  std::string error;  // substring of the error, when not OK
};

const json kTwoNamed = {
    {"http", {checkoutRoute("secondary", 0, 100), checkoutRoute("primary", 0, 100)}}};

std::vector<SelectionCase> selectionCases() {
  const std::string tls_spec = R"({"tls": [
      {"match": [{"port": 443, "sniHosts": ["a.example.com"]}], "route": []},
      {"match": [{"port": 443, "sniHosts": ["b.example.com", "c.example.com"]}], "route": []},
      {"match": [{"port": 443, "sniHosts": ["c.example.com"]}, {"port": 443, "sniHosts": ["b.example.com"]}], "route": []},
      {"match": [{"port": 443, "sniHosts": ["a.example.com"]}, {"port": 8443, "sniHosts": ["a.example.com"]}], "route": []},
      {"match": [{"sniHosts": ["d.example.com"]}], "route": []}
    ]})";
  const std::string tcp_spec = R"({"tcp": [
      {"match": [{"port": 5432}], "route": []},
      {"match": [{"port": 6379}, {"port": 6380}], "route": []},
      {"route": []},
      {"match": [{"port": 5432}, {"port": 5432}], "route": []}
    ]})";
  return {
      {"named route found by name", kTwoNamed.dump(), vsRef({"primary"}), "http[1]", ""},
      {"several named routes", R"({"http": [{"name": "a"}, {"name": "b"}, {"name": "c"}]})",
       vsRef({"c", "a"}), "http[0] http[2]", ""},
      {"a name listed twice is one route", R"({"http": [{"name": "a"}]})", vsRef({"a", "a"}),
       "http[0]", ""},
      {"only route, unnamed", R"({"http": [{"route": []}]})", vsRef(), "http[0]", ""},
      {"only route, named", R"({"http": [{"name": "x"}]})", vsRef(), "http[0]", ""},
      {"two routes and no names", kTwoNamed.dump(), vsRef(), "",
       "VirtualService \"shop/checkout\" has 2 HTTP routes; list the ones to manage"},
      {"missing named route", kTwoNamed.dump(), vsRef({"primary", "canary-only"}), "",
       "HTTP route \"canary-only\" not found in VirtualService \"shop/checkout\""},
      {"named route but no http section", R"({"tcp": [{"route": []}]})", vsRef({"primary"}), "",
       "HTTP route \"primary\" not found in VirtualService \"shop/checkout\""},
      {"route name repeated in the VirtualService", R"({"http": [{"name": "a"}, {"name": "a"}]})",
       vsRef({"a"}), "", "HTTP route \"a\" appears 2 times in VirtualService \"shop/checkout\""},
      {"no routes at all", R"({"hosts": ["checkout"]})", vsRef(), "",
       "VirtualService \"shop/checkout\" has no HTTP, TLS or TCP routes"},
      {"empty lists are no routes", R"({"http": [], "tls": [], "tcp": null})", vsRef(), "",
       "has no HTTP, TLS or TCP routes"},
      {"http not a list", R"({"http": {"name": "primary"}})", vsRef({"primary"}), "",
       "VirtualService \"shop/checkout\": spec.http is not a list"},
      {"tls not a list", R"({"http": [{}], "tls": "x"})", vsRef(), "", "spec.tls is not a list"},
      {"null http is absent", R"({"http": null, "tcp": [{"route": []}]})", vsRef(), "tcp[0]", ""},
      {"named http plus the only tcp route",
       R"({"http": [{"name": "p"}, {"name": "q"}], "tcp": [{}]})", vsRef({"q"}), "http[1] tcp[0]",
       ""},
      {"unlisted section with several routes", R"({"http": [{"name": "p"}], "tcp": [{}, {}]})",
       vsRef({"p"}), "",
       "has 2 TCP routes; select the ones to manage with the Rollout's tcpRoutes"},
      {"tls by port and sni", tls_spec, vsRef({}, {TlsRoute{443, {"a.example.com"}}}), "tls[0]",
       ""},
      {"tls sni hosts are a set, across matches", tls_spec,
       vsRef({}, {TlsRoute{443, {"c.example.com", "b.example.com"}}}), "tls[1] tls[2]", ""},
      {"tls route with two ports never matches", tls_spec,
       vsRef({}, {TlsRoute{8443, {"a.example.com"}}}), "",
       "no TLS route in VirtualService \"shop/checkout\" matches port 8443 and SNI hosts "
       "[\"a.example.com\"]"},
      {"tls sni subset does not match", tls_spec, vsRef({}, {TlsRoute{443, {"b.example.com"}}}), "",
       "no TLS route"},
      {"tls match without port is port 0", tls_spec, vsRef({}, {TlsRoute{0, {"d.example.com"}}}),
       "tls[4]", ""},
      {"tls implicit only route", R"({"tls": [{"match": [{"port": 1, "sniHosts": ["x"]}]}]})",
       vsRef(), "tls[0]", ""},
      {"tls implicit with several routes", tls_spec, vsRef(), "",
       "has 5 TLS routes; select the ones to manage with the Rollout's tlsRoutes"},
      {"tcp by port, every match", tcp_spec, vsRef({}, {}, {TcpRoute{5432}}), "tcp[0] tcp[3]", ""},
      {"tcp route without match is port 0", tcp_spec, vsRef({}, {}, {TcpRoute{0}}), "tcp[2]", ""},
      {"tcp route with two ports never matches", tcp_spec, vsRef({}, {}, {TcpRoute{6379}}), "",
       "no TCP route in VirtualService \"shop/checkout\" matches port 6379"},
      {"tcp port of the wrong type never matches", R"({"tcp": [{"match": [{"port": "5432"}]}]})",
       vsRef({}, {}, {TcpRoute{5432}}), "", "no TCP route"},
      {"http, tls and tcp together",
       R"({"http": [{"name": "web"}], "tls": [{"match": [{"port": 443, "sniHosts": ["s"]}]}],
           "tcp": [{"match": [{"port": 9000}]}]})",
       vsRef({"web"}, {TlsRoute{443, {"s"}}}, {TcpRoute{9000}}), "http[0] tls[0] tcp[0]", ""},
  };
}

class IstioRouteSelectionTest : public ::testing::TestWithParam<SelectionCase> {};

TEST_P(IstioRouteSelectionTest, Selects) {
  const SelectionCase& c = GetParam();
  auto routes = findManagedRoutes(json::parse(c.spec), c.ref, kVs);
  if (c.error.empty()) {
    ASSERT_TRUE(routes.ok()) << routes.status();
    EXPECT_EQ(picked(*routes), c.want);
  } else {
    ASSERT_FALSE(routes.ok()) << picked(*routes);
    EXPECT_EQ(routes.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(routes.status().message()), HasSubstr(c.error));
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, IstioRouteSelectionTest, ::testing::ValuesIn(selectionCases()),
                         [](const auto& info) {
                           std::string n;
                           for (char ch : info.param.name) n += std::isalnum(ch) ? ch : '_';
                           return n;
                         });

TEST(IstioRouteSelection, NamesRoutesForMessages) {
  auto routes =
      findManagedRoutes(json::parse(R"({"http": [{"name": "primary"}], "tls": [{}], "tcp": [{}]})"),
                        vsRef({"primary"}), kVs);
  ASSERT_TRUE(routes.ok()) << routes.status();
  ASSERT_EQ(routes->size(), 3u);
  EXPECT_EQ((*routes)[0].where, "HTTP route \"primary\" of VirtualService \"shop/checkout\"");
  EXPECT_EQ((*routes)[1].where, "TLS route spec.tls[0] of VirtualService \"shop/checkout\"");
  EXPECT_EQ((*routes)[2].where, "TCP route spec.tcp[0] of VirtualService \"shop/checkout\"");
  auto unnamed = findManagedRoutes(json::parse(R"({"http": [{}]})"), vsRef(), kVs);
  ASSERT_TRUE(unnamed.ok());
  EXPECT_EQ((*unnamed)[0].where, "HTTP route spec.http[0] of VirtualService \"shop/checkout\"");
}

}  // namespace
}  // namespace serin::traffic::istio
