#include "operator/kube/event_recorder.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/fake_clock.h"
#include "tests/fakes/fake_kube_client.h"

namespace serin::kube {
namespace {

using serin::testing::FakeClock;
using serin::testing::FakeKubeClient;

class EventRecorderTest : public ::testing::Test {
 protected:
  EventRecorderTest() : recorder_(api_, {}, clock_, log_) {}

  std::vector<nlohmann::json> events() { return api_.objects(resources::events()); }
  int writes() {
    int n = 0;
    for (const auto& a : api_.actions()) n += a.resource == "events";
    return n;
  }

  FakeKubeClient api_;
  FakeClock clock_;
  std::ostringstream logs_;
  Logger log_{logs_, LogLevel::kError, LogFormat::kJson};
  EventRecorder recorder_;
  InvolvedObject rollout_{"serin.io/v1alpha1", "Rollout", "shop", "checkout", "uid-1"};
};

TEST_F(EventRecorderTest, WritesACoreEventAboutTheObject) {
  recorder_.record(rollout_, EventType::kWarning, "RolloutAborted", "Rollout aborted update to revision 2");
  recorder_.flushForTest();
  auto evs = events();
  ASSERT_EQ(evs.size(), 1u);
  const auto& e = evs[0];
  EXPECT_EQ(e["type"], "Warning");
  EXPECT_EQ(e["reason"], "RolloutAborted");
  EXPECT_EQ(e["message"], "Rollout aborted update to revision 2");
  EXPECT_EQ(e["count"], 1);
  EXPECT_EQ(e["involvedObject"]["kind"], "Rollout");
  EXPECT_EQ(e["involvedObject"]["uid"], "uid-1");
  EXPECT_EQ(e["metadata"]["namespace"], "shop");
  EXPECT_EQ(e["source"]["component"], "serin-controller");
  EXPECT_EQ(e["metadata"]["name"].get<std::string>().rfind("checkout.", 0), 0u);
}

TEST_F(EventRecorderTest, HotLoopIsAggregatedIntoOneEventWithFewWrites) {
  for (int i = 0; i < 1000; ++i) {
    recorder_.record(rollout_, EventType::kNormal, "RolloutUpdated", "same thing");
    if (i % 100 == 0) recorder_.flushForTest();
    clock_.advance(absl::Milliseconds(10));  // 10 s in all
  }
  recorder_.flushForTest();
  clock_.advance(absl::Seconds(10));
  recorder_.flushForTest();
  auto evs = events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0]["count"], 1000);
  // One create, then at most one update per 5 s of the 20 s.
  EXPECT_LE(writes(), 5);
}

TEST_F(EventRecorderTest, DistinctMessagesAreRateLimitedPerObjectAndReason) {
  for (int i = 0; i < 100; ++i) {
    recorder_.record(rollout_, EventType::kNormal, "ScalingReplicaSet", "step " + std::to_string(i));
  }
  recorder_.flushForTest();
  EXPECT_EQ(events().size(), 25u);
  EXPECT_EQ(recorder_.dropped(), 75);
  // Another reason has its own budget; time refills the bucket.
  recorder_.record(rollout_, EventType::kNormal, "RolloutCompleted", "done");
  clock_.advance(absl::Minutes(2));
  recorder_.record(rollout_, EventType::kNormal, "ScalingReplicaSet", "later");
  recorder_.flushForTest();
  EXPECT_EQ(events().size(), 27u);
}

TEST_F(EventRecorderTest, ObserverSeesEveryEventAndFailuresAreNotFatal) {
  int observed = 0;
  recorder_.setObserver([&](const InvolvedObject&, EventType, std::string_view) { ++observed; });
  api_.failNext("create", "events", absl::UnavailableError("down"));
  recorder_.record(rollout_, EventType::kNormal, "A", "x");
  recorder_.record(rollout_, EventType::kNormal, "B", "y");
  recorder_.flushForTest();
  EXPECT_EQ(observed, 2);
  EXPECT_EQ(events().size(), 1u);
}

TEST_F(EventRecorderTest, BackgroundWriterFlushesOnStop) {
  recorder_.start();
  recorder_.record(rollout_, EventType::kNormal, "RolloutResumed", "go");
  recorder_.record(rollout_, EventType::kNormal, "RolloutResumed", "go");
  recorder_.stop();
  auto evs = events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0]["count"], 2);
}

}  // namespace
}  // namespace serin::kube
