#include "analysis/metric_result.h"

#include <algorithm>
#include <utility>

namespace serin::analysis {

void trimMeasurements(MetricResult& result, int64_t retention) {
  const size_t keep = static_cast<size_t>(std::max<int64_t>(retention, 1));
  if (result.measurements.size() > keep) {
    result.measurements.erase(result.measurements.begin(),
                              result.measurements.end() - static_cast<ptrdiff_t>(keep));
  }
}

void addMeasurement(MetricResult& result, Measurement m, int64_t retention) {
  if (isTerminal(m.phase)) {
    switch (m.phase) {
      case AnalysisPhase::kSuccessful:
        ++result.successful;
        ++result.count;
        ++result.consecutiveSuccess;
        result.consecutiveError = 0;
        break;
      case AnalysisPhase::kFailed:
        ++result.failed;
        ++result.count;
        result.consecutiveSuccess = 0;
        result.consecutiveError = 0;
        break;
      case AnalysisPhase::kInconclusive:
        ++result.inconclusive;
        ++result.count;
        result.consecutiveSuccess = 0;
        result.consecutiveError = 0;
        break;
      case AnalysisPhase::kError:
        ++result.error;
        ++result.consecutiveError;
        result.consecutiveSuccess = 0;
        break;
      default:
        break;
    }
  }
  const bool replacesInFlight =
      !result.measurements.empty() && !result.measurements.back().finishedAt.has_value();
  if (replacesInFlight) {
    result.measurements.back() = std::move(m);
  } else {
    result.measurements.push_back(std::move(m));
  }
  trimMeasurements(result, retention);
}

void recordMeasurement(AnalysisRunStatus& status, const ResolvedMetric& metric, Measurement m,
                       const ResolvedArgs& args) {
  MetricResult* result = status.findResult(metric.name);
  if (result == nullptr) {
    MetricResult fresh;
    fresh.name = metric.name;
    fresh.phase = AnalysisPhase::kRunning;
    fresh.dryRun = metric.dryRun;
    status.metricResults.push_back(std::move(fresh));
    result = &status.metricResults.back();
  }
  m.message = args.redact(m.message);
  m.value = args.redact(m.value);
  for (auto& [key, value] : m.metadata) value = args.redact(value);
  addMeasurement(*result, std::move(m), metric.measurementRetention);
}

}  // namespace serin::analysis
