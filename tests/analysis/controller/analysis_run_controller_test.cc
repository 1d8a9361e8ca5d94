#include "analysis/controller/analysis_run_controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "tests/analysis/controller/run_harness.h"

namespace serin::analysis {
namespace {

using testing::eventually;
using testing::FakeMetricProvider;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::promMetricJson;
using json = nlohmann::json;

const kube::Resource kRuns = kube::resources::analysisRuns("serin.io");

json runObject(const std::string& name, json metric, json labels = json::object()) {
  return {{"apiVersion", "serin.io/v1alpha1"},
          {"kind", "AnalysisRun"},
          {"metadata", {{"name", name}, {"labels", labels}}},
          {"spec", {{"metrics", {metric}}}}};
}

json queryMetric(const std::string& query, json extra = json::object()) {
  json m = promMetricJson("m", "result[0] >= 0.9", std::move(extra));
  m["provider"]["prometheus"]["query"] = query;
  return m;
}

class AnalysisRunControllerTest : public ::testing::Test {
 protected:
  void start(AnalysisRunControllerOptions options = {}) {
    options.workers = 1;
    options.measurement_threads = 2;
    controller_ =
        std::make_unique<AnalysisRunController>(api_, recorder_, clock_, log_, options, &registry_);
    controller_->addProvider(provider_);
    ASSERT_TRUE(controller_->startCaches(absl::Seconds(10)));
    controller_->startWorkers();
  }
  void TearDown() override {
    provider_.release();
    if (controller_) controller_->stop();
  }
  std::string phase(const std::string& name) {
    return jsonString(jsonObject(api_.object(kRuns, "shop", name), "status"), "phase");
  }
  std::string metricsText() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  serin::testing::FakeKubeClient api_;
  RealClock clock_;
  std::ostringstream logs_;
  Logger log_{logs_, LogLevel::kDebug, LogFormat::kJson};
  kube::EventRecorder recorder_{api_, {}, clock_, log_};
  prometheus::Registry registry_;
  FakeMetricProvider provider_;
  std::unique_ptr<AnalysisRunController> controller_;
};

TEST_F(AnalysisRunControllerTest, AUserCreatedRunRunsToItsVerdictAndItsSeriesGoWithIt) {
  start();
  ASSERT_TRUE(api_.create(kRuns, "shop",
                          runObject("mine", queryMetric("up", {{"interval", "1s"}, {"count", 2}})))
                  .ok());
  ASSERT_TRUE(eventually([&] { return phase("mine") == "Successful"; }));
  json st = api_.object(kRuns, "shop", "mine")["status"];
  EXPECT_EQ(st["metricResults"][0]["count"], 2);
  ASSERT_TRUE(eventually([&] {
    return metricsText().find(
               "analysis_run_info{name=\"mine\",namespace=\"shop\",phase=\"Successful\"} 1") !=
           std::string::npos;
  }));
  EXPECT_THAT(metricsText(),
              HasSubstr("analysis_run_reconcile_count{name=\"mine\",namespace=\"shop\"}"));
  recorder_.flushForTest();
  bool completed_event = false;
  for (const json& e : api_.objects(kube::resources::events())) {
    completed_event |=
        e["reason"] == "AnalysisRunSuccessful" && e["involvedObject"]["name"] == "mine";
  }
  EXPECT_TRUE(completed_event);

  ASSERT_TRUE(api_.remove(kRuns, "shop", "mine").ok());
  ASSERT_TRUE(eventually([&] { return metricsText().find("name=\"mine\"") == std::string::npos; }));
}

TEST_F(AnalysisRunControllerTest, ASlowMeasurementHoldsUpNoOtherRun) {
  provider_.hold("slow_query");
  start();
  ASSERT_TRUE(api_.create(kRuns, "shop", runObject("slow", queryMetric("slow_query"))).ok());
  ASSERT_TRUE(provider_.waitInside());
  ASSERT_TRUE(api_.create(kRuns, "shop", runObject("quick", queryMetric("up"))).ok());
  ASSERT_TRUE(eventually([&] { return phase("quick") == "Successful"; }));
  EXPECT_EQ(phase("slow"), "Running");
  provider_.release();
  ASSERT_TRUE(eventually([&] { return phase("slow") == "Successful"; }));
  EXPECT_EQ(provider_.calls(), 2);
}

TEST_F(AnalysisRunControllerTest, OnlyRunsOfItsInstanceAreHandled) {
  EXPECT_EQ(runInstanceSelector("serin.io", ""), "!rollouts.serin.io/controller-instance-id");
  EXPECT_EQ(runInstanceSelector("serin.io", "blue"),
            "rollouts.serin.io/controller-instance-id=blue");
  EXPECT_EQ(runInstanceSelector("argoproj.io", "x"),
            "argo-rollouts.argoproj.io/controller-instance-id=x");
  AnalysisRunControllerOptions options;
  options.instance_id = "blue";
  start(options);
  const json blue = {{"rollouts.serin.io/controller-instance-id", "blue"}};
  const json green = {{"rollouts.serin.io/controller-instance-id", "green"}};
  ASSERT_TRUE(api_.create(kRuns, "shop", runObject("unlabelled", queryMetric("up"))).ok());
  ASSERT_TRUE(api_.create(kRuns, "shop", runObject("green", queryMetric("up"), green)).ok());
  ASSERT_TRUE(api_.create(kRuns, "shop", runObject("blue", queryMetric("up"), blue)).ok());
  ASSERT_TRUE(eventually([&] { return phase("blue") == "Successful"; }));
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(phase("unlabelled"), "");
  EXPECT_EQ(phase("green"), "");
}

TEST_F(AnalysisRunControllerTest, StopWaitsForTheRunningMeasurementOnly) {
  provider_.hold();
  start();
  ASSERT_TRUE(api_.create(kRuns, "shop", runObject("held", queryMetric("up"))).ok());
  ASSERT_TRUE(provider_.waitInside());
  std::thread releaser([&] {
    absl::SleepFor(absl::Milliseconds(100));
    provider_.release();
  });
  const absl::Time begin = absl::Now();
  controller_->stop();
  releaser.join();
  EXPECT_GE(absl::Now() - begin, absl::Milliseconds(90));
  EXPECT_LT(absl::Now() - begin, absl::Seconds(5));
  EXPECT_EQ(phase("held"),
            "Running");  // the outcome died with the process, as a crash would lose it
}

}  // namespace
}  // namespace serin::analysis
