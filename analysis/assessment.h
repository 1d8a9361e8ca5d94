// Verdicts: of a metric from its counters, and of a run from its metrics (DESIGN §2
// Analysis.5, argo-compat §4). Measurement-level judging is in measurement.h and recording
// in metric_result.h; this header offers all three.
#ifndef SERIN_ANALYSIS_ASSESSMENT_H_
#define SERIN_ANALYSIS_ASSESSMENT_H_

#include <string>
#include <vector>

#include "analysis/measurement.h"
#include "analysis/metric_result.h"
#include "analysis/model/status.h"
#include "analysis/resolved_metric.h"

namespace serin::analysis {

struct MetricAssessment {
  AnalysisPhase phase = AnalysisPhase::kPending;
  // Why a limit decided, e.g. "failed (2) > failureLimit (1)"; empty otherwise.
  std::string reason;
};

// The phase of `metric` given its result, checked in this order:
//  - a finished phase stays (with its reason recomputed for messages);
//  - no measurement yet: Pending (Successful when `terminating`);
//  - the last measurement still in flight: Running;
//  - failed > failureLimit (unless -1): Failed; inconclusive > inconclusiveLimit:
//    Inconclusive; consecutiveError > consecutiveErrorLimit: Error (the worst wins if
//    several trip at once);
//  - consecutiveSuccessLimit set and reached: Successful;
//  - count reached: Successful, unless consecutiveSuccessLimit is set and was not reached,
//    then Inconclusive (Failed when failureLimit is -1);
//  - otherwise Running, or Successful when `terminating` (the run is ending early).
MetricAssessment assessMetric(const ResolvedMetric& metric, const MetricResult& result,
                              bool terminating);

struct MetricTransition {
  std::string metric;
  AnalysisPhase from = AnalysisPhase::kPending;
  AnalysisPhase to = AnalysisPhase::kPending;
  bool dryRun = false;
};

struct RunAssessment {
  AnalysisPhase phase = AnalysisPhase::kRunning;
  std::string message;
  // True when no new measurement should start: `terminate` was set, or a voting metric
  // ended Failed, Error or Inconclusive.
  bool terminating = false;
  std::vector<MetricTransition> transitions;  // metric phases that changed, in spec order
};

// Re-assesses every metric of `metrics` that has a result in `status`, writing each
// result's phase and message (the last measurement's message; for a dry-run metric,
// "Metric assessed <Phase> due to <reason>"), then the run's verdict into status.phase,
// status.message, runSummary and dryRunSummary:
//  - a voting (non-dry-run) metric ending Failed, Error or Inconclusive ends the run: the
//    metrics still running are assessed as terminating, i.e. Successful;
//  - `terminate` ends the run Successful unless a voting metric already ended worse;
//  - otherwise the run is Running until every metric has finished, then the worst voting
//    metric's phase (Successful when all metrics are dry-run);
//  - the message names the worst metric and why: `Metric "success-rate" assessed Failed
//    due to failed (2) > failureLimit (1)`, followed by `: "Error Message: <last
//    measurement's message>"` when there is one; "Run Terminated" for a plain terminate.
RunAssessment assessRun(const std::vector<ResolvedMetric>& metrics, bool terminate,
                        AnalysisRunStatus& status);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_ASSESSMENT_H_
