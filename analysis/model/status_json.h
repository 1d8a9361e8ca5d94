// AnalysisRun status to and from JSON with Argo Rollouts' field names. Times are RFC 3339
// UTC with whole seconds ("2026-11-25T10:00:00Z"), as Kubernetes writes them.
#ifndef SERIN_ANALYSIS_MODEL_STATUS_JSON_H_
#define SERIN_ANALYSIS_MODEL_STATUS_JSON_H_

#include "absl/status/statusor.h"
#include "analysis/model/status.h"
#include "nlohmann/json.hpp"

namespace serin::analysis {

// Zero counters, empty strings and absent times are omitted, as Go's omitempty does;
// `phase` and `runSummary` are always written (run_planner always sets dryRunSummary too).
nlohmann::json toJson(const AnalysisRunStatus& status);

// Reads status written by serin or by Argo Rollouts. Unknown fields are ignored (status is
// the controller's own record, and Argo writes fields serin does not keep); a field of the
// wrong type, an unknown phase or a malformed time is InvalidArgument naming its path
// ("status.metricResults[0].measurements[2].finishedAt: ..."). An absent or null status
// reads as an empty one. Never throws.
absl::StatusOr<AnalysisRunStatus> parseAnalysisRunStatus(const nlohmann::json& status);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_MODEL_STATUS_JSON_H_
