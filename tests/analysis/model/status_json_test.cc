#include "analysis/model/status_json.h"

#include <gtest/gtest.h>

#include "analysis/model/timestamp.h"
#include "tests/analysis/test_util.h"

namespace serin::analysis {
namespace {

using testing::json;

// Status as Argo Rollouts writes it (fields serin does not keep, like completedAt's
// siblings, are ignored).
constexpr const char* kArgoStatus = R"json({
  "phase": "Failed",
  "message": "Metric \"success-rate\" assessed Failed due to failed (2) > failureLimit (1)",
  "startedAt": "2026-11-25T10:00:00Z",
  "completedAt": "2026-11-25T10:03:00Z",
  "runSummary": {"count": 2, "successful": 1, "failed": 1},
  "dryRunSummary": {},
  "metricResults": [
    {
      "name": "success-rate",
      "phase": "Failed",
      "count": 2,
      "failed": 2,
      "error": 1,
      "consecutiveError": 0,
      "metadata": {"ResolvedPrometheusQuery": "sum(x)"},
      "measurements": [
        {"phase": "Error", "message": "query returned NaN", "value": "[NaN]",
         "startedAt": "2026-11-25T10:00:00Z", "finishedAt": "2026-11-25T10:00:01Z"},
        {"phase": "Failed", "value": "[0.5]",
         "startedAt": "2026-11-25T10:01:00Z", "finishedAt": "2026-11-25T10:01:00Z"},
        {"phase": "Failed", "value": "[0.4]",
         "startedAt": "2026-11-25T10:02:00Z", "finishedAt": "2026-11-25T10:02:00.5+00:00"}
      ]
    },
    {"name": "latency", "phase": "Successful", "count": 1, "successful": 1,
     "consecutiveSuccess": 1, "dryRun": false, "somethingNew": {"x": 1},
     "measurements": [{"phase": "Running", "startedAt": "2026-11-25T10:00:00Z",
                       "resumeAt": "2026-11-25T10:00:30Z", "metadata": {"job": "j1"}}]}
  ]
})json";

TEST(AnalysisStatusJsonTest, ReadsArgoStatus) {
  absl::StatusOr<AnalysisRunStatus> s = parseAnalysisRunStatus(json(kArgoStatus));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->phase, AnalysisPhase::kFailed);
  EXPECT_EQ(*s->startedAt, *parseTimestamp("2026-11-25T10:00:00Z"));
  EXPECT_EQ(s->runSummary, (RunSummary{2, 1, 1, 0, 0}));
  ASSERT_TRUE(s->dryRunSummary.has_value());
  ASSERT_EQ(s->metricResults.size(), 2u);
  const MetricResult& r = s->metricResults[0];
  EXPECT_EQ(r.failed, 2);
  EXPECT_EQ(r.error, 1);
  EXPECT_EQ(r.metadata.at("ResolvedPrometheusQuery"), "sum(x)");
  ASSERT_EQ(r.measurements.size(), 3u);
  EXPECT_EQ(r.measurements[0].phase, AnalysisPhase::kError);
  EXPECT_EQ(r.measurements[0].message, "query returned NaN");
  EXPECT_EQ(*r.measurements[2].finishedAt,
            *parseTimestamp("2026-11-25T10:02:00Z") + absl::Milliseconds(500));
  const Measurement& inFlight = s->metricResults[1].measurements[0];
  EXPECT_EQ(inFlight.phase, AnalysisPhase::kRunning);
  EXPECT_FALSE(inFlight.finishedAt.has_value());
  EXPECT_EQ(*inFlight.resumeAt, *parseTimestamp("2026-11-25T10:00:30Z"));
  EXPECT_EQ(s->metricResults[1].consecutiveSuccess, 1);
}

TEST(AnalysisStatusJsonTest, RoundTripsThroughJson) {
  AnalysisRunStatus s;
  s.phase = AnalysisPhase::kRunning;
  s.message = "";
  s.startedAt = *parseTimestamp("2026-11-25T10:00:00Z");
  s.runSummary = {1, 0, 0, 0, 0};
  s.dryRunSummary = RunSummary{1, 1, 0, 0, 0};
  MetricResult r;
  r.name = "success-rate";
  r.phase = AnalysisPhase::kRunning;
  r.count = 3;
  r.successful = 2;
  r.inconclusive = 1;
  r.error = 4;
  r.consecutiveError = 2;
  r.consecutiveSuccess = 0;
  r.message = "query returned no data";
  r.dryRun = true;
  r.metadata = {{"k", "v"}};
  Measurement m;
  m.phase = AnalysisPhase::kSuccessful;
  m.startedAt = *parseTimestamp("2026-11-25T10:01:00Z");
  m.finishedAt = *parseTimestamp("2026-11-25T10:01:02Z");
  m.value = "[0.995]";
  m.metadata = {{"a", "b"}};
  r.measurements.push_back(m);
  m.phase = AnalysisPhase::kRunning;
  m.finishedAt.reset();
  m.resumeAt = *parseTimestamp("2026-11-25T10:02:00Z");
  r.measurements.push_back(m);
  s.metricResults.push_back(r);
  s.completedAt = *parseTimestamp("2026-11-25T11:00:00Z");

  const nlohmann::json j = toJson(s);
  EXPECT_EQ(j["startedAt"], "2026-11-25T10:00:00Z");
  EXPECT_EQ(j["metricResults"][0]["measurements"][0]["finishedAt"], "2026-11-25T10:01:02Z");
  EXPECT_EQ(j["metricResults"][0]["consecutiveError"], 2);
  EXPECT_FALSE(j["metricResults"][0].contains("consecutiveSuccess"));  // zero is omitted
  EXPECT_EQ(j["runSummary"], json(R"({"count": 1})"));
  absl::StatusOr<AnalysisRunStatus> back = parseAnalysisRunStatus(json(j.dump()));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, s);
  EXPECT_EQ(toJson(*back), j);
}

TEST(AnalysisStatusJsonTest, TimesAreUtcWholeSeconds) {
  const absl::Time t = *parseTimestamp("2026-11-25T12:00:00+02:00") + absl::Milliseconds(900);
  EXPECT_EQ(formatTimestamp(t), "2026-11-25T10:00:00Z");
  EXPECT_EQ(formatTimestamp(absl::FromUnixSeconds(-1) + absl::Milliseconds(500)),
            "1969-12-31T23:59:59Z");
}

TEST(AnalysisStatusJsonTest, EmptyStatusIsPending) {
  absl::StatusOr<AnalysisRunStatus> s = parseAnalysisRunStatus(nullptr);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->phase, AnalysisPhase::kPending);
  s = parseAnalysisRunStatus(json(R"({"phase": ""})"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->phase, AnalysisPhase::kPending);
}

struct BadStatus {
  std::string status;
  std::string error;
};

TEST(AnalysisStatusJsonTest, MalformedStatusNamesTheField) {
  const BadStatus cases[] = {
      {R"([])", "status: must be an object, not an array"},
      {R"({"phase": "Done"})",
       "status.phase: \"Done\" is not a phase (Pending, Running, Successful, Failed, Error, "
       "Inconclusive)"},
      {R"({"startedAt": "yesterday"})",
       "status.startedAt: \"yesterday\" is not an RFC 3339 time (e.g. \"2026-11-25T10:00:00Z\")"},
      {R"({"metricResults": [{"phase": "Running"}]})", "status.metricResults[0].name: is required"},
      {R"({"metricResults": [{"name": "m", "count": -1}]})",
       "status.metricResults[0].count: must be an integer from 0 to 2147483647, not -1"},
      {R"({"metricResults": [{"name": "m", "measurements": [{"finishedAt": 5}]}]})",
       "status.metricResults[0].measurements[0].finishedAt: must be a string, not an integer"},
      {R"({"metricResults": [{"name": "m", "metadata": {"a": 1}}]})",
       "status.metricResults[0].metadata.a: must be a string, not an integer"},
      {R"({"runSummary": {"failed": "2"}})",
       "status.runSummary.failed: must be an integer from 0 to 2147483647, not a string"},
  };
  for (const BadStatus& c : cases) {
    absl::StatusOr<AnalysisRunStatus> s = parseAnalysisRunStatus(json(c.status));
    ASSERT_FALSE(s.ok()) << c.status;
    EXPECT_EQ(s.status().message(), c.error) << c.status;
  }
}

}  // namespace
}  // namespace serin::analysis
