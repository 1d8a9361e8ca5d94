#include "analysis/run_spec_builder.h"

#include <map>
#include <set>

#include "analysis/field_path.h"
#include "analysis/model/json_reader.h"
#include "analysis/model/metric_fields.h"
#include "analysis/model/metric_rule.h"
#include "analysis/model/placeholders.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace serin::analysis {
namespace {

absl::Status mergeTemplateArg(std::vector<Argument>& merged, const Argument& arg,
                              std::string_view templateName) {
  for (Argument& prev : merged) {
    if (prev.name != arg.name) continue;
    if (prev.value.has_value() && arg.value.has_value() && *prev.value != *arg.value) {
      return absl::InvalidArgumentError(strCat(
          "argument ", jsonQuote(arg.name), " has two different values: ", jsonQuote(*prev.value),
          " and ", jsonQuote(*arg.value), " (template ", jsonQuote(templateName), ")"));
    }
    // A value once given is not lost to a later template that only declares the argument.
    if (!prev.value.has_value() && !prev.valueFrom.has_value()) prev = arg;
    return absl::OkStatus();
  }
  merged.push_back(arg);
  return absl::OkStatus();
}

template <typename Rule>
absl::Status appendRules(std::vector<Rule>& out, const std::vector<Rule>& rules,
                         std::string_view list) {
  for (const Rule& r : rules) {
    for (const Rule& prev : out) {
      if (prev.metricName == r.metricName) {
        return absl::InvalidArgumentError(
            strCat(list, ": two rules for metric ", jsonQuote(r.metricName)));
      }
    }
    out.push_back(r);
  }
  return absl::OkStatus();
}

template <typename Rule>
absl::Status checkRulesMatch(const std::vector<Rule>& rules, const std::vector<Metric>& metrics,
                             std::string_view list) {
  for (const Rule& r : rules) {
    bool hit = false;
    for (const Metric& m : metrics) {
      ASSIGN_OR_RETURN(bool match, metricRuleMatches(r.metricName, m.name));
      hit = hit || match;
    }
    if (!hit) {
      return absl::InvalidArgumentError(
          strCat(list, ": ", jsonQuote(r.metricName), " matches no metric of the run"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RolloutArgument> parseRolloutArgument(const nlohmann::json& json,
                                                     const std::string& path) {
  if (json.is_null()) return fieldError(path, "must be an object, not null");
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(json, path));
  RETURN_IF_ERROR(r.checkFields({"name", "value", "valueFrom"}));
  RolloutArgument a;
  ASSIGN_OR_RETURN(a.name, r.requiredString("name"));
  ASSIGN_OR_RETURN(std::optional<std::string> value, r.optionalString("value"));
  a.value = value.value_or("");
  if (const nlohmann::json* from = r.find("valueFrom")) {
    if (value.has_value()) return fieldError(path, "set value or valueFrom, not both");
    ASSIGN_OR_RETURN(ObjectReader f, ObjectReader::open(*from, r.pathOf("valueFrom")));
    RETURN_IF_ERROR(f.checkFields({"podTemplateHashValue", "fieldRef"}));
    ASSIGN_OR_RETURN(a.podTemplateHashValue, f.optionalString("podTemplateHashValue"));
    if (a.podTemplateHashValue.has_value() && *a.podTemplateHashValue != "Stable" &&
        *a.podTemplateHashValue != "Latest") {
      return fieldError(f.pathOf("podTemplateHashValue"), "must be Stable or Latest");
    }
    if (const nlohmann::json* fr = f.find("fieldRef")) {
      ASSIGN_OR_RETURN(ObjectReader fre, ObjectReader::open(*fr, f.pathOf("fieldRef")));
      RETURN_IF_ERROR(fre.checkFields({"fieldPath"}));
      ASSIGN_OR_RETURN(a.fieldPath, fre.requiredString("fieldPath"));
    }
    if (a.podTemplateHashValue.has_value() == a.fieldPath.has_value()) {
      return fieldError(f.path(), "needs exactly one of podTemplateHashValue or fieldRef");
    }
  }
  return a;
}

absl::StatusOr<std::vector<Argument>> resolveRolloutArguments(
    const std::vector<RolloutArgument>& args, const RolloutContext& context) {
  std::vector<Argument> out;
  for (const RolloutArgument& a : args) {
    std::string value = a.value;
    if (a.fieldPath.has_value()) {
      absl::StatusOr<std::string> v = readFieldPath(context.rollout, *a.fieldPath);
      if (!v.ok()) {
        return absl::InvalidArgumentError(
            strCat("argument ", jsonQuote(a.name), ": ", v.status().message()));
      }
      value = *std::move(v);
    } else if (a.podTemplateHashValue.has_value()) {
      const bool stable = *a.podTemplateHashValue == "Stable";
      value = stable ? context.stablePodHash : context.latestPodHash;
      if (value.empty()) {
        return absl::InvalidArgumentError(strCat("argument ", jsonQuote(a.name), ": the ",
                                                 stable ? "stable" : "latest",
                                                 " pod-template hash is not known yet"));
      }
    }
    out.push_back(Argument{a.name, std::move(value), std::nullopt});
  }
  return out;
}

absl::StatusOr<AnalysisRunSpec> buildRunSpec(const std::vector<NamedTemplate>& templates,
                                             const std::vector<Argument>& callerArgs,
                                             const std::vector<DryRun>& dryRun,
                                             const std::vector<MeasurementRetention>& retention,
                                             const nlohmann::json& rollout) {
  AnalysisRunSpec spec;
  std::map<std::string, std::string, std::less<>> owner;  // metric -> template
  for (const NamedTemplate& t : templates) {
    for (const Metric& m : t.spec.metrics) {
      auto [it, added] = owner.emplace(m.name, t.name);
      if (!added) {
        return absl::InvalidArgumentError(
            strCat("metric ", jsonQuote(m.name), " is defined by both template ",
                   jsonQuote(it->second), " and template ", jsonQuote(t.name)));
      }
      spec.metrics.push_back(m);
    }
    for (const Argument& a : t.spec.args) RETURN_IF_ERROR(mergeTemplateArg(spec.args, a, t.name));
    RETURN_IF_ERROR(appendRules(spec.dryRun, t.spec.dryRun, "dryRun"));
    RETURN_IF_ERROR(appendRules(spec.measurementRetention, t.spec.measurementRetention,
                                "measurementRetention"));
  }
  if (spec.metrics.empty()) return absl::InvalidArgumentError("the templates define no metric");
  RETURN_IF_ERROR(appendRules(spec.dryRun, dryRun, "dryRun"));
  RETURN_IF_ERROR(appendRules(spec.measurementRetention, retention, "measurementRetention"));

  for (const Argument& caller : callerArgs) {
    for (Argument& a : spec.args) {
      if (a.name != caller.name) continue;
      if (caller.value.has_value()) {
        a.value = caller.value;
        a.valueFrom.reset();
      } else if (caller.valueFrom.has_value()) {
        a.valueFrom = caller.valueFrom;
        a.value.reset();
      }
    }
  }
  std::set<std::string, std::less<>> declared;
  for (Argument& a : spec.args) {
    declared.insert(a.name);
    if (a.valueFrom.has_value() && a.valueFrom->fieldRef.has_value()) {
      absl::StatusOr<std::string> v = readFieldPath(rollout, a.valueFrom->fieldRef->fieldPath);
      if (!v.ok()) {
        return absl::InvalidArgumentError(
            strCat("argument ", jsonQuote(a.name), ": ", v.status().message()));
      }
      a.value = *std::move(v);
      a.valueFrom.reset();
    }
    if (!a.value.has_value() && !a.valueFrom.has_value()) {
      return absl::InvalidArgumentError(strCat(
          "argument ", jsonQuote(a.name),
          " has no value: the template declares it without a default and the Rollout does not "
          "pass it"));
    }
  }
  for (const Metric& m : spec.metrics) {
    RETURN_IF_ERROR(forEachTextField(m, [&](std::string_view field, const std::string& text) {
      return forEachPlaceholder(text, [&](std::string_view name) -> absl::Status {
        if (declared.count(name) > 0) return absl::OkStatus();
        return absl::InvalidArgumentError(
            strCat("metric ", jsonQuote(m.name), " ", field, ": unknown argument ",
                   jsonQuote(name.substr(0, 64)), " (template ", jsonQuote(owner[m.name]),
                   " declares no such argument)"));
      });
    }));
  }
  RETURN_IF_ERROR(checkRulesMatch(spec.dryRun, spec.metrics, "dryRun"));
  RETURN_IF_ERROR(checkRulesMatch(spec.measurementRetention, spec.metrics, "measurementRetention"));
  return spec;
}

}  // namespace serin::analysis
