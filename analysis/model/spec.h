// AnalysisTemplate / ClusterAnalysisTemplate and AnalysisRun specs, with Argo Rollouts'
// fields (analysis_types.go) for everything serin supports.
#ifndef SERIN_ANALYSIS_MODEL_SPEC_H_
#define SERIN_ANALYSIS_MODEL_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/model/metric.h"

namespace serin::analysis {

struct SecretKeyRef {
  std::string name;  // a Secret in the run's namespace
  std::string key;
  friend bool operator==(const SecretKeyRef&, const SecretKeyRef&) = default;
};

struct FieldRef {
  std::string fieldPath;  // a field of the Rollout, e.g. metadata.labels['app']
  friend bool operator==(const FieldRef&, const FieldRef&) = default;
};

// `valueFrom`: exactly one of the two is set.
struct ArgumentValueFrom {
  std::optional<SecretKeyRef> secretKeyRef;
  std::optional<FieldRef> fieldRef;
  friend bool operator==(const ArgumentValueFrom&, const ArgumentValueFrom&) = default;
};

// An argument, used in a metric as {{args.<name>}}. In a template, one with neither `value`
// nor `valueFrom` must be supplied by whoever creates the run; `value` is then a default.
struct Argument {
  std::string name;
  std::optional<std::string> value;
  std::optional<ArgumentValueFrom> valueFrom;
  friend bool operator==(const Argument&, const Argument&) = default;
};

// A metric (or, as in Argo, every metric whose name the regular expression matches; "*"
// means all) that is measured and recorded but does not vote on the run's verdict.
struct DryRun {
  std::string metricName;
  friend bool operator==(const DryRun&, const DryRun&) = default;
};

// How many measurements of the matching metrics status keeps; 0 keeps the default (10).
struct MeasurementRetention {
  std::string metricName;
  int64_t limit = 0;
  friend bool operator==(const MeasurementRetention&, const MeasurementRetention&) = default;
};

struct AnalysisTemplateSpec {
  std::vector<Metric> metrics;
  std::vector<Argument> args;
  std::vector<DryRun> dryRun;
  std::vector<MeasurementRetention> measurementRetention;
  friend bool operator==(const AnalysisTemplateSpec&, const AnalysisTemplateSpec&) = default;
};

struct AnalysisRunSpec {
  std::vector<Metric> metrics;
  std::vector<Argument> args;
  std::vector<DryRun> dryRun;
  std::vector<MeasurementRetention> measurementRetention;
  // Set to stop the run early (the Rollout no longer needs it). The run ends Successful
  // unless a metric had already failed, errored or been inconclusive.
  bool terminate = false;
  friend bool operator==(const AnalysisRunSpec&, const AnalysisRunSpec&) = default;
};

// Limits on list sizes, matching the CRDs, so hostile objects stay cheap to process.
inline constexpr size_t kMaxMetrics = 100;
inline constexpr size_t kMaxArgs = 100;
inline constexpr size_t kMaxRules = 100;
inline constexpr size_t kMaxHeaders = 100;

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_MODEL_SPEC_H_
