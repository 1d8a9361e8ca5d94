#include "analysis/model/status.h"

namespace serin::analysis {

const MetricResult* AnalysisRunStatus::findResult(std::string_view name) const {
  for (const MetricResult& r : metricResults) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

MetricResult* AnalysisRunStatus::findResult(std::string_view name) {
  for (MetricResult& r : metricResults) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

}  // namespace serin::analysis
