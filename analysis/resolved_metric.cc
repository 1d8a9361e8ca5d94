#include "analysis/resolved_metric.h"

#include <utility>

#include "analysis/model/json_reader.h"
#include "analysis/model/metric_fields.h"
#include "analysis/model/metric_rule.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace serin::analysis {

absl::StatusOr<ResolvedMetric> resolveMetric(const Metric& metric, const ResolvedArgs& args,
                                             std::string_view path) {
  Metric m = metric;
  RETURN_IF_ERROR(forEachTextField(m, [&](std::string_view field, std::string& text) {
    absl::StatusOr<std::string> s = args.substitute(text);
    if (!s.ok()) return fieldError(strCat(path, ".", field), fromAbsl(s.status().message()));
    text = *std::move(s);
    return absl::OkStatus();
  }));
  ResolvedMetric r;
  ASSIGN_OR_RETURN(r.settings, readMetricSettings(m, path));
  r.name = std::move(m.name);
  r.successCondition = std::move(m.successCondition);
  r.failureCondition = std::move(m.failureCondition);
  if (m.provider.prometheus.has_value()) r.prometheus = std::move(*m.provider.prometheus);
  return r;
}

absl::StatusOr<std::vector<ResolvedMetric>> resolveRunMetrics(const AnalysisRunSpec& spec,
                                                              const ResolvedArgs& args) {
  std::vector<ResolvedMetric> out;
  out.reserve(spec.metrics.size());
  for (size_t i = 0; i < spec.metrics.size(); ++i) {
    ASSIGN_OR_RETURN(ResolvedMetric r,
                     resolveMetric(spec.metrics[i], args, strCat("spec.metrics[", i, "]")));
    for (const DryRun& rule : spec.dryRun) {
      ASSIGN_OR_RETURN(bool hit, metricRuleMatches(rule.metricName, r.name));
      r.dryRun = r.dryRun || hit;
    }
    for (const MeasurementRetention& rule : spec.measurementRetention) {
      ASSIGN_OR_RETURN(bool hit, metricRuleMatches(rule.metricName, r.name));
      if (hit) r.measurementRetention = rule.limit > 0 ? rule.limit : kDefaultMeasurementRetention;
    }
    out.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<CompiledConditions> compileConditions(const ResolvedMetric& metric) {
  return CompiledConditions::compile(metric.name, metric.successCondition, metric.failureCondition);
}

}  // namespace serin::analysis
