#include "analysis/controller/run_events.h"

#include <gtest/gtest.h>

namespace serin::analysis {
namespace {

using P = AnalysisPhase;
using kube::EventType;

AnalysisRunStatus runWith(P run, std::vector<std::pair<std::string, P>> metrics,
                          std::string message = "") {
  AnalysisRunStatus s;
  s.phase = run;
  s.message = std::move(message);
  for (auto& [name, phase] : metrics) {
    MetricResult r;
    r.name = name;
    r.phase = phase;
    s.metricResults.push_back(r);
  }
  return s;
}

TEST(AnalysisRunEventsTest, Table) {
  struct Case {
    std::string name;
    AnalysisRunStatus before, after;
    std::vector<RunEvent> want;
  };
  const Case cases[] = {
      {"nothing changed",
       runWith(P::kRunning, {{"a", P::kRunning}}),
       runWith(P::kRunning, {{"a", P::kRunning}}),
       {}},
      {"running is not an event",
       runWith(P::kPending, {}),
       runWith(P::kRunning, {{"a", P::kRunning}}),
       {}},
      {"metric and run succeed",
       runWith(P::kRunning, {{"a", P::kRunning}}),
       runWith(P::kSuccessful, {{"a", P::kSuccessful}}),
       {{EventType::kNormal, "MetricSuccessful", "Metric 'a' Completed. Result: Successful"},
        {EventType::kNormal, "AnalysisRunSuccessful", "Analysis Completed. Result: Successful"}}},
      {"failed is a warning with the reason",
       runWith(P::kRunning, {{"a", P::kRunning}, {"b", P::kSuccessful}}),
       runWith(P::kFailed, {{"a", P::kFailed}, {"b", P::kSuccessful}},
               "Metric \"a\" assessed Failed"),
       {{EventType::kWarning, "MetricFailed", "Metric 'a' Completed. Result: Failed"},
        {EventType::kWarning, "AnalysisRunFailed",
         "Analysis Completed. Result: Failed: Metric \"a\" assessed Failed"}}},
      {"error",
       runWith(P::kRunning, {}),
       runWith(P::kError, {{"a", P::kError}}),
       {{EventType::kWarning, "MetricError", "Metric 'a' Completed. Result: Error"},
        {EventType::kWarning, "AnalysisRunError", "Analysis Completed. Result: Error"}}},
      {"inconclusive is normal",
       runWith(P::kRunning, {{"a", P::kRunning}}),
       runWith(P::kInconclusive, {{"a", P::kInconclusive}}),
       {{EventType::kNormal, "MetricInconclusive", "Metric 'a' Completed. Result: Inconclusive"},
        {EventType::kNormal, "AnalysisRunInconclusive",
         "Analysis Completed. Result: Inconclusive"}}},
      {"metric ends, run goes on",
       runWith(P::kRunning, {{"a", P::kRunning}, {"b", P::kRunning}}),
       runWith(P::kRunning, {{"a", P::kSuccessful}, {"b", P::kRunning}}),
       {{EventType::kNormal, "MetricSuccessful", "Metric 'a' Completed. Result: Successful"}}},
      {"terminated",
       runWith(P::kRunning, {{"a", P::kRunning}}),
       runWith(P::kSuccessful, {{"a", P::kSuccessful}}, "Run Terminated"),
       {{EventType::kNormal, "MetricSuccessful", "Metric 'a' Completed. Result: Successful"},
        {EventType::kNormal, "AnalysisRunSuccessful",
         "Analysis Completed. Result: Successful: Run Terminated"}}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(runEvents(c.before, c.after), c.want) << c.name;
  }
}

}  // namespace
}  // namespace serin::analysis
