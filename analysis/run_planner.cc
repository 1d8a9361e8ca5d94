#include "analysis/run_planner.h"

#include <utility>

#include "analysis/args.h"
#include "analysis/metric_result.h"
#include "analysis/model/metric_fields.h"
#include "analysis/model/placeholders.h"
#include "common/strings.h"

namespace serin::analysis {
namespace {

RunPlan invalidRun(const AnalysisRunStatus& status, absl::Time now, std::string message) {
  RunPlan plan;
  plan.status = status;
  if (!plan.status.startedAt.has_value()) plan.status.startedAt = now;
  plan.status.phase = AnalysisPhase::kError;
  plan.status.message = std::move(message);
  plan.status.completedAt = now;
  if (!plan.status.dryRunSummary.has_value()) plan.status.dryRunSummary = RunSummary{};
  plan.complete = true;
  return plan;
}

// Whether a condition of `metric` refers to a secret argument: it cannot be compiled
// before the Secret is read, so its syntax is checked at measurement time instead.
bool conditionUsesSecret(const Metric& metric, const ResolvedArgs& args) {
  bool uses = false;
  for (const std::string* text : {&metric.successCondition, &metric.failureCondition}) {
    forEachPlaceholder(*text, [&](std::string_view name) {
      const ArgValue* v = args.find(name);
      uses = uses || (v != nullptr && v->secret);
      return absl::OkStatus();
    }).IgnoreError();
  }
  return uses;
}

void earliest(std::optional<absl::Time>& next, absl::Time t) {
  if (!next.has_value() || t < *next) next = t;
}

}  // namespace

RunPlan planRun(const AnalysisRunSpec& spec, const AnalysisRunStatus& status, absl::Time now) {
  if (isTerminal(status.phase)) return planResolvedRun({}, spec.terminate, status, now);
  absl::StatusOr<ResolvedArgs> args = resolveArgsWithoutSecrets(spec.args);
  if (!args.ok()) {
    return invalidRun(status, now,
                      strCat("Unable to resolve metric arguments: ", args.status().message()));
  }
  absl::StatusOr<std::vector<ResolvedMetric>> metrics = resolveRunMetrics(spec, *args);
  if (!metrics.ok()) {
    return invalidRun(status, now, strCat("Analysis spec invalid: ", metrics.status().message()));
  }
  for (size_t i = 0; i < metrics->size(); ++i) {
    if (conditionUsesSecret(spec.metrics[i], *args)) continue;
    absl::Status compiled = compileConditions((*metrics)[i]).status();
    if (!compiled.ok()) {
      return invalidRun(status, now, strCat("Analysis spec invalid: ", compiled.message()));
    }
  }
  return planResolvedRun(*metrics, spec.terminate, status, now);
}

RunPlan planResolvedRun(const std::vector<ResolvedMetric>& metrics, bool terminate,
                        const AnalysisRunStatus& status, absl::Time now) {
  RunPlan plan;
  plan.status = status;
  if (isTerminal(status.phase)) {
    plan.complete = true;
    return plan;
  }
  AnalysisRunStatus& st = plan.status;
  if (!st.startedAt.has_value()) st.startedAt = now;
  // A lowered retention applies to measurements already stored.
  for (const ResolvedMetric& m : metrics) {
    if (MetricResult* r = st.findResult(m.name)) trimMeasurements(*r, m.measurementRetention);
  }

  RunAssessment run = assessRun(metrics, terminate, st);
  plan.transitions = std::move(run.transitions);
  plan.complete = isTerminal(run.phase);
  if (plan.complete && !st.completedAt.has_value()) st.completedAt = now;

  for (const ResolvedMetric& m : metrics) {
    const MetricResult* r = st.findResult(m.name);
    const Measurement* last =
        r != nullptr && !r->measurements.empty() ? &r->measurements.back() : nullptr;
    if (last != nullptr && !last->finishedAt.has_value()) {
      // An in-flight measurement (asynchronous providers): finish or stop it.
      if (run.terminating || plan.complete) {
        plan.due.push_back({m.name, DueMeasurement::Action::kTerminate});
      } else if (!last->resumeAt.has_value() || *last->resumeAt <= now) {
        plan.due.push_back({m.name, DueMeasurement::Action::kResume});
      } else {
        earliest(plan.nextMeasurementAt, *last->resumeAt);
      }
      continue;
    }
    if (run.terminating || plan.complete) continue;
    if (r != nullptr && isTerminal(r->phase)) continue;

    absl::Time dueAt;
    if (last == nullptr) {
      dueAt = *st.startedAt + m.settings.initialDelay;
    } else {
      if (m.settings.count.has_value() && r->count >= *m.settings.count) continue;
      if (last->phase == AnalysisPhase::kError) {
        dueAt = *last->finishedAt + kErrorRetryInterval;
      } else if (m.settings.interval.has_value()) {
        dueAt = *last->finishedAt + *m.settings.interval;
      } else {
        continue;  // measured its one time
      }
    }
    if (dueAt <= now) {
      plan.due.push_back({m.name, DueMeasurement::Action::kMeasure});
    } else {
      earliest(plan.nextMeasurementAt, dueAt);
    }
  }
  if (plan.complete) plan.nextMeasurementAt.reset();
  return plan;
}

}  // namespace serin::analysis
