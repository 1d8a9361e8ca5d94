// A metric's timing and limits as numbers: the int-or-string and duration fields of a Metric
// read, defaulted and checked against each other as Argo Rollouts does (ValidateMetric).
#ifndef SERIN_ANALYSIS_MODEL_METRIC_SETTINGS_H_
#define SERIN_ANALYSIS_MODEL_METRIC_SETTINGS_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "analysis/model/metric.h"

namespace serin::analysis {

inline constexpr int64_t kDefaultConsecutiveErrorLimit = 4;

struct MetricSettings {
  std::optional<absl::Duration> interval;  // absent: no repetition
  absl::Duration initialDelay = absl::ZeroDuration();
  // Measurements to take: `count`, or 1 with neither count nor interval; nullopt (interval
  // only) means "until the run ends".
  std::optional<int64_t> count;
  int64_t failureLimit = 0;  // -1: failures never fail the metric
  int64_t inconclusiveLimit = 0;
  int64_t consecutiveErrorLimit = kDefaultConsecutiveErrorLimit;
  int64_t consecutiveSuccessLimit = 0;  // 0: off
  friend bool operator==(const MetricSettings&, const MetricSettings&) = default;
};

// Reads the settings of `metric`, whose {{args.x}} references must already be substituted.
// InvalidArgument naming the field under `path` (e.g. "spec.metrics[0]") for a bad
// duration, a non-integer, a limit out of range, count > 1 without an interval, or the
// combinations Argo rejects (failureLimit -1 without consecutiveSuccessLimit; count below
// failureLimit + consecutiveSuccessLimit or below inconclusiveLimit).
absl::StatusOr<MetricSettings> readMetricSettings(const Metric& metric, std::string_view path);

// The same checks at parse time, when some fields may still hold {{args.x}}: those fields,
// and the checks that combine them with others, are left for readMetricSettings.
absl::Status checkMetricSettings(const Metric& metric, std::string_view path);

// An IntOrString's integer: the int itself or its string's "-?[0-9]+" text, within int32
// as in Kubernetes. InvalidArgument "\"x\" is not an integer" (no path) otherwise.
absl::StatusOr<int64_t> intValue(const IntOrString& v);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_MODEL_METRIC_SETTINGS_H_
