#include "operator/kube/replica_set.h"

#include <gtest/gtest.h>

namespace serin::kube {
namespace {

using nlohmann::json;

json podTemplate() {
  return json::parse(R"({"metadata":{"labels":{"app":"web"}},
                         "spec":{"containers":[{"name":"web","image":"web:v1"}]}})");
}

TEST(PodTemplateDigestTest, IgnoresWhatIsAddedOnTheWayIntoAReplicaSet) {
  const uint64_t digest = podTemplateDigest(podTemplate());
  EXPECT_NE(digest, 0u);
  json stored = podTemplate();
  stored["metadata"]["labels"]["rollouts-pod-template-hash"] = "6d4f8c";
  stored["metadata"]["creationTimestamp"] = nullptr;
  EXPECT_EQ(podTemplateDigest(stored), digest);
  // Key order in the text does not matter.
  EXPECT_EQ(podTemplateDigest(json::parse(
                R"({"spec":{"containers":[{"image":"web:v1","name":"web"}]},
                    "metadata":{"labels":{"app":"web"}}})")),
            digest);
  // Only the hash label was there: the template without labels.
  json bare = podTemplate();
  bare["metadata"].erase("labels");
  json labelled = bare;
  labelled["metadata"]["labels"]["rollouts-pod-template-hash"] = "x";
  EXPECT_EQ(podTemplateDigest(labelled), podTemplateDigest(bare));
}

TEST(PodTemplateDigestTest, AnyOtherDifferenceChangesIt) {
  const uint64_t digest = podTemplateDigest(podTemplate());
  json image = podTemplate();
  image["spec"]["containers"][0]["image"] = "web:v2";
  EXPECT_NE(podTemplateDigest(image), digest);
  json label = podTemplate();
  label["metadata"]["labels"]["tier"] = "front";
  EXPECT_NE(podTemplateDigest(label), digest);
  json created = podTemplate();
  created["metadata"]["creationTimestamp"] = "2026-11-25T10:00:00Z";
  EXPECT_NE(podTemplateDigest(created), digest);
  json defaults = podTemplate();
  defaults["spec"]["restartPolicy"] = "Always";
  EXPECT_NE(podTemplateDigest(defaults), digest);
}

TEST(PodTemplateDigestTest, NoTemplateIsZero) {
  EXPECT_EQ(podTemplateDigest(json()), 0u);
  EXPECT_EQ(podTemplateDigest(json::object()), 0u);
  EXPECT_EQ(podTemplateDigest(json::array({1})), 0u);
  EXPECT_EQ(podTemplateDigest("text"), 0u);
}

TEST(ReplicaSetTest, ProjectionKeepsTheTemplatesDigestNotItsText) {
  json object = json::parse(R"({"metadata":{"name":"web-6d4f8c","namespace":"shop",
      "generation":3,"labels":{"rollouts-pod-template-hash":"6d4f8c"}},
      "spec":{"replicas":4,"selector":{"matchLabels":{"app":"web"}}},
      "status":{"replicas":4,"readyReplicas":3,"availableReplicas":2,"observedGeneration":3}})");
  object["spec"]["template"] = podTemplate();
  object["spec"]["template"]["metadata"]["labels"]["rollouts-pod-template-hash"] = "6d4f8c";
  const ReplicaSet rs = ReplicaSet::fromJson(object);
  EXPECT_EQ(rs.template_digest, podTemplateDigest(podTemplate()));
  EXPECT_EQ(rs.spec_replicas, 4);
  EXPECT_EQ(rs.available_replicas, 2);
  EXPECT_TRUE(rs.observed());
  EXPECT_EQ(rs.selector.get("app"), "web");
  object["spec"].erase("template");
  EXPECT_EQ(ReplicaSet::fromJson(object).template_digest, 0u);
}

}  // namespace
}  // namespace serin::kube
