#include <gtest/gtest.h>

#include "operator/kube/replica_set.h"
#include "operator/rollout/keys.h"
#include "operator/rollout/pod_template_hash.h"
#include "operator/rollout/replica_math.h"
#include "tests/operator/rollout/world.h"

namespace serin::rollout {
namespace {

using testing::rolloutSpec;
using testing::World;
using nlohmann::json;

json steps(std::initializer_list<json> s) {
  json out = json::array();
  for (const json& j : s) out.push_back(j);
  return out;
}
json setWeight(int w) { return {{"setWeight", w}}; }
json pauseFor(const std::string& d) { return {{"pause", {{"duration", d}}}}; }
json pauseForever() { return {{"pause", json::object()}}; }

const Condition* cond(const RolloutStatus& st, std::string_view type) { return st.findCondition(type); }

// A Rollout deployed once (v1 stable, 4 pods available) with `s` as steps.
World deployed(json s, int replicas = 4) {
  World w;
  w.spec = rolloutSpec(std::move(s), replicas);
  w.settle();
  return w;
}

TEST(CanaryPlannerTest, FirstVersionIsStableAtOnceAndSkipsSteps) {
  World w;
  w.spec = rolloutSpec(steps({setWeight(20), pauseForever()}));
  Plan p = w.step();
  ASSERT_TRUE(p.create_replica_set.has_value());
  const std::string h = w.hashOf("web:v1");
  EXPECT_EQ((*p.create_replica_set)["metadata"]["name"], "web-" + h);
  EXPECT_EQ((*p.create_replica_set)["spec"]["replicas"], 4);
  EXPECT_EQ((*p.create_replica_set)["spec"]["template"]["metadata"]["labels"]["rollouts-pod-template-hash"], h);
  EXPECT_EQ((*p.create_replica_set)["spec"]["selector"]["matchLabels"]["rollouts-pod-template-hash"], h);
  EXPECT_EQ((*p.create_replica_set)["metadata"]["annotations"]["rollout.serin.io/revision"], "1");
  EXPECT_EQ((*p.create_replica_set)["metadata"]["ownerReferences"][0]["uid"], "uid-ro");
  EXPECT_EQ(w.status.stable_rs, h);
  w.podsBecomeAvailable();
  w.settle();
  EXPECT_EQ(w.status.phase, kPhaseHealthy);
  EXPECT_EQ(w.canarySelector(), h);
  EXPECT_EQ(w.stableSelector(), h);
  EXPECT_EQ(w.weight, 0);
  EXPECT_EQ(w.status.current_step_index, 2);
  EXPECT_TRUE(w.violations.empty()) << w.violations[0];
}

TEST(CanaryPlannerTest, ReconcileWithNothingToChangeWritesNothing) {
  World w = deployed(steps({setWeight(20)}));
  const RolloutStatus before = w.status;
  Plan p = w.plan();
  EXPECT_FALSE(p.hasWrites());
  EXPECT_EQ(p.status, before);
  EXPECT_TRUE(p.events.empty());
}

struct WeightCase {
  int replicas;
  int weight;
  int canary;
};

class ReplicaMathTest : public ::testing::TestWithParam<WeightCase> {};

TEST_P(ReplicaMathTest, CanaryPodsRoundUp) {
  EXPECT_EQ(percentOfReplicas(GetParam().replicas, GetParam().weight), GetParam().canary);
}

INSTANTIATE_TEST_SUITE_P(Table, ReplicaMathTest,
                         ::testing::Values(WeightCase{4, 10, 1}, WeightCase{3, 10, 1}, WeightCase{5, 50, 3},
                                           WeightCase{10, 33, 4}, WeightCase{1, 1, 1}, WeightCase{7, 100, 7},
                                           WeightCase{0, 50, 0}, WeightCase{9, 0, 0}, WeightCase{3, 34, 2},
                                           WeightCase{100, 1, 1}, WeightCase{2, 51, 2}));

TEST(ReplicaMathTest, ServableWeightAndScale) {
  EXPECT_EQ(servableWeight(30, 3, 3), 30);
  EXPECT_EQ(servableWeight(30, 3, 2), 20);
  EXPECT_EQ(servableWeight(30, 3, 0), 0);
  EXPECT_EQ(servableWeight(50, 1, 5), 50);
  EXPECT_EQ(canaryReplicasFor(10, 50, {}), 5);
  EXPECT_EQ(canaryReplicasFor(10, 50, {std::nullopt, 2}), 2);
  EXPECT_EQ(canaryReplicasFor(10, 50, {20, std::nullopt}), 2);
  EXPECT_EQ(scaledValue("25%", 10, true), 3);
  EXPECT_EQ(scaledValue("25%", 10, false), 2);
  EXPECT_EQ(scaledValue("3", 10, true), 3);
  EXPECT_EQ(scaledValue("x", 10, true), 0);
}

TEST(CanaryPlannerTest, SetWeightScalesFirstAndWritesTheWeightOnlyWhenPodsAreAvailable) {
  World w = deployed(steps({setWeight(25), pauseForever()}));
  const std::string stable = w.hashOf("web:v1");
  w.setImage("web:v2");
  const std::string canary = w.hashOf("web:v2");
  Plan p = w.step();  // creates the canary ReplicaSet at its first step's size: ceil(4 * 25%) = 1
  ASSERT_TRUE(p.create_replica_set);
  EXPECT_EQ((*p.create_replica_set)["spec"]["replicas"], 1);
  EXPECT_EQ((*p.create_replica_set)["metadata"]["annotations"]["rollout.serin.io/revision"], "2");
  p = w.step();  // nothing flows to the canary yet: its Service may move now; the weight stays 0
  EXPECT_TRUE(p.scale_up.empty());
  EXPECT_EQ(w.weight, 0);
  EXPECT_EQ(w.canarySelector(), canary);
  EXPECT_EQ(w.stableSelector(), stable);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(w.step().traffic.has_value());  // pod not ready
  w.podsBecomeAvailable();
  p = w.step();
  ASSERT_TRUE(p.traffic.has_value());
  EXPECT_EQ(p.traffic->canary_weight, 25);
  p = w.step();  // the weight is observed: step 1 done, the pause starts
  EXPECT_EQ(w.status.current_step_index, 1);
  EXPECT_EQ(w.status.phase, kPhasePaused);
  EXPECT_TRUE(w.status.hasPause(reason::kCanaryPauseStep));
  EXPECT_EQ(w.rsOf(stable)->spec_replicas, 4);  // stable stays at full size
  EXPECT_TRUE(w.violations.empty()) << w.violations[0];
}

TEST(CanaryPlannerTest, TimedPauseRequeuesAndResumes) {
  World w = deployed(steps({setWeight(10), pauseFor("90s"), setWeight(50)}));
  w.setImage("web:v2");
  w.settle();
  EXPECT_EQ(w.status.current_step_index, 1);
  Plan p = w.plan();
  ASSERT_TRUE(p.requeue_after.has_value());
  EXPECT_LE(*p.requeue_after, absl::Seconds(90));
  w.advance(absl::Seconds(89));
  w.settle();
  EXPECT_EQ(w.status.current_step_index, 1);
  w.advance(absl::Seconds(2));
  w.settle();
  EXPECT_EQ(w.status.current_step_index, 3);  // pause done, setWeight 50 reached
  EXPECT_EQ(w.status.phase, kPhaseHealthy);   // and promoted (last step)
  EXPECT_TRUE(w.violations.empty()) << w.violations[0];
}

TEST(CanaryPlannerTest, IndefinitePauseWaitsForPromote) {
  World w = deployed(steps({setWeight(10), pauseForever(), setWeight(60)}));
  w.setImage("web:v2");
  w.settle();
  w.advance(absl::Hours(3));
  w.settle();
  EXPECT_EQ(w.status.current_step_index, 1);
  EXPECT_EQ(w.status.phase, kPhasePaused);
  EXPECT_EQ(w.status.message, "CanaryPauseStep");
  EXPECT_TRUE(w.status.controller_pause);
  // `kubectl serin promote`: clears pauseConditions.
  w.status.pause_conditions.clear();
  w.settle();
  EXPECT_EQ(w.status.current_step_index, 3);
  EXPECT_EQ(w.status.stable_rs, w.hashOf("web:v2"));
  EXPECT_FALSE(w.status.controller_pause);
  EXPECT_TRUE(w.violations.empty()) << w.violations[0];
}

TEST(CanaryPlannerTest, PromoteFullSkipsTheRemainingSteps) {
  World w = deployed(steps({setWeight(10), pauseForever(), setWeight(50), pauseForever()}));
  w.setImage("web:v2");
  w.settle();
  w.status.promote_full = true;
  w.settle();
  EXPECT_EQ(w.status.stable_rs, w.hashOf("web:v2"));
  EXPECT_EQ(w.status.phase, kPhaseHealthy);
  EXPECT_FALSE(w.status.promote_full);
}

TEST(CanaryPlannerTest, PromotionMovesStableOnlyOnceTheNewVersionIsFullyAvailable) {
  World w = deployed(steps({setWeight(50)}));
  const std::string v1 = w.hashOf("web:v1");
  w.setImage("web:v2");
  const std::string v2 = w.hashOf("web:v2");
  w.step();
  w.step();
  w.podsBecomeAvailable();
  w.step();  // weight 50
  w.step();  // step done -> promotion: canary to 4
  EXPECT_EQ(w.rsOf(v2)->spec_replicas, 4);
  w.setAvailable(v2, 3);
  for (int i = 0; i < 3; ++i) w.step();
  EXPECT_EQ(w.stableSelector(), v1);  // 3 of 4: not yet
  EXPECT_EQ(w.status.stable_rs, v1);
  w.setAvailable(v2, 4);
  Plan p = w.step();
  ASSERT_EQ(p.selectors.size(), 1u);
  EXPECT_EQ(p.selectors[0].service, "web-stable");
  EXPECT_EQ(w.stableSelector(), v2);
  EXPECT_EQ(w.weight, 0);  // same plan: both destinations now reach v2
  w.step();
  EXPECT_EQ(w.status.stable_rs, v2);
  // The old version waits scaleDownDelaySeconds (30) from the completion the Completed
  // condition records: no deadline annotation to write.
  Plan wait = w.step();
  EXPECT_EQ(w.rsOf(v1)->spec_replicas, 4);
  EXPECT_FALSE(wait.hasWrites());
  ASSERT_TRUE(wait.requeue_after.has_value());
  EXPECT_LE(*wait.requeue_after, absl::Seconds(30));
  w.advance(absl::Seconds(31));
  w.step();
  EXPECT_EQ(w.rsOf(v1)->spec_replicas, 0);
  EXPECT_TRUE(w.violations.empty()) << w.violations[0];
}

TEST(CanaryPlannerTest, AbortRestoresRoutingBeforeAnyScaleDown) {
  World w = deployed(steps({setWeight(50), pauseForever()}));
  const std::string v1 = w.hashOf("web:v1");
  w.setImage("web:v2");
  const std::string v2 = w.hashOf("web:v2");
  w.settle();
  ASSERT_EQ(w.weight, 50);
  w.status.abort = true;  // kubectl serin abort
  Plan p = w.step();
  ASSERT_TRUE(p.traffic.has_value());
  EXPECT_EQ(p.traffic->canary_weight, 0);
  ASSERT_EQ(p.selectors.size(), 1u);
  EXPECT_EQ(p.selectors[0].service, "web-canary");
  EXPECT_EQ(p.selectors[0].pod_hash, v1);
  EXPECT_TRUE(p.scale_down.empty());
  EXPECT_EQ(w.status.phase, kPhaseDegraded);
  EXPECT_EQ(w.status.message.rfind("RolloutAborted: ", 0), 0u);
  EXPECT_EQ(cond(w.status, condition::kProgressing)->reason, reason::kRolloutAborted);
  // The canary stays for abortScaleDownDelaySeconds (30).
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(w.step().scale_down.empty());
  w.advance(absl::Seconds(31));
  p = w.step();
  ASSERT_EQ(p.scale_down.size(), 1u);
  EXPECT_EQ(p.scale_down[0].name, "web-" + v2);
  EXPECT_EQ(p.scale_down[0].to, 0);
  EXPECT_TRUE(w.violations.empty()) << w.violations[0];
}

TEST(CanaryPlannerTest, AbortScaleDownDelayZeroKeepsTheCanary) {
  World w = deployed(steps({setWeight(50), pauseForever()}));
  w.spec["strategy"]["canary"]["abortScaleDownDelaySeconds"] = 0;
  w.setImage("web:v2");
  w.settle();
  w.status.abort = true;
  w.settle();
  w.advance(absl::Hours(1));
  w.settle();
  EXPECT_EQ(w.rsOf(w.hashOf("web:v2"))->spec_replicas, 2);
  EXPECT_EQ(w.weight, 0);
}

TEST(CanaryPlannerTest, RetryAfterAbortStartsTheStepsAgain) {
  World w = deployed(steps({setWeight(50), pauseForever()}));
  w.setImage("web:v2");
  w.settle();
  w.status.abort = true;
  w.settle();
  w.advance(absl::Seconds(31));
  w.settle();
  ASSERT_EQ(w.rsOf(w.hashOf("web:v2"))->spec_replicas, 0);
  w.status.abort = false;  // kubectl serin retry
  w.settle();
  EXPECT_FALSE(w.status.aborted_at.has_value());
  EXPECT_EQ(w.status.current_step_index, 1);
  EXPECT_EQ(w.weight, 50);
  EXPECT_EQ(w.status.phase, kPhasePaused);
  EXPECT_TRUE(w.violations.empty()) << w.violations[0];
}

// The ReplicaSet controller reports status from its pod cache before that cache has seen the
// deletions it made: right after the abort's scale-down to 0 it still says 2 pods, both
// available, at the new generation. A retry then must not scale the canary up and route to
// those departing pods; it waits until the scale-down has settled.
TEST(CanaryPlannerTest, RetryDuringTheAbortScaleDownWaitsForTheDepartingPods) {
  World w = deployed(steps({setWeight(50), pauseForever()}));
  w.setImage("web:v2");
  w.settle();
  w.status.abort = true;
  w.settle();
  w.advance(absl::Seconds(31));
  w.step();  // the canary's scale-down to 0
  const std::string v2 = w.hashOf("web:v2");
  ASSERT_EQ(w.rsOf(v2)->spec_replicas, 0);
  w.setStatusCounts(v2, 2);  // the controller's stale count, marked observed
  w.status.abort = false;  // kubectl serin retry
  for (int i = 0; i < 3; ++i) {
    Plan p = w.step();
    EXPECT_TRUE(p.scale_up.empty()) << "scaled the canary up while its pods are being deleted";
    EXPECT_EQ(w.weight, 0);
  }
  // The deletions are seen: then the retry goes on as usual.
  w.setStatusCounts(v2, 0);
  w.settle();
  EXPECT_EQ(w.weight, 50);
  EXPECT_EQ(w.status.current_step_index, 1);
  EXPECT_TRUE(w.violations.empty()) << w.violations[0];
}

TEST(CanaryPlannerTest, UndoToTheStableTemplateEndsTheUpdate) {
  World w = deployed(steps({setWeight(50), pauseForever()}));
  w.setImage("web:v2");
  w.settle();
  w.setImage("web:v1");  // kubectl serin undo
  w.settle();
  w.advance(absl::Seconds(31));
  w.settle();
  EXPECT_EQ(w.status.stable_rs, w.hashOf("web:v1"));
  EXPECT_EQ(w.weight, 0);
  EXPECT_EQ(w.canarySelector(), w.hashOf("web:v1"));
  EXPECT_EQ(w.rsOf(w.hashOf("web:v2"))->spec_replicas, 0);
  EXPECT_EQ(w.status.phase, kPhaseHealthy);
  EXPECT_TRUE(w.violations.empty()) << w.violations[0];
}

// An undo copies a ReplicaSet's stored template back: with the hash label, a null
// creationTimestamp and the API server's defaults, so it hashes differently from the
// template that made the ReplicaSet. It is still that ReplicaSet's version (templatesMatch).
TEST(CanaryPlannerTest, UndoToAStoredTemplateWithServerDefaultsReusesItsReplicaSet) {
  World w = deployed(steps({setWeight(50), pauseForever()}));
  const std::string v1 = w.hashOf("web:v1");
  const std::string v2 = w.hashOf("web:v2");
  json stored = w.spec["template"];
  stored["metadata"]["labels"]["rollouts-pod-template-hash"] = v1;
  stored["metadata"]["creationTimestamp"] = nullptr;
  stored["spec"]["containers"][0]["terminationMessagePath"] = "/dev/termination-log";
  stored["spec"]["restartPolicy"] = "Always";
  ASSERT_NE(podTemplateHash(stored), v1);
  w.rsOf(v1)->template_digest = kube::podTemplateDigest(stored);  // as the API server keeps it
  w.setImage("web:v2");
  w.settle();
  ASSERT_EQ(w.weight, 50);
  w.spec["template"] = stored;  // kubectl serin undo
  ++w.generation;
  w.settle();
  w.advance(absl::Seconds(31));
  w.settle();
  EXPECT_EQ(w.status.current_pod_hash, v1);
  EXPECT_EQ(w.status.stable_rs, v1);
  EXPECT_EQ(w.weight, 0);
  EXPECT_EQ(w.rs.size(), 2u);  // no third ReplicaSet for the defaulted copy
  EXPECT_EQ(w.rsOf(v2)->spec_replicas, 0);
  EXPECT_EQ(w.status.phase, kPhaseHealthy);
  EXPECT_TRUE(w.violations.empty()) << w.violations[0];
}

TEST(CanaryPlannerTest, NewTemplateMidRolloutDrainsTheOldCanaryFirst) {
  World w = deployed(steps({setWeight(50), pauseForever()}));
  w.setImage("web:v2");
  w.settle();
  ASSERT_EQ(w.weight, 50);
  w.setImage("web:v3");
  const std::string v3 = w.hashOf("web:v3");
  Plan p = w.step();  // creates v3
  ASSERT_TRUE(p.create_replica_set);
  p = w.step();  // v3 has no pods: weight must come off v2 before the Service moves
  ASSERT_TRUE(p.traffic);
  EXPECT_EQ(p.traffic->canary_weight, 0);
  EXPECT_TRUE(p.selectors.empty());
  w.settle();
  EXPECT_EQ(w.canarySelector(), v3);
  EXPECT_EQ(w.weight, 50);
  EXPECT_EQ(w.status.current_step_index, 1);
  w.advance(absl::Seconds(31));
  w.settle();
  EXPECT_EQ(w.rsOf(w.hashOf("web:v2"))->spec_replicas, 0);  // the drained canary goes
  EXPECT_TRUE(w.violations.empty()) << w.violations[0];
}

TEST(CanaryPlannerTest, ManualPauseHoldsTheUpdate) {
  World w = deployed(steps({setWeight(20), setWeight(60)}));
  w.setImage("web:v2");
  w.step();
  w.spec["paused"] = true;
  w.settle();
  EXPECT_EQ(w.status.phase, kPhasePaused);
  EXPECT_EQ(w.status.message, "manually paused");
  EXPECT_EQ(w.weight, 0);
  w.spec.erase("paused");
  w.settle();
  EXPECT_EQ(w.status.phase, kPhaseHealthy);
}

TEST(CanaryPlannerTest, ScaleChangesReachTheStableReplicaSet) {
  World w = deployed(steps({setWeight(20)}));
  w.spec["replicas"] = 7;  // kubectl scale / HPA through the scale subresource
  w.settle();
  EXPECT_EQ(w.rsOf(w.hashOf("web:v1"))->spec_replicas, 7);
  EXPECT_EQ(w.status.hpa_replicas, 7);
  EXPECT_EQ(w.status.selector, "app=web");
  // Mid-rollout, the canary follows the new count too.
  w.setImage("web:v2");
  w.spec["strategy"]["canary"]["steps"] = steps({setWeight(50), pauseForever()});
  w.settle();
  w.spec["replicas"] = 10;
  w.settle();
  EXPECT_EQ(w.rsOf(w.hashOf("web:v2"))->spec_replicas, 5);
  EXPECT_EQ(w.rsOf(w.hashOf("web:v1"))->spec_replicas, 10);
}

TEST(CanaryPlannerTest, ProgressDeadlineWithAndWithoutAbort) {
  for (bool abort : {false, true}) {
    World w = deployed(steps({setWeight(50), pauseForever()}));
    w.spec["progressDeadlineSeconds"] = 60;
    if (abort) w.spec["progressDeadlineAbort"] = true;
    w.setImage("web:v2");
    w.step();
    w.step();  // canary scaled to 2; its pods never become available
    w.advance(absl::Seconds(30));
    w.step();
    EXPECT_NE(w.status.phase, kPhaseDegraded);
    w.advance(absl::Seconds(31));
    w.step();
    const Condition* p = cond(w.status, condition::kProgressing);
    ASSERT_NE(p, nullptr);
    if (abort) {
      EXPECT_TRUE(w.status.abort);
      EXPECT_EQ(p->reason, reason::kRolloutAborted);
      EXPECT_NE(p->message.find("timed out progressing"), std::string::npos);
    } else {
      EXPECT_FALSE(w.status.abort);
      EXPECT_EQ(p->reason, reason::kProgressDeadlineExceeded);
      EXPECT_EQ(p->status, "False");
      EXPECT_EQ(w.status.phase, kPhaseDegraded);
      EXPECT_EQ(w.status.message.rfind("ProgressDeadlineExceeded: ", 0), 0u);
    }
    EXPECT_EQ(w.weight, 0);
  }
}

TEST(CanaryPlannerTest, InvalidSpecIsReportedWithTheFieldAndChangesNothing) {
  World w = deployed(steps({setWeight(20)}));
  w.spec["strategy"]["canary"]["steps"][0]["setWeight"] = 150;
  Plan p = w.step();
  EXPECT_FALSE(p.hasWrites());
  const Condition* c = cond(w.status, condition::kInvalidSpec);
  ASSERT_NE(c, nullptr);
  EXPECT_NE(c->message.find("spec.strategy.canary.steps[0].setWeight"), std::string::npos);
  EXPECT_EQ(w.status.phase, kPhaseDegraded);
  EXPECT_EQ(w.status.message.rfind("InvalidSpec: ", 0), 0u);
}

TEST(CanaryPlannerTest, MissingServiceOrRouteIsInvalidSpec) {
  World w = deployed(steps({setWeight(20)}));
  w.services.erase("web-canary");
  w.setImage("web:v2");
  Plan p = w.step();
  EXPECT_FALSE(p.traffic || !p.selectors.empty());
  EXPECT_NE(cond(w.status, condition::kInvalidSpec)->message.find("Service \"web-canary\" not found"),
            std::string::npos);
  World v = deployed(steps({setWeight(20)}));
  v.traffic_error = absl::InvalidArgumentError("HTTP route \"primary\" not found in VirtualService \"shop/web\"");
  v.setImage("web:v2");
  v.step();
  EXPECT_NE(cond(v.status, condition::kInvalidSpec)->message.find("route \"primary\""), std::string::npos);
}

TEST(CanaryPlannerTest, DriftedWeightsAreWrittenBack) {
  World w = deployed(steps({setWeight(30), pauseForever()}));
  w.setImage("web:v2");
  w.settle();
  ASSERT_EQ(w.weight, 30);
  w.weight = 80;  // someone edited the VirtualService
  w.uniform = false;
  Plan p = w.step();
  ASSERT_TRUE(p.traffic);
  EXPECT_EQ(p.traffic->canary_weight, 30);
  EXPECT_TRUE(w.violations.empty()) << w.violations[0];
}

TEST(CanaryPlannerTest, WeightComesDownWhenCanaryPodsGoAway) {
  World w = deployed(steps({setWeight(50), pauseForever()}), 10);
  w.setImage("web:v2");
  w.settle();
  ASSERT_EQ(w.weight, 50);
  w.setAvailable(w.hashOf("web:v2"), 2);  // 3 of 5 canary pods crashed
  Plan p = w.step();
  ASSERT_TRUE(p.traffic);
  EXPECT_EQ(p.traffic->canary_weight, 20);
  EXPECT_TRUE(w.violations.empty()) << w.violations[0];
}

TEST(CanaryPlannerTest, RevisionHistoryLimitDeletesTheOldestIdleReplicaSets) {
  World w = deployed(json::array());
  w.spec["revisionHistoryLimit"] = 1;
  for (const char* image : {"web:v2", "web:v3", "web:v4"}) {
    w.setImage(image);
    w.settle();
    w.advance(absl::Seconds(31));
    w.settle();
  }
  EXPECT_EQ(w.rs.size(), 2u);  // v4 (stable) and v3 (history)
  EXPECT_NE(w.rsOf(w.hashOf("web:v3")), nullptr);
  EXPECT_EQ(w.rsOf(w.hashOf("web:v1")), nullptr);
}

TEST(CanaryPlannerTest, RollbackWithinTheWindowSkipsSteps) {
  World w = deployed(steps({setWeight(10), pauseForever()}));
  w.spec["rollbackWindow"] = {{"revisions", 2}};
  w.setImage("web:v2");
  w.settle();
  w.status.pause_conditions.clear();
  w.settle();
  ASSERT_EQ(w.status.stable_rs, w.hashOf("web:v2"));
  w.setImage("web:v1");  // back to the previous revision
  w.settle();
  EXPECT_EQ(w.status.stable_rs, w.hashOf("web:v1"));  // no pause on the way
  EXPECT_TRUE(w.status.pause_conditions.empty());
}

}  // namespace
}  // namespace serin::rollout
