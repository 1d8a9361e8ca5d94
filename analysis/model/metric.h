// An analysis metric as users write it in an AnalysisTemplate (Argo Rollouts' `Metric`),
// restricted to what serin implements: the Prometheus provider.
//
// Fields keep the text users wrote wherever Argo allows `{{args.x}}` in them: durations are
// strings and limits are int-or-string. resolveMetric (analysis/resolved_metric.h) turns a
// Metric plus argument values into numbers and durations.
#ifndef SERIN_ANALYSIS_MODEL_METRIC_H_
#define SERIN_ANALYSIS_MODEL_METRIC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace serin::analysis {

// Kubernetes' IntOrString: `3` or `"3"` or `"{{args.limit}}"`.
struct IntOrString {
  std::variant<int64_t, std::string> value;

  bool isInt() const { return std::holds_alternative<int64_t>(value); }
  friend bool operator==(const IntOrString&, const IntOrString&) = default;
};

struct Header {
  std::string key;
  std::string value;
  friend bool operator==(const Header&, const Header&) = default;
};

// provider.prometheus. Authentication is by headers (a bearer token or basic credentials in
// an Authorization header whose value comes from a secret argument).
struct PrometheusMetric {
  std::string address;  // empty: the controller's default Prometheus
  std::string query;
  std::optional<int64_t> timeoutSeconds;  // absent: kDefaultPrometheusTimeoutSeconds
  std::vector<Header> headers;
  bool insecure = false;  // skip TLS certificate verification
  friend bool operator==(const PrometheusMetric&, const PrometheusMetric&) = default;
};

inline constexpr int64_t kDefaultPrometheusTimeoutSeconds = 30;
inline constexpr int64_t kMaxPrometheusTimeoutSeconds = 3600;

// Exactly one provider is set once parsed; prometheus is the only one serin implements.
struct MetricProvider {
  std::optional<PrometheusMetric> prometheus;
  friend bool operator==(const MetricProvider&, const MetricProvider&) = default;
};

struct Metric {
  std::string name;
  std::string interval;      // Go duration; empty: measure once (or `count` times)
  std::string initialDelay;  // Go duration from the run's start; empty: none
  std::optional<IntOrString> count;
  std::string successCondition;
  std::string failureCondition;
  std::optional<IntOrString> failureLimit;             // default 0; -1: never fails
  std::optional<IntOrString> inconclusiveLimit;        // default 0
  std::optional<IntOrString> consecutiveErrorLimit;    // default 4
  std::optional<IntOrString> consecutiveSuccessLimit;  // default 0: off
  MetricProvider provider;
  friend bool operator==(const Metric&, const Metric&) = default;
};

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_MODEL_METRIC_H_
