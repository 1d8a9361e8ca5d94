// Specs no honest user writes: wrong types, nulls, huge lists, random junk. The planning
// functions must answer (OK or an error) without crashing, throwing or misbehaving, and what
// they plan must be what they then read.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "operator/traffic/istio/destination_rule_subsets.h"
#include "operator/traffic/istio/virtual_service_split.h"
#include "tests/operator/traffic/istio/istio_test_util.h"

namespace serin::traffic::istio {
namespace {

using namespace testutil;  // NOLINT: test builders
using TlsRoute = rollout::IstioVirtualService::TlsRoute;
using TcpRoute = rollout::IstioVirtualService::TcpRoute;

constexpr const char* kDr = "shop/checkout";

std::vector<rollout::IstioVirtualService> someRefs() {
  return {vsRef(),
          vsRef({"primary"}),
          vsRef({"primary", "secondary"}),
          vsRef({}, {TlsRoute{443, {"a"}}}),
          vsRef({}, {}, {TcpRoute{5432}}),
          vsRef({"primary"}, {TlsRoute{0, {}}}, {TcpRoute{0}})};
}

// Writes a plan's sections into the spec, as the merge patch does on the server.
json applied(json spec, const json& sections) {
  for (auto it = sections.begin(); it != sections.end(); ++it) spec[it.key()] = it.value();
  return spec;
}

// Every property the split functions promise, for one spec, target and ref.
void checkVirtualService(const json& spec, const SplitTarget& target,
                         const rollout::IstioVirtualService& ref, int32_t weight) {
  auto read = readVirtualServiceWeights(spec, ref, target, kVs);
  if (read.ok()) {
    for (const RouteWeights& w : *read) {
      ASSERT_GE(w.canary, 0);
      ASSERT_LE(w.canary, 100);
      ASSERT_GE(w.stable, 0);
      ASSERT_LE(w.stable, 100);
    }
  } else {
    ASSERT_FALSE(read.status().message().empty());
    ASSERT_LT(read.status().message().size(), 2000u);
  }
  auto plan = planVirtualServiceWeights(spec, {&ref}, target, weight, kVs);
  ASSERT_EQ(plan.ok(), read.ok()) << spec.dump() << "\n" << plan.status() << "\n" << read.status();
  if (!plan.ok()) return;
  ASSERT_TRUE(plan->is_object());
  const json after = applied(spec, *plan);
  auto reread = readVirtualServiceWeights(after, ref, target, kVs);
  ASSERT_TRUE(reread.ok()) << reread.status();
  ASSERT_EQ(reread->size(), read->size());
  for (const RouteWeights& w : *reread) ASSERT_EQ(w, (RouteWeights{weight, 100 - weight}));
  auto again = planVirtualServiceWeights(after, {&ref}, target, weight, kVs);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(again->empty()) << again->dump();
}

void checkDestinationRule(const json& spec, const SubsetHashes& want) {
  auto read = readSubsetHashes(spec, ruleRef(), kDr);
  auto plan = planSubsetHashes(spec, ruleRef(), want, kDr);
  ASSERT_EQ(plan.ok(), read.ok()) << spec.dump();
  if (!plan.ok()) return;
  if (!plan->has_value()) return;
  json after = spec;
  after["subsets"] = **plan;
  auto reread = readSubsetHashes(after, ruleRef(), kDr);
  ASSERT_TRUE(reread.ok()) << reread.status();
  if (!want.canary.empty()) {
    ASSERT_EQ(reread->canary, want.canary);
  }
  if (!want.stable.empty()) {
    ASSERT_EQ(reread->stable, want.stable);
  }
  auto again = planSubsetHashes(after, ruleRef(), want, kDr);
  ASSERT_TRUE(again.ok());
  ASSERT_FALSE(again->has_value());
}

TEST(IstioHostileSpec, WrongTypesAndNulls) {
  const std::vector<std::string> specs = {
      "null",
      "[]",
      "\"spec\"",
      "5",
      "{}",
      R"({"http": 5, "tls": "x", "tcp": {}})",
      R"({"http": [null, 5, "x", [], true]})",
      R"({"http": [{"name": null, "route": 5}]})",
      R"({"http": [{"name": 5, "route": [null, 5, {"destination": 5}, {"destination": {"host": 5}},
                                         {"destination": {"host": null, "subset": []}, "weight": null}]}]})",
      R"({"http": [{"name": "primary", "route": [{"destination": {"host": "checkout-stable"}, "weight": {"a": 1}},
                                                 {"destination": {"host": "checkout-canary"}, "weight": []}]}]})",
      R"({"http": [{"route": [{"destination": {"host": "checkout-stable"}, "weight": 18446744073709551615},
                              {"destination": {"host": "checkout-canary"}, "weight": -9223372036854775808}]}]})",
      R"({"http": [{"route": [{"destination": {"host": "checkout-stable"}, "weight": 1e300},
                              {"destination": {"host": "checkout-canary"}, "weight": -0.0}]}]})",
      R"({"tls": [{"match": [null, 5, {"port": "443", "sniHosts": "a"}, {"port": 443, "sniHosts": [5, null, "a"]}],
                   "route": [{"destination": {"host": "checkout-stable"}}, {"destination": {"host": "checkout-canary"}}]}]})",
      R"({"tcp": [{"match": {"port": 5432}, "route": [{"destination": {"host": "checkout-stable"}}]}]})",
      R"({"tcp": [{"match": [{"port": 18446744073709551615}]}]})",
  };
  for (const std::string& text : specs) {
    SCOPED_TRACE(text);
    const json spec = json::parse(text);
    for (const auto& ref : someRefs()) {
      for (const SplitTarget& target : {hostTarget(), subsetTarget()}) {
        checkVirtualService(spec, target, ref, 40);
      }
    }
    checkDestinationRule(spec, {"c", "s"});
  }
  const std::vector<std::string> rules = {
      R"({"subsets": null})",
      R"({"subsets": [null, 5, "canary"]})",
      R"({"subsets": [{"name": ["canary"]}, {"name": "stable", "labels": "x"}]})",
      R"({"subsets": [{"name": "canary", "labels": {"rollouts-pod-template-hash": null}}, {"name": "stable", "labels": {}}]})",
  };
  for (const std::string& text : rules) {
    SCOPED_TRACE(text);
    checkDestinationRule(json::parse(text), {"c", "s"});
  }
}

TEST(IstioHostileSpec, HugeLists) {
  // 100,000 HTTP routes: the named one is the last.
  json http = json::array();
  for (int i = 0; i < 100000; ++i)
    http.push_back(httpRoute("r" + std::to_string(i), {dest("x", 100)}));
  http.push_back(checkoutRoute("primary", 0, 100));
  const json many_routes = {{"http", std::move(http)}};
  checkVirtualService(many_routes, hostTarget(), vsRef({"primary"}), 30);

  // One route with 100,000 foreign destinations of weight 0.
  std::vector<json> dests(100000, dest("other", 0));
  dests.push_back(dest("checkout-stable", 100));
  dests.push_back(dest("checkout-canary", 0));
  checkVirtualService({{"http", {httpRoute("primary", dests)}}}, hostTarget(), vsRef(), 60);

  // 50,000 TLS routes, each one port and host; one matches.
  json tls = json::array();
  for (int i = 0; i < 50000; ++i) {
    tls.push_back({{"match", {{{"port", i}, {"sniHosts", {"h" + std::to_string(i)}}}}},
                   {"route", {dest("checkout-stable", 100), dest("checkout-canary", 0)}}});
  }
  checkVirtualService({{"tls", std::move(tls)}}, hostTarget(),
                      vsRef({}, {TlsRoute{49999, {"h49999"}}}), 10);

  // A DestinationRule with 100,000 other subsets.
  json subsets = json::array();
  for (int i = 0; i < 100000; ++i) subsets.push_back({{"name", "s" + std::to_string(i)}});
  subsets.push_back({{"name", "canary"}});
  subsets.push_back({{"name", "stable"}});
  checkDestinationRule({{"subsets", std::move(subsets)}}, {"c", "s"});
}

TEST(IstioHostileSpec, MessagesStayShort) {
  const std::string huge(1 << 20, 'h');
  const json spec = {{"http",
                      {httpRoute("primary", {dest("checkout-stable", 90),
                                             dest("checkout-canary", 0), dest(huge, 10)})}}};
  auto read = readVirtualServiceWeights(spec, vsRef(), hostTarget(), kVs);
  ASSERT_FALSE(read.ok());
  EXPECT_LT(read.status().message().size(), 1000u);
  // A cut never splits a UTF-8 character: the message stays valid JSON text.
  std::string accents;
  for (int i = 0; i < 1000; ++i) accents += "\xC3\xA9";  // é
  auto missing = findManagedRoutes(json({{"http", json::array()}}), vsRef({"x" + accents}), kVs);
  ASSERT_FALSE(missing.ok());
  const std::string message(missing.status().message());
  EXPECT_NO_THROW(json(message).dump());
}

// A random spec generator: mostly the shape of a real VirtualService, with any part replaced
// by junk now and then.
class SpecGen {
 public:
  explicit SpecGen(uint32_t seed) : rng_(seed) {}

  json virtualService() {
    json spec = json::object();
    for (const char* section : {"http", "tls", "tcp"}) {
      if (chance(2)) continue;
      json routes = json::array();
      for (int i = chance(2) ? 1 : pick(4); i > 0; --i) routes.push_back(maybe(route()));
      spec[section] = maybe(routes);
    }
    return maybe(spec);
  }

  json destinationRule() {
    json subsets = json::array();
    for (int i = pick(5); i > 0; --i) {
      json s = {{"name", choose({"canary", "stable", "v0", ""})}};
      if (!chance(3))
        s["labels"] = maybe(json{{"rollouts-pod-template-hash", choose({"a", "b", "c"})}});
      subsets.push_back(maybe(s));
    }
    return maybe(json{{"subsets", maybe(subsets)}});
  }

  int32_t weight() { return pick(101); }
  SubsetHashes hashes() { return {choose({"", "a", "b", "c"}), choose({"", "a", "b", "c"})}; }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(int one_in) { return pick(one_in) == 0; }
  std::string choose(std::initializer_list<const char*> options) {
    return *(options.begin() + pick(static_cast<int>(options.size())));
  }

  json junk(int depth) {
    switch (pick(depth > 0 ? 8 : 6)) {
      case 0:
        return nullptr;
      case 1:
        return chance(2);
      case 2:
        return std::numeric_limits<int64_t>::min() + pick(3);
      case 3:
        return 30.5;
      case 4:
        return choose({"", "primary", "checkout-canary", "canary"});
      case 5:
        return std::numeric_limits<uint64_t>::max();
      case 6:
        return json::array({junk(depth - 1), junk(depth - 1)});
      default:
        return json{{choose({"route", "weight", "name", "match"}), junk(depth - 1)}};
    }
  }
  json maybe(json good) { return chance(25) ? junk(2) : good; }

  json route() {
    json r = json::object();
    if (!chance(3)) r["name"] = maybe(choose({"primary", "primary", "secondary", "other", ""}));
    json dests = json::array();
    if (chance(2)) {
      // Manageable under both targets: each Rollout destination names its Service and subset.
      const int w = pick(101);
      dests.push_back(
          maybe(json{{"destination", {{"host", "checkout-stable"}, {"subset", "stable"}}},
                     {"weight", 100 - w}}));
      dests.push_back(
          maybe(json{{"destination", {{"host", "checkout-canary.shop"}, {"subset", "canary"}}},
                     {"weight", w}}));
      if (chance(3))
        dests.push_back(maybe(json{{"destination", {{"host", "legacy"}}}, {"weight", 0}}));
    } else {
      for (int i = pick(5); i > 0; --i) dests.push_back(maybe(destination()));
    }
    r["route"] = maybe(dests);
    if (chance(2)) {
      json match = {{"port", maybe(chance(2) ? 443 : 5432)}};
      if (chance(2)) match["sniHosts"] = maybe(json::array({"a"}));
      r["match"] = maybe(json::array({maybe(match)}));
    }
    return r;
  }

  json destination() {
    json d = {{"host", maybe(choose({"checkout-canary", "checkout-stable.shop", "checkout",
                                     "checkout-canary.shop.svc.cluster.local", "payments", ""}))}};
    if (chance(2)) d["subset"] = maybe(choose({"canary", "stable", "v0"}));
    json entry = {{"destination", maybe(d)}};
    switch (pick(6)) {
      case 0:
        break;
      case 1:
        entry["weight"] = 0;
        break;
      case 2:
        entry["weight"] = pick(101);
        break;
      case 3:
        entry["weight"] = pick(3) * 50.0;
        break;
      default:
        entry["weight"] = maybe(pick(2) * 100);
        break;
    }
    return entry;
  }

  std::mt19937 rng_;
};

TEST(IstioHostileSpec, RandomSpecsKeepEveryPromise) {
  SpecGen gen(20261125);
  int managed = 0;
  for (int i = 0; i < 3000; ++i) {
    const json spec = gen.virtualService();
    SCOPED_TRACE(spec.dump());
    for (const auto& ref : someRefs()) {
      for (const SplitTarget& target : {hostTarget(), subsetTarget()}) {
        checkVirtualService(spec, target, ref, gen.weight());
        if (readVirtualServiceWeights(spec, ref, target, kVs).ok()) ++managed;
      }
    }
    checkDestinationRule(gen.destinationRule(), gen.hashes());
    if (HasFatalFailure()) return;
  }
  // The generator must reach manageable specs too, or the properties test nothing.
  EXPECT_GT(managed, 500);
}

}  // namespace
}  // namespace serin::traffic::istio
