#include "analysis/field_path.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/analysis/test_util.h"

namespace serin::analysis {
namespace {

nlohmann::json rollout() {
  return testing::json(R"({
    "metadata": {"name": "checkout", "namespace": "shop",
                 "labels": {"app": "checkout", "app.kubernetes.io/name": "shop-checkout"},
                 "annotations": {"x": "annotated"}},
    "spec": {"replicas": 4, "paused": false, "ratio": 0.25,
             "template": {"metadata": {"annotations": {"x": "tmpl"}},
                          "spec": {"containers": [
                            {"name": "app", "image": "shop/checkout:1.0.5"}]}}}
  })");
}

struct Case {
  std::string path;
  std::string want;
};

TEST(AnalysisFieldPathTest, ReadsRolloutFields) {
  const Case cases[] = {
      {"metadata.name", "checkout"},
      {"metadata.labels['app']", "checkout"},
      {"metadata.labels[\"app\"]", "checkout"},
      {"metadata.labels['app.kubernetes.io/name']", "shop-checkout"},
      {"metadata.annotations['x']", "annotated"},
      {"spec.template.metadata.annotations[\"x\"]", "tmpl"},
      {"spec.template.metadata.annotations[x]", "tmpl"},
      {"spec.template.spec.containers[0].image", "shop/checkout:1.0.5"},
      {"spec.template.spec.containers[0]['name']", "app"},
      {"spec.replicas", "4"},
      {"spec.paused", "false"},
      {"spec.ratio", "0.25"},
  };
  const nlohmann::json r = rollout();
  for (const Case& c : cases) {
    absl::StatusOr<std::string> got = readFieldPath(r, c.path);
    ASSERT_TRUE(got.ok()) << c.path << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.path;
  }
}

TEST(AnalysisFieldPathTest, ErrorsNameThePath) {
  const Case cases[] = {
      {"metadata.labels['team']",
       "fieldPath \"metadata.labels['team']\": not found in the Rollout"},
      {"metadata.labels",
       "fieldPath \"metadata.labels\": must end at a string, number or boolean, "
       "not an object or a list"},
      {"spec.template.spec.containers[3].image",
       "fieldPath \"spec.template.spec.containers[3].image\": not found in the Rollout"},
      {"spec.template.spec.containers[x]",
       "fieldPath \"spec.template.spec.containers[x]\": \"x\" is not a list index"},
      {"metadata.labels['app'", "fieldPath \"metadata.labels['app'\": unclosed '['"},
      {"metadata..name", "fieldPath \"metadata..name\": empty name at position 10"},
      {"metadata.", "fieldPath \"metadata.\": ends with '.'"},
      {"", "fieldPath \"\": is empty"},
      {"metadata.labels['app\"]",
       "fieldPath \"metadata.labels['app\\\"]\": unbalanced quotes in [...]"},
      {"metadata.name.first", "fieldPath \"metadata.name.first\": not found in the Rollout"},
  };
  const nlohmann::json r = rollout();
  for (const Case& c : cases) {
    absl::StatusOr<std::string> got = readFieldPath(r, c.path);
    ASSERT_FALSE(got.ok()) << c.path;
    EXPECT_EQ(got.status().message(), c.want) << c.path;
  }
}

}  // namespace
}  // namespace serin::analysis
