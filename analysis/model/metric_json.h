// A Metric from and to its Argo Rollouts JSON.
#ifndef SERIN_ANALYSIS_MODEL_METRIC_JSON_H_
#define SERIN_ANALYSIS_MODEL_METRIC_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "analysis/model/metric.h"
#include "nlohmann/json.hpp"

namespace serin::analysis {

// Parses and checks the metric at `path` (e.g. "spec.metrics[0]"). InvalidArgument naming
// the field for: a wrong type, an unknown field, a provider other than prometheus (or an
// Argo prometheus feature serin lacks), a malformed {{args.x}} reference, a bad duration
// or limit (analysis/model/metric_settings.h), neither successCondition nor
// failureCondition (serin never invents a verdict), or a condition that does not compile.
// Fields that reference arguments are checked once substituted (resolveMetric).
absl::StatusOr<Metric> parseMetric(const nlohmann::json& json, const std::string& path);

// The metric as Argo Rollouts writes it: absent fields omitted, int-or-string fields as
// they were given.
nlohmann::json toJson(const Metric& metric);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_MODEL_METRIC_JSON_H_
