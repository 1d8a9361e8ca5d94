#include "operator/traffic/istio/istio_router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <sstream>

#include "common/json_fields.h"
#include "operator/kube/api_status.h"
#include "tests/fakes/fake_kube_client.h"
#include "tests/operator/traffic/istio/istio_test_util.h"
#include "tests/eventually.h"

namespace serin::traffic::istio {
namespace {

using namespace testutil;  // NOLINT: test builders
using kube::resources::destinationRules;
using kube::resources::virtualServices;
using serin::testing::FakeKubeClient;
using ::testing::HasSubstr;

// The API server's optimistic concurrency for patches, which FakeKubeClient leaves out: a
// patch carrying metadata.resourceVersion fails with 409 when the object has moved on. Also
// keeps every patch body for inspection.
class ConditionalPatchClient final : public kube::KubeClient {
 public:
  explicit ConditionalPatchClient(FakeKubeClient& api) : api_(api) {}

  absl::StatusOr<json> get(const kube::Resource& r, std::string_view ns,
                           std::string_view name) override {
    return api_.get(r, ns, name);
  }
  absl::StatusOr<std::string> listEach(const kube::Resource& r, const kube::ListOptions& o,
                                       const std::function<void(json&&)>& f) override {
    return api_.listEach(r, o, f);
  }
  absl::StatusOr<json> create(const kube::Resource& r, std::string_view ns,
                              const json& o) override {
    return api_.create(r, ns, o);
  }
  absl::StatusOr<json> update(const kube::Resource& r, const json& o,
                              std::string_view sub) override {
    return api_.update(r, o, sub);
  }
  absl::StatusOr<json> patch(const kube::Resource& r, std::string_view ns, std::string_view name,
                             kube::PatchType type, const json& patch,
                             std::string_view sub) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      patches_.push_back(patch);
    }
    const std::string want = jsonString(jsonObject(patch, "metadata"), "resourceVersion");
    if (type == kube::PatchType::kMerge && !want.empty()) {
      const json current = api_.object(r, ns, name);
      if (!current.is_null() && jsonString(current["metadata"], "resourceVersion") != want) {
        kube::HttpResponse response;
        response.status = 409;
        response.body = json{{"kind", "Status"},
                             {"reason", "Conflict"},
                             {"message", "the object has been modified"}}
                            .dump();
        return kube::statusFromResponse(response, "patch");
      }
    }
    return api_.patch(r, ns, name, type, patch, sub);
  }
  absl::Status remove(const kube::Resource& r, std::string_view ns, std::string_view name,
                      const kube::DeleteOptions& o) override {
    return api_.remove(r, ns, name, o);
  }
  absl::Status watch(const kube::Resource& r, const kube::WatchOptions& o,
                     const std::function<bool(kube::WatchEvent&&)>& f,
                     kube::CancelToken& c) override {
    return api_.watch(r, o, f, c);
  }

  std::vector<json> patches() {
    std::lock_guard<std::mutex> lock(mu_);
    return patches_;
  }

 private:
  FakeKubeClient& api_;
  std::mutex mu_;
  std::vector<json> patches_;
};

using serin::testing::eventually;

json object(const std::string& kind, const std::string& ns, const std::string& name, json spec) {
  return {{"apiVersion", "networking.istio.io/v1alpha3"},
          {"kind", kind},
          {"metadata",
           {{"namespace", ns},
            {"name", name},
            {"labels", {{"app", "checkout"}}},
            {"annotations", {{"owner", "team-shop"}}}}},
          {"spec", std::move(spec)}};
}

json checkoutVs(int canary, int stable) {
  return object("VirtualService", "shop", "checkout",
                {{"hosts", {"checkout"}},
                 {"http",
                  {httpRoute("header", {dest("checkout-canary", 100)}),
                   checkoutRoute("primary", canary, stable)}}});
}

json subsetVs(int canary, int stable) {
  return object("VirtualService", "shop", "checkout",
                {{"hosts", {"checkout"}},
                 {"http",
                  {httpRoute("primary", {dest("checkout", stable, "stable"),
                                         dest("checkout", canary, "canary")})}}});
}

json checkoutDr(const std::string& canary_hash, const std::string& stable_hash) {
  json spec = {{"host", "checkout"},
               {"trafficPolicy", {{"tls", {{"mode", "ISTIO_MUTUAL"}}}}},
               {"subsets",
                {{{"name", "v0"}, {"labels", {{"version", "v0"}}}},
                 {{"name", "canary"}, {"labels", {{"app", "checkout"}}}},
                 {{"name", "stable"}, {"labels", {{"app", "checkout"}}}}}}};
  if (!canary_hash.empty())
    spec["subsets"][1]["labels"]["rollouts-pod-template-hash"] = canary_hash;
  if (!stable_hash.empty())
    spec["subsets"][2]["labels"]["rollouts-pod-template-hash"] = stable_hash;
  return object("DestinationRule", "shop", "checkout", spec);
}

RoutedRollout hostRollout() {
  RoutedRollout ro{"shop", "checkout", "checkout-canary", "checkout-stable", {}};
  ro.istio.virtual_services = {vsRef({"primary"})};
  return ro;
}

RoutedRollout subsetRollout() {
  RoutedRollout ro{"shop", "checkout", "", "", {}};
  ro.istio.virtual_services = {vsRef({"primary"})};
  ro.istio.destination_rule = ruleRef();
  return ro;
}

kube::InformerOptions fastInformer() {
  kube::InformerOptions o;
  o.reflector.backoff_initial = absl::Milliseconds(5);
  o.reflector.backoff_max = absl::Milliseconds(50);
  return o;
}

// A router over caches the test owns, so it can wait for them and freeze them.
class IstioRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api_.seed(virtualServices(), checkoutVs(0, 100));
    api_.seed(destinationRules(), checkoutDr("", "s1"));
  }
  void start() {
    router_ = std::make_unique<IstioRouter>(client_, vs_cache_, dr_cache_, IstioRouterOptions{});
    router_->onReferencedObjectChange([this](const kube::ObjectKey& key) {
      std::lock_guard<std::mutex> lock(mu_);
      requeued_.push_back(key);
    });
    vs_cache_.start();
    dr_cache_.start();
    ASSERT_TRUE(router_->waitForSync(absl::Seconds(10)));
  }
  void TearDown() override {
    // The caches' handlers call into the router: stop them first.
    vs_cache_.stop();
    dr_cache_.stop();
  }

  // Waits until the cache holds the API server's current version of an object.
  void waitForCache(const kube::Resource& r, const std::string& ns, const std::string& name) {
    IstioRouter::Cache& cache = r.plural == "virtualservices" ? vs_cache_ : dr_cache_;
    const std::string rv = jsonString(api_.object(r, ns, name)["metadata"], "resourceVersion");
    ASSERT_TRUE(eventually([&] {
      auto obj = cache.get(ns, name);
      return obj != nullptr && obj->meta().resource_version == rv;
    })) << name
        << " never reached resourceVersion " << rv;
  }

  std::vector<kube::ObjectKey> requeued() {
    std::lock_guard<std::mutex> lock(mu_);
    return requeued_;
  }
  // The writes made, as "verb plural ns/name".
  std::vector<std::string> writes() {
    std::vector<std::string> out;
    for (const auto& a : api_.actions())
      out.push_back(a.verb + " " + a.resource + " " + a.ns + "/" + a.name);
    return out;
  }
  json stored(const kube::Resource& r, const std::string& name, const std::string& ns = "shop") {
    return api_.object(r, ns, name);
  }

  FakeKubeClient api_;
  ConditionalPatchClient client_{api_};
  std::ostringstream logs_;
  Logger log_{logs_, LogLevel::kError, LogFormat::kJson};
  IstioRouter::Cache vs_cache_{client_, virtualServices(), fastInformer(), log_};
  IstioRouter::Cache dr_cache_{client_, destinationRules(), fastInformer(), log_};
  std::unique_ptr<IstioRouter> router_;
  std::mutex mu_;
  std::vector<kube::ObjectKey> requeued_;
};

TEST_F(IstioRouterTest, ObservesTheCachedSplit) {
  start();
  const auto obs = router_->observe(hostRollout());
  ASSERT_TRUE(obs.error.ok()) << obs.error;
  EXPECT_EQ(obs.canary_weight, 0);
  EXPECT_TRUE(obs.uniform);
  EXPECT_TRUE(api_.actions().empty());  // observing never writes
}

TEST_F(IstioRouterTest, ApplyPatchesOnlyTheRouteListWithTheCachedResourceVersion) {
  start();
  const std::string rv = vs_cache_.get("shop", "checkout")->meta().resource_version;
  std::vector<RouterEvent> events;
  ASSERT_TRUE(router_->apply(hostRollout(), {30, "", ""}, events).ok());
  EXPECT_EQ(writes(), std::vector<std::string>{"patch virtualservices shop/checkout"});

  const auto patches = client_.patches();
  ASSERT_EQ(patches.size(), 1u);
  EXPECT_EQ(patches[0]["metadata"], json({{"resourceVersion", rv}}));
  EXPECT_EQ(patches[0]["spec"].size(), 1u);
  EXPECT_TRUE(patches[0]["spec"].contains("http"));

  const json vs = stored(virtualServices(), "checkout");
  EXPECT_EQ(vs["spec"]["http"][1], checkoutRoute("primary", 30, 70));
  EXPECT_EQ(vs["spec"]["http"][0], httpRoute("header", {dest("checkout-canary", 100)}));
  EXPECT_EQ(vs["spec"]["hosts"], json({"checkout"}));
  EXPECT_EQ(vs["metadata"]["labels"], json({{"app", "checkout"}}));
  // No managed-by annotation on VirtualServices (argo-compat §5).
  EXPECT_EQ(vs["metadata"]["annotations"], json({{"owner", "team-shop"}}));

  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, kube::EventType::kNormal);
  EXPECT_EQ(events[0].reason, "Updated VirtualService");
  EXPECT_EQ(events[0].message, "VirtualService \"checkout\" set to desiredWeight \"30\"");
}

TEST_F(IstioRouterTest, TheSameChangeAgainMakesNoWrite) {
  start();
  std::vector<RouterEvent> events;
  ASSERT_TRUE(router_->apply(hostRollout(), {30, "", ""}, events).ok());
  waitForCache(virtualServices(), "shop", "checkout");
  api_.clearActions();
  events.clear();
  ASSERT_TRUE(router_->apply(hostRollout(), {30, "", ""}, events).ok());
  EXPECT_TRUE(api_.actions().empty());
  EXPECT_TRUE(events.empty());
  const auto obs = router_->observe(hostRollout());
  EXPECT_EQ(obs.canary_weight, 30);
  EXPECT_TRUE(obs.uniform);
}

TEST_F(IstioRouterTest, SubsetSplitWritesTheDestinationRuleFirst) {
  api_.seed(virtualServices(), subsetVs(0, 100));
  start();
  auto obs = router_->observe(subsetRollout());
  ASSERT_TRUE(obs.error.ok()) << obs.error;
  EXPECT_EQ(obs.canary_subset_hash, "");
  EXPECT_EQ(obs.stable_subset_hash, "s1");

  std::vector<RouterEvent> events;
  ASSERT_TRUE(router_->apply(subsetRollout(), {20, "c2", "s1"}, events).ok());
  EXPECT_EQ(writes(), (std::vector<std::string>{"patch destinationrules shop/checkout",
                                                "patch virtualservices shop/checkout"}));
  const json dr = stored(destinationRules(), "checkout");
  json want_subsets = checkoutDr("c2", "s1")["spec"]["subsets"];
  EXPECT_EQ(dr["spec"]["subsets"], want_subsets);  // v0 is kept
  EXPECT_EQ(dr["spec"]["trafficPolicy"], json({{"tls", {{"mode", "ISTIO_MUTUAL"}}}}));
  EXPECT_EQ(dr["metadata"]["annotations"],
            json({{"owner", "team-shop"}, {"rollouts.serin.io/managed-by-rollouts", "checkout"}}));
  EXPECT_EQ(stored(virtualServices(), "checkout")["spec"]["http"][0]["route"],
            json({dest("checkout", 80, "stable"), dest("checkout", 20, "canary")}));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].reason, "UpdatedDestinationRule");
  EXPECT_EQ(events[0].message,
            "DestinationRule \"checkout\" subset updated (canary: c2, stable: s1)");
  EXPECT_EQ(events[1].reason, "Updated VirtualService");

  waitForCache(destinationRules(), "shop", "checkout");
  waitForCache(virtualServices(), "shop", "checkout");
  obs = router_->observe(subsetRollout());
  EXPECT_EQ(obs.canary_weight, 20);
  EXPECT_EQ(obs.canary_subset_hash, "c2");
  EXPECT_EQ(obs.stable_subset_hash, "s1");
  api_.clearActions();
  ASSERT_TRUE(router_->apply(subsetRollout(), {20, "c2", "s1"}, events).ok());
  EXPECT_TRUE(api_.actions().empty());
}

TEST_F(IstioRouterTest, AConcurrentEditGivesAbortedNotALostUpdate) {
  start();
  // Freeze the caches, then let someone else change the VirtualService.
  vs_cache_.stop();
  dr_cache_.stop();
  json edited = checkoutVs(0, 100);
  edited["spec"]["http"][1]["timeout"] = "3s";
  api_.seed(virtualServices(), edited);
  std::vector<RouterEvent> events;
  const absl::Status s = router_->apply(hostRollout(), {30, "", ""}, events);
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted) << s;
  EXPECT_TRUE(events.empty());
  const json vs = stored(virtualServices(), "checkout");
  EXPECT_EQ(vs["spec"]["http"][1]["timeout"], "3s");
  EXPECT_EQ(vs["spec"]["http"][1]["route"][1]["weight"], 0);
}

TEST_F(IstioRouterTest, DriftIsSeenAndTheOwningRolloutRequeued) {
  start();
  std::vector<RouterEvent> events;
  ASSERT_TRUE(router_->apply(hostRollout(), {30, "", ""}, events).ok());
  waitForCache(virtualServices(), "shop", "checkout");
  EXPECT_EQ(router_->rolloutsReferencing({IstioKind::kVirtualService, {"shop", "checkout"}}),
            (std::vector<kube::ObjectKey>{{"shop", "checkout"}}));
  EXPECT_TRUE(
      router_->rolloutsReferencing({IstioKind::kDestinationRule, {"shop", "checkout"}}).empty());

  // Someone sets the weights by hand.
  {
    std::lock_guard<std::mutex> lock(mu_);
    requeued_.clear();
  }
  api_.seed(virtualServices(), checkoutVs(50, 50));
  ASSERT_TRUE(eventually([&] { return !requeued().empty(); }));
  EXPECT_EQ(requeued().front(), (kube::ObjectKey{"shop", "checkout"}));
  waitForCache(virtualServices(), "shop", "checkout");
  auto obs = router_->observe(hostRollout());
  EXPECT_EQ(obs.canary_weight, 50);
  EXPECT_TRUE(obs.uniform);

  // Weights that do not add up: not uniform, so the planner rewrites them.
  api_.seed(virtualServices(), checkoutVs(30, 60));
  waitForCache(virtualServices(), "shop", "checkout");
  obs = router_->observe(hostRollout());
  EXPECT_EQ(obs.canary_weight, 30);
  EXPECT_FALSE(obs.uniform);

  // The next reconcile writes the planned weights back.
  ASSERT_TRUE(router_->apply(hostRollout(), {30, "", ""}, events).ok());
  waitForCache(virtualServices(), "shop", "checkout");
  obs = router_->observe(hostRollout());
  EXPECT_EQ(obs.canary_weight, 30);
  EXPECT_TRUE(obs.uniform);
}

TEST_F(IstioRouterTest, ChangesToUnreferencedObjectsRequeueNothing) {
  start();
  router_->observe(subsetRollout());
  api_.seed(virtualServices(),
            object("VirtualService", "shop", "unrelated", {{"http", json::array()}}));
  waitForCache(virtualServices(), "shop", "unrelated");
  EXPECT_TRUE(requeued().empty());
  // The DestinationRule is referenced by the subset-split Rollout.
  api_.seed(destinationRules(), checkoutDr("x", "s1"));
  ASSERT_TRUE(eventually([&] { return !requeued().empty(); }));
  // A forgotten Rollout is not requeued any more.
  router_->forget({"shop", "checkout"});
  EXPECT_TRUE(
      router_->rolloutsReferencing({IstioKind::kDestinationRule, {"shop", "checkout"}}).empty());
}

TEST_F(IstioRouterTest, SeveralVirtualServices) {
  api_.seed(virtualServices(),
            object("VirtualService", "gateways", "edge",
                   {{"http",
                     {httpRoute("", {dest("checkout-canary.shop.svc.cluster.local", 0),
                                     dest("checkout-stable.shop.svc.cluster.local", 100)})}}}));
  start();
  RoutedRollout ro = hostRollout();
  ro.istio.virtual_services.push_back(vsRef({}, {}, {}, "edge", "gateways"));
  std::vector<RouterEvent> events;
  ASSERT_TRUE(router_->apply(ro, {40, "", ""}, events).ok());
  EXPECT_EQ(writes(), (std::vector<std::string>{"patch virtualservices shop/checkout",
                                                "patch virtualservices gateways/edge"}));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].message, "VirtualService \"edge\" set to desiredWeight \"40\"");
  waitForCache(virtualServices(), "gateways", "edge");
  waitForCache(virtualServices(), "shop", "checkout");
  auto obs = router_->observe(ro);
  EXPECT_EQ(obs.canary_weight, 40);
  EXPECT_TRUE(obs.uniform);

  json edge = stored(virtualServices(), "edge", "gateways");
  edge["spec"]["http"][0]["route"][0]["weight"] = 10;
  edge["spec"]["http"][0]["route"][1]["weight"] = 90;
  api_.seed(virtualServices(), edge);
  waitForCache(virtualServices(), "gateways", "edge");
  obs = router_->observe(ro);
  EXPECT_EQ(obs.canary_weight, 40);  // the highest
  EXPECT_FALSE(obs.uniform);
}

TEST_F(IstioRouterTest, NothingIsWrittenWhenAnyRouteCannotBeManaged) {
  api_.seed(virtualServices(), subsetVs(0, 100));
  api_.seed(virtualServices(),
            object("VirtualService", "shop", "edge",
                   {{"http",
                     {httpRoute("", {dest("checkout", 90, "stable"), dest("checkout", 0, "canary"),
                                     dest("legacy", 10)})}}}));
  start();
  RoutedRollout ro = subsetRollout();
  ro.istio.virtual_services.push_back(vsRef({}, {}, {}, "edge"));
  auto obs = router_->observe(ro);
  EXPECT_EQ(obs.error.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(
      std::string(obs.error.message()),
      HasSubstr("HTTP route spec.http[0] of VirtualService \"shop/edge\": destination \"legacy\""));
  std::vector<RouterEvent> events;
  const absl::Status s = router_->apply(ro, {10, "c2", "s1"}, events);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(api_.actions().empty());  // not even the DestinationRule
  EXPECT_TRUE(events.empty());
}

TEST_F(IstioRouterTest, MissingObjectsAreReportedByName) {
  start();
  RoutedRollout ro = hostRollout();
  ro.istio.virtual_services = {vsRef({"primary"}, {}, {}, "nope")};
  auto obs = router_->observe(ro);
  EXPECT_EQ(obs.error.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(obs.error.message(), "VirtualService \"shop/nope\" not found");
  std::vector<RouterEvent> events;
  EXPECT_EQ(router_->apply(ro, {10, "", ""}, events).code(), absl::StatusCode::kNotFound);

  RoutedRollout subset = subsetRollout();
  subset.istio.destination_rule->name = "gone";
  api_.seed(virtualServices(), subsetVs(0, 100));
  waitForCache(virtualServices(), "shop", "checkout");
  obs = router_->observe(subset);
  EXPECT_EQ(obs.error.message(), "DestinationRule \"shop/gone\" not found");
  EXPECT_EQ(router_->apply(subset, {10, "c", "s"}, events).code(), absl::StatusCode::kNotFound);

  RoutedRollout none = hostRollout();
  none.istio.virtual_services.clear();
  EXPECT_EQ(router_->observe(none).error.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(api_.actions().empty());
}

TEST_F(IstioRouterTest, RouteProblemsNameTheRoute) {
  api_.seed(virtualServices(),
            object("VirtualService", "shop", "checkout",
                   {{"http", {httpRoute("primary", {dest("checkout-stable", 100)})}}}));
  start();
  const auto obs = router_->observe(hostRollout());
  EXPECT_EQ(obs.error.message(),
            "HTTP route \"primary\" of VirtualService \"shop/checkout\" has no destination for the "
            "canary Service \"checkout-canary\"");
  RoutedRollout ro = hostRollout();
  ro.istio.virtual_services = {vsRef({"primary", "missing"})};
  EXPECT_EQ(router_->observe(ro).error.message(),
            "HTTP route \"missing\" not found in VirtualService \"shop/checkout\"");
}

// The router owning its caches, watching one namespace.
TEST(IstioRouterOwned, NamespacedModeSaysWhatItWatches) {
  FakeKubeClient api;
  api.seed(virtualServices(), checkoutVs(10, 90));
  api.seed(virtualServices(),
           object("VirtualService", "gateways", "edge", {{"http", {checkoutRoute("", 10, 90)}}}));
  std::ostringstream logs;
  Logger log(logs, LogLevel::kError, LogFormat::kJson);
  IstioRouterOptions options;
  options.ns = "shop";
  options.keys = rollout::Keys("argoproj.io");
  options.informer = fastInformer();
  IstioRouter router(api, options, log);
  router.start();
  ASSERT_TRUE(router.waitForSync(absl::Seconds(10)));
  auto obs = router.observe(hostRollout());
  ASSERT_TRUE(obs.error.ok()) << obs.error;
  EXPECT_EQ(obs.canary_weight, 10);
  RoutedRollout ro = hostRollout();
  ro.istio.virtual_services.push_back(vsRef({}, {}, {}, "edge", "gateways"));
  obs = router.observe(ro);
  EXPECT_EQ(obs.error.message(),
            "VirtualService \"gateways/edge\" not found: serin watches only namespace \"shop\"");
  router.stop();
}

}  // namespace
}  // namespace serin::traffic::istio
