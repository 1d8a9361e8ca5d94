#include "operator/traffic/istio/route_weights.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/operator/traffic/istio/istio_test_util.h"

namespace serin::traffic::istio {
namespace {

using namespace testutil;  // NOLINT: test builders
using ::testing::HasSubstr;

constexpr const char* kWhere = "HTTP route \"primary\" of VirtualService \"shop/checkout\"";

TEST(IstioDestinations, ServiceOfHostCutsAtTheFirstDot) {
  EXPECT_EQ(serviceOfHost("checkout"), "checkout");
  EXPECT_EQ(serviceOfHost("checkout.shop"), "checkout");
  EXPECT_EQ(serviceOfHost("checkout.shop.svc.cluster.local"), "checkout");
  EXPECT_EQ(serviceOfHost(".shop"), "");
  EXPECT_EQ(serviceOfHost(""), "");
}

TEST(IstioDestinations, RolesByHostOrSubset) {
  const SplitTarget host = hostTarget();
  EXPECT_EQ(roleOf(dest("checkout-canary.shop.svc.cluster.local"), host), DestinationRole::kCanary);
  EXPECT_EQ(roleOf(dest("checkout-stable.other"), host), DestinationRole::kStable);
  EXPECT_EQ(roleOf(dest("checkout"), host), DestinationRole::kForeign);
  EXPECT_EQ(roleOf(dest("checkout-canaryx"), host), DestinationRole::kForeign);
  EXPECT_EQ(roleOf(json::parse(R"({"destination": {"host": 5}})"), host),
            DestinationRole::kForeign);
  EXPECT_EQ(roleOf(json("nonsense"), host), DestinationRole::kForeign);

  const SplitTarget subset = subsetTarget();
  EXPECT_EQ(roleOf(dest("checkout", -1, "canary"), subset), DestinationRole::kCanary);
  EXPECT_EQ(roleOf(dest("checkout", -1, "stable"), subset), DestinationRole::kStable);
  EXPECT_EQ(roleOf(dest("checkout", -1, "v3"), subset), DestinationRole::kForeign);
  // By subset only: a Service named like a subset is not one.
  EXPECT_EQ(roleOf(dest("canary"), subset), DestinationRole::kForeign);
}

TEST(IstioDestinations, EmptyNamesNeverMatch) {
  const SplitTarget no_canary = SplitTarget::of("", "checkout-stable", std::nullopt);
  EXPECT_EQ(roleOf(dest(".shop"), no_canary), DestinationRole::kForeign);
  EXPECT_EQ(roleOf(dest("x"), subsetTarget()), DestinationRole::kForeign);
}

struct ReadCase {
  std::string name;
  json route;
  SplitTarget target;
  RouteWeights want;
  std::string error;  // exact message when set
};

std::vector<ReadCase> readCases() {
  const SplitTarget host = hostTarget();
  const SplitTarget subset = subsetTarget();
  const std::string w = kWhere;
  return {
      {"host short form",
       httpRoute("primary", {dest("checkout-stable", 70), dest("checkout-canary", 30)}),
       host,
       {30, 70},
       ""},
      {"host with namespace",
       httpRoute("primary", {dest("checkout-stable.shop", 90), dest("checkout-canary.shop", 10)}),
       host,
       {10, 90},
       ""},
      {"fully qualified host",
       httpRoute("primary", {dest("checkout-stable.shop.svc.cluster.local", 100),
                             dest("checkout-canary.shop.svc.cluster.local", 0)}),
       host,
       {0, 100},
       ""},
      {"absent weights are 0",
       httpRoute("primary", {dest("checkout-stable"), dest("checkout-canary")}),
       host,
       {0, 0},
       ""},
      {"whole float weight",
       json::parse(R"({"route": [
          {"destination": {"host": "checkout-stable"}, "weight": 70.0},
          {"destination": {"host": "checkout-canary"}, "weight": 30}]})"),
       host,
       {30, 70},
       ""},
      {"foreign destination with weight 0 or none is fine",
       httpRoute("primary", {dest("checkout-stable", 80), dest("legacy", 0),
                             dest("checkout-canary", 20), dest("mirror")}),
       host,
       {20, 80},
       ""},
      {"subset split",
       httpRoute("primary", {dest("checkout", 60, "stable"), dest("checkout", 40, "canary")}),
       subset,
       {40, 60},
       ""},
      {"missing canary",
       httpRoute("primary", {dest("checkout-stable", 100)}),
       host,
       {},
       w + " has no destination for the canary Service \"checkout-canary\""},
      {"missing stable",
       httpRoute("primary", {dest("checkout-canary", 100)}),
       host,
       {},
       w + " has no destination for the stable Service \"checkout-stable\""},
      {"missing stable subset",
       httpRoute("primary", {dest("checkout", 100, "canary"), dest("checkout", 0, "v1")}),
       subset,
       {},
       w + " has no destination for the stable DestinationRule subset \"stable\""},
      {"no route list at all",
       json::parse(R"({"name": "primary"})"),
       host,
       {},
       w + " has no destination for the canary Service \"checkout-canary\""},
      {"canary twice",
       httpRoute("primary", {dest("checkout-stable", 80), dest("checkout-canary", 10),
                             dest("checkout-canary.shop.svc.cluster.local", 10)}),
       host,
       {},
       w + " has 2 destinations for the canary Service \"checkout-canary\"; keep one"},
      {"foreign destination with weight",
       httpRoute("primary", {dest("checkout-stable", 80), dest("checkout-canary", 10),
                             dest("payments.shop", 10)}),
       host,
       {},
       w + ": destination \"payments.shop\" is neither the canary Service \"checkout-canary\" nor "
           "the "
           "stable Service \"checkout-stable\" but has weight 10; serin never removes a "
           "destination "
           "it does not own: set its weight to 0 or remove it"},
      {"foreign subset with weight",
       httpRoute("primary", {dest("checkout", 50, "stable"), dest("checkout", 25, "canary"),
                             dest("checkout", 25, "v0")}),
       subset,
       {},
       w + ": destination \"checkout\" subset \"v0\" is neither the canary DestinationRule subset "
           "\"canary\" nor the stable DestinationRule subset \"stable\" but has weight 25; serin "
           "never "
           "removes a destination it does not own: set its weight to 0 or remove it"},
      {"foreign destination with a weight of the wrong type",
       json::parse(R"({"route": [{"destination": {"host": "checkout-stable"}, "weight": 100},
                                 {"destination": {"host": "checkout-canary"}},
                                 {"destination": {}, "weight": "5"}]})"),
       host,
       {},
       w + ": destination 2 is neither the canary Service \"checkout-canary\" nor the stable "
           "Service "
           "\"checkout-stable\" but has weight \"5\"; serin never removes a destination it does "
           "not "
           "own: set its weight to 0 or remove it"},
      {"weight above 100",
       httpRoute("primary", {dest("checkout-stable", 0), dest("checkout-canary", 101)}),
       host,
       {},
       w + ": destination \"checkout-canary\" has weight 101, not a whole number between 0 and "
           "100"},
      {"negative weight",
       json::parse(R"({"route": [{"destination": {"host": "checkout-stable"}, "weight": -1},
                                                  {"destination": {"host": "checkout-canary"}, "weight": 0}]})"),
       host,
       {},
       w + ": destination \"checkout-stable\" has weight -1, not a whole number between 0 and 100"},
      {"fractional weight",
       json::parse(R"({"route": [{"destination": {"host": "checkout-stable"}, "weight": 69.5},
                                                    {"destination": {"host": "checkout-canary"}, "weight": 30}]})"),
       host,
       {},
       w + ": destination \"checkout-stable\" has weight 69.5, not a whole number between 0 and "
           "100"},
      {"string weight",
       json::parse(R"({"route": [{"destination": {"host": "checkout-stable"}, "weight": "70"},
                                                {"destination": {"host": "checkout-canary"}, "weight": 30}]})"),
       host,
       {},
       w + ": destination \"checkout-stable\" has weight \"70\", not a whole number between 0 and "
           "100"},
      {"route not an object", json::array(), host, {}, w + " is not an object"},
  };
}

class IstioReadRouteTest : public ::testing::TestWithParam<ReadCase> {};

TEST_P(IstioReadRouteTest, Reads) {
  const ReadCase& c = GetParam();
  auto got = readRouteWeights(c.route, c.target, kWhere);
  if (c.error.empty()) {
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->canary, c.want.canary);
    EXPECT_EQ(got->stable, c.want.stable);
  } else {
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(got.status().message(), c.error);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, IstioReadRouteTest, ::testing::ValuesIn(readCases()),
                         [](const auto& info) {
                           std::string n;
                           for (char ch : info.param.name) n += std::isalnum(ch) ? ch : '_';
                           return n;
                         });

TEST(IstioSetRouteWeights, WritesCanaryAndStableAsIntegersOnly) {
  json route = httpRoute("primary", {dest("checkout-stable", 100), dest("legacy", 0),
                                     dest("checkout-canary", 0), dest("mirror")});
  route["retries"] = {{"attempts", 3}};
  json before = route;
  auto changed = setRouteWeights(route, hostTarget(), 30, kWhere);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_TRUE(*changed);
  EXPECT_EQ(route["route"][0]["weight"], 70);
  EXPECT_TRUE(route["route"][0]["weight"].is_number_integer());
  EXPECT_EQ(route["route"][2]["weight"], 30);
  // Foreign destinations and other fields stay exactly as they were.
  EXPECT_EQ(route["route"][1], before["route"][1]);
  EXPECT_EQ(route["route"][3], before["route"][3]);
  EXPECT_FALSE(route["route"][3].contains("weight"));
  EXPECT_EQ(route["retries"], before["retries"]);
  EXPECT_EQ(route["route"].size(), 4u);
}

TEST(IstioSetRouteWeights, NoChangeWhenAlreadyThere) {
  json route = checkoutRoute("primary", 30, 70);
  const json before = route;
  auto changed = setRouteWeights(route, hostTarget(), 30, kWhere);
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(*changed);
  EXPECT_EQ(route, before);
  // An absent canary weight is already 0: not written.
  json unset = httpRoute("primary", {dest("checkout-stable", 100), dest("checkout-canary")});
  const json unset_before = unset;
  changed = setRouteWeights(unset, hostTarget(), 0, kWhere);
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(*changed);
  EXPECT_EQ(unset, unset_before);
}

TEST(IstioSetRouteWeights, RefusesForeignWeightAndLeavesTheRouteAlone) {
  json route = httpRoute(
      "primary", {dest("checkout-stable", 80), dest("checkout-canary", 10), dest("payments", 10)});
  const json before = route;
  auto changed = setRouteWeights(route, hostTarget(), 50, kWhere);
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(changed.status().message()), HasSubstr("destination \"payments\""));
  EXPECT_EQ(route, before);
}

TEST(IstioSetRouteWeights, SubsetSplit) {
  json route = httpRoute("primary", {dest("checkout", 100, "stable"), dest("checkout", 0, "canary"),
                                     dest("checkout", 0, "v0")});
  auto changed = setRouteWeights(route, subsetTarget(), 100, kWhere);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_TRUE(*changed);
  EXPECT_EQ(route["route"][0]["weight"], 0);
  EXPECT_EQ(route["route"][1]["weight"], 100);
  EXPECT_EQ(route["route"][2]["weight"], 0);
}

TEST(IstioSetRouteWeights, WeightOutOfRangeIsInvalidArgument) {
  json route = checkoutRoute("primary", 0, 100);
  for (int w : {-1, 101, 1000}) {
    auto changed = setRouteWeights(route, hostTarget(), w, kWhere);
    ASSERT_FALSE(changed.ok());
    EXPECT_EQ(changed.status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(route, checkoutRoute("primary", 0, 100));
}

struct SummaryCase {
  std::vector<RouteWeights> routes;
  int32_t weight;
  bool uniform;
};

TEST(IstioSummarizeRoutes, HighestCanaryWeightAndUniformity) {
  const std::vector<SummaryCase> cases = {
      {{{30, 70}}, 30, true},
      {{{30, 70}, {30, 70}}, 30, true},
      {{{30, 70}, {10, 90}}, 30, false},
      {{{10, 90}, {30, 70}}, 30, false},
      {{{30, 60}}, 30, false},
      {{{0, 100}, {0, 100}, {0, 100}}, 0, true},
      {{{0, 0}}, 0, false},
      {{{100, 0}}, 100, true},
  };
  for (const auto& c : cases) {
    const auto obs = summarizeRoutes(c.routes);
    EXPECT_EQ(obs.canary_weight, c.weight);
    EXPECT_EQ(obs.uniform, c.uniform) << c.routes.size() << " routes, first " << c.routes[0].canary;
    EXPECT_TRUE(obs.error.ok());
  }
}

}  // namespace
}  // namespace serin::traffic::istio
