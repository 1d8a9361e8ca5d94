#include "analysis/assessment.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/analysis/test_util.h"

// Table rows name only the fields they care about; the rest keep their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace serin::analysis {
namespace {

using testing::kT0;
using P = AnalysisPhase;

// A result whose last measurement finished with `last`, and the given counters.
struct ResultSpec {
  P last = P::kSuccessful;
  int64_t successful = 0, failed = 0, inconclusive = 0, error = 0;
  int64_t consecutiveError = 0, consecutiveSuccess = 0;
  P phase = P::kRunning;
  bool inFlight = false;
  std::string lastMessage;
};

MetricResult makeResult(std::string name, const ResultSpec& s) {
  MetricResult r;
  r.name = std::move(name);
  r.phase = s.phase;
  r.successful = s.successful;
  r.failed = s.failed;
  r.inconclusive = s.inconclusive;
  r.error = s.error;
  r.count = s.successful + s.failed + s.inconclusive;
  r.consecutiveError = s.consecutiveError;
  r.consecutiveSuccess = s.consecutiveSuccess;
  Measurement m;
  m.phase = s.inFlight ? P::kRunning : s.last;
  m.message = s.lastMessage;
  m.startedAt = kT0;
  if (!s.inFlight) m.finishedAt = kT0;
  r.measurements.push_back(m);
  return r;
}

MetricSettings settings(std::optional<int64_t> count, int64_t failureLimit = 0,
                        int64_t inconclusiveLimit = 0, int64_t errorLimit = 4,
                        int64_t successLimit = 0) {
  MetricSettings s;
  s.interval = absl::Minutes(1);
  s.count = count;
  s.failureLimit = failureLimit;
  s.inconclusiveLimit = inconclusiveLimit;
  s.consecutiveErrorLimit = errorLimit;
  s.consecutiveSuccessLimit = successLimit;
  return s;
}

struct MetricCase {
  std::string name;
  MetricSettings settings;
  std::optional<ResultSpec> result;  // nullopt: no measurement yet
  bool terminating;
  P want;
  std::string reason;
};

TEST(AnalysisAssessMetricTest, Table) {
  const std::optional<int64_t> endless;
  const MetricCase cases[] = {
      {"no measurement", settings(endless), std::nullopt, false, P::kPending, ""},
      {"no measurement, terminating", settings(endless), std::nullopt, true, P::kSuccessful, ""},
      {"in flight", settings(endless), ResultSpec{.inFlight = true}, false, P::kRunning, ""},
      {"one failure, default limit 0", settings(endless),
       ResultSpec{.last = P::kFailed, .failed = 1}, false, P::kFailed,
       "failed (1) > failureLimit (0)"},
      {"failures at the limit", settings(endless, 1), ResultSpec{.last = P::kFailed, .failed = 1},
       false, P::kRunning, ""},
      {"failures above the limit", settings(endless, 1),
       ResultSpec{.last = P::kFailed, .failed = 2}, false, P::kFailed,
       "failed (2) > failureLimit (1)"},
      {"failureLimit -1 never fails", settings(endless, -1, 0, 4, 3),
       ResultSpec{.last = P::kFailed, .failed = 100}, false, P::kRunning, ""},
      {"one inconclusive, default limit 0", settings(endless),
       ResultSpec{.last = P::kInconclusive, .inconclusive = 1}, false, P::kInconclusive,
       "inconclusive (1) > inconclusiveLimit (0)"},
      {"inconclusive at the limit", settings(endless, 0, 2),
       ResultSpec{.last = P::kInconclusive, .inconclusive = 2}, false, P::kRunning, ""},
      {"five errors in a row, default limit 4", settings(endless),
       ResultSpec{.last = P::kError, .error = 5, .consecutiveError = 5}, false, P::kError,
       "consecutiveErrors (5) > consecutiveErrorLimit (4)"},
      {"four errors in a row", settings(endless),
       ResultSpec{.last = P::kError, .error = 4, .consecutiveError = 4}, false, P::kRunning, ""},
      {"many errors, not in a row", settings(endless),
       ResultSpec{.last = P::kSuccessful, .successful = 1, .error = 9, .consecutiveError = 0},
       false, P::kRunning, ""},
      {"consecutiveErrorLimit 0", settings(endless, 0, 0, 0),
       ResultSpec{.last = P::kError, .error = 1, .consecutiveError = 1}, false, P::kError,
       "consecutiveErrors (1) > consecutiveErrorLimit (0)"},
      {"count reached", settings(3), ResultSpec{.successful = 3, .consecutiveSuccess = 3}, false,
       P::kSuccessful, ""},
      {"count not reached", settings(3), ResultSpec{.successful = 2}, false, P::kRunning, ""},
      {"count reached with tolerated failures", settings(3, 1),
       ResultSpec{.last = P::kSuccessful, .successful = 2, .failed = 1}, false, P::kSuccessful, ""},
      {"errors do not reach count", settings(3),
       ResultSpec{.last = P::kError, .successful = 2, .error = 3, .consecutiveError = 1}, false,
       P::kRunning, ""},
      {"consecutiveSuccessLimit reached early", settings(10, 0, 0, 4, 2),
       ResultSpec{.successful = 2, .consecutiveSuccess = 2}, false, P::kSuccessful, ""},
      {"count reached, consecutiveSuccessLimit missed", settings(4, 2, 0, 4, 2),
       ResultSpec{.last = P::kFailed, .successful = 2, .failed = 2, .consecutiveSuccess = 0}, false,
       P::kInconclusive, "consecutiveSuccess (0) < consecutiveSuccessLimit (2) after count (4)"},
      {"count reached, consecutiveSuccessLimit missed, failing off", settings(4, -1, 0, 4, 2),
       ResultSpec{.last = P::kFailed, .successful = 2, .failed = 2}, false, P::kFailed,
       "consecutiveSuccess (0) < consecutiveSuccessLimit (2) after count (4)"},
      {"endless, terminating", settings(endless), ResultSpec{.successful = 7}, true, P::kSuccessful,
       ""},
      {"count not reached, terminating", settings(5), ResultSpec{.successful = 1}, true,
       P::kSuccessful, ""},
      {"failure still fails when terminating", settings(5),
       ResultSpec{.last = P::kFailed, .failed = 1}, true, P::kFailed,
       "failed (1) > failureLimit (0)"},
      {"finished phase stays", settings(endless),
       ResultSpec{.last = P::kFailed, .failed = 1, .phase = P::kFailed}, false, P::kFailed,
       "failed (1) > failureLimit (0)"},
      {"two limits trip: the worst wins", settings(endless),
       ResultSpec{.last = P::kError, .failed = 1, .error = 5, .consecutiveError = 5}, false,
       P::kFailed, "failed (1) > failureLimit (0)"},
      {"no interval: count 1", MetricSettings{}, ResultSpec{.successful = 1}, false, P::kSuccessful,
       ""},
  };
  for (const MetricCase& c : cases) {
    ResolvedMetric metric = testing::promMetric("m", "true");
    metric.settings = c.settings;
    if (c.name == "no interval: count 1") metric.settings.count = 1;
    MetricResult result;
    result.name = "m";
    if (c.result.has_value()) result = makeResult("m", *c.result);
    const MetricAssessment a = assessMetric(metric, result, c.terminating);
    EXPECT_EQ(phaseName(a.phase), phaseName(c.want)) << c.name;
    EXPECT_EQ(a.reason, c.reason) << c.name;
  }
}

struct RunMetric {
  std::string name;
  MetricSettings settings;
  std::optional<ResultSpec> result;
  bool dryRun = false;
};

struct RunCase {
  std::string name;
  std::vector<RunMetric> metrics;
  bool terminate;
  P want;
  std::string message;
  std::vector<std::pair<std::string, P>> metricPhases;  // after assessment
  RunSummary summary;
  RunSummary drySummary;
};

TEST(AnalysisAssessRunTest, Table) {
  const std::optional<int64_t> endless;
  const ResultSpec ok1{.successful = 1, .consecutiveSuccess = 1};
  const ResultSpec running{.successful = 1};
  const ResultSpec failed1{.last = P::kFailed, .failed = 1};
  const ResultSpec errors5{
      .last = P::kError, .error = 5, .consecutiveError = 5, .lastMessage = "query returned NaN"};
  const ResultSpec inconclusive1{.last = P::kInconclusive, .inconclusive = 1};
  const RunCase cases[] = {
      {"all successful",
       {{"a", settings(1), ok1}, {"b", settings(1), ok1}},
       false,
       P::kSuccessful,
       "",
       {{"a", P::kSuccessful}, {"b", P::kSuccessful}},
       {2, 2, 0, 0, 0},
       {}},
      {"one still running",
       {{"a", settings(1), ok1}, {"b", settings(endless), running}},
       false,
       P::kRunning,
       "",
       {{"a", P::kSuccessful}, {"b", P::kRunning}},
       {2, 1, 0, 0, 0},
       {}},
      {"one not measured yet",
       {{"a", settings(1), ok1}, {"b", settings(1), std::nullopt}},
       false,
       P::kRunning,
       "",
       {{"a", P::kSuccessful}},
       {2, 1, 0, 0, 0},
       {}},
      {"a failure ends the run, running metrics become successful",
       {{"a", settings(endless), failed1}, {"b", settings(endless), running}},
       false,
       P::kFailed,
       "Metric \"a\" assessed Failed due to failed (1) > failureLimit (0)",
       {{"a", P::kFailed}, {"b", P::kSuccessful}},
       {2, 1, 1, 0, 0},
       {}},
      {"error message carries the last measurement's message",
       {{"a", settings(endless), errors5}},
       false,
       P::kError,
       "Metric \"a\" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): "
       "\"Error Message: query returned NaN\"",
       {{"a", P::kError}},
       {1, 0, 0, 0, 1},
       {}},
      {"worst wins: error over inconclusive",
       {{"a", settings(endless), inconclusive1}, {"b", settings(endless), errors5}},
       false,
       P::kError,
       "Metric \"b\" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): "
       "\"Error Message: query returned NaN\"",
       {{"a", P::kInconclusive}, {"b", P::kError}},
       {2, 0, 0, 1, 1},
       {}},
      {"worst wins: failed over error",
       {{"a", settings(endless), errors5}, {"b", settings(endless), failed1}},
       false,
       P::kFailed,
       "Metric \"b\" assessed Failed due to failed (1) > failureLimit (0)",
       {{"a", P::kError}, {"b", P::kFailed}},
       {2, 0, 1, 0, 1},
       {}},
      {"inconclusive ends the run",
       {{"a", settings(endless), inconclusive1}, {"b", settings(endless), running}},
       false,
       P::kInconclusive,
       "Metric \"a\" assessed Inconclusive due to inconclusive (1) > inconclusiveLimit (0)",
       {{"a", P::kInconclusive}, {"b", P::kSuccessful}},
       {2, 1, 0, 1, 0},
       {}},
      {"a failing dry-run metric neither votes nor ends the run",
       {{"dry", settings(endless), failed1, true}, {"b", settings(endless), running}},
       false,
       P::kRunning,
       "",
       {{"dry", P::kFailed}, {"b", P::kRunning}},
       {1, 0, 0, 0, 0},
       {1, 0, 1, 0, 0}},
      {"a failing dry-run metric beside a successful one",
       {{"dry", settings(endless), failed1, true}, {"b", settings(1), ok1}},
       false,
       P::kSuccessful,
       "",
       {{"dry", P::kFailed}, {"b", P::kSuccessful}},
       {1, 1, 0, 0, 0},
       {1, 0, 1, 0, 0}},
      {"only dry-run metrics",
       {{"dry", settings(endless), failed1, true}},
       false,
       P::kSuccessful,
       "",
       {{"dry", P::kFailed}},
       {},
       {1, 0, 1, 0, 0}},
      {"terminate ends a running run as successful",
       {{"a", settings(endless), running}},
       true,
       P::kSuccessful,
       "Run Terminated",
       {{"a", P::kSuccessful}},
       {1, 1, 0, 0, 0},
       {}},
      {"terminate keeps a failure",
       {{"a", settings(endless), failed1}, {"b", settings(endless), running}},
       true,
       P::kFailed,
       "Metric \"a\" assessed Failed due to failed (1) > failureLimit (0)",
       {{"a", P::kFailed}, {"b", P::kSuccessful}},
       {2, 1, 1, 0, 0},
       {}},
      {"terminate with failures within the limit is successful",
       {{"a", settings(endless, 2), ResultSpec{.last = P::kFailed, .failed = 2}}},
       true,
       P::kSuccessful,
       "Run Terminated",
       {{"a", P::kSuccessful}},
       {1, 1, 0, 0, 0},
       {}},
      {"terminate before any measurement",
       {{"a", settings(endless), std::nullopt}},
       true,
       P::kSuccessful,
       "Run Terminated",
       {},
       {1, 0, 0, 0, 0},
       {}},
  };
  for (const RunCase& c : cases) {
    std::vector<ResolvedMetric> metrics;
    AnalysisRunStatus status;
    for (const RunMetric& m : c.metrics) {
      ResolvedMetric r = testing::promMetric(m.name, "true");
      r.settings = m.settings;
      r.dryRun = m.dryRun;
      metrics.push_back(r);
      if (m.result.has_value()) {
        status.metricResults.push_back(makeResult(m.name, *m.result));
        status.metricResults.back().dryRun = m.dryRun;
      }
    }
    const RunAssessment run = assessRun(metrics, c.terminate, status);
    EXPECT_EQ(phaseName(run.phase), phaseName(c.want)) << c.name;
    EXPECT_EQ(phaseName(status.phase), phaseName(c.want)) << c.name;
    EXPECT_EQ(run.message, c.message) << c.name;
    EXPECT_EQ(status.message, c.message) << c.name;
    for (const auto& [name, phase] : c.metricPhases) {
      ASSERT_NE(status.findResult(name), nullptr) << c.name;
      EXPECT_EQ(phaseName(status.findResult(name)->phase), phaseName(phase))
          << c.name << ": " << name;
    }
    EXPECT_EQ(status.runSummary, c.summary) << c.name;
    EXPECT_EQ(status.dryRunSummary, c.drySummary) << c.name;
  }
}

TEST(AnalysisAssessRunTest, MessagesAndTransitions) {
  ResolvedMetric dry = testing::promMetric("dry", "true");
  dry.dryRun = true;
  dry.settings.count.reset();
  dry.settings.interval = absl::Minutes(1);
  ResolvedMetric voting = testing::promMetric("voting", "true");
  AnalysisRunStatus status;
  status.metricResults.push_back(makeResult("dry", {.last = P::kFailed, .failed = 1}));
  status.metricResults.back().dryRun = true;
  status.metricResults.push_back(makeResult("voting", {.last = P::kError,
                                                       .error = 1,
                                                       .consecutiveError = 1,
                                                       .lastMessage = "query returned no data"}));
  const RunAssessment run = assessRun({dry, voting}, false, status);
  EXPECT_EQ(run.phase, P::kRunning);
  ASSERT_EQ(run.transitions.size(), 1u);
  EXPECT_EQ(run.transitions[0].metric, "dry");
  EXPECT_EQ(run.transitions[0].from, P::kRunning);
  EXPECT_EQ(run.transitions[0].to, P::kFailed);
  EXPECT_TRUE(run.transitions[0].dryRun);
  EXPECT_EQ(status.findResult("dry")->message,
            "Metric assessed Failed due to failed (1) > failureLimit (0)");
  // A running metric keeps its message until its phase changes.
  EXPECT_EQ(status.findResult("voting")->message, "");
}

}  // namespace
}  // namespace serin::analysis
