// AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun specs from and to JSON.
//
// Parsing never throws and checks everything that can be checked without the values of
// arguments; each error is InvalidArgument and names the JSON path of the field
// ("spec.metrics[1].provider.datadog: provider not supported by serin"), for the object's
// InvalidSpec condition.
#ifndef SERIN_ANALYSIS_MODEL_SPEC_JSON_H_
#define SERIN_ANALYSIS_MODEL_SPEC_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "analysis/model/spec.h"
#include "nlohmann/json.hpp"

namespace serin::analysis {

// `spec` is the object's .spec (ClusterAnalysisTemplate has the same one). Beyond each
// metric's checks (analysis/model/metric_json.h): at least one metric, unique metric and
// argument names, at most one of value/valueFrom per argument, and well-formed dryRun and
// measurementRetention rules. A rule naming a metric of another template is fine here; it
// is checked when templates are combined into a run.
absl::StatusOr<AnalysisTemplateSpec> parseAnalysisTemplateSpec(const nlohmann::json& spec);

// The same checks, plus `terminate`, and every rule must match one of the run's metrics.
// Argo's ttlStrategy is rejected (serin prunes runs by the Rollout's history limits).
absl::StatusOr<AnalysisRunSpec> parseAnalysisRunSpec(const nlohmann::json& spec);

nlohmann::json toJson(const AnalysisTemplateSpec& spec);
nlohmann::json toJson(const AnalysisRunSpec& spec);

// Pieces shared with the Rollout's analysis blocks, which carry the same lists.
absl::StatusOr<Argument> parseArgument(const nlohmann::json& json, const std::string& path);
absl::StatusOr<DryRun> parseDryRun(const nlohmann::json& json, const std::string& path);
absl::StatusOr<MeasurementRetention> parseMeasurementRetention(const nlohmann::json& json,
                                                               const std::string& path);
nlohmann::json toJson(const Argument& arg);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_MODEL_SPEC_JSON_H_
