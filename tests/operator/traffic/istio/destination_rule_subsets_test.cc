#include "operator/traffic/istio/destination_rule_subsets.h"

#include <gtest/gtest.h>

#include "tests/operator/traffic/istio/istio_test_util.h"

namespace serin::traffic::istio {
namespace {

using namespace testutil;  // NOLINT: test builders

constexpr const char* kDr = "shop/checkout";

json drSpec() {
  return json::parse(R"({
    "host": "checkout",
    "trafficPolicy": {"loadBalancer": {"simple": "ROUND_ROBIN"}},
    "subsets": [
      {"name": "v0", "labels": {"version": "v0"}},
      {"name": "stable", "labels": {"app": "checkout", "rollouts-pod-template-hash": "aaa"},
       "trafficPolicy": {"connectionPool": {"tcp": {"maxConnections": 10}}}},
      {"name": "canary", "labels": {"app": "checkout"}}
    ]})");
}

TEST(IstioDestinationRuleSubsets, ReadsTheHashes) {
  auto hashes = readSubsetHashes(drSpec(), ruleRef(), kDr);
  ASSERT_TRUE(hashes.ok()) << hashes.status();
  EXPECT_EQ(hashes->stable, "aaa");
  EXPECT_EQ(hashes->canary, "");
}

TEST(IstioDestinationRuleSubsets, PlanSetsOnlyTheHashLabelAndKeepsEverythingElse) {
  const json spec = drSpec();
  auto subsets = planSubsetHashes(spec, ruleRef(), {"bbb", "aaa"}, kDr);
  ASSERT_TRUE(subsets.ok()) << subsets.status();
  ASSERT_TRUE(subsets->has_value());
  json want = spec["subsets"];
  want[2]["labels"]["rollouts-pod-template-hash"] = "bbb";
  EXPECT_EQ(**subsets, want);  // the other subset, labels and trafficPolicy are all kept
}

TEST(IstioDestinationRuleSubsets, NothingToChangeIsNullopt) {
  json spec = drSpec();
  spec["subsets"][2]["labels"]["rollouts-pod-template-hash"] = "bbb";
  auto subsets = planSubsetHashes(spec, ruleRef(), {"bbb", "aaa"}, kDr);
  ASSERT_TRUE(subsets.ok()) << subsets.status();
  EXPECT_FALSE(subsets->has_value());
}

TEST(IstioDestinationRuleSubsets, AnEmptyHashLeavesTheSubsetAlone) {
  auto subsets = planSubsetHashes(drSpec(), ruleRef(), {"", "ccc"}, kDr);
  ASSERT_TRUE(subsets.ok()) << subsets.status();
  ASSERT_TRUE(subsets->has_value());
  EXPECT_FALSE((**subsets)[2]["labels"].contains("rollouts-pod-template-hash"));
  EXPECT_EQ((**subsets)[1]["labels"]["rollouts-pod-template-hash"], "ccc");
  auto none = planSubsetHashes(drSpec(), ruleRef(), {"", ""}, kDr);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(IstioDestinationRuleSubsets, SubsetWithoutLabelsGetsThem) {
  json spec =
      json::parse(R"({"subsets": [{"name": "stable"}, {"name": "canary", "labels": null}]})");
  auto subsets = planSubsetHashes(spec, ruleRef(), {"c1", "s1"}, kDr);
  ASSERT_TRUE(subsets.ok()) << subsets.status();
  ASSERT_TRUE(subsets->has_value());
  EXPECT_EQ((**subsets)[0]["labels"], json({{"rollouts-pod-template-hash", "s1"}}));
  EXPECT_EQ((**subsets)[1]["labels"], json({{"rollouts-pod-template-hash", "c1"}}));
}

struct BadRuleCase {
  std::string spec;
  std::string error;
};

TEST(IstioDestinationRuleSubsets, RefusesWhatItCannotManage) {
  const std::vector<BadRuleCase> cases = {
      {R"({"subsets": [{"name": "stable"}]})",
       "DestinationRule \"shop/checkout\" has no canary subset \"canary\""},
      {R"({"subsets": [{"name": "canary"}]})",
       "DestinationRule \"shop/checkout\" has no stable subset \"stable\""},
      {R"({"host": "checkout"})",
       "DestinationRule \"shop/checkout\" has no canary subset \"canary\""},
      {R"({"subsets": [{"name": "canary"}, {"name": "stable"}, {"name": "canary"}]})",
       "DestinationRule \"shop/checkout\" has 2 subsets named \"canary\"; keep one"},
      {R"({"subsets": {"canary": {}}})",
       "DestinationRule \"shop/checkout\": spec.subsets is not a list"},
      {R"({"subsets": [{"name": "canary", "labels": ["x"]}, {"name": "stable"}]})",
       "DestinationRule \"shop/checkout\": the labels of subset \"canary\" are not a map"},
  };
  for (const auto& c : cases) {
    const json spec = json::parse(c.spec);
    auto read = readSubsetHashes(spec, ruleRef(), kDr);
    ASSERT_FALSE(read.ok()) << c.spec;
    EXPECT_EQ(read.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(read.status().message(), c.error);
    auto plan = planSubsetHashes(spec, ruleRef(), {"c", "s"}, kDr);
    ASSERT_FALSE(plan.ok()) << c.spec;
    EXPECT_EQ(plan.status().message(), c.error);
  }
}

TEST(IstioDestinationRuleSubsets, NonStringHashReadsAsUnset) {
  json spec = json::parse(
      R"({"subsets": [{"name": "canary", "labels": {"rollouts-pod-template-hash": 5}}, {"name": "stable"}]})");
  auto read = readSubsetHashes(spec, ruleRef(), kDr);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->canary, "");
  auto plan = planSubsetHashes(spec, ruleRef(), {"abc", ""}, kDr);
  ASSERT_TRUE(plan.ok());
  ASSERT_TRUE(plan->has_value());
  EXPECT_EQ((**plan)[0]["labels"]["rollouts-pod-template-hash"], "abc");
}

}  // namespace
}  // namespace serin::traffic::istio
