#include "operator/traffic/istio/reference_index.h"

#include <gtest/gtest.h>

namespace serin::traffic::istio {
namespace {

IstioObjectRef vs(std::string ns, std::string name) {
  return {IstioKind::kVirtualService, {std::move(ns), std::move(name)}};
}
IstioObjectRef dr(std::string ns, std::string name) {
  return {IstioKind::kDestinationRule, {std::move(ns), std::move(name)}};
}

TEST(IstioReferenceIndex, ReferencedObjectsOfARollout) {
  RoutedRollout ro{"shop", "checkout", "c", "s", {}};
  rollout::IstioVirtualService a, b, again;
  a.name = "checkout";
  b.name = "edge";
  b.ns = "gateways";
  again.name = "checkout";
  ro.istio.virtual_services = {a, b, again};
  ro.istio.destination_rule = rollout::IstioDestinationRule{"checkout", "canary", "stable"};
  EXPECT_EQ(referencedObjects(ro),
            (std::vector<IstioObjectRef>{vs("gateways", "edge"), vs("shop", "checkout"),
                                         dr("shop", "checkout")}));
}

TEST(IstioReferenceIndex, MapsObjectsBackToRollouts) {
  ReferenceIndex index;
  const kube::ObjectKey one{"shop", "one"}, two{"shop", "two"};
  index.set(one, {vs("shop", "web"), dr("shop", "web")});
  index.set(two, {vs("shop", "web"), vs("shop", "api")});
  EXPECT_EQ(index.rolloutsReferencing(vs("shop", "web")), (std::vector<kube::ObjectKey>{one, two}));
  EXPECT_EQ(index.rolloutsReferencing(dr("shop", "web")), (std::vector<kube::ObjectKey>{one}));
  // Same name, other kind or namespace: not referenced.
  EXPECT_TRUE(index.rolloutsReferencing(dr("shop", "api")).empty());
  EXPECT_TRUE(index.rolloutsReferencing(vs("other", "web")).empty());

  // A Rollout that changes its references stops being found by the old ones.
  index.set(one, {vs("shop", "api")});
  EXPECT_EQ(index.rolloutsReferencing(vs("shop", "web")), (std::vector<kube::ObjectKey>{two}));
  EXPECT_TRUE(index.rolloutsReferencing(dr("shop", "web")).empty());
  EXPECT_EQ(index.rolloutsReferencing(vs("shop", "api")), (std::vector<kube::ObjectKey>{one, two}));

  index.erase(two);
  index.erase(two);  // idempotent
  EXPECT_TRUE(index.rolloutsReferencing(vs("shop", "web")).empty());
  EXPECT_EQ(index.rolloutsReferencing(vs("shop", "api")), (std::vector<kube::ObjectKey>{one}));
}

}  // namespace
}  // namespace serin::traffic::istio
