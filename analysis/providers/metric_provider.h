// The seam between the analysis engine and the systems it measures: one MetricProvider per
// provider type (Prometheus today; web and job later). The engine schedules measurements and
// judges them; a provider only fetches a number (or a list of numbers) once.
#ifndef SERIN_ANALYSIS_PROVIDERS_METRIC_PROVIDER_H_
#define SERIN_ANALYSIS_PROVIDERS_METRIC_PROVIDER_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "analysis/expr/value.h"
#include "analysis/resolved_metric.h"

// Not serin::analysis: that namespace's MetricProvider is the `provider` field of a metric
// spec (analysis/model/metric.h).
namespace serin::analysis::providers {

struct ProviderResult {
  // OK: a scalar as Value(double), or an instant vector as a Value(List) of doubles in the
  // order the provider returned the series. An empty list means "no data" and NaN/±Inf are
  // passed through: deciding what they mean is the assessment's job, not the provider's.
  // Not OK: the measurement failed; the message says what happened in words a user can act
  // on and never holds a header value (credentials).
  absl::StatusOr<expr::Value> value;
  // Shown with the measurement, e.g. {"resolvedQuery": "..."}. It may hold a secret
  // argument substituted into the query: the caller redacts it before storing.
  std::map<std::string, std::string> metadata;
};

class MetricProvider {
 public:
  virtual ~MetricProvider() = default;

  // The provider's type label, as Argo Rollouts names it ("Prometheus").
  virtual std::string_view type() const = 0;

  // Takes one measurement of `metric`, whose arguments are already substituted. Blocks at
  // most the metric's timeout plus a little, whatever the remote end does. Thread-safe;
  // never throws.
  virtual ProviderResult measure(const ResolvedMetric& metric) = 0;
};

using MetricProviderPtr = std::unique_ptr<MetricProvider>;

}  // namespace serin::analysis::providers

#endif  // SERIN_ANALYSIS_PROVIDERS_METRIC_PROVIDER_H_
