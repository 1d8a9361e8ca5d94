#include "analysis/model/spec_json.h"

#include <map>
#include <utility>

#include "analysis/model/json_reader.h"
#include "analysis/model/metric_json.h"
#include "analysis/model/metric_rule.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace serin::analysis {
namespace {

// The lists every spec kind shares.
struct CommonSpec {
  std::vector<Metric> metrics;
  std::vector<Argument> args;
  std::vector<DryRun> dryRun;
  std::vector<MeasurementRetention> measurementRetention;
};

absl::StatusOr<CommonSpec> parseCommon(const ObjectReader& r) {
  CommonSpec spec;
  std::map<std::string, std::string, std::less<>> seen;  // name -> path
  RETURN_IF_ERROR(r.forEach(
      "metrics", kMaxMetrics, [&](const nlohmann::json& j, const std::string& at) -> absl::Status {
        ASSIGN_OR_RETURN(Metric m, parseMetric(j, at));
        auto [it, added] = seen.emplace(m.name, at);
        if (!added) {
          return fieldError(strCat(at, ".name"), strCat("duplicate metric name ", jsonQuote(m.name),
                                                        " (also ", it->second, ")"));
        }
        spec.metrics.push_back(std::move(m));
        return absl::OkStatus();
      }));
  if (spec.metrics.empty())
    return fieldError(r.pathOf("metrics"), "at least one metric is required");

  seen.clear();
  RETURN_IF_ERROR(r.forEach(
      "args", kMaxArgs, [&](const nlohmann::json& j, const std::string& at) -> absl::Status {
        ASSIGN_OR_RETURN(Argument a, parseArgument(j, at));
        auto [it, added] = seen.emplace(a.name, at);
        if (!added) {
          return fieldError(strCat(at, ".name"), strCat("duplicate argument ", jsonQuote(a.name),
                                                        " (also ", it->second, ")"));
        }
        spec.args.push_back(std::move(a));
        return absl::OkStatus();
      }));

  seen.clear();
  RETURN_IF_ERROR(r.forEach("dryRun", kMaxRules,
                            [&](const nlohmann::json& j, const std::string& at) -> absl::Status {
                              ASSIGN_OR_RETURN(DryRun d, parseDryRun(j, at));
                              if (!seen.emplace(d.metricName, at).second) {
                                return fieldError(strCat(at, ".metricName"), "duplicate rule");
                              }
                              spec.dryRun.push_back(std::move(d));
                              return absl::OkStatus();
                            }));
  seen.clear();
  RETURN_IF_ERROR(r.forEach("measurementRetention", kMaxRules,
                            [&](const nlohmann::json& j, const std::string& at) -> absl::Status {
                              ASSIGN_OR_RETURN(MeasurementRetention m,
                                               parseMeasurementRetention(j, at));
                              if (!seen.emplace(m.metricName, at).second) {
                                return fieldError(strCat(at, ".metricName"), "duplicate rule");
                              }
                              spec.measurementRetention.push_back(std::move(m));
                              return absl::OkStatus();
                            }));
  return spec;
}

// A run holds every metric its rules can refer to, so a rule matching none is a mistake.
absl::Status checkRulesMatch(const CommonSpec& spec, std::string_view path) {
  auto check = [&](std::string_view list, size_t i, std::string_view pattern) -> absl::Status {
    for (const Metric& m : spec.metrics) {
      ASSIGN_OR_RETURN(bool hit, metricRuleMatches(pattern, m.name));
      if (hit) return absl::OkStatus();
    }
    return fieldError(strCat(path, ".", list, "[", i, "].metricName"),
                      strCat(jsonQuote(pattern), " matches no metric of the run"));
  };
  for (size_t i = 0; i < spec.dryRun.size(); ++i) {
    RETURN_IF_ERROR(check("dryRun", i, spec.dryRun[i].metricName));
  }
  for (size_t i = 0; i < spec.measurementRetention.size(); ++i) {
    RETURN_IF_ERROR(check("measurementRetention", i, spec.measurementRetention[i].metricName));
  }
  return absl::OkStatus();
}

void commonToJson(nlohmann::json& j, const std::vector<Metric>& metrics,
                  const std::vector<Argument>& args, const std::vector<DryRun>& dryRun,
                  const std::vector<MeasurementRetention>& retention) {
  nlohmann::json list = nlohmann::json::array();
  for (const Metric& m : metrics) list.push_back(toJson(m));
  j["metrics"] = std::move(list);
  if (!args.empty()) {
    list = nlohmann::json::array();
    for (const Argument& a : args) list.push_back(toJson(a));
    j["args"] = std::move(list);
  }
  if (!dryRun.empty()) {
    list = nlohmann::json::array();
    for (const DryRun& d : dryRun) list.push_back({{"metricName", d.metricName}});
    j["dryRun"] = std::move(list);
  }
  if (!retention.empty()) {
    list = nlohmann::json::array();
    for (const MeasurementRetention& m : retention) {
      list.push_back({{"metricName", m.metricName}, {"limit", m.limit}});
    }
    j["measurementRetention"] = std::move(list);
  }
}

// nlohmann_json throws on misuse; nothing above should, but no exception may escape.
template <typename Fn>
auto guarded(Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return absl::InternalError(strCat("reading the spec failed: ", e.what()));
  }
}

}  // namespace

absl::StatusOr<Argument> parseArgument(const nlohmann::json& json, const std::string& path) {
  if (json.is_null()) return fieldError(path, "must be an object, not null");
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(json, path));
  RETURN_IF_ERROR(r.checkFields({"name", "value", "valueFrom"}));
  Argument a;
  ASSIGN_OR_RETURN(a.name, r.requiredString("name"));
  ASSIGN_OR_RETURN(a.value, r.optionalString("value"));
  if (const nlohmann::json* from = r.find("valueFrom")) {
    if (a.value.has_value()) return fieldError(path, "set value or valueFrom, not both");
    ASSIGN_OR_RETURN(ObjectReader f, ObjectReader::open(*from, r.pathOf("valueFrom")));
    RETURN_IF_ERROR(f.checkFields(
        {"secretKeyRef", "fieldRef"},
        {{"podTemplateHashValue", "belongs in the Rollout's analysis args, not in a template"}}));
    ArgumentValueFrom vf;
    if (const nlohmann::json* s = f.find("secretKeyRef")) {
      ASSIGN_OR_RETURN(ObjectReader sr, ObjectReader::open(*s, f.pathOf("secretKeyRef")));
      RETURN_IF_ERROR(sr.checkFields({"name", "key"}));
      SecretKeyRef ref;
      ASSIGN_OR_RETURN(ref.name, sr.requiredString("name"));
      ASSIGN_OR_RETURN(ref.key, sr.requiredString("key"));
      vf.secretKeyRef = std::move(ref);
    }
    if (const nlohmann::json* fr = f.find("fieldRef")) {
      ASSIGN_OR_RETURN(ObjectReader fre, ObjectReader::open(*fr, f.pathOf("fieldRef")));
      RETURN_IF_ERROR(fre.checkFields({"fieldPath"}));
      FieldRef ref;
      ASSIGN_OR_RETURN(ref.fieldPath, fre.requiredString("fieldPath"));
      vf.fieldRef = std::move(ref);
    }
    if (vf.secretKeyRef.has_value() == vf.fieldRef.has_value()) {
      return fieldError(f.path(), "needs exactly one of secretKeyRef or fieldRef");
    }
    a.valueFrom = std::move(vf);
  }
  return a;
}

absl::StatusOr<DryRun> parseDryRun(const nlohmann::json& json, const std::string& path) {
  if (json.is_null()) return fieldError(path, "must be an object, not null");
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(json, path));
  RETURN_IF_ERROR(r.checkFields({"metricName"}));
  DryRun d;
  ASSIGN_OR_RETURN(d.metricName, r.requiredString("metricName"));
  absl::Status s = checkMetricRule(d.metricName);
  if (!s.ok()) return fieldError(r.pathOf("metricName"), fromAbsl(s.message()));
  return d;
}

absl::StatusOr<MeasurementRetention> parseMeasurementRetention(const nlohmann::json& json,
                                                               const std::string& path) {
  if (json.is_null()) return fieldError(path, "must be an object, not null");
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(json, path));
  RETURN_IF_ERROR(r.checkFields({"metricName", "limit"}));
  MeasurementRetention m;
  ASSIGN_OR_RETURN(m.metricName, r.requiredString("metricName"));
  absl::Status s = checkMetricRule(m.metricName);
  if (!s.ok()) return fieldError(r.pathOf("metricName"), fromAbsl(s.message()));
  ASSIGN_OR_RETURN(std::optional<int64_t> limit, r.optionalInteger("limit", 0, 1000));
  if (!limit.has_value()) return fieldError(r.pathOf("limit"), "is required");
  m.limit = *limit;
  return m;
}

nlohmann::json toJson(const Argument& a) {
  nlohmann::json j = {{"name", a.name}};
  if (a.value.has_value()) j["value"] = *a.value;
  if (a.valueFrom.has_value()) {
    nlohmann::json from = nlohmann::json::object();
    if (a.valueFrom->secretKeyRef.has_value()) {
      from["secretKeyRef"] = {{"name", a.valueFrom->secretKeyRef->name},
                              {"key", a.valueFrom->secretKeyRef->key}};
    }
    if (a.valueFrom->fieldRef.has_value()) {
      from["fieldRef"] = {{"fieldPath", a.valueFrom->fieldRef->fieldPath}};
    }
    j["valueFrom"] = std::move(from);
  }
  return j;
}

absl::StatusOr<AnalysisTemplateSpec> parseAnalysisTemplateSpec(const nlohmann::json& json) {
  return guarded([&]() -> absl::StatusOr<AnalysisTemplateSpec> {
    if (json.is_null()) return fieldError("spec", "is required");
    ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(json, "spec"));
    RETURN_IF_ERROR(r.checkFields(
        {"metrics", "args", "dryRun", "measurementRetention"},
        {{"templates", "templates (nested analysis templates) is not supported by serin"}}));
    ASSIGN_OR_RETURN(CommonSpec c, parseCommon(r));
    return AnalysisTemplateSpec{std::move(c.metrics), std::move(c.args), std::move(c.dryRun),
                                std::move(c.measurementRetention)};
  });
}

absl::StatusOr<AnalysisRunSpec> parseAnalysisRunSpec(const nlohmann::json& json) {
  return guarded([&]() -> absl::StatusOr<AnalysisRunSpec> {
    if (json.is_null()) return fieldError("spec", "is required");
    ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(json, "spec"));
    RETURN_IF_ERROR(r.checkFields(
        {"metrics", "args", "dryRun", "measurementRetention", "terminate"},
        {{"ttlStrategy",
          "ttlStrategy is not supported by serin (the Rollout's run history limits prune runs)"}}));
    ASSIGN_OR_RETURN(CommonSpec c, parseCommon(r));
    RETURN_IF_ERROR(checkRulesMatch(c, "spec"));
    AnalysisRunSpec spec{std::move(c.metrics), std::move(c.args), std::move(c.dryRun),
                         std::move(c.measurementRetention)};
    ASSIGN_OR_RETURN(spec.terminate, r.boolean("terminate", false));
    return spec;
  });
}

nlohmann::json toJson(const AnalysisTemplateSpec& spec) {
  nlohmann::json j = nlohmann::json::object();
  commonToJson(j, spec.metrics, spec.args, spec.dryRun, spec.measurementRetention);
  return j;
}

nlohmann::json toJson(const AnalysisRunSpec& spec) {
  nlohmann::json j = nlohmann::json::object();
  commonToJson(j, spec.metrics, spec.args, spec.dryRun, spec.measurementRetention);
  if (spec.terminate) j["terminate"] = true;
  return j;
}

}  // namespace serin::analysis
