#include "operator/rollout/rollout_spec.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "analysis/model/duration.h"
#include "analysis/model/json_reader.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace serin::rollout {
namespace {

using analysis::fieldError;
using analysis::indexPath;
using analysis::ObjectReader;

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr size_t kMaxSteps = 100;
constexpr size_t kMaxItems = 100;

absl::StatusOr<int32_t> int32Field(const ObjectReader& r, std::string_view key, int32_t fallback,
                                   int64_t min = 0, int64_t max = kInt32Max) {
  ASSIGN_OR_RETURN(std::optional<int64_t> v, r.optionalInteger(key, min, max));
  return v ? static_cast<int32_t>(*v) : fallback;
}

absl::StatusOr<std::optional<int32_t>> optionalInt32(const ObjectReader& r, std::string_view key,
                                                     int64_t min = 0, int64_t max = kInt32Max) {
  ASSIGN_OR_RETURN(std::optional<int64_t> v, r.optionalInteger(key, min, max));
  if (!v) return std::optional<int32_t>();
  return std::optional<int32_t>(static_cast<int32_t>(*v));
}

absl::StatusOr<kube::StringMap> stringMap(const ObjectReader& r, std::string_view key) {
  const nlohmann::json* v = r.find(key);
  if (v == nullptr) return kube::StringMap();
  if (!v->is_object()) return fieldError(r.pathOf(key), "must be an object of strings");
  for (auto it = v->begin(); it != v->end(); ++it) {
    if (!it.value().is_string()) {
      return fieldError(strCat(r.pathOf(key), ".", analysis::displayKey(it.key())),
                        "must be a string");
    }
  }
  return kube::StringMap::fromJson(*v);
}

absl::StatusOr<LabelSelector> parseSelector(const nlohmann::json& value, const std::string& path) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(value, path));
  RETURN_IF_ERROR(r.checkFields({"matchLabels", "matchExpressions"}));
  LabelSelector selector;
  ASSIGN_OR_RETURN(selector.match_labels, stringMap(r, "matchLabels"));
  RETURN_IF_ERROR(r.forEach("matchExpressions", kMaxItems,
                            [&](const nlohmann::json& e, const std::string& p) -> absl::Status {
    ASSIGN_OR_RETURN(ObjectReader er, ObjectReader::open(e, p));
    RETURN_IF_ERROR(er.checkFields({"key", "operator", "values"}));
    LabelSelector::Requirement req;
    ASSIGN_OR_RETURN(req.key, er.requiredString("key"));
    ASSIGN_OR_RETURN(req.op, er.requiredString("operator"));
    if (req.op != "In" && req.op != "NotIn" && req.op != "Exists" && req.op != "DoesNotExist") {
      return fieldError(er.pathOf("operator"),
                        strCat("\"", req.op, "\" is not one of In, NotIn, Exists, DoesNotExist"));
    }
    RETURN_IF_ERROR(er.forEach("values", kMaxItems, [&](const nlohmann::json& v, const std::string& vp) {
      if (!v.is_string()) return fieldError(vp, "must be a string");
      req.values.push_back(v.get<std::string>());
      return absl::OkStatus();
    }));
    const bool needs_values = req.op == "In" || req.op == "NotIn";
    if (needs_values == req.values.empty()) {
      return fieldError(er.pathOf("values"), needs_values ? "must not be empty for In and NotIn"
                                                          : "must be empty for Exists and DoesNotExist");
    }
    selector.match_expressions.push_back(std::move(req));
    return absl::OkStatus();
  }));
  if (selector.empty()) return fieldError(path, "must select something (matchLabels or matchExpressions)");
  return selector;
}

absl::StatusOr<RolloutAnalysis> parseAnalysis(const nlohmann::json& value, const std::string& path,
                                              bool background) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(value, path));
  if (background) {
    RETURN_IF_ERROR(r.checkFields({"templates", "args", "dryRun", "measurementRetention", "startingStep"},
                                  {{"analysisRunMetadata", "is not supported by serin"}}));
  } else {
    RETURN_IF_ERROR(r.checkFields({"templates", "args", "dryRun", "measurementRetention"},
                                  {{"analysisRunMetadata", "is not supported by serin"}}));
  }
  RolloutAnalysis a;
  RETURN_IF_ERROR(r.forEach("templates", kMaxItems, [&](const nlohmann::json& t, const std::string& p)
                                                        -> absl::Status {
    ASSIGN_OR_RETURN(ObjectReader tr, ObjectReader::open(t, p));
    RETURN_IF_ERROR(tr.checkFields({"templateName", "clusterScope"}));
    AnalysisTemplateRef ref;
    ASSIGN_OR_RETURN(ref.template_name, tr.requiredString("templateName"));
    ASSIGN_OR_RETURN(ref.cluster_scope, tr.boolean("clusterScope", false));
    a.templates.push_back(std::move(ref));
    return absl::OkStatus();
  }));
  if (a.templates.empty()) return fieldError(r.pathOf("templates"), "needs at least one template");
  for (auto [key, field] : {std::pair<const char*, nlohmann::json*>{"args", &a.args},
                            {"dryRun", &a.dry_run},
                            {"measurementRetention", &a.measurement_retention}}) {
    if (const nlohmann::json* v = r.find(key)) {
      if (!v->is_array()) return fieldError(r.pathOf(key), "must be a list");
      if (v->size() > kMaxItems) return fieldError(r.pathOf(key), "has too many entries");
      *field = *v;
    }
  }
  // Each argument needs a name; its value forms are checked when the run is built.
  for (size_t i = 0; i < a.args.size(); ++i) {
    const nlohmann::json& arg = a.args[i];
    const std::string p = indexPath(r.pathOf("args"), i);
    if (!arg.is_object()) return fieldError(p, "must be an object");
    auto name = arg.find("name");
    if (name == arg.end() || !name->is_string() || name->get<std::string>().empty()) {
      return fieldError(p + ".name", "is required");
    }
  }
  if (background) {
    ASSIGN_OR_RETURN(a.starting_step, int32Field(r, "startingStep", 0));
  }
  return a;
}

absl::StatusOr<CanaryStep> parseStep(const nlohmann::json& value, const std::string& path) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(value, path));
  RETURN_IF_ERROR(r.checkFields(
      {"setWeight", "pause", "setCanaryScale", "analysis"},
      {{"experiment", "experiment steps are not supported by serin"},
       {"setHeaderRoute", "setHeaderRoute steps are not supported by serin"},
       {"setMirrorRoute", "setMirrorRoute steps are not supported by serin"},
       {"plugin", "plugin steps are not supported by serin"}}));
  int set = 0;
  for (const char* k : {"setWeight", "pause", "setCanaryScale", "analysis"}) set += r.has(k);
  // `pause: {}` is an empty object, present but holding nothing: count it by key.
  if (value.is_object() && value.contains("pause") && value["pause"].is_null()) {
    return fieldError(r.pathOf("pause"), "must be an object ({} waits for promotion)");
  }
  if (set != 1) {
    return fieldError(path, "a step sets exactly one of setWeight, pause, setCanaryScale or analysis");
  }
  if (r.has("setWeight")) {
    ASSIGN_OR_RETURN(std::optional<int64_t> w, r.optionalInteger("setWeight", 0, 100));
    return CanaryStep(SetWeightStep{static_cast<int32_t>(*w)});
  }
  if (r.has("pause")) {
    ASSIGN_OR_RETURN(ObjectReader pr, ObjectReader::open(*r.find("pause"), r.pathOf("pause")));
    RETURN_IF_ERROR(pr.checkFields({"duration"}));
    PauseStep pause;
    if (const nlohmann::json* d = pr.find("duration")) {
      auto parsed = parsePauseDuration(*d);
      if (!parsed.ok()) return fieldError(pr.pathOf("duration"), fromAbsl(parsed.status().message()));
      pause.duration = *parsed;
    }
    return CanaryStep(pause);
  }
  if (r.has("setCanaryScale")) {
    ASSIGN_OR_RETURN(ObjectReader sr, ObjectReader::open(*r.find("setCanaryScale"), r.pathOf("setCanaryScale")));
    RETURN_IF_ERROR(sr.checkFields({"weight", "replicas", "matchTrafficWeight"}));
    SetCanaryScaleStep scale;
    ASSIGN_OR_RETURN(scale.weight, optionalInt32(sr, "weight", 0, 100));
    ASSIGN_OR_RETURN(scale.replicas, optionalInt32(sr, "replicas"));
    ASSIGN_OR_RETURN(scale.match_traffic_weight, sr.boolean("matchTrafficWeight", false));
    const int n = scale.weight.has_value() + scale.replicas.has_value() + scale.match_traffic_weight;
    if (n != 1) {
      return fieldError(sr.path(), "needs exactly one of weight, replicas or matchTrafficWeight: true");
    }
    return CanaryStep(scale);
  }
  ASSIGN_OR_RETURN(RolloutAnalysis a, parseAnalysis(*r.find("analysis"), r.pathOf("analysis"), false));
  return CanaryStep(AnalysisStep{std::move(a)});
}

absl::StatusOr<IstioVirtualService> parseVirtualService(const nlohmann::json& value,
                                                        const std::string& path) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(value, path));
  RETURN_IF_ERROR(r.checkFields({"name", "routes", "tlsRoutes", "tcpRoutes"}));
  IstioVirtualService vs;
  ASSIGN_OR_RETURN(std::string name, r.requiredString("name"));
  const size_t dot = name.find('.');
  vs.name = name.substr(0, dot);
  if (dot != std::string::npos) vs.ns = name.substr(dot + 1);
  if (vs.name.empty() || (dot != std::string::npos && vs.ns.empty())) {
    return fieldError(r.pathOf("name"), strCat("\"", name, "\" is not a name or name.namespace"));
  }
  RETURN_IF_ERROR(r.forEach("routes", kMaxItems, [&](const nlohmann::json& v, const std::string& p) {
    if (!v.is_string() || v.get<std::string>().empty()) return fieldError(p, "must be a route name");
    vs.routes.push_back(v.get<std::string>());
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(r.forEach("tlsRoutes", kMaxItems, [&](const nlohmann::json& v, const std::string& p)
                                                         -> absl::Status {
    ASSIGN_OR_RETURN(ObjectReader tr, ObjectReader::open(v, p));
    RETURN_IF_ERROR(tr.checkFields({"port", "sniHosts"}));
    IstioVirtualService::TlsRoute t;
    ASSIGN_OR_RETURN(std::optional<int64_t> port, tr.optionalInteger("port", 0, 65535));
    t.port = port.value_or(0);
    RETURN_IF_ERROR(tr.forEach("sniHosts", kMaxItems, [&](const nlohmann::json& h, const std::string& hp) {
      if (!h.is_string()) return fieldError(hp, "must be a string");
      t.sni_hosts.push_back(h.get<std::string>());
      return absl::OkStatus();
    }));
    vs.tls_routes.push_back(std::move(t));
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(r.forEach("tcpRoutes", kMaxItems, [&](const nlohmann::json& v, const std::string& p)
                                                         -> absl::Status {
    ASSIGN_OR_RETURN(ObjectReader tr, ObjectReader::open(v, p));
    RETURN_IF_ERROR(tr.checkFields({"port"}));
    ASSIGN_OR_RETURN(std::optional<int64_t> port, tr.optionalInteger("port", 0, 65535));
    vs.tcp_routes.push_back({port.value_or(0)});
    return absl::OkStatus();
  }));
  return vs;
}

absl::StatusOr<IstioRouting> parseTrafficRouting(const nlohmann::json& value, const std::string& path) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(value, path));
  RETURN_IF_ERROR(r.checkFields(
      {"istio"},
      {{"nginx", "traffic router nginx is not supported by serin (only istio)"},
       {"alb", "traffic router alb is not supported by serin (only istio)"},
       {"smi", "traffic router smi is not supported by serin (only istio)"},
       {"ambassador", "traffic router ambassador is not supported by serin (only istio)"},
       {"appMesh", "traffic router appMesh is not supported by serin (only istio)"},
       {"traefik", "traffic router traefik is not supported by serin (only istio)"},
       {"apisix", "traffic router apisix is not supported by serin (only istio)"},
       {"plugins", "traffic router plugins are not supported by serin (only istio)"},
       {"managedRoutes", "managedRoutes (header and mirror routes) is not supported by serin"},
       {"maxTrafficWeight", "maxTrafficWeight is not supported by serin"}}));
  if (!r.has("istio")) return fieldError(r.pathOf("istio"), "is required: istio is the only router serin supports");
  ASSIGN_OR_RETURN(ObjectReader ir, ObjectReader::open(*r.find("istio"), r.pathOf("istio")));
  RETURN_IF_ERROR(ir.checkFields({"virtualService", "virtualServices", "destinationRule"}));
  IstioRouting istio;
  if (ir.has("virtualService") == ir.has("virtualServices")) {
    return fieldError(ir.path(), "needs exactly one of virtualService or virtualServices");
  }
  if (ir.has("virtualService")) {
    ASSIGN_OR_RETURN(auto vs, parseVirtualService(*ir.find("virtualService"), ir.pathOf("virtualService")));
    istio.virtual_services.push_back(std::move(vs));
  } else {
    RETURN_IF_ERROR(ir.forEach("virtualServices", kMaxItems, [&](const nlohmann::json& v, const std::string& p)
                                                                  -> absl::Status {
      ASSIGN_OR_RETURN(auto vs, parseVirtualService(v, p));
      istio.virtual_services.push_back(std::move(vs));
      return absl::OkStatus();
    }));
    if (istio.virtual_services.empty()) return fieldError(ir.pathOf("virtualServices"), "must not be empty");
  }
  if (ir.has("destinationRule")) {
    ASSIGN_OR_RETURN(ObjectReader dr, ObjectReader::open(*ir.find("destinationRule"), ir.pathOf("destinationRule")));
    RETURN_IF_ERROR(dr.checkFields({"name", "canarySubsetName", "stableSubsetName"},
                                   {{"additionalSubsetNames", "is not supported by serin"}}));
    IstioDestinationRule rule;
    ASSIGN_OR_RETURN(rule.name, dr.requiredString("name"));
    ASSIGN_OR_RETURN(rule.canary_subset, dr.requiredString("canarySubsetName"));
    ASSIGN_OR_RETURN(rule.stable_subset, dr.requiredString("stableSubsetName"));
    if (rule.canary_subset == rule.stable_subset) {
      return fieldError(dr.pathOf("stableSubsetName"), "must differ from canarySubsetName");
    }
    istio.destination_rule = std::move(rule);
  }
  return istio;
}

absl::StatusOr<std::string> intOrPercent(const ObjectReader& r, std::string_view key,
                                         std::string fallback) {
  const nlohmann::json* v = r.find(key);
  if (v == nullptr) return fallback;
  if (v->is_number_integer() && v->get<int64_t>() >= 0 && v->get<int64_t>() <= kInt32Max) {
    return std::to_string(v->get<int64_t>());
  }
  if (v->is_string()) {
    const std::string s = v->get<std::string>();
    const std::string digits = !s.empty() && s.back() == '%' ? s.substr(0, s.size() - 1) : s;
    const bool ok = !digits.empty() && digits.size() <= 9 &&
                    std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); });
    if (ok && (s.back() != '%' || std::stoi(digits) <= 100)) return s;
  }
  return fieldError(r.pathOf(key), "must be a non-negative integer or a percentage like \"25%\"");
}

absl::StatusOr<std::optional<PodMetadata>> podMetadata(const ObjectReader& r, std::string_view key) {
  const nlohmann::json* v = r.find(key);
  if (v == nullptr) return std::optional<PodMetadata>();
  ASSIGN_OR_RETURN(ObjectReader mr, ObjectReader::open(*v, r.pathOf(key)));
  RETURN_IF_ERROR(mr.checkFields({"labels", "annotations"}));
  PodMetadata m;
  ASSIGN_OR_RETURN(m.labels, stringMap(mr, "labels"));
  ASSIGN_OR_RETURN(m.annotations, stringMap(mr, "annotations"));
  return std::optional<PodMetadata>(std::move(m));
}

absl::StatusOr<CanaryStrategy> parseCanary(const nlohmann::json& value, const std::string& path) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(value, path));
  RETURN_IF_ERROR(r.checkFields(
      {"canaryService", "stableService", "steps", "trafficRouting", "analysis", "maxSurge",
       "maxUnavailable", "scaleDownDelaySeconds", "abortScaleDownDelaySeconds", "dynamicStableScale",
       "canaryMetadata", "stableMetadata", "scaleDownDelayRevisionLimit"},
      {{"antiAffinity", "antiAffinity is not supported by serin"},
       {"pingPong", "pingPong is not supported by serin (use canaryService and stableService)"},
       {"minPodsPerReplicaSet", "minPodsPerReplicaSet is not supported by serin"},
       {"replicaProgressThreshold", "replicaProgressThreshold is not supported by serin"}}));
  CanaryStrategy c;
  ASSIGN_OR_RETURN(auto canary_svc, r.optionalString("canaryService"));
  ASSIGN_OR_RETURN(auto stable_svc, r.optionalString("stableService"));
  c.canary_service = canary_svc.value_or("");
  c.stable_service = stable_svc.value_or("");
  RETURN_IF_ERROR(r.forEach("steps", kMaxSteps, [&](const nlohmann::json& s, const std::string& p)
                                                    -> absl::Status {
    ASSIGN_OR_RETURN(CanaryStep step, parseStep(s, p));
    c.steps.push_back(std::move(step));
    return absl::OkStatus();
  }));
  if (r.has("trafficRouting")) {
    ASSIGN_OR_RETURN(IstioRouting istio, parseTrafficRouting(*r.find("trafficRouting"), r.pathOf("trafficRouting")));
    c.istio = std::move(istio);
  }
  if (r.has("analysis")) {
    ASSIGN_OR_RETURN(RolloutAnalysis a, parseAnalysis(*r.find("analysis"), r.pathOf("analysis"), true));
    c.background_analysis = std::move(a);
  }
  ASSIGN_OR_RETURN(c.max_surge, intOrPercent(r, "maxSurge", "25%"));
  ASSIGN_OR_RETURN(c.max_unavailable, intOrPercent(r, "maxUnavailable", "25%"));
  ASSIGN_OR_RETURN(c.scale_down_delay_seconds, optionalInt32(r, "scaleDownDelaySeconds"));
  ASSIGN_OR_RETURN(c.abort_scale_down_delay_seconds, optionalInt32(r, "abortScaleDownDelaySeconds"));
  ASSIGN_OR_RETURN(bool dynamic, r.boolean("dynamicStableScale", false));
  if (dynamic) {
    return fieldError(r.pathOf("dynamicStableScale"),
                      "is not supported by serin yet: the stable ReplicaSet stays at full size");
  }
  ASSIGN_OR_RETURN(c.canary_metadata, podMetadata(r, "canaryMetadata"));
  ASSIGN_OR_RETURN(c.stable_metadata, podMetadata(r, "stableMetadata"));
  // Parsed (so a malformed one names its field) but not applied yet: refuse rather than
  // ignore.
  for (const char* field : {"canaryMetadata", "stableMetadata"}) {
    if (r.has(field)) {
      return fieldError(r.pathOf(field), "is not supported by serin yet (pod labels are not changed by role)");
    }
  }
  if (r.has("scaleDownDelayRevisionLimit")) {
    return fieldError(r.pathOf("scaleDownDelayRevisionLimit"), "is not supported by serin yet");
  }

  // Cross-field rules the schema cannot express.
  if (c.istio) {
    const bool subset_split = c.istio->destination_rule.has_value();
    if (!subset_split && (c.canary_service.empty() || c.stable_service.empty())) {
      return fieldError(r.pathOf(c.canary_service.empty() ? "canaryService" : "stableService"),
                        "is required with Istio host-level routing (the route's destinations are "
                        "the canary and stable Services)");
    }
  } else {
    if (c.scale_down_delay_seconds) {
      return fieldError(r.pathOf("scaleDownDelaySeconds"), "is only valid with trafficRouting");
    }
    if (c.abort_scale_down_delay_seconds) {
      return fieldError(r.pathOf("abortScaleDownDelaySeconds"), "is only valid with trafficRouting");
    }
  }
  if (!c.canary_service.empty() && c.canary_service == c.stable_service) {
    return fieldError(r.pathOf("stableService"), "must differ from canaryService");
  }
  if (c.background_analysis && c.background_analysis->starting_step > static_cast<int32_t>(c.steps.size())) {
    return fieldError(r.pathOf("analysis") + ".startingStep",
                      strCat(c.background_analysis->starting_step, " is beyond the ", c.steps.size(),
                             " steps"));
  }
  return c;
}

bool requirementMatches(const LabelSelector::Requirement& req, const kube::StringMap& labels) {
  const std::optional<std::string_view> v = labels.find(req.key);
  if (req.op == "Exists") return v.has_value();
  if (req.op == "DoesNotExist") return !v.has_value();
  const bool in = v && std::find(req.values.begin(), req.values.end(), *v) != req.values.end();
  return req.op == "In" ? in : !in;
}

}  // namespace

bool LabelSelector::matches(const kube::StringMap& labels) const {
  if (!labels.containsAll(match_labels)) return false;
  for (const auto& req : match_expressions) {
    if (!requirementMatches(req, labels)) return false;
  }
  return true;
}

std::string LabelSelector::toString() const {
  std::string out;
  for (const auto& [k, v] : match_labels.entries()) {
    if (!out.empty()) out += ",";
    strAppend(&out, k, "=", v);
  }
  for (const auto& req : match_expressions) {
    if (!out.empty()) out += ",";
    if (req.op == "Exists") {
      out += req.key;
    } else if (req.op == "DoesNotExist") {
      strAppend(&out, "!", req.key);
    } else {
      strAppend(&out, req.key, req.op == "In" ? " in (" : " notin (");
      for (size_t i = 0; i < req.values.size(); ++i) strAppend(&out, i ? "," : "", req.values[i]);
      out += ")";
    }
  }
  return out;
}

absl::Duration RolloutSpec::scaleDownDelay() const {
  if (!canary.istio) return absl::ZeroDuration();
  return absl::Seconds(canary.scale_down_delay_seconds.value_or(30));
}

absl::Duration RolloutSpec::abortScaleDownDelay() const {
  if (!canary.istio) return absl::ZeroDuration();
  return absl::Seconds(canary.abort_scale_down_delay_seconds.value_or(30));
}

bool RolloutSpec::abortScaleDownNever() const {
  return canary.istio && canary.abort_scale_down_delay_seconds == 0;
}

absl::StatusOr<absl::Duration> parsePauseDuration(const nlohmann::json& value) {
  if (value.is_number_integer()) {
    const int64_t s = value.get<int64_t>();
    if (s < 0 || s > 100LL * 365 * 24 * 3600) return absl::InvalidArgumentError(strCat(s, " seconds is out of range"));
    return absl::Seconds(s);
  }
  if (value.is_string()) {
    const std::string s = value.get<std::string>();
    if (!s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); })) {
      if (s.size() > 10) return absl::InvalidArgumentError(strCat("\"", s, "\" is out of range"));
      return absl::Seconds(std::stoll(s));
    }
    return analysis::parseDuration(s);
  }
  return absl::InvalidArgumentError("must be whole seconds or a duration like \"30s\"");
}

int32_t setWeightAt(const std::vector<CanaryStep>& steps, int32_t index) {
  int32_t weight = 0;
  for (int32_t i = 0; i <= index && i < static_cast<int32_t>(steps.size()); ++i) {
    if (const auto* w = std::get_if<SetWeightStep>(&steps[i])) weight = w->weight;
  }
  return weight;
}

absl::StatusOr<RolloutSpec> parseRolloutSpec(const nlohmann::json& spec) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(spec, "spec"));
  RETURN_IF_ERROR(r.checkFields(
      {"replicas", "selector", "template", "minReadySeconds", "revisionHistoryLimit", "paused",
       "progressDeadlineSeconds", "progressDeadlineAbort", "restartAt", "rollbackWindow", "analysis",
       "strategy"},
      {{"workloadRef", "workloadRef is not supported by serin: put the pod template in spec.template"}}));
  RolloutSpec out;
  ASSIGN_OR_RETURN(out.replicas, int32Field(r, "replicas", 1));
  if (!r.has("selector")) return fieldError(r.pathOf("selector"), "is required");
  ASSIGN_OR_RETURN(out.selector, parseSelector(*r.find("selector"), r.pathOf("selector")));
  const nlohmann::json* tmpl = r.find("template");
  if (tmpl == nullptr || !tmpl->is_object()) return fieldError(r.pathOf("template"), "is required");
  ASSIGN_OR_RETURN(ObjectReader tr, ObjectReader::open(*tmpl, r.pathOf("template")));
  static const nlohmann::json kNull;
  const nlohmann::json* template_meta = tr.find("metadata");
  ASSIGN_OR_RETURN(ObjectReader tm, ObjectReader::open(template_meta ? *template_meta : kNull,
                                                       tr.pathOf("metadata")));
  ASSIGN_OR_RETURN(kube::StringMap template_labels, stringMap(tm, "labels"));
  if (!out.selector.matches(template_labels)) {
    return fieldError(r.pathOf("selector"), "does not match the labels of spec.template.metadata.labels");
  }
  const nlohmann::json* pod = tr.find("spec");
  if (pod == nullptr || !pod->is_object()) return fieldError(tr.pathOf("spec"), "is required");
  const auto containers = pod->find("containers");
  if (containers == pod->end() || !containers->is_array() || containers->empty()) {
    return fieldError(tr.pathOf("spec") + ".containers", "needs at least one container");
  }
  out.template_ = *tmpl;
  ASSIGN_OR_RETURN(out.min_ready_seconds, int32Field(r, "minReadySeconds", 0));
  ASSIGN_OR_RETURN(out.revision_history_limit, int32Field(r, "revisionHistoryLimit", 10));
  ASSIGN_OR_RETURN(out.paused, r.boolean("paused", false));
  ASSIGN_OR_RETURN(out.progress_deadline_seconds, int32Field(r, "progressDeadlineSeconds", 600, 1));
  ASSIGN_OR_RETURN(out.progress_deadline_abort, r.boolean("progressDeadlineAbort", false));
  if (out.progress_deadline_seconds <= out.min_ready_seconds) {
    return fieldError(r.pathOf("progressDeadlineSeconds"), "must be greater than minReadySeconds");
  }
  ASSIGN_OR_RETURN(std::optional<std::string> restart, r.optionalString("restartAt"));
  if (restart) {
    auto t = kube::parseTime(*restart);
    if (!t) return fieldError(r.pathOf("restartAt"), strCat("\"", *restart, "\" is not an RFC 3339 time"));
    out.restart_at = *t;
  }
  if (const nlohmann::json* w = r.find("rollbackWindow")) {
    ASSIGN_OR_RETURN(ObjectReader wr, ObjectReader::open(*w, r.pathOf("rollbackWindow")));
    RETURN_IF_ERROR(wr.checkFields({"revisions"}));
    ASSIGN_OR_RETURN(out.rollback_window_revisions, optionalInt32(wr, "revisions"));
  }
  if (const nlohmann::json* a = r.find("analysis")) {
    ASSIGN_OR_RETURN(ObjectReader ar, ObjectReader::open(*a, r.pathOf("analysis")));
    RETURN_IF_ERROR(ar.checkFields({"successfulRunHistoryLimit", "unsuccessfulRunHistoryLimit"}));
    ASSIGN_OR_RETURN(out.successful_run_history_limit, int32Field(ar, "successfulRunHistoryLimit", 5));
    ASSIGN_OR_RETURN(out.unsuccessful_run_history_limit, int32Field(ar, "unsuccessfulRunHistoryLimit", 5));
  }
  const nlohmann::json* strategy = r.find("strategy");
  if (strategy == nullptr) return fieldError(r.pathOf("strategy"), "is required (canary)");
  ASSIGN_OR_RETURN(ObjectReader sr, ObjectReader::open(*strategy, r.pathOf("strategy")));
  RETURN_IF_ERROR(sr.checkFields({"canary", "blueGreen"}));
  if (sr.has("canary") == sr.has("blueGreen")) {
    return fieldError(sr.path(), "needs exactly one of canary or blueGreen");
  }
  if (sr.has("blueGreen")) {
    return fieldError(sr.pathOf("blueGreen"), "blue-green is not implemented by this serin version yet");
  }
  ASSIGN_OR_RETURN(out.canary, parseCanary(*sr.find("canary"), sr.pathOf("canary")));
  return out;
}

}  // namespace serin::rollout
