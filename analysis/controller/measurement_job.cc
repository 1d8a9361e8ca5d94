#include "analysis/controller/measurement_job.h"

#include <string>
#include <utility>

#include "analysis/measurement.h"
#include "analysis/resolved_metric.h"
#include "common/strings.h"

namespace serin::analysis {
namespace {

MeasurementOutcome errorMeasurement(std::string_view metric, absl::Time at, std::string message) {
  Measurement m;
  m.phase = AnalysisPhase::kError;
  m.message = std::move(message);
  m.startedAt = at;
  m.finishedAt = at;
  return MeasurementOutcome{std::string(metric), std::move(m), ""};
}

MeasurementOutcome invalidOutcome(std::string_view metric, std::string message) {
  return MeasurementOutcome{std::string(metric), std::nullopt, std::move(message)};
}

}  // namespace

MeasurementOutcome takeMeasurement(const AnalysisRunSpec& spec, std::string_view metric,
                                   const SecretLookup& secrets, const ProviderSet& providers,
                                   const Clock& clock) {
  const absl::Time started = clock.now();
  // Lookup errors never hold a value (secret_lookup.h), so they need no redaction.
  absl::StatusOr<ResolvedArgs> args = resolveArgs(spec.args, secrets);
  if (!args.ok()) {
    return errorMeasurement(
        metric, started, strCat("Unable to resolve metric arguments: ", args.status().message()));
  }
  absl::StatusOr<std::vector<ResolvedMetric>> metrics = resolveRunMetrics(spec, *args);
  if (!metrics.ok()) {
    return invalidOutcome(
        metric, args->redact(strCat("Analysis spec invalid: ", metrics.status().message())));
  }
  const ResolvedMetric* resolved = nullptr;
  const Metric* spec_metric = nullptr;
  for (size_t i = 0; i < metrics->size(); ++i) {
    if ((*metrics)[i].name == metric) {
      resolved = &(*metrics)[i];
      spec_metric = &spec.metrics[i];
    }
  }
  if (resolved == nullptr) {
    // The spec changed under the measurement (runs are not meant to be edited): nothing
    // to measure; an Error keeps the planner from taking this as data.
    return errorMeasurement(metric, started,
                            strCat("metric \"", metric, "\" is no longer in the spec"));
  }
  absl::StatusOr<CompiledConditions> conditions = compileConditions(*resolved);
  if (!conditions.ok()) {
    return invalidOutcome(
        metric, args->redact(strCat("Analysis spec invalid: ", conditions.status().message())));
  }
  const std::string_view type = providerType(*spec_metric);
  providers::MetricProvider* provider = providers.find(type);
  if (provider == nullptr) {
    return errorMeasurement(
        metric, started, strCat("no ", type.empty() ? "metric" : type, " provider is configured"));
  }

  providers::ProviderResult result = provider->measure(*resolved);
  Measurement m = assessMeasurement(*resolved, *conditions, result.value, started, clock.now());
  m.metadata = std::move(result.metadata);
  // recordMeasurement redacts again with the arguments it is given, but the reconcile that
  // records this never holds secret values: redact here, where they are known.
  m.message = args->redact(m.message);
  m.value = args->redact(m.value);
  for (auto& [key, value] : m.metadata) value = args->redact(value);
  return MeasurementOutcome{std::string(metric), std::move(m), ""};
}

}  // namespace serin::analysis
