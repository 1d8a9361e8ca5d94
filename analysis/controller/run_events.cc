#include "analysis/controller/run_events.h"

#include "common/strings.h"

namespace serin::analysis {
namespace {

kube::EventType typeOf(AnalysisPhase phase) {
  return phase == AnalysisPhase::kFailed || phase == AnalysisPhase::kError
             ? kube::EventType::kWarning
             : kube::EventType::kNormal;
}

}  // namespace

std::vector<RunEvent> runEvents(const AnalysisRunStatus& before, const AnalysisRunStatus& after) {
  std::vector<RunEvent> events;
  for (const MetricResult& r : after.metricResults) {
    if (!isTerminal(r.phase)) continue;
    const MetricResult* old = before.findResult(r.name);
    if (old != nullptr && old->phase == r.phase) continue;
    events.push_back({typeOf(r.phase), strCat("Metric", phaseName(r.phase)),
                      strCat("Metric '", r.name, "' Completed. Result: ", phaseName(r.phase))});
  }
  if (isTerminal(after.phase) && after.phase != before.phase) {
    std::string message = strCat("Analysis Completed. Result: ", phaseName(after.phase));
    if (!after.message.empty()) strAppend(&message, ": ", after.message);
    events.push_back(
        {typeOf(after.phase), strCat("AnalysisRun", phaseName(after.phase)), std::move(message)});
  }
  return events;
}

}  // namespace serin::analysis
