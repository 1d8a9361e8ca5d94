// Property test: for random step lists, replica counts, pod-availability timelines (pods
// that come up slowly and crash) and human actions (abort, retry, promote, new images),
// the planner never writes a canary weight the canary pods cannot carry, never moves a
// destination onto pods that cannot carry its traffic, never scales down pods that traffic
// flows to (in particular: after an abort, the canary goes only once its weight is 0),
// and every rollout converges once pods are healthy.
#include <gtest/gtest.h>

#include <random>

#include "common/strings.h"
#include "tests/operator/rollout/world.h"

namespace serin::rollout {
namespace {

using nlohmann::json;
using testing::rolloutSpec;
using testing::World;

json randomSteps(std::mt19937& rng) {
  std::uniform_int_distribution<int> count(1, 6), kind(0, 9), weight(0, 100), secs(0, 60);
  json steps = json::array();
  const int n = count(rng);
  for (int i = 0; i < n; ++i) {
    const int k = kind(rng);
    if (k < 6) {
      steps.push_back({{"setWeight", weight(rng)}});
    } else if (k < 9) {
      steps.push_back({{"pause", {{"duration", std::to_string(secs(rng)) + "s"}}}});
    } else {
      steps.push_back({{"pause", json::object()}});
    }
  }
  return steps;
}

void evolvePods(World& w, std::mt19937& rng, bool allow_crash) {
  std::uniform_int_distribution<int> up(0, 2);
  std::uniform_real_distribution<double> p(0, 1);
  for (auto& [name, rs] : w.rs) {
    rs.replicas = rs.spec_replicas;
    int32_t a = std::min(rs.spec_replicas, rs.available_replicas + up(rng));
    if (allow_crash && a > 0 && p(rng) < 0.1) a -= 1;
    rs.available_replicas = a;
    rs.ready_replicas = a;
  }
}

class CanaryPropertyTest : public ::testing::TestWithParam<int> {};

TEST_P(CanaryPropertyTest, SafetyAndConvergence) {
  std::mt19937 rng(GetParam());
  std::uniform_int_distribution<int> replicas_dist(1, 10), secs(1, 20);
  std::uniform_real_distribution<double> p(0, 1);
  World w;
  w.spec = rolloutSpec(randomSteps(rng), replicas_dist(rng));
  w.settle();
  int version = 1;
  bool aborted = false;
  for (int tick = 0; tick < 120; ++tick) {
    const double r = p(rng);
    if (r < 0.03) {
      w.setImage("web:v" + std::to_string(++version));
    } else if (r < 0.05 && !w.status.abort) {
      w.status.abort = true;  // kubectl serin abort
      aborted = true;
    } else if (r < 0.07 && w.status.abort) {
      w.status.abort = false;  // kubectl serin retry
      aborted = false;
    } else if (r < 0.12 && !w.status.pause_conditions.empty()) {
      w.status.pause_conditions.clear();  // kubectl serin promote
    } else if (r < 0.13) {
      w.spec["replicas"] = replicas_dist(rng);  // HPA
    }
    const RolloutStatus before = w.status;
    const auto rs_before = w.rs;
    const std::string canary_sel = w.canarySelector(), stable_sel = w.stableSelector();
    const int32_t weight_before = w.weight;
    Plan plan = w.step();
    if (!w.violations.empty()) {
      std::string dump = strCat("before: stable_rs=", before.stable_rs, " pod=", before.current_pod_hash,
                                " step=", before.current_step_index.value_or(-1), " abort=", before.abort,
                                " weight=", weight_before, " canarySel=", canary_sel, " stableSel=", stable_sel,
                                " replicas=", w.spec["replicas"].dump(), "\n");
      for (const auto& [n, rs] : rs_before) {
        strAppend(&dump, "  rs ", n, " spec=", rs.spec_replicas, " avail=", rs.available_replicas, "\n");
      }
      for (const auto& s : plan.scale_down) strAppend(&dump, "  scale_down ", s.name, " ", s.from, "->", s.to, "\n");
      for (const auto& s : plan.selectors) strAppend(&dump, "  selector ", s.service, "->", s.pod_hash, "\n");
      if (plan.traffic) strAppend(&dump, "  traffic ", plan.traffic->canary_weight, "\n");
      strAppend(&dump, "after: stable_rs=", w.status.stable_rs, " phase=", w.status.phase, "\n");
      ADD_FAILURE() << dump;
    }
    ASSERT_TRUE(w.violations.empty()) << "seed " << GetParam() << " tick " << tick << ": " << w.violations[0];
    evolvePods(w, rng, /*allow_crash=*/true);
    w.advance(absl::Seconds(secs(rng)));
  }
  // Healthy pods from now on, paused steps promoted: every rollout converges.
  for (int round = 0; round < 200; ++round) {
    w.status.pause_conditions.clear();
    w.step();
    ASSERT_TRUE(w.violations.empty()) << "seed " << GetParam() << ": " << w.violations[0];
    w.podsBecomeAvailable();
    w.advance(absl::Seconds(40));
  }
  const std::string latest = w.hashOf("web:v" + std::to_string(version));
  EXPECT_EQ(w.weight, 0) << "seed " << GetParam();
  // An abort holds only for the update it stopped: a new image or a finished rollout
  // clears it.
  aborted = w.status.abort;
  if (aborted) {
    EXPECT_EQ(w.status.phase, kPhaseDegraded) << "seed " << GetParam();
    EXPECT_NE(w.status.stable_rs, latest);
    EXPECT_EQ(w.rsOf(latest)->spec_replicas, 0) << "seed " << GetParam();
  } else {
    EXPECT_EQ(w.status.phase, kPhaseHealthy) << "seed " << GetParam() << " " << w.status.message;
    EXPECT_EQ(w.status.stable_rs, latest) << "seed " << GetParam();
    for (const auto& [name, rs] : w.rs) {
      if (rs.meta_.labels.get("rollouts-pod-template-hash") != latest) {
        EXPECT_EQ(rs.spec_replicas, 0) << "seed " << GetParam() << " " << name;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, CanaryPropertyTest, ::testing::Range(1, 1001));

}  // namespace
}  // namespace serin::rollout
