#include "analysis/controller/analysis_run_reconciler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/analysis/controller/run_harness.h"

namespace serin::analysis {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::promMetricJson;
using testing::RunHarness;
using testing::vec;
using json = nlohmann::json;

json specOf(std::vector<json> metrics, json extra = json::object()) {
  json spec = {{"metrics", metrics}};
  spec.merge_patch(extra);
  return spec;
}

std::vector<std::string> phasesOf(const json& metric_result) {
  std::vector<std::string> out;
  for (const json& m : metric_result["measurements"]) out.push_back(m["phase"]);
  return out;
}

class AnalysisRunReconcilerTest : public ::testing::Test {
 protected:
  RunHarness h_;
};

TEST_F(AnalysisRunReconcilerTest, HealthyRunGoesSuccessfulAfterCountMeasurements) {
  h_.provider_.always(vec({0.999}));
  h_.seedRun("healthy", specOf({promMetricJson("success-rate", "result[0] >= 0.99",
                                               {{"interval", "1m"}, {"count", 3}})}));
  json run = h_.drive("healthy");
  json& st = run["status"];
  EXPECT_EQ(st["phase"], "Successful");
  ASSERT_EQ(st["metricResults"].size(), 1u);
  json& r = st["metricResults"][0];
  EXPECT_EQ(r["phase"], "Successful");
  EXPECT_EQ(r["count"], 3);
  EXPECT_EQ(r["successful"], 3);
  EXPECT_THAT(phasesOf(r), ElementsAre("Successful", "Successful", "Successful"));
  EXPECT_EQ(r["measurements"][0]["value"], "[0.999]");
  EXPECT_EQ(r["measurements"][0]["metadata"]["resolvedQuery"], "up");
  EXPECT_EQ(h_.provider_.calls(), 3);
  // A minute apart, as the interval says.
  EXPECT_EQ(r["measurements"][1]["startedAt"], "2027-01-15T08:01:00Z");
  EXPECT_THAT(h_.eventLines(),
              ::testing::UnorderedElementsAre(
                  "MetricSuccessful|Normal|Metric 'success-rate' Completed. Result: Successful",
                  "AnalysisRunSuccessful|Normal|Analysis Completed. Result: Successful"));
}

TEST_F(AnalysisRunReconcilerTest, FailsAfterFailureLimitPlusOneFailures) {
  h_.provider_.always(vec({0.95}));
  h_.seedRun("bad",
             specOf({promMetricJson("success-rate", "result[0] >= 0.99",
                                    {{"interval", "30s"}, {"count", 10}, {"failureLimit", 1}})}));
  json run = h_.drive("bad");
  json& st = run["status"];
  EXPECT_EQ(st["phase"], "Failed");
  EXPECT_THAT(st["message"].get<std::string>(), HasSubstr("failed (2) > failureLimit (1)"));
  EXPECT_EQ(st["metricResults"][0]["failed"], 2);
  EXPECT_THAT(phasesOf(st["metricResults"][0]), ElementsAre("Failed", "Failed"));
  EXPECT_EQ(h_.provider_.calls(), 2);
  EXPECT_EQ(st["runSummary"]["failed"], 1);
  auto lines = h_.eventLines();
  EXPECT_THAT(lines, ::testing::Contains(
                         "MetricFailed|Warning|Metric 'success-rate' Completed. Result: Failed"));
  EXPECT_THAT(lines, ::testing::Contains(::testing::StartsWith(
                         "AnalysisRunFailed|Warning|Analysis Completed. Result: Failed: Metric "
                         "\"success-rate\" assessed Failed")));
}

TEST_F(AnalysisRunReconcilerTest, ErrorAfterConsecutiveErrorLimitPlusOneErrorsTenSecondsApart) {
  h_.provider_.always(absl::UnavailableError("cannot reach Prometheus at http://prometheus:9090"));
  h_.seedRun("down", specOf({promMetricJson("success-rate", "result[0] >= 0.99",
                                            {{"interval", "1m"}, {"consecutiveErrorLimit", 2}})}));
  json run = h_.drive("down");
  json& st = run["status"];
  EXPECT_EQ(st["phase"], "Error");
  json& r = st["metricResults"][0];
  EXPECT_EQ(r["consecutiveError"], 3);
  EXPECT_EQ(r["error"], 3);
  EXPECT_FALSE(r.contains("count"));  // no measurement with data
  EXPECT_THAT(phasesOf(r), ElementsAre("Error", "Error", "Error"));
  EXPECT_EQ(r["measurements"][0]["startedAt"], "2027-01-15T08:00:00Z");
  EXPECT_EQ(r["measurements"][1]["startedAt"], "2027-01-15T08:00:10Z");
  EXPECT_EQ(r["measurements"][2]["startedAt"], "2027-01-15T08:00:20Z");
  EXPECT_THAT(st["message"].get<std::string>(),
              HasSubstr("consecutiveErrors (3) > consecutiveErrorLimit (2)"));
  EXPECT_THAT(st["message"].get<std::string>(), HasSubstr("cannot reach Prometheus"));
  EXPECT_THAT(h_.eventLines(),
              ::testing::Contains(::testing::StartsWith("AnalysisRunError|Warning|")));
}

struct NoDataCase {
  std::string name;
  absl::StatusOr<expr::Value> answer;
  std::string message;
};

TEST_F(AnalysisRunReconcilerTest, EmptyAndNaNResultsAreNeverSuccessful) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const NoDataCase cases[] = {
      {"empty-vector", expr::Value(expr::Value::List{}), "query returned no data"},
      {"nan-vector", vec({nan}), "query returned NaN"},
      {"nan-scalar", expr::Value(nan), "query returned NaN"},
  };
  for (const NoDataCase& c : cases) {
    SCOPED_TRACE(c.name);
    h_.provider_.always(c.answer);
    // Only successCondition, and a failureCondition that NaN would slip past in Argo.
    h_.seedRun(
        c.name + "-s",
        specOf({promMetricJson("m", "result[0] >= 0.99",
                               {{"interval", "1m"}, {"count", 2}, {"consecutiveErrorLimit", 1}})}));
    json f = promMetricJson("m", "",
                            {{"interval", "1m"},
                             {"count", 2},
                             {"consecutiveErrorLimit", 1},
                             {"failureCondition", "result[0] < 0.99"}});
    f.erase("successCondition");
    h_.seedRun(c.name + "-f", specOf({f}));
    for (const std::string suffix : {"-s", "-f"}) {
      json run = h_.drive(c.name + suffix);
      EXPECT_EQ(run["status"]["phase"], "Error") << suffix;
      EXPECT_FALSE(run["status"]["metricResults"][0].contains("successful")) << suffix;
      EXPECT_EQ(run["status"]["metricResults"][0]["measurements"][0]["message"], c.message);
    }
  }
}

TEST_F(AnalysisRunReconcilerTest, DryRunMetricFailingDoesNotFailTheRun) {
  h_.seedRun("dry", specOf({promMetricJson("success-rate", "result[0] >= 0.9"),
                            promMetricJson("strict", "result[0] >= 2")},
                           {{"dryRun", {{{"metricName", "strict"}}}}}));
  json run = h_.drive("dry");
  json& st = run["status"];
  EXPECT_EQ(st["phase"], "Successful");
  EXPECT_EQ(st["runSummary"]["successful"], 1);
  EXPECT_EQ(st["dryRunSummary"]["failed"], 1);
  json strict;
  for (const json& r : st["metricResults"]) {
    if (r["name"] == "strict") strict = r;
  }
  EXPECT_EQ(strict["phase"], "Failed");
  EXPECT_EQ(strict["dryRun"], true);
  // The dry-run metric still gets its own event and series.
  EXPECT_THAT(
      h_.eventLines(),
      ::testing::Contains("MetricFailed|Warning|Metric 'strict' Completed. Result: Failed"));
  EXPECT_THAT(h_.metricsText(),
              HasSubstr("analysis_run_metric_phase{dry_run=\"true\",metric=\"strict\",name=\"dry\","
                        "namespace=\"shop\",phase=\"Failed\",type=\"Prometheus\"} 1"));
}

TEST_F(AnalysisRunReconcilerTest, TerminateEndsAnEndlessRun) {
  h_.seedRun("endless", specOf({promMetricJson("m", "result[0] >= 0.9", {{"interval", "10s"}})}));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(h_.reconcile("endless").ok());
    h_.waitMeasured();
    ASSERT_TRUE(h_.reconcile("endless").ok());
    h_.clock_.advance(absl::Seconds(10));
  }
  EXPECT_EQ(h_.status("endless")["phase"], "Running");
  const int calls = h_.provider_.calls();
  h_.api_
      .patch(kube::resources::analysisRuns("serin.io"), RunHarness::kNs, "endless",
             kube::PatchType::kMerge, {{"spec", {{"terminate", true}}}})
      .IgnoreError();
  ASSERT_TRUE(h_.reconcile("endless").ok());
  json st = h_.status("endless");
  EXPECT_EQ(st["phase"], "Successful");
  EXPECT_EQ(st["message"], "Run Terminated");
  EXPECT_EQ(st["metricResults"][0]["phase"], "Successful");
  h_.clock_.advance(absl::Minutes(5));
  auto r = h_.reconcile("endless");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());  // nothing more to wait for
  h_.waitMeasured();
  EXPECT_EQ(h_.provider_.calls(), calls);
}

TEST_F(AnalysisRunReconcilerTest, StatusIsWrittenOnlyWhenItChanges) {
  h_.seedRun("quiet",
             specOf({promMetricJson("m", "result[0] >= 0.9", {{"interval", "1m"}, {"count", 2}})}));
  ASSERT_TRUE(h_.reconcile("quiet").ok());  // starts the run: Running, startedAt
  EXPECT_EQ(h_.statusWrites("quiet"), 1);
  h_.waitMeasured();
  ASSERT_TRUE(h_.reconcile("quiet").ok());  // records the first measurement
  EXPECT_EQ(h_.statusWrites("quiet"), 2);
  for (int i = 0; i < 5; ++i) {
    h_.clock_.advance(absl::Seconds(5));
    auto r = h_.reconcile("quiet");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(**r, absl::Seconds(55 - 5 * i));  // requeued at the next measurement
  }
  EXPECT_EQ(h_.statusWrites("quiet"), 2);
  EXPECT_EQ(h_.provider_.calls(), 1);
}

TEST_F(AnalysisRunReconcilerTest, ReconcileNeverWaitsForAMeasurementNorTakesItTwice) {
  h_.provider_.hold();
  h_.seedRun("slow", specOf({promMetricJson("m", "result[0] >= 0.9")}));
  const absl::Time start = absl::Now();
  ASSERT_TRUE(h_.reconcile("slow").ok());
  ASSERT_TRUE(h_.provider_.waitInside());
  for (int i = 0; i < 5; ++i) {
    h_.clock_.advance(absl::Seconds(30));
    ASSERT_TRUE(h_.reconcile("slow").ok());
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(h_.provider_.calls(), 1);
  EXPECT_EQ(h_.status("slow")["phase"], "Running");
  EXPECT_EQ(h_.status("slow")["metricResults"], nullptr);
  h_.provider_.release();
  h_.waitMeasured();
  ASSERT_TRUE(h_.reconcile("slow").ok());
  EXPECT_EQ(h_.status("slow")["phase"], "Successful");
  EXPECT_EQ(h_.provider_.calls(), 1);
}

TEST_F(AnalysisRunReconcilerTest, ConcurrentChangeGivesAbortedAndLosesNothing) {
  h_.seedRun("raced", specOf({promMetricJson("m", "result[0] >= 0.9")}));
  ASSERT_TRUE(h_.reconcile("raced").ok());
  h_.waitMeasured();
  h_.waitCache("raced");
  h_.runs_->stop();  // the cache now lags behind the API
  h_.api_
      .patch(kube::resources::analysisRuns("serin.io"), RunHarness::kNs, "raced",
             kube::PatchType::kMerge, {{"metadata", {{"labels", {{"touched", "by-a-human"}}}}}})
      .IgnoreError();
  const int writes = h_.statusWrites("raced");
  auto r = h_.reconciler_->reconcile({RunHarness::kNs, "raced"});
  EXPECT_TRUE(absl::IsAborted(r.status())) << r.status();
  EXPECT_EQ(h_.statusWrites("raced"), writes);
  EXPECT_EQ(h_.status("raced")["metricResults"], nullptr);
  EXPECT_EQ(h_.pool_->finished(h_.uidOf("raced")).size(), 1u);  // kept for the retry
  EXPECT_TRUE(h_.events().empty());

  h_.rebuild();  // the cache catches up
  ASSERT_TRUE(h_.reconcile("raced").ok());
  json run = h_.object("raced");
  EXPECT_EQ(run["status"]["phase"], "Successful");
  EXPECT_EQ(run["metadata"]["labels"]["touched"], "by-a-human");
  EXPECT_EQ(h_.provider_.calls(), 1);
  EXPECT_TRUE(h_.pool_->finished(h_.uidOf("raced")).empty());
}

TEST_F(AnalysisRunReconcilerTest, RestartReplansFromStatusAndRetakesALostMeasurement) {
  h_.seedRun("restarted",
             specOf({promMetricJson("m", "result[0] >= 0.9", {{"interval", "1m"}, {"count", 3}})}));
  ASSERT_TRUE(h_.reconcile("restarted").ok());
  h_.waitMeasured();
  ASSERT_TRUE(h_.reconcile("restarted").ok());  // first measurement recorded
  h_.clock_.advance(absl::Minutes(1));
  h_.provider_.hold();
  ASSERT_TRUE(h_.reconcile("restarted").ok());  // second one in flight ...
  ASSERT_TRUE(h_.provider_.waitInside());
  // ... when the process dies: the measurement is lost with its pool, and a new informer,
  // reconciler and pool start from what the API holds.
  auto lost = std::move(h_.pool_);
  h_.pool_ = std::make_unique<MeasurementPool>(2);
  h_.pool_->start();
  h_.provider_.release();
  lost->stop();  // (a dead process's threads reference its reconciler no more)
  h_.rebuild();
  json run = h_.drive("restarted");
  EXPECT_EQ(run["status"]["phase"], "Successful");
  EXPECT_EQ(run["status"]["metricResults"][0]["count"], 3);
  EXPECT_EQ(h_.provider_.calls(), 4);  // the lost one was taken again
}

}  // namespace
}  // namespace serin::analysis
