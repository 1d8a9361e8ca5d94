// Recording measurements into a run's status: counters, retention and redaction.
#ifndef SERIN_ANALYSIS_METRIC_RESULT_H_
#define SERIN_ANALYSIS_METRIC_RESULT_H_

#include <cstdint>

#include "analysis/args.h"
#include "analysis/model/status.h"
#include "analysis/resolved_metric.h"

namespace serin::analysis {

// Adds `m` to `result`. A finished measurement updates the counters as Argo Rollouts does:
// Successful, Failed and Inconclusive add to `count` and their own counter and reset
// `consecutiveError`; Error adds to `error` and `consecutiveError` only; anything but
// Successful resets `consecutiveSuccess`. A measurement replaces the last one when that
// one is still in flight (no finishedAt). Then only the newest `retention` measurements
// are kept (counters keep counting the whole run); `retention` below 1 keeps one.
void addMeasurement(MetricResult& result, Measurement m, int64_t retention);

// Records `m` for `metric` in `status`: creates the metric's result on its first
// measurement (phase Running, `dryRun` from the metric), replaces every secret value of
// `args` in the message, value and metadata with "*****", then addMeasurement with the
// metric's retention. Phases are left to assessRun.
void recordMeasurement(AnalysisRunStatus& status, const ResolvedMetric& metric, Measurement m,
                       const ResolvedArgs& args);

// Drops the oldest measurements beyond `retention` (at least one is kept).
void trimMeasurements(MetricResult& result, int64_t retention);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_METRIC_RESULT_H_
