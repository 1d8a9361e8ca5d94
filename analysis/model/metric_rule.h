// Which metrics a dryRun or measurementRetention rule selects.
//
// Argo Rollouts reads `metricName` as a Go regular expression found anywhere in the name
// (users write "total-5xx-errors", ".*", "test.*"). serin accepts the part of that syntax
// rules need — literal characters, '.', '*', '+', '?', bracket classes, '^', '$' and
// backslash escapes — and matches it in linear time, so a hostile pattern cannot stall the
// controller. A bare "*" (which Argo documents but its regexp engine rejects) selects every
// metric.
#ifndef SERIN_ANALYSIS_MODEL_METRIC_RULE_H_
#define SERIN_ANALYSIS_MODEL_METRIC_RULE_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace serin::analysis {

// InvalidArgument (no path: callers add it) for a pattern serin cannot read: an empty one,
// one longer than 256 bytes, groups, alternation, counted repetition, or malformed syntax.
absl::Status checkMetricRule(std::string_view pattern);

// Whether `pattern` selects metric `name`; the errors of checkMetricRule.
absl::StatusOr<bool> metricRuleMatches(std::string_view pattern, std::string_view name);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_MODEL_METRIC_RULE_H_
