#include "analysis/controller/analysis_run_reconciler.h"

#include <memory>
#include <utility>
#include <vector>

#include "analysis/args.h"
#include "analysis/controller/measurement_job.h"
#include "analysis/controller/run_events.h"
#include "analysis/controller/secret_lookup.h"
#include "analysis/metric_result.h"
#include "analysis/model/spec_json.h"
#include "analysis/model/status_json.h"
#include "analysis/resolved_metric.h"
#include "analysis/run_planner.h"
#include "common/strings.h"

namespace serin::analysis {
namespace {

// How soon to look again while the cache has not yet caught up with our own write. The
// watch event of that write re-queues the run sooner; this is only a safety net.
constexpr absl::Duration kCacheLagRetry = absl::Milliseconds(250);

// Ends the run as Error: a spec no retry can fix. Argo's run-level failure, not a crash
// and not a retry loop.
void endInvalid(RunPlan& plan, absl::Time now, std::string message) {
  AnalysisRunStatus& st = plan.status;
  if (!st.startedAt.has_value()) st.startedAt = now;
  st.phase = AnalysisPhase::kError;
  st.message = std::move(message);
  if (!st.completedAt.has_value()) st.completedAt = now;
  if (!st.dryRunSummary.has_value()) st.dryRunSummary = RunSummary{};
  plan.complete = true;
  plan.due.clear();
  plan.nextMeasurementAt.reset();
}

const ResolvedMetric* findMetric(const std::vector<ResolvedMetric>& metrics,
                                 std::string_view name) {
  for (const ResolvedMetric& m : metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

// Drops the last measurement of `metric` when it is still in flight. serin's own
// measurements never reach status unfinished; this is for status written by another
// controller (Argo's asynchronous providers) when the run ends: nothing was measured.
bool dropInFlight(AnalysisRunStatus& status, std::string_view metric) {
  MetricResult* r = status.findResult(metric);
  if (r == nullptr || r->measurements.empty() || r->measurements.back().finishedAt.has_value()) {
    return false;
  }
  r->measurements.pop_back();
  return true;
}

// A status tree whose strings are valid UTF-8: providers' text may not be, and the client
// serializes with a dump() that would throw on it.
nlohmann::json validUtf8(const nlohmann::json& value) {
  return nlohmann::json::parse(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                               nullptr, /*allow_exceptions=*/false);
}

struct Planned {
  RunPlan plan;
  std::vector<std::string> consumed;            // pool outcomes now in plan.status
  std::shared_ptr<const AnalysisRunSpec> spec;  // null when the spec is invalid
  std::vector<ResolvedMetric> metrics;          // resolved without secrets, for snapshots
};

// Steps 1 and 2 of the header: pure but for reading the pool's finished outcomes.
Planned planWithOutcomes(const absl::StatusOr<AnalysisRunSpec>& spec,
                         const absl::StatusOr<AnalysisRunStatus>& cached,
                         const AnalysisRunStatus& before, const MeasurementPool& pool,
                         const std::string& uid, absl::Time now) {
  Planned p;
  if (spec.ok()) {
    p.spec = std::make_shared<const AnalysisRunSpec>(*spec);
    absl::StatusOr<ResolvedArgs> args = resolveArgsWithoutSecrets(spec->args);
    if (args.ok()) {
      absl::StatusOr<std::vector<ResolvedMetric>> metrics = resolveRunMetrics(*spec, *args);
      if (metrics.ok()) p.metrics = std::move(*metrics);
    }
  }
  if (!cached.ok()) {
    p.plan.status = before;
    endInvalid(p.plan, now, strCat("Unable to read status: ", cached.status().message()));
    return p;
  }
  if (isTerminal(before.phase)) {
    p.plan = planResolvedRun({}, false, before, now);  // finished: nothing to do
    return p;
  }
  if (!spec.ok()) {
    p.plan.status = before;
    endInvalid(p.plan, now, strCat("Analysis spec invalid: ", spec.status().message()));
    return p;
  }
  p.plan = planRun(*spec, before, now);
  if (p.plan.complete) return p;

  bool recorded = false;
  const ResolvedArgs no_secrets = resolveArgsWithoutSecrets(spec->args).value_or(ResolvedArgs{});
  for (MeasurementOutcome& outcome : pool.finished(uid)) {
    p.consumed.push_back(outcome.metric);
    if (!outcome.invalid.empty()) {
      endInvalid(p.plan, now, std::move(outcome.invalid));
      return p;
    }
    const ResolvedMetric* metric = findMetric(p.metrics, outcome.metric);
    if (metric == nullptr || !outcome.measurement.has_value()) continue;
    recordMeasurement(p.plan.status, *metric, std::move(*outcome.measurement), no_secrets);
    recorded = true;
  }
  if (recorded) p.plan = planRun(*spec, p.plan.status, now);
  bool dropped = false;
  for (const DueMeasurement& due : p.plan.due) {
    if (due.action == DueMeasurement::Action::kTerminate) {
      dropped = dropInFlight(p.plan.status, due.metric) || dropped;
    }
  }
  if (dropped) p.plan = planRun(*spec, p.plan.status, now);
  return p;
}

RunSnapshot snapshotOf(const RunObject& run, const Planned& p, const AnalysisRunStatus& status,
                       bool written) {
  RunSnapshot snap;
  snap.key = run.meta().key();
  snap.phase = written ? std::string(phaseName(status.phase)) : run.phase;
  if (p.spec == nullptr) return snap;
  for (size_t i = 0; i < p.spec->metrics.size(); ++i) {
    const Metric& m = p.spec->metrics[i];
    RunSnapshot::MetricState state;
    state.name = m.name;
    state.type = std::string(providerType(m));
    if (const ResolvedMetric* r = findMetric(p.metrics, m.name)) state.dry_run = r->dryRun;
    if (const MetricResult* r = status.findResult(m.name)) {
      state.phase = r->phase;
      state.dry_run = r->dryRun;
    }
    snap.metrics.push_back(std::move(state));
  }
  return snap;
}

}  // namespace

AnalysisRunReconciler::AnalysisRunReconciler(kube::Informer<RunObject>& runs,
                                             kube::KubeClient& client, MeasurementPool& pool,
                                             const ProviderSet& providers,
                                             kube::EventRecorder& events, const Clock& clock,
                                             const Logger& log, RunReconcilerOptions options)
    : runs_(runs),
      client_(client),
      pool_(pool),
      providers_(providers),
      events_(events),
      clock_(clock),
      log_(log),
      options_(std::move(options)) {}

absl::StatusOr<std::optional<absl::Duration>> AnalysisRunReconciler::reconcile(
    const kube::ObjectKey& key) {
  const std::shared_ptr<const RunObject> run = runs_.get(key.ns, key.name);
  if (run == nullptr || run->meta().deletion_timestamp) return std::optional<absl::Duration>();
  const std::string& uid = run->meta().uid;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = written_over_.find(uid);
    if (it != written_over_.end()) {
      if (it->second == run->meta().resource_version) {
        return std::optional<absl::Duration>(kCacheLagRetry);
      }
      written_over_.erase(it);
    }
  }
  const Logger log = log_.with({{"namespace", key.ns}, {"analysisrun", key.name}});
  const absl::Time now = clock_.now();

  const absl::StatusOr<AnalysisRunStatus> cached = parseAnalysisRunStatus(run->status());
  const AnalysisRunStatus before = cached.ok() ? *cached : AnalysisRunStatus{};
  const absl::StatusOr<AnalysisRunSpec> spec = parseAnalysisRunSpec(run->spec());
  Planned p = planWithOutcomes(spec, cached, before, pool_, uid, now);

  const nlohmann::json after_json = toJson(p.plan.status);
  const bool changed = !cached.ok() || after_json != toJson(before);
  if (changed) {
    absl::Status written = writeStatus(*run, after_json);
    if (!written.ok()) {
      if (observer_) observer_(snapshotOf(*run, p, before, false));
      return written;
    }
    std::lock_guard<std::mutex> lock(mu_);
    written_over_[uid] = run->meta().resource_version;
  }
  for (const std::string& metric : p.consumed) pool_.consume(uid, metric);
  const kube::InvolvedObject involved{strCat(options_.api_group, "/v1alpha1"), "AnalysisRun",
                                      key.ns, key.name, uid};
  for (RunEvent& e : runEvents(before, p.plan.status)) {
    events_.record(involved, e.type, e.reason, std::move(e.message));
  }
  if (changed && isTerminal(p.plan.status.phase) && !isTerminal(before.phase)) {
    log.info("analysis run completed", {{"phase", std::string(phaseName(p.plan.status.phase))},
                                        {"message", p.plan.status.message}});
  }
  if (p.plan.complete) {
    pool_.forget(uid);  // a measurement still running has nothing left to vote on
  } else {
    for (const DueMeasurement& due : p.plan.due) {
      if (due.action != DueMeasurement::Action::kTerminate) submit(*run, p.spec, due.metric);
    }
  }
  if (observer_) observer_(snapshotOf(*run, p, changed ? p.plan.status : before, changed));

  if (p.plan.complete || !p.plan.nextMeasurementAt.has_value()) {
    return std::optional<absl::Duration>();
  }
  return std::optional<absl::Duration>(
      std::max(absl::ZeroDuration(), *p.plan.nextMeasurementAt - clock_.now()));
}

void AnalysisRunReconciler::submit(const RunObject& run,
                                   std::shared_ptr<const AnalysisRunSpec> spec,
                                   const std::string& metric) {
  if (pool_.busy(run.meta().uid, metric)) return;
  const std::string ns = run.meta().ns;
  const kube::ObjectKey key = run.meta().key();
  pool_.submit(
      run.meta().uid, metric,
      [this, spec, ns, metric] {
        return takeMeasurement(*spec, metric, kubeSecretLookup(client_, ns), providers_, clock_);
      },
      [this, key] {
        if (measured_) measured_(key);
      });
}

void AnalysisRunReconciler::forget(const RunObject& run) {
  pool_.forget(run.meta().uid);
  std::lock_guard<std::mutex> lock(mu_);
  written_over_.erase(run.meta().uid);
}

absl::Status AnalysisRunReconciler::writeStatus(const RunObject& run,
                                                const nlohmann::json& status) {
  nlohmann::json body = {{"apiVersion", strCat(options_.api_group, "/v1alpha1")},
                         {"kind", "AnalysisRun"},
                         {"metadata",
                          {{"name", run.meta().name},
                           {"namespace", run.meta().ns},
                           {"resourceVersion", run.meta().resource_version}}},
                         {"status", validUtf8(status)}};
  absl::StatusOr<nlohmann::json> r =
      client_.update(kube::resources::analysisRuns(options_.api_group), body, "status");
  return r.ok() ? absl::OkStatus() : r.status();
}

}  // namespace serin::analysis
