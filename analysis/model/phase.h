// The phase of an AnalysisRun, of one of its metrics, or of one measurement, with Argo
// Rollouts' names. A run's verdict is the worst phase of the metrics that vote.
#ifndef SERIN_ANALYSIS_MODEL_PHASE_H_
#define SERIN_ANALYSIS_MODEL_PHASE_H_

#include <string_view>

#include "absl/status/statusor.h"

namespace serin::analysis {

enum class AnalysisPhase { kPending, kRunning, kSuccessful, kFailed, kError, kInconclusive };

// "Pending", "Running", "Successful", "Failed", "Error", "Inconclusive".
std::string_view phaseName(AnalysisPhase phase);

// The inverse of phaseName. An empty string reads as Pending, because Argo Rollouts leaves
// status.phase empty until its first reconcile. InvalidArgument for anything else.
absl::StatusOr<AnalysisPhase> parsePhase(std::string_view text);

// Position from best to worst: Successful 0, Running 1, Pending 2, Inconclusive 3, Error 4,
// Failed 5. An unfinished phase ranks worse than Successful so that a run with a metric
// still measuring is never reported as passed.
int phaseRank(AnalysisPhase phase);

// The worse of `a` and `b` by phaseRank.
AnalysisPhase worst(AnalysisPhase a, AnalysisPhase b);

// True for Successful, Failed, Error and Inconclusive: the phases nothing moves out of.
bool isTerminal(AnalysisPhase phase);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_MODEL_PHASE_H_
