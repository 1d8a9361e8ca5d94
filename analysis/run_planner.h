// Scheduling an AnalysisRun: which metrics to measure now, the run's updated status and
// verdict, and when to look again. Pure: it takes `now` and never reads a clock, a Secret
// or the network.
//
// The shell around it reconciles a run like this:
//   plan = planRun(spec, status, now)
//   if plan.due is not empty:
//     args = resolveArgs(spec.args, secretLookup); metrics = resolveRunMetrics(spec, args)
//     for each due metric: query its provider, assessMeasurement(...),
//                          recordMeasurement(plan.status, metric, measurement, args)
//     plan = planRun(spec, plan.status, clock.now())   // assess what was just measured
//   write plan.status if it changed; emit events for plan.transitions and a phase change;
//   requeue at plan.nextMeasurementAt unless plan.complete.
#ifndef SERIN_ANALYSIS_RUN_PLANNER_H_
#define SERIN_ANALYSIS_RUN_PLANNER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "analysis/assessment.h"
#include "analysis/model/spec.h"
#include "analysis/model/status.h"
#include "analysis/resolved_metric.h"

namespace serin::analysis {

// However long a metric's interval, a measurement that ended in Error is retried after
// this long (Argo's DefaultErrorRetryInterval).
inline constexpr absl::Duration kErrorRetryInterval = absl::Seconds(10);

struct DueMeasurement {
  enum class Action {
    kMeasure,    // take a new measurement
    kResume,     // poll the in-flight measurement again (asynchronous providers)
    kTerminate,  // stop the in-flight measurement: the run is ending
  };
  std::string metric;
  Action action = Action::kMeasure;
};

struct RunPlan {
  AnalysisRunStatus status;  // startedAt, phases, messages, summaries, completedAt
  std::vector<DueMeasurement> due;
  bool complete = false;  // the run has its verdict; nothing more will be measured
  // The earliest time a metric not due now becomes due (initialDelay ending, interval or
  // error retry elapsing, an in-flight measurement's resumeAt). nullopt when complete or
  // when nothing is waiting.
  std::optional<absl::Time> nextMeasurementAt;
  std::vector<MetricTransition> transitions;
};

// Plans with arguments resolved without Secrets (resolveArgsWithoutSecrets). A spec that
// cannot be resolved — an argument without value, a substituted limit that is not a
// number, a condition that does not compile — makes the run Error with a message saying
// why ("Analysis spec invalid: ..."), and complete.
RunPlan planRun(const AnalysisRunSpec& spec, const AnalysisRunStatus& status, absl::Time now);

// The same with the metrics already resolved. A metric is due:
//  - for its first measurement, at the run's start + initialDelay (startedAt is set to
//    `now` on the first plan);
//  - after an Error measurement, at its finishedAt + kErrorRetryInterval;
//  - otherwise at the last finishedAt + interval, until `count` non-error measurements
//    are in (a metric without interval has count 1; with interval and no count it runs
//    until the run ends).
// Nothing new is due once the run is terminating or complete; in-flight measurements are
// then due for termination.
RunPlan planResolvedRun(const std::vector<ResolvedMetric>& metrics, bool terminate,
                        const AnalysisRunStatus& status, absl::Time now);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_RUN_PLANNER_H_
