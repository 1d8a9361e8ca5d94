// The metric providers the controller can measure with, by type ("Prometheus").
#ifndef SERIN_ANALYSIS_CONTROLLER_PROVIDER_SET_H_
#define SERIN_ANALYSIS_CONTROLLER_PROVIDER_SET_H_

#include <map>
#include <string>
#include <string_view>

#include "analysis/model/metric.h"
#include "analysis/providers/metric_provider.h"

namespace serin::analysis {

// The provider type of a metric spec, as Argo Rollouts labels it (analysis_run_metric_type
// and friends): "Prometheus"; "" when no provider serin knows is set.
std::string_view providerType(const Metric& metric);

// Not thread-safe to change; add every provider before the controller starts, after which
// find() may be called from any thread. The providers must outlive the set.
class ProviderSet {
 public:
  // Registers `provider` under provider.type(), replacing one of the same type.
  void add(providers::MetricProvider& provider);
  // Null when no provider of `type` was added.
  providers::MetricProvider* find(std::string_view type) const;

 private:
  std::map<std::string, providers::MetricProvider*, std::less<>> providers_;
};

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_CONTROLLER_PROVIDER_SET_H_
