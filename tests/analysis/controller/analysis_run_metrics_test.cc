#include "analysis/controller/analysis_run_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "prometheus/text_serializer.h"

namespace serin::analysis {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class AnalysisRunMetricsTest : public ::testing::Test {
 protected:
  std::string text() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }
  int count(const std::string& needle) {
    const std::string t = text();
    int n = 0;
    for (size_t at = t.find(needle); at != std::string::npos; at = t.find(needle, at + 1)) ++n;
    return n;
  }

  prometheus::Registry registry_;
  AnalysisRunMetrics metrics_{registry_};
};

TEST_F(AnalysisRunMetricsTest, ArgoNamesAndLabels) {
  RunSnapshot snap;
  snap.key = {"shop", "checkout-6d4f-2"};
  snap.phase = "Running";
  snap.metrics = {{"success-rate", "Prometheus", false, AnalysisPhase::kRunning},
                  {"latency", "Prometheus", true, AnalysisPhase::kFailed}};
  metrics_.observe(snap);
  metrics_.observeReconcile(snap.key, absl::Milliseconds(20), false);
  metrics_.observeReconcile(snap.key, absl::Milliseconds(20), true);
  const std::string t = text();
  EXPECT_THAT(
      t, HasSubstr(
             "analysis_run_info{name=\"checkout-6d4f-2\",namespace=\"shop\",phase=\"Running\"} 1"));
  EXPECT_THAT(
      t,
      HasSubstr(
          "analysis_run_phase{name=\"checkout-6d4f-2\",namespace=\"shop\",phase=\"Running\"} 1"));
  EXPECT_THAT(
      t,
      HasSubstr(
          "analysis_run_phase{name=\"checkout-6d4f-2\",namespace=\"shop\",phase=\"Pending\"} 0"));
  EXPECT_EQ(count("analysis_run_phase{"), 6);
  EXPECT_THAT(t,
              HasSubstr("analysis_run_metric_type{metric=\"success-rate\",name=\"checkout-6d4f-2\","
                        "namespace=\"shop\",type=\"Prometheus\"} 1"));
  EXPECT_EQ(count("analysis_run_metric_type{"), 2);
  EXPECT_EQ(count("analysis_run_metric_phase{"), 12);  // six per metric
  EXPECT_THAT(t, HasSubstr("analysis_run_metric_phase{dry_run=\"false\",metric=\"success-rate\","
                           "name=\"checkout-6d4f-2\",namespace=\"shop\",phase=\"Running\","
                           "type=\"Prometheus\"} 1"));
  EXPECT_THAT(t, HasSubstr("analysis_run_metric_phase{dry_run=\"true\",metric=\"latency\","
                           "name=\"checkout-6d4f-2\",namespace=\"shop\",phase=\"Failed\","
                           "type=\"Prometheus\"} 1"));
  EXPECT_THAT(
      t, HasSubstr("analysis_run_reconcile_count{name=\"checkout-6d4f-2\",namespace=\"shop\"} 2"));
  EXPECT_THAT(t, HasSubstr("analysis_run_reconcile_bucket{name=\"checkout-6d4f-2\",namespace="
                           "\"shop\",le=\"0.15\"} 2"));
  EXPECT_THAT(
      t, HasSubstr("analysis_run_reconcile_error{name=\"checkout-6d4f-2\",namespace=\"shop\"} 1"));
}

TEST_F(AnalysisRunMetricsTest, PhaseChangeReplacesTheInfoSeriesAndDeleteRemovesAll) {
  RunSnapshot snap;
  snap.key = {"shop", "run"};
  snap.phase = "";  // never written: Argo reports "" and counts it Pending
  snap.metrics = {{"m", "Prometheus", false, AnalysisPhase::kPending}};
  metrics_.observe(snap);
  EXPECT_THAT(text(), HasSubstr("analysis_run_info{name=\"run\",namespace=\"shop\",phase=\"\"} 1"));
  EXPECT_THAT(text(),
              HasSubstr("analysis_run_phase{name=\"run\",namespace=\"shop\",phase=\"Pending\"} 1"));
  snap.phase = "Successful";
  snap.metrics[0].phase = AnalysisPhase::kSuccessful;
  metrics_.observe(snap);
  EXPECT_EQ(count("analysis_run_info{"), 1);
  EXPECT_THAT(
      text(),
      HasSubstr("analysis_run_info{name=\"run\",namespace=\"shop\",phase=\"Successful\"} 1"));
  EXPECT_EQ(count("analysis_run_metric_phase{"), 6);
  metrics_.observeReconcile(snap.key, absl::Milliseconds(1), false);

  RunSnapshot other = snap;
  other.key = {"shop", "other"};
  metrics_.observe(other);
  metrics_.forget(snap.key);
  const std::string t = text();
  EXPECT_THAT(t, Not(HasSubstr("name=\"run\"")));
  EXPECT_THAT(t, HasSubstr("name=\"other\""));
}

}  // namespace
}  // namespace serin::analysis
