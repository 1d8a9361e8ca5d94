#include "operator/traffic/istio/virtual_service_split.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/operator/traffic/istio/istio_test_util.h"

namespace serin::traffic::istio {
namespace {

using namespace testutil;  // NOLINT: test builders
using ::testing::HasSubstr;
using TlsRoute = rollout::IstioVirtualService::TlsRoute;
using TcpRoute = rollout::IstioVirtualService::TcpRoute;

// A VirtualService with a managed route, an unmanaged one and a TLS section.
json mixedSpec() {
  return {
      {"hosts", {"checkout.example.com"}},
      {"gateways", {"shop/gw"}},
      {"http",
       {httpRoute("headers", {dest("checkout-canary", 100)}),
        json{{"name", "primary"},
             {"match", {{{"uri", {{"prefix", "/"}}}}}},
             {"route",
              {dest("checkout-stable", 90), dest("checkout-canary", 10), dest("legacy", 0)}},
             {"timeout", "5s"}}}},
      {"tls",
       {{{"match", {{{"port", 443}, {"sniHosts", {"checkout.example.com"}}}}},
         {"route", {dest("checkout-stable", 90), dest("checkout-canary", 10)}}}}},
  };
}

TEST(IstioVirtualServiceSplit, ReadsEveryManagedRouteInOrder) {
  const auto ref = vsRef({"primary"}, {TlsRoute{443, {"checkout.example.com"}}});
  auto weights = readVirtualServiceWeights(mixedSpec(), ref, hostTarget(), kVs);
  ASSERT_TRUE(weights.ok()) << weights.status();
  ASSERT_EQ(weights->size(), 2u);
  EXPECT_EQ((*weights)[0], (RouteWeights{10, 90}));
  EXPECT_EQ((*weights)[1], (RouteWeights{10, 90}));
}

TEST(IstioVirtualServiceSplit, ReadReportsTheFirstBadRoute) {
  // The unmanaged "headers" route lacks the stable Service: it does not matter...
  const auto ok = readVirtualServiceWeights(
      mixedSpec(), vsRef({"primary"}, {TlsRoute{443, {"checkout.example.com"}}}), hostTarget(),
      kVs);
  EXPECT_TRUE(ok.ok());
  // ...until the Rollout manages it.
  auto bad = readVirtualServiceWeights(
      mixedSpec(), vsRef({"primary", "headers"}, {TlsRoute{443, {"checkout.example.com"}}}),
      hostTarget(), kVs);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "HTTP route \"headers\" of VirtualService \"shop/checkout\" has no destination for the "
            "stable Service \"checkout-stable\"");
}

TEST(IstioVirtualServiceSplit, PlanReturnsOnlyTheChangedSections) {
  const json spec = mixedSpec();
  const auto ref = vsRef({"primary"}, {TlsRoute{443, {"checkout.example.com"}}});
  auto plan = planVirtualServiceWeights(spec, {&ref}, hostTarget(), 30, kVs);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->size(), 2u);
  ASSERT_TRUE(plan->contains("http"));
  ASSERT_TRUE(plan->contains("tls"));
  // Complete lists: the unmanaged route and every other field of the managed one are kept.
  json want_http = spec["http"];
  want_http[1]["route"][0]["weight"] = 70;
  want_http[1]["route"][1]["weight"] = 30;
  EXPECT_EQ((*plan)["http"], want_http);
  json want_tls = spec["tls"];
  want_tls[0]["route"][0]["weight"] = 70;
  want_tls[0]["route"][1]["weight"] = 30;
  EXPECT_EQ((*plan)["tls"], want_tls);
}

TEST(IstioVirtualServiceSplit, PlanOnlyTouchesSectionsThatDiffer) {
  json spec = mixedSpec();
  spec["tls"][0]["route"][0]["weight"] = 70;
  spec["tls"][0]["route"][1]["weight"] = 30;
  const auto ref = vsRef({"primary"}, {TlsRoute{443, {"checkout.example.com"}}});
  auto plan = planVirtualServiceWeights(spec, {&ref}, hostTarget(), 30, kVs);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE(plan->contains("http"));
  EXPECT_FALSE(plan->contains("tls"));
}

TEST(IstioVirtualServiceSplit, NothingToChangeIsAnEmptyPlan) {
  const auto ref = vsRef({"primary"}, {TlsRoute{443, {"checkout.example.com"}}});
  auto plan = planVirtualServiceWeights(mixedSpec(), {&ref}, hostTarget(), 10, kVs);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE(plan->is_object());
  EXPECT_TRUE(plan->empty());
}

TEST(IstioVirtualServiceSplit, SeveralEntriesForOneVirtualServiceMakeOnePlan) {
  const json spec = {
      {"http",
       {checkoutRoute("a", 0, 100), checkoutRoute("b", 0, 100), checkoutRoute("c", 0, 100)}},
      {"tcp",
       {{{"match", {{{"port", 5432}}}},
         {"route", {dest("checkout-stable", 100), dest("checkout-canary", 0)}}}}}};
  const auto first = vsRef({"a"}, {}, {TcpRoute{5432}});
  const auto second = vsRef({"c"}, {}, {TcpRoute{5432}});
  auto plan = planVirtualServiceWeights(spec, {&first, &second}, hostTarget(), 50, kVs);
  ASSERT_TRUE(plan.ok()) << plan.status();
  const json& http = (*plan)["http"];
  EXPECT_EQ(http[0]["route"][1]["weight"], 50);
  EXPECT_EQ(http[1], spec["http"][1]);  // "b" is not managed
  EXPECT_EQ(http[2]["route"][1]["weight"], 50);
  EXPECT_EQ((*plan)["tcp"][0]["route"][0]["weight"], 50);
}

TEST(IstioVirtualServiceSplit, PlanIsAllOrNothing) {
  json spec = {
      {"http",
       {checkoutRoute("a", 0, 100),
        httpRoute("b", {dest("checkout-stable", 90), dest("checkout-canary", 0), dest("x", 10)})}}};
  const auto ref = vsRef({"a", "b"});
  auto plan = planVirtualServiceWeights(spec, {&ref}, hostTarget(), 20, kVs);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(plan.status().message()),
              HasSubstr("HTTP route \"b\" of VirtualService \"shop/checkout\": destination \"x\""));
}

TEST(IstioVirtualServiceSplit, ForeignDestinationWithoutWeightIsKept) {
  json spec = {{"http",
                {httpRoute("", {dest("checkout-stable", 100), dest("checkout-canary", 0),
                                dest("checkout-legacy", 0), dest("shadow")})}}};
  const auto ref = vsRef();
  auto plan = planVirtualServiceWeights(spec, {&ref}, hostTarget(), 5, kVs);
  ASSERT_TRUE(plan.ok()) << plan.status();
  const json& route = (*plan)["http"][0]["route"];
  ASSERT_EQ(route.size(), 4u);
  EXPECT_EQ(route[2], dest("checkout-legacy", 0));
  EXPECT_EQ(route[3], dest("shadow"));
  EXPECT_EQ(route[0]["weight"], 95);
  EXPECT_EQ(route[1]["weight"], 5);
}

TEST(IstioVirtualServiceSplit, SubsetSplitPlan) {
  json spec = {
      {"http",
       {httpRoute("primary", {dest("checkout", 100, "stable"), dest("checkout", 0, "canary")})}}};
  const auto ref = vsRef({"primary"});
  auto plan = planVirtualServiceWeights(spec, {&ref}, subsetTarget(), 25, kVs);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)["http"][0]["route"][0], dest("checkout", 75, "stable"));
  EXPECT_EQ((*plan)["http"][0]["route"][1], dest("checkout", 25, "canary"));
}

}  // namespace
}  // namespace serin::traffic::istio
