#include "analysis/metric_result.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/analysis/test_util.h"

namespace serin::analysis {
namespace {

using testing::kT0;
using P = AnalysisPhase;

Measurement finished(P phase, int second = 0) {
  Measurement m;
  m.phase = phase;
  m.startedAt = kT0 + absl::Seconds(second);
  m.finishedAt = kT0 + absl::Seconds(second);
  m.value = std::to_string(second);
  return m;
}

struct Counters {
  int64_t count, successful, failed, inconclusive, error, consecutiveError, consecutiveSuccess;
  friend bool operator==(const Counters&, const Counters&) = default;
};

Counters countersOf(const MetricResult& r) {
  return {r.count,
          r.successful,
          r.failed,
          r.inconclusive,
          r.error,
          r.consecutiveError,
          r.consecutiveSuccess};
}

struct CounterCase {
  std::string name;
  std::vector<P> phases;
  Counters want;
};

TEST(AnalysisMetricResultTest, CountersFollowArgo) {
  const CounterCase cases[] = {
      {"one success", {P::kSuccessful}, {1, 1, 0, 0, 0, 0, 1}},
      {"errors do not count", {P::kError, P::kError}, {0, 0, 0, 0, 2, 2, 0}},
      {"a success resets consecutive errors",
       {P::kError, P::kError, P::kSuccessful},
       {1, 1, 0, 0, 2, 0, 1}},
      {"a failure resets both streaks",
       {P::kSuccessful, P::kSuccessful, P::kError, P::kFailed},
       {3, 2, 1, 0, 1, 0, 0}},
      {"inconclusive counts",
       {P::kInconclusive, P::kSuccessful, P::kSuccessful},
       {3, 2, 0, 1, 0, 0, 2}},
      {"an error breaks a success streak",
       {P::kSuccessful, P::kError, P::kSuccessful},
       {2, 2, 0, 0, 1, 0, 1}},
  };
  for (const CounterCase& c : cases) {
    MetricResult r;
    int second = 0;
    for (P p : c.phases) addMeasurement(r, finished(p, second++), 10);
    EXPECT_EQ(countersOf(r), c.want) << c.name;
    EXPECT_EQ(r.measurements.size(), c.phases.size()) << c.name;
  }
}

struct RetentionCase {
  int64_t retention;
  int measurements;
  size_t kept;
};

TEST(AnalysisMetricResultTest, RetentionKeepsTheNewest) {
  const RetentionCase cases[] = {{10, 25, 10}, {10, 3, 3}, {2, 5, 2}, {1, 5, 1}, {0, 5, 1}};
  for (const RetentionCase& c : cases) {
    MetricResult r;
    for (int i = 0; i < c.measurements; ++i)
      addMeasurement(r, finished(P::kSuccessful, i), c.retention);
    ASSERT_EQ(r.measurements.size(), c.kept) << c.retention;
    EXPECT_EQ(r.measurements.back().value, std::to_string(c.measurements - 1));
    EXPECT_EQ(r.count, c.measurements);  // counters cover the whole run
  }
}

TEST(AnalysisMetricResultTest, InFlightMeasurementIsReplaced) {
  MetricResult r;
  Measurement running;
  running.phase = P::kRunning;
  running.startedAt = kT0;
  addMeasurement(r, running, 10);
  EXPECT_EQ(r.count, 0);
  EXPECT_EQ(r.measurements.size(), 1u);
  addMeasurement(r, finished(P::kSuccessful, 5), 10);
  ASSERT_EQ(r.measurements.size(), 1u);
  EXPECT_EQ(r.measurements[0].phase, P::kSuccessful);
  EXPECT_EQ(r.count, 1);
}

TEST(AnalysisMetricResultTest, RecordCreatesResultAndRedactsSecrets) {
  ResolvedMetric metric = testing::promMetric("errors", "result[0] < 0.01");
  metric.dryRun = true;
  metric.measurementRetention = 2;
  ResolvedArgs args;
  args.set("token", "hunter2", /*secret=*/true);
  AnalysisRunStatus status;
  Measurement m = finished(P::kError);
  m.message = "GET http://x/?token=hunter2: 401";
  m.value = "hunter2";
  m.metadata = {{"query", "up{token=\"hunter2\"}"}};
  recordMeasurement(status, metric, m, args);
  ASSERT_EQ(status.metricResults.size(), 1u);
  const MetricResult& r = status.metricResults[0];
  EXPECT_EQ(r.name, "errors");
  EXPECT_EQ(r.phase, P::kRunning);
  EXPECT_TRUE(r.dryRun);
  EXPECT_EQ(r.measurements[0].message, "GET http://x/?token=*****: 401");
  EXPECT_EQ(r.measurements[0].value, "*****");
  EXPECT_EQ(r.measurements[0].metadata.at("query"), "up{token=\"*****\"}");
  for (int i = 1; i < 5; ++i) recordMeasurement(status, metric, finished(P::kSuccessful, i), args);
  EXPECT_EQ(status.metricResults.size(), 1u);
  EXPECT_EQ(status.metricResults[0].measurements.size(), 2u);  // the metric's retention
}

}  // namespace
}  // namespace serin::analysis
