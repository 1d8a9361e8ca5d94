// The text fields of a metric that Argo Rollouts substitutes {{args.x}} into. Argo
// substitutes into the whole metric's JSON; serin does the same for every field it reads
// (all but `name`, which identifies the metric's result and must not change).
#ifndef SERIN_ANALYSIS_MODEL_METRIC_FIELDS_H_
#define SERIN_ANALYSIS_MODEL_METRIC_FIELDS_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "analysis/model/metric.h"

namespace serin::analysis {

// Calls `fn(field, text)` for each such field, `field` relative to the metric ("interval",
// "provider.prometheus.headers[0].value"); stops at the first error and returns it.
absl::Status forEachTextField(
    const Metric& metric,
    const std::function<absl::Status(std::string_view field, const std::string& text)>& fn);

// The same, with the texts writable (for substitution).
absl::Status forEachTextField(
    Metric& metric,
    const std::function<absl::Status(std::string_view field, std::string& text)>& fn);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_MODEL_METRIC_FIELDS_H_
