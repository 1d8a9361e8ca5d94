#include "analysis/controller/analysis_run_metrics.h"

#include "common/strings.h"

namespace serin::analysis {
namespace {

constexpr AnalysisPhase kPhases[] = {AnalysisPhase::kPending,    AnalysisPhase::kRunning,
                                     AnalysisPhase::kSuccessful, AnalysisPhase::kFailed,
                                     AnalysisPhase::kError,      AnalysisPhase::kInconclusive};

prometheus::Labels keyLabels(const kube::ObjectKey& key) {
  return {{"namespace", key.ns}, {"name", key.name}};
}

// The phase analysis_run_phase reports for a stored phase: Argo counts "" as Pending.
AnalysisPhase legacyPhase(const std::string& stored) {
  absl::StatusOr<AnalysisPhase> p = parsePhase(stored);
  return p.ok() ? *p : AnalysisPhase::kPending;
}

}  // namespace

AnalysisRunMetrics::AnalysisRunMetrics(prometheus::Registry& registry)
    : info_(prometheus::BuildGauge()
                .Name("analysis_run_info")
                .Help("Information about an AnalysisRun")
                .Register(registry)),
      phase_(prometheus::BuildGauge()
                 .Name("analysis_run_phase")
                 .Help("Phase of an AnalysisRun, one series per phase (deprecated: use "
                       "analysis_run_info)")
                 .Register(registry)),
      metric_type_(prometheus::BuildGauge()
                       .Name("analysis_run_metric_type")
                       .Help("The provider type of each metric of an AnalysisRun")
                       .Register(registry)),
      metric_phase_(prometheus::BuildGauge()
                        .Name("analysis_run_metric_phase")
                        .Help("Phase of each metric of an AnalysisRun, one series per phase")
                        .Register(registry)),
      reconcile_(registry, "analysis_run_reconcile", "AnalysisRun reconciliation performance (seconds)",
                 "AnalysisRun reconciliations that failed") {}

void AnalysisRunMetrics::removeGauges(Series& s) {
  if (s.info != nullptr) info_.Remove(s.info);
  s.info = nullptr;
  for (auto* g : s.phases) phase_.Remove(g);
  s.phases.clear();
  for (auto* g : s.metric_types) metric_type_.Remove(g);
  s.metric_types.clear();
  for (auto* g : s.metric_phases) metric_phase_.Remove(g);
  s.metric_phases.clear();
}

void AnalysisRunMetrics::observe(const RunSnapshot& run) {
  std::string labels = run.phase;
  for (const auto& m : run.metrics) {
    strAppend(&labels, "|", m.name, ",", m.type, ",", m.dry_run ? "dry" : "", ",",
              phaseName(m.phase));
  }
  std::lock_guard<std::mutex> lock(mu_);
  Series& s = series_[run.key];
  if (s.info != nullptr && s.labels == labels) return;
  // Re-made rather than updated: the info series' phase is a label, and a metric's type or
  // dry-run flag could change with the spec.
  removeGauges(s);
  s.labels = std::move(labels);
  prometheus::Labels info = keyLabels(run.key);
  info["phase"] = run.phase;
  s.info = &info_.Add(info);
  s.info->Set(1);
  const AnalysisPhase legacy = legacyPhase(run.phase);
  for (AnalysisPhase p : kPhases) {
    prometheus::Labels l = keyLabels(run.key);
    l["phase"] = std::string(phaseName(p));
    prometheus::Gauge& g = phase_.Add(l);
    g.Set(p == legacy ? 1 : 0);
    s.phases.push_back(&g);
  }
  for (const auto& m : run.metrics) {
    prometheus::Labels l = keyLabels(run.key);
    l["metric"] = m.name;
    l["type"] = m.type;
    prometheus::Gauge& t = metric_type_.Add(l);
    t.Set(1);
    s.metric_types.push_back(&t);
    l["dry_run"] = m.dry_run ? "true" : "false";
    for (AnalysisPhase p : kPhases) {
      l["phase"] = std::string(phaseName(p));
      prometheus::Gauge& g = metric_phase_.Add(l);
      g.Set(p == m.phase ? 1 : 0);
      s.metric_phases.push_back(&g);
    }
  }
}

void AnalysisRunMetrics::observeReconcile(const kube::ObjectKey& key, absl::Duration took,
                                          bool failed) {
  reconcile_.observe(key, took, failed);
}

void AnalysisRunMetrics::forget(const kube::ObjectKey& key) {
  reconcile_.forget(key);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = series_.find(key);
  if (it == series_.end()) return;
  removeGauges(it->second);
  series_.erase(it);
}

}  // namespace serin::analysis
