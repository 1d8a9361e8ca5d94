#include "analysis/controller/measurement_pool.h"

#include <gtest/gtest.h>

#include <atomic>

#include "absl/synchronization/notification.h"
#include "tests/analysis/controller/run_harness.h"

namespace serin::analysis {
namespace {

using testing::eventually;

MeasurementOutcome outcome(const std::string& metric, AnalysisPhase phase) {
  Measurement m;
  m.phase = phase;
  return MeasurementOutcome{metric, m, ""};
}

TEST(AnalysisMeasurementPoolTest, OneMeasurementPerRunAndMetricUntilConsumed) {
  MeasurementPool pool(2);
  pool.start();
  std::atomic<int> done{0};
  ASSERT_TRUE(pool.submit(
      "uid-1", "m", [] { return outcome("m", AnalysisPhase::kSuccessful); }, [&] { ++done; }));
  EXPECT_FALSE(pool.submit("uid-1", "m", [] { return outcome("m", AnalysisPhase::kFailed); }, {}));
  EXPECT_TRUE(
      pool.submit("uid-1", "other", [] { return outcome("other", AnalysisPhase::kFailed); }, {}));
  EXPECT_TRUE(pool.submit("uid-2", "m", [] { return outcome("m", AnalysisPhase::kError); }, {}));
  ASSERT_TRUE(eventually([&] { return pool.measuring() == 0; }));
  EXPECT_EQ(done.load(), 1);
  auto finished = pool.finished("uid-1");
  ASSERT_EQ(finished.size(), 2u);
  EXPECT_EQ(finished[0].metric, "m");
  EXPECT_EQ(finished[0].measurement->phase, AnalysisPhase::kSuccessful);
  EXPECT_EQ(finished[1].metric, "other");
  // Finished but not consumed: still busy, so not measured again.
  EXPECT_TRUE(pool.busy("uid-1", "m"));
  EXPECT_FALSE(pool.submit("uid-1", "m", [] { return outcome("m", AnalysisPhase::kFailed); }, {}));
  pool.consume("uid-1", "m");
  EXPECT_FALSE(pool.busy("uid-1", "m"));
  EXPECT_EQ(pool.finished("uid-1").size(), 1u);
  EXPECT_TRUE(pool.submit("uid-1", "m", [] { return outcome("m", AnalysisPhase::kFailed); }, {}));
  pool.stop();
}

TEST(AnalysisMeasurementPoolTest, ForgottenRunDropsTheOutcomeOfARunningMeasurement) {
  MeasurementPool pool(1);
  pool.start();
  absl::Notification inside, release;
  std::atomic<int> done{0};
  ASSERT_TRUE(pool.submit(
      "uid-1", "m",
      [&] {
        inside.Notify();
        release.WaitForNotification();
        return outcome("m", AnalysisPhase::kSuccessful);
      },
      [&] { ++done; }));
  inside.WaitForNotification();
  pool.forget("uid-1");
  EXPECT_FALSE(pool.busy("uid-1", "m"));
  // A new measurement may start at once; the old one's outcome must not land in its place.
  ASSERT_TRUE(pool.submit("uid-1", "m", [] { return outcome("m", AnalysisPhase::kFailed); }, {}));
  release.Notify();
  ASSERT_TRUE(eventually([&] { return pool.measuring() == 0; }));
  EXPECT_EQ(done.load(), 0);
  auto finished = pool.finished("uid-1");
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0].measurement->phase, AnalysisPhase::kFailed);
  pool.stop();
}

TEST(AnalysisMeasurementPoolTest, BoundedThreadsAndStopDropsQueuedWork) {
  MeasurementPool pool(2);
  pool.start();
  absl::Notification release;
  std::atomic<int> running{0}, most{0}, ran{0};
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(pool.submit("uid", std::to_string(i),
                            [&, i] {
                              const int now = ++running;
                              int prev = most.load();
                              while (now > prev && !most.compare_exchange_weak(prev, now)) {
                              }
                              release.WaitForNotification();
                              --running;
                              ++ran;
                              return outcome(std::to_string(i), AnalysisPhase::kSuccessful);
                            },
                            {}));
  }
  ASSERT_TRUE(eventually([&] { return running.load() == 2; }));
  EXPECT_EQ(pool.measuring(), 6);
  std::thread stopper([&] { pool.stop(); });
  ASSERT_TRUE(eventually([&] { return pool.measuring() == 2; }));  // the queue was dropped
  release.Notify();
  stopper.join();
  EXPECT_EQ(most.load(), 2);
  EXPECT_EQ(ran.load(), 2);  // the four queued ones were dropped
  EXPECT_EQ(pool.measuring(), 0);
  EXPECT_FALSE(
      pool.submit("uid", "late", [] { return outcome("late", AnalysisPhase::kSuccessful); }, {}));
}

}  // namespace
}  // namespace serin::analysis
