// Judging one measurement: a provider's result and the metric's conditions -> a phase.
//
// The rules (DESIGN §2 Analysis.4) put missing data first: a provider error, an empty
// result, nil or NaN is an Error measurement ("no data"), never a success. Only when a
// condition handles NaN (isNaN, default) or nil (isNil, default) itself do the conditions
// see such a value. Otherwise, as in Argo Rollouts:
//   success if successCondition holds; failed if failureCondition holds (a failure wins
//   when both hold); with only successCondition, failed when it does not hold; with only
//   failureCondition, successful when it does not hold; with both and neither holding,
//   Inconclusive. A condition that cannot be evaluated makes the measurement Error.
#ifndef SERIN_ANALYSIS_MEASUREMENT_H_
#define SERIN_ANALYSIS_MEASUREMENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "analysis/conditions.h"
#include "analysis/expr/value.h"
#include "analysis/model/status.h"
#include "analysis/resolved_metric.h"

namespace serin::analysis {

// The measurement of `metric` whose provider returned `result` (or failed with it).
// `value` is the result as Argo's Prometheus provider writes it (formatResultValue).
// The message may quote provider errors and conditions, which can hold secret argument
// values: recordMeasurement redacts it before it reaches status.
Measurement assessMeasurement(const ResolvedMetric& metric, const CompiledConditions& conditions,
                              const absl::StatusOr<expr::Value>& result, absl::Time started,
                              absl::Time finished);

// A number in its shortest round-trip form without exponent, as Go's FormatFloat(f, 'f',
// -1) writes it ("0.95", "1", "NaN", "+Inf", "-Inf"); a list as "[0.95,0.9]"; any other
// value as its debugString. Cut after 512 bytes with "...": a query returning thousands of
// series must not bloat status.
std::string formatResultValue(const expr::Value& value);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_MEASUREMENT_H_
