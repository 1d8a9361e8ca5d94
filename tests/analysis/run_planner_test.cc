#include "analysis/run_planner.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "analysis/model/spec_json.h"
#include "tests/analysis/test_util.h"

namespace serin::analysis {
namespace {

using testing::kT0;
using P = AnalysisPhase;

absl::Time at(int seconds) { return kT0 + absl::Seconds(seconds); }

Measurement finishedAt(P phase, int second) {
  Measurement m;
  m.phase = phase;
  m.startedAt = at(second);
  m.finishedAt = at(second);
  return m;
}

// A run started at kT0 whose metric `m` has the given measurements.
AnalysisRunStatus startedWith(const ResolvedMetric& metric, const std::vector<Measurement>& ms) {
  AnalysisRunStatus s;
  s.phase = P::kRunning;
  s.startedAt = kT0;
  if (ms.empty()) return s;
  MetricResult r;
  r.name = metric.name;
  r.phase = P::kRunning;
  for (const Measurement& m : ms) addMeasurement(r, m, 100);
  s.metricResults.push_back(r);
  return s;
}

ResolvedMetric metricWith(std::optional<absl::Duration> interval, std::optional<int64_t> count,
                          absl::Duration initialDelay = absl::ZeroDuration()) {
  ResolvedMetric m = testing::promMetric("m", "result[0] >= 0.99");
  m.settings.interval = interval;
  m.settings.count = count;
  m.settings.initialDelay = initialDelay;
  m.settings.failureLimit = 3;
  return m;
}

struct ScheduleCase {
  std::string name;
  ResolvedMetric metric;
  std::vector<Measurement> measurements;
  int now;                  // seconds after kT0
  bool due;                 // the metric is due now
  std::optional<int> next;  // nextMeasurementAt, seconds after kT0
  P phase;                  // the run's phase after planning
};

TEST(AnalysisPlanRunTest, ScheduleTable) {
  const auto minute = absl::Minutes(1);
  const ScheduleCase cases[] = {
      {"first measurement at once",
       metricWith(minute, std::nullopt),
       {},
       0,
       true,
       std::nullopt,
       P::kRunning},
      {"initialDelay not yet over",
       metricWith(minute, 3, absl::Seconds(30)),
       {},
       10,
       false,
       30,
       P::kRunning},
      {"initialDelay over",
       metricWith(minute, 3, absl::Seconds(30)),
       {},
       30,
       true,
       std::nullopt,
       P::kRunning},
      {"initialDelay counts from the run's start",
       metricWith(minute, 3, absl::Seconds(30)),
       {},
       45,
       true,
       std::nullopt,
       P::kRunning},
      {"interval not yet elapsed",
       metricWith(minute, 3),
       {finishedAt(P::kSuccessful, 5)},
       60,
       false,
       65,
       P::kRunning},
      {"interval elapsed",
       metricWith(minute, 3),
       {finishedAt(P::kSuccessful, 5)},
       65,
       true,
       std::nullopt,
       P::kRunning},
      {"interval counts from finishedAt",
       metricWith(minute, 3),
       {finishedAt(P::kSuccessful, 5), finishedAt(P::kFailed, 70)},
       129,
       false,
       130,
       P::kRunning},
      {"error retried after 10 s, not the interval",
       metricWith(absl::Minutes(5), 3),
       {finishedAt(P::kError, 100)},
       105,
       false,
       110,
       P::kRunning},
      {"error retry due",
       metricWith(absl::Minutes(5), 3),
       {finishedAt(P::kError, 100)},
       110,
       true,
       std::nullopt,
       P::kRunning},
      {"error retry waits 10 s even with a shorter interval",
       metricWith(absl::Seconds(2), 3),
       {finishedAt(P::kError, 100)},
       105,
       false,
       110,
       P::kRunning},
      {"error retry without interval",
       metricWith(std::nullopt, 1),
       {finishedAt(P::kError, 100)},
       110,
       true,
       std::nullopt,
       P::kRunning},
      {"no interval: measured once",
       metricWith(std::nullopt, 1),
       {finishedAt(P::kSuccessful, 3)},
       1000,
       false,
       std::nullopt,
       P::kSuccessful},
      {"count reached",
       metricWith(minute, 2),
       {finishedAt(P::kSuccessful, 0), finishedAt(P::kSuccessful, 60)},
       1000,
       false,
       std::nullopt,
       P::kSuccessful},
      {"errors do not count towards count",
       metricWith(minute, 2),
       {finishedAt(P::kSuccessful, 0), finishedAt(P::kError, 60)},
       65,
       false,
       70,
       P::kRunning},
      {"interval only: runs until the run ends",
       metricWith(minute, std::nullopt),
       {finishedAt(P::kSuccessful, 0), finishedAt(P::kSuccessful, 60),
        finishedAt(P::kSuccessful, 120)},
       180,
       true,
       std::nullopt,
       P::kRunning},
      {"a failed metric ends the run",
       metricWith(minute, std::nullopt),
       {finishedAt(P::kFailed, 0), finishedAt(P::kFailed, 60), finishedAt(P::kFailed, 120),
        finishedAt(P::kFailed, 180)},
       240,
       false,
       std::nullopt,
       P::kFailed},
  };
  for (const ScheduleCase& c : cases) {
    const AnalysisRunStatus status = startedWith(c.metric, c.measurements);
    const RunPlan plan = planResolvedRun({c.metric}, false, status, at(c.now));
    EXPECT_EQ(!plan.due.empty(), c.due) << c.name;
    if (!plan.due.empty()) {
      EXPECT_EQ(plan.due[0].metric, "m") << c.name;
      EXPECT_EQ(plan.due[0].action, DueMeasurement::Action::kMeasure) << c.name;
    }
    EXPECT_EQ(plan.nextMeasurementAt,
              c.next.has_value() ? std::optional(at(*c.next)) : std::nullopt)
        << c.name;
    EXPECT_EQ(phaseName(plan.status.phase), phaseName(c.phase)) << c.name;
    EXPECT_EQ(plan.complete, isTerminal(c.phase)) << c.name;
  }
}

TEST(AnalysisPlanRunTest, FirstPlanStartsTheRun) {
  const ResolvedMetric metric = metricWith(absl::Minutes(1), 3, absl::Seconds(30));
  const RunPlan plan = planResolvedRun({metric}, false, AnalysisRunStatus{}, at(7));
  EXPECT_EQ(plan.status.startedAt, at(7));
  EXPECT_EQ(plan.status.phase, P::kRunning);
  EXPECT_EQ(plan.nextMeasurementAt, at(37));
  EXPECT_TRUE(plan.due.empty());
  EXPECT_EQ(plan.status.runSummary.count, 1);
  ASSERT_TRUE(plan.status.dryRunSummary.has_value());
}

TEST(AnalysisPlanRunTest, EarliestMetricDecidesTheRequeue) {
  ResolvedMetric a = metricWith(absl::Minutes(1), std::nullopt);
  a.name = "a";
  ResolvedMetric b = metricWith(absl::Seconds(20), std::nullopt);
  b.name = "b";
  AnalysisRunStatus status = startedWith(a, {finishedAt(P::kSuccessful, 0)});
  MetricResult rb;
  rb.name = "b";
  rb.phase = P::kRunning;
  addMeasurement(rb, finishedAt(P::kSuccessful, 5), 10);
  status.metricResults.push_back(rb);
  const RunPlan plan = planResolvedRun({a, b}, false, status, at(10));
  EXPECT_TRUE(plan.due.empty());
  EXPECT_EQ(plan.nextMeasurementAt, at(25));
}

TEST(AnalysisPlanRunTest, TerminateStopsMeasuring) {
  const ResolvedMetric metric = metricWith(absl::Minutes(1), std::nullopt);
  const AnalysisRunStatus status = startedWith(metric, {finishedAt(P::kSuccessful, 0)});
  const RunPlan plan = planResolvedRun({metric}, true, status, at(120));
  EXPECT_TRUE(plan.due.empty());
  EXPECT_TRUE(plan.complete);
  EXPECT_EQ(plan.status.phase, P::kSuccessful);
  EXPECT_EQ(plan.status.message, "Run Terminated");
  EXPECT_EQ(plan.status.completedAt, at(120));
  EXPECT_FALSE(plan.nextMeasurementAt.has_value());
}

TEST(AnalysisPlanRunTest, CompleteRunIsLeftAlone) {
  const ResolvedMetric metric = metricWith(absl::Minutes(1), std::nullopt);
  AnalysisRunStatus status = startedWith(metric, {finishedAt(P::kFailed, 0)});
  status.phase = P::kFailed;
  status.message = "kept";
  const RunPlan plan = planResolvedRun({metric}, false, status, at(500));
  EXPECT_TRUE(plan.complete);
  EXPECT_TRUE(plan.due.empty());
  EXPECT_EQ(plan.status, status);
}

TEST(AnalysisPlanRunTest, InFlightMeasurements) {
  const ResolvedMetric metric = metricWith(absl::Minutes(1), std::nullopt);
  Measurement running;
  running.phase = P::kRunning;
  running.startedAt = at(0);
  running.resumeAt = at(30);
  AnalysisRunStatus status = startedWith(metric, {running});
  RunPlan plan = planResolvedRun({metric}, false, status, at(10));
  EXPECT_TRUE(plan.due.empty());
  EXPECT_EQ(plan.nextMeasurementAt, at(30));
  EXPECT_EQ(plan.status.metricResults[0].phase, P::kRunning);
  plan = planResolvedRun({metric}, false, status, at(30));
  ASSERT_EQ(plan.due.size(), 1u);
  EXPECT_EQ(plan.due[0].action, DueMeasurement::Action::kResume);
  plan = planResolvedRun({metric}, true, status, at(10));
  ASSERT_EQ(plan.due.size(), 1u);
  EXPECT_EQ(plan.due[0].action, DueMeasurement::Action::kTerminate);
}

TEST(AnalysisPlanRunTest, RetentionAppliesToStoredMeasurements) {
  ResolvedMetric metric = metricWith(absl::Minutes(1), std::nullopt);
  metric.measurementRetention = 2;
  std::vector<Measurement> ms;
  for (int i = 0; i < 6; ++i) ms.push_back(finishedAt(P::kSuccessful, 60 * i));
  const RunPlan plan = planResolvedRun({metric}, false, startedWith(metric, ms), at(310));
  ASSERT_EQ(plan.status.metricResults[0].measurements.size(), 2u);
  EXPECT_EQ(plan.status.metricResults[0].measurements[1].finishedAt, at(300));
  EXPECT_EQ(plan.status.metricResults[0].count, 6);
}

AnalysisRunSpec runSpec(const char* text) {
  absl::StatusOr<AnalysisRunSpec> spec = parseAnalysisRunSpec(testing::json(text));
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.ok() ? *spec : AnalysisRunSpec{};
}

TEST(AnalysisPlanRunTest, InvalidSpecEndsTheRunInError) {
  struct Case {
    const char* spec;
    std::string message;
  };
  const Case cases[] = {
      {R"json({"args": [{"name": "n"}], "metrics": [{"name": "m", "successCondition": "true",
          "provider": {"prometheus": {"query": "{{args.n}}"}}}]})json",
       "Unable to resolve metric arguments: argument \"n\" has no value"},
      {R"json({"args": [{"name": "n", "value": "x"}],
          "metrics": [{"name": "m", "count": "{{args.n}}",
          "interval": "1m", "successCondition": "true",
          "provider": {"prometheus": {"query": "up"}}}]})json",
       "Analysis spec invalid: spec.metrics[0].count: \"x\" is not an integer"},
      {R"json({"args": [{"name": "t", "value": "0.99 )"}], "metrics": [{"name": "m",
          "successCondition": "result[0] >= {{args.t}}",
          "provider": {"prometheus": {"query": "up"}}}]})json",
       "Analysis spec invalid: metric \"m\": successCondition \"result[0] >= 0.99 )\": line 1, "
       "column ..."},
  };
  for (const Case& c : cases) {
    const RunPlan plan = planRun(runSpec(c.spec), AnalysisRunStatus{}, at(3));
    EXPECT_TRUE(plan.complete) << c.spec;
    EXPECT_EQ(plan.status.phase, P::kError) << c.spec;
    EXPECT_EQ(plan.status.completedAt, at(3));
    const std::string& m = plan.status.message;
    if (c.message.substr(c.message.size() - 3) == "...") {
      const std::string prefix = c.message.substr(0, c.message.size() - 3);
      EXPECT_EQ(m.substr(0, prefix.size()), prefix) << m;
    } else {
      EXPECT_EQ(m, c.message);
    }
  }
}

TEST(AnalysisPlanRunTest, SecretArgumentsAreNotNeededToPlan) {
  const AnalysisRunSpec spec = runSpec(R"json({
    "args": [{"name": "token", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
             {"name": "limit", "value": "2"}],
    "metrics": [{"name": "m", "interval": "30s", "failureLimit": "{{args.limit}}",
                 "successCondition": "result[0] >= 0.99",
                 "provider": {"prometheus": {"query": "up",
                   "headers": [{"key": "Authorization",
                                "value": "Bearer {{args.token}}"}]}}}]})json");
  const RunPlan plan = planRun(spec, AnalysisRunStatus{}, at(0));
  EXPECT_FALSE(plan.complete) << plan.status.message;
  ASSERT_EQ(plan.due.size(), 1u);
}

// Drives a run as the controller would: plan, measure what is due, record, plan again, and
// sleep until nextMeasurementAt. `resultAt` is what the provider returns at a time.
struct Timeline {
  AnalysisRunStatus status;
  std::vector<std::pair<int, P>> measurements;  // (second, phase)
  int endedAt = -1;
};

Timeline drive(const AnalysisRunSpec& spec,
               const std::function<absl::StatusOr<expr::Value>(int)>& resultAt, int horizon) {
  Timeline t;
  absl::Time now = kT0;
  const ResolvedArgs args = *resolveArgs(spec.args, [](std::string_view, std::string_view) {
    return absl::StatusOr<std::string>("secret");
  });
  const std::vector<ResolvedMetric> metrics = *resolveRunMetrics(spec, args);
  for (int step = 0; step < 1000 && now <= at(horizon); ++step) {
    RunPlan plan = planRun(spec, t.status, now);
    const int second = static_cast<int>(absl::ToInt64Seconds(now - kT0));
    for (const DueMeasurement& due : plan.due) {
      for (const ResolvedMetric& m : metrics) {
        if (m.name != due.metric) continue;
        const Measurement measurement =
            assessMeasurement(m, *compileConditions(m), resultAt(second), now, now);
        t.measurements.emplace_back(second, measurement.phase);
        recordMeasurement(plan.status, m, measurement, args);
      }
    }
    plan = planRun(spec, plan.status, now);
    t.status = plan.status;
    if (plan.complete) {
      t.endedAt = second;
      break;
    }
    if (!plan.nextMeasurementAt.has_value()) break;
    now = *plan.nextMeasurementAt;
  }
  return t;
}

expr::Value vector(double x) { return expr::Value(expr::Value::List{expr::Value(x)}); }

TEST(AnalysisPlanRunTest, NoTrafficNaNEndsInErrorAfterFiveRetries) {
  // Seed 004's metric: interval 1m, failureLimit 3, result[0] >= 0.99, and no canary traffic.
  const AnalysisRunSpec spec =
      runSpec(R"json({"metrics": [{"name": "success-rate", "interval": "1m",
      "successCondition": "result[0] >= 0.99", "failureLimit": 3,
      "provider": {"prometheus": {"query": "up"}}}]})json");
  const Timeline t =
      drive(spec, [](int) { return vector(std::numeric_limits<double>::quiet_NaN()); }, 3600);
  const std::vector<std::pair<int, P>> want = {
      {0, P::kError}, {10, P::kError}, {20, P::kError}, {30, P::kError}, {40, P::kError}};
  EXPECT_EQ(t.measurements, want);
  EXPECT_EQ(t.endedAt, 40);
  EXPECT_EQ(t.status.phase, P::kError);
  EXPECT_EQ(t.status.message,
            "Metric \"success-rate\" assessed Error due to consecutiveErrors (5) > "
            "consecutiveErrorLimit (4): \"Error Message: query returned NaN\"");
  EXPECT_EQ(t.status.metricResults[0].count, 0);
}

TEST(AnalysisPlanRunTest, FailuresBeyondTheLimitFailTheRun) {
  const AnalysisRunSpec spec =
      runSpec(R"json({"metrics": [{"name": "success-rate", "interval": "1m",
      "successCondition": "result[0] >= 0.99", "failureLimit": 1, "initialDelay": "30s",
      "provider": {"prometheus": {"query": "up"}}}]})json");
  const Timeline t =
      drive(spec, [](int second) { return vector(second < 60 ? 0.999 : 0.5); }, 3600);
  const std::vector<std::pair<int, P>> want = {
      {30, P::kSuccessful}, {90, P::kFailed}, {150, P::kFailed}};
  EXPECT_EQ(t.measurements, want);
  EXPECT_EQ(t.status.phase, P::kFailed);
  EXPECT_EQ(t.status.message,
            "Metric \"success-rate\" assessed Failed due to failed (2) > failureLimit (1)");
  EXPECT_EQ(t.status.completedAt, at(150));
}

TEST(AnalysisPlanRunTest, CountedMetricSucceedsAndDryRunDoesNotVote) {
  const AnalysisRunSpec spec = runSpec(R"json({
    "dryRun": [{"metricName": "latency"}],
    "metrics": [
      {"name": "success-rate", "interval": "1m", "count": 3,
       "successCondition": "result[0] >= 0.99",
       "provider": {"prometheus": {"query": "up"}}},
      {"name": "latency", "interval": "20s", "failureCondition": "result[0] > 0.5",
       "provider": {"prometheus": {"query": "latency"}}}]})json");
  const Timeline t = drive(spec, [](int) { return vector(0.995); }, 3600);
  // latency fails at once (0.995 > 0.5) but only as a dry run: it stops being measured and
  // the run goes on until success-rate has its three measurements.
  const std::vector<std::pair<int, P>> want = {
      {0, P::kSuccessful}, {0, P::kFailed}, {60, P::kSuccessful}, {120, P::kSuccessful}};
  EXPECT_EQ(t.measurements, want);
  EXPECT_EQ(t.status.phase, P::kSuccessful);
  EXPECT_EQ(t.status.message, "");
  EXPECT_EQ(t.endedAt, 120);
  EXPECT_EQ(t.status.findResult("latency")->phase, P::kFailed);
  EXPECT_EQ(t.status.findResult("latency")->message,
            "Metric assessed Failed due to failed (1) > failureLimit (0)");
  EXPECT_EQ(t.status.runSummary, (RunSummary{1, 1, 0, 0, 0}));
  EXPECT_EQ(t.status.dryRunSummary, (RunSummary{1, 0, 1, 0, 0}));
}

}  // namespace
}  // namespace serin::analysis
