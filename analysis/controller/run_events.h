// The Kubernetes Events an AnalysisRun gets (argo-compat §2), from its status before and
// after a reconcile. Pure.
#ifndef SERIN_ANALYSIS_CONTROLLER_RUN_EVENTS_H_
#define SERIN_ANALYSIS_CONTROLLER_RUN_EVENTS_H_

#include <string>
#include <vector>

#include "analysis/model/status.h"
#include "operator/kube/event_type.h"

namespace serin::analysis {

struct RunEvent {
  kube::EventType type = kube::EventType::kNormal;
  std::string reason;
  std::string message;
  friend bool operator==(const RunEvent&, const RunEvent&) = default;
};

// In this order:
//  - Metric<Phase> for each metric whose phase became Successful, Failed, Error or
//    Inconclusive: "Metric 'success-rate' Completed. Result: Failed";
//  - AnalysisRun<Phase> when the run's phase became one of those:
//    "Analysis Completed. Result: Failed", followed by ": <status.message>" when the run
//    has a message (why it failed, or "Run Terminated").
// Failed and Error are Warnings, everything else Normal. Messages hold only status text,
// which is already redacted.
std::vector<RunEvent> runEvents(const AnalysisRunStatus& before, const AnalysisRunStatus& after);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_CONTROLLER_RUN_EVENTS_H_
