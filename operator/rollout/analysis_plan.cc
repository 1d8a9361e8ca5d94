// AnalysisRuns of a Rollout: creating the step and background runs from templates, reading
// their verdicts, terminating them when no longer needed, and pruning old ones.
#include <algorithm>

#include "analysis/model/spec_json.h"
#include "analysis/run_spec_builder.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "operator/rollout/planner_context.h"

namespace serin::rollout {
namespace {

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

bool matches(const AnalysisRunObject& run, const std::string& hash, std::string_view type,
             std::optional<int32_t> step) {
  const auto& labels = run.meta().labels;
  if (labels.get(kPodTemplateHashLabel) != hash || labels.get(kRolloutTypeLabel) != type) return false;
  return !step || labels.get(kStepIndexLabel) == std::to_string(*step);
}

const AnalysisRunObject* findRun(const PlanContext& c, const std::string& name) {
  for (const AnalysisRunObject* run : c.in.runs) {
    if (run->meta().name == name) return run;
  }
  return nullptr;
}

absl::StatusOr<nlohmann::json> buildRun(const PlanContext& c, const RolloutAnalysis& analysis,
                                        const std::string& path, std::string_view type,
                                        std::optional<int32_t> step) {
  std::vector<analysis::NamedTemplate> templates;
  for (size_t i = 0; i < analysis.templates.size(); ++i) {
    const auto& ref = analysis.templates[i];
    absl::StatusOr<analysis::NamedTemplate> found =
        c.in.templates ? c.in.templates(ref.template_name, ref.cluster_scope)
                       : absl::NotFoundError("no templates");
    if (!found.ok()) {
      const std::string kind = ref.cluster_scope ? "ClusterAnalysisTemplate" : "AnalysisTemplate";
      return absl::InvalidArgumentError(
          absl::IsNotFound(found.status())
              ? strCat(path, ".templates[", i, "].templateName: ", kind, " \"", ref.template_name, "\" not found")
              : strCat(path, ".templates[", i, "]: ", kind, " \"", ref.template_name, "\" is invalid: ",
                       found.status().message()));
    }
    templates.push_back(std::move(*found));
  }
  const nlohmann::json rollout_json = c.ro.toJsonWithoutStatus();
  std::vector<analysis::RolloutArgument> rollout_args;
  for (size_t i = 0; i < analysis.args.size(); ++i) {
    ASSIGN_OR_RETURN(auto arg, analysis::parseRolloutArgument(analysis.args[i], strCat(path, ".args[", i, "]")));
    rollout_args.push_back(std::move(arg));
  }
  analysis::RolloutContext context{rollout_json, c.st.stable_rs, c.hash};
  ASSIGN_OR_RETURN(auto args, analysis::resolveRolloutArguments(rollout_args, context));
  std::vector<analysis::DryRun> dry_run;
  for (size_t i = 0; i < analysis.dry_run.size(); ++i) {
    ASSIGN_OR_RETURN(auto d, analysis::parseDryRun(analysis.dry_run[i], strCat(path, ".dryRun[", i, "]")));
    dry_run.push_back(std::move(d));
  }
  std::vector<analysis::MeasurementRetention> retention;
  for (size_t i = 0; i < analysis.measurement_retention.size(); ++i) {
    ASSIGN_OR_RETURN(auto m, analysis::parseMeasurementRetention(
                                 analysis.measurement_retention[i], strCat(path, ".measurementRetention[", i, "]")));
    retention.push_back(std::move(m));
  }
  auto spec = analysis::buildRunSpec(templates, args, dry_run, retention, rollout_json);
  if (!spec.ok()) return absl::InvalidArgumentError(strCat(path, ": ", spec.status().message()));

  std::string name = strCat(c.ro.meta().name, "-", c.hash, "-", c.new_revision);
  if (step) strAppend(&name, "-", *step);
  // A name taken by an earlier attempt (before a retry) gets a suffix, as in Argo.
  if (findRun(c, name) != nullptr) {
    for (int n = 1; n < 1000; ++n) {
      const std::string candidate = strCat(name, ".", n);
      if (findRun(c, candidate) == nullptr) {
        name = candidate;
        break;
      }
    }
  }
  nlohmann::json labels = {{std::string(kPodTemplateHashLabel), c.hash},
                           {std::string(kRolloutTypeLabel), std::string(type)}};
  if (step) labels[std::string(kStepIndexLabel)] = std::to_string(*step);
  if (!c.in.instance_id.empty()) labels[c.in.keys.instance_id] = c.in.instance_id;
  return nlohmann::json{
      {"apiVersion", c.in.keys.group + "/v1alpha1"},
      {"kind", "AnalysisRun"},
      {"metadata",
       {{"name", name},
        {"namespace", c.ro.meta().ns},
        {"labels", labels},
        {"annotations", {{c.in.keys.revision, std::to_string(c.new_revision)}}},
        {"ownerReferences", nlohmann::json::array({c.ownerReference()})}}},
      {"spec", analysis::toJson(*spec)}};
}

RunState ensureRun(PlanContext& c, const RolloutAnalysis& analysis, std::optional<RunStatusRef>& ref,
                   std::string_view type, std::optional<int32_t> step, const std::string& path) {
  const std::string_view label = step ? "Step" : "Background";
  const AnalysisRunObject* run = ref ? findRun(c, ref->name) : nullptr;
  if (run != nullptr && !matches(*run, c.hash, type, step)) run = nullptr;
  if (run == nullptr) {
    // Adopt a run this update created whose name did not reach the status (a restart in
    // between); finished ones belong to an earlier attempt.
    for (const AnalysisRunObject* r : c.in.runs) {
      if (matches(*r, c.hash, type, step) && !r->terminal() && !r->terminate) run = r;
    }
  }
  if (run == nullptr) {
    auto object = buildRun(c, analysis, path, type, step);
    if (!object.ok()) {
      setCondition(c.st.conditions, {std::string(condition::kInvalidSpec), "True",
                                     std::string(reason::kInvalidSpec),
                                     strCat("The Rollout \"", c.ro.meta().name, "\" is invalid: ",
                                            object.status().message())}, c.now);
      return {};
    }
    const std::string name = (*object)["metadata"]["name"].get<std::string>();
    c.plan.create_runs.push_back(std::move(*object));
    c.plan.event(kube::EventType::kNormal, "AnalysisRunRunning",
                 strCat(label, " Analysis Run '", name, "' Status New: 'Running' Previous: ''"));
    ref = RunStatusRef{name, "Running", ""};
    return {RunVerdict::kRunning, name, ""};
  }
  const std::string phase = run->phase.empty() ? "Pending" : run->phase;
  if (!ref || ref->name != run->meta().name || ref->status != phase) {
    const std::string previous = ref && ref->name == run->meta().name ? ref->status : "";
    if (phase != previous && (run->terminal() || phase == "Running")) {
      const bool bad = phase == "Failed" || phase == "Error";
      c.plan.event(bad ? kube::EventType::kWarning : kube::EventType::kNormal, strCat("AnalysisRun", phase),
                   strCat(label, " Analysis Run '", run->meta().name, "' Status New: '", phase,
                          "' Previous: '", previous, "'"));
    }
  }
  ref = RunStatusRef{run->meta().name, phase, run->message};
  if (phase == "Successful") return {RunVerdict::kSuccessful, run->meta().name, ""};
  if (phase == "Failed" || phase == "Error") {
    return {RunVerdict::kFailed, run->meta().name,
            strCat(lower(phase), ": ", run->message.empty() ? strCat("run ", run->meta().name) : run->message)};
  }
  if (phase == "Inconclusive") return {RunVerdict::kInconclusive, run->meta().name, run->message};
  return {RunVerdict::kRunning, run->meta().name, ""};
}

}  // namespace

RunState stepRun(PlanContext& c, int32_t index, const RolloutAnalysis& analysis) {
  return ensureRun(c, analysis, c.st.step_run, kRolloutTypeStep, index,
                   strCat("spec.strategy.canary.steps[", index, "].analysis"));
}

RunState backgroundRun(PlanContext& c, const RolloutAnalysis& analysis) {
  return ensureRun(c, analysis, c.st.background_run, kRolloutTypeBackground, std::nullopt,
                   "spec.strategy.canary.analysis");
}

void terminateRuns(PlanContext& c, bool step, bool background) {
  for (const AnalysisRunObject* run : c.in.runs) {
    if (run->terminal() || run->terminate) continue;
    const std::string type = run->meta().labels.get(kRolloutTypeLabel);
    if ((step && type == kRolloutTypeStep) || (background && type == kRolloutTypeBackground)) {
      c.plan.terminate_runs.push_back(run->meta().name);
    }
  }
}

void planRunHistory(PlanContext& c) {
  std::vector<const AnalysisRunObject*> ok, bad;
  for (const AnalysisRunObject* run : c.in.runs) {
    if (!run->terminal()) continue;
    if ((c.st.step_run && c.st.step_run->name == run->meta().name) ||
        (c.st.background_run && c.st.background_run->name == run->meta().name)) {
      continue;  // still reported in status
    }
    (run->phase == "Successful" ? ok : bad).push_back(run);
  }
  auto prune = [&](std::vector<const AnalysisRunObject*>& runs, int32_t keep) {
    std::sort(runs.begin(), runs.end(), [](const auto* a, const auto* b) {
      return a->meta().creation_timestamp != b->meta().creation_timestamp
                 ? a->meta().creation_timestamp > b->meta().creation_timestamp
                 : a->meta().name > b->meta().name;
    });
    for (size_t i = static_cast<size_t>(std::max(keep, 0)); i < runs.size(); ++i) {
      c.plan.delete_runs.push_back(runs[i]->meta().name);
    }
  };
  prune(ok, c.spec.successful_run_history_limit);
  prune(bad, c.spec.unsuccessful_run_history_limit);
}

}  // namespace serin::rollout
