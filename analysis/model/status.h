// AnalysisRun status (Argo Rollouts' AnalysisRunStatus): what was measured and the verdict.
// The controller writes it and reads it back after a restart, so it is the run's memory.
#ifndef SERIN_ANALYSIS_MODEL_STATUS_H_
#define SERIN_ANALYSIS_MODEL_STATUS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "analysis/model/phase.h"

namespace serin::analysis {

// One measurement of one metric.
struct Measurement {
  AnalysisPhase phase = AnalysisPhase::kPending;
  std::string message;  // why it is Error (or Failed/Inconclusive when a provider says)
  std::optional<absl::Time> startedAt;
  std::optional<absl::Time> finishedAt;  // absent while a measurement is still in flight
  std::string value;                     // the result as text: "0.95", "[0.95,0.9]"
  std::map<std::string, std::string> metadata;
  std::optional<absl::Time> resumeAt;  // when to poll an in-flight measurement again
  friend bool operator==(const Measurement&, const Measurement&) = default;
};

// A metric's measurements (the newest few) and counters (over the whole run).
struct MetricResult {
  std::string name;
  AnalysisPhase phase = AnalysisPhase::kPending;
  std::vector<Measurement> measurements;  // oldest first, trimmed to the retention limit
  std::string message;
  int64_t count = 0;  // measurements without Error: successful + failed + inconclusive
  int64_t successful = 0;
  int64_t failed = 0;
  int64_t inconclusive = 0;
  int64_t error = 0;
  int64_t consecutiveError = 0;    // reset by any measurement that is not Error
  int64_t consecutiveSuccess = 0;  // reset by any measurement that is not Successful
  bool dryRun = false;
  std::map<std::string, std::string> metadata;
  friend bool operator==(const MetricResult&, const MetricResult&) = default;
};

// Metrics by final phase; `count` is the number of metrics.
struct RunSummary {
  int64_t count = 0;
  int64_t successful = 0;
  int64_t failed = 0;
  int64_t inconclusive = 0;
  int64_t error = 0;
  friend bool operator==(const RunSummary&, const RunSummary&) = default;
};

struct AnalysisRunStatus {
  AnalysisPhase phase = AnalysisPhase::kPending;
  std::string message;
  std::vector<MetricResult> metricResults;  // in the order metrics were first measured
  std::optional<absl::Time> startedAt;
  RunSummary runSummary;                    // metrics that vote
  std::optional<RunSummary> dryRunSummary;  // dry-run metrics
  std::optional<absl::Time> completedAt;
  friend bool operator==(const AnalysisRunStatus&, const AnalysisRunStatus&) = default;

  // The result of metric `name`, or null before its first measurement.
  const MetricResult* findResult(std::string_view name) const;
  MetricResult* findResult(std::string_view name);
};

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_MODEL_STATUS_H_
