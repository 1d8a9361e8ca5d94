// A metric of a run with its arguments substituted: numbers, durations and final texts,
// ready to schedule (run_planner.h), query (providers/) and judge (assessment.h).
#ifndef SERIN_ANALYSIS_RESOLVED_METRIC_H_
#define SERIN_ANALYSIS_RESOLVED_METRIC_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/args.h"
#include "analysis/conditions.h"
#include "analysis/model/metric_settings.h"
#include "analysis/model/spec.h"

namespace serin::analysis {

inline constexpr int64_t kDefaultMeasurementRetention = 10;

struct ResolvedMetric {
  std::string name;
  MetricSettings settings;
  std::string successCondition;
  std::string failureCondition;
  PrometheusMetric prometheus;
  bool dryRun = false;  // measured and recorded, but does not vote
  int64_t measurementRetention = kDefaultMeasurementRetention;  // measurements kept
};

// Substitutes `args` into every text field of `metric` (metric_fields.h) and reads its
// settings. InvalidArgument naming the field under `path` (e.g. "spec.metrics[0]") for an
// unknown argument or a substituted value that is not a valid duration or limit.
// Conditions are not compiled here (see compileConditions): scheduling must work with
// secret arguments still hidden.
absl::StatusOr<ResolvedMetric> resolveMetric(const Metric& metric, const ResolvedArgs& args,
                                             std::string_view path);

// resolveMetric for every metric of `spec`, with its dryRun and measurementRetention rules
// applied (a retention limit of 0 keeps the default; when several rules match a metric
// the last one wins, as in Argo).
absl::StatusOr<std::vector<ResolvedMetric>> resolveRunMetrics(const AnalysisRunSpec& spec,
                                                              const ResolvedArgs& args);

// The metric's conditions, compiled. The error message may quote a condition holding a
// secret argument's value: redact it (ResolvedArgs::redact) before it goes anywhere.
absl::StatusOr<CompiledConditions> compileConditions(const ResolvedMetric& metric);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_RESOLVED_METRIC_H_
