#include "analysis/model/metric_json.h"

#include <limits>
#include <utility>

#include "analysis/conditions.h"
#include "analysis/model/json_reader.h"
#include "analysis/model/metric_fields.h"
#include "analysis/model/metric_settings.h"
#include "analysis/model/placeholders.h"
#include "analysis/model/spec.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace serin::analysis {
namespace {

constexpr std::string_view kProviderUnsupported = "provider not supported by serin";
constexpr std::string_view kUseHeaders =
    "not supported by serin (send credentials in headers, e.g. an Authorization header whose "
    "value is a secret argument)";

absl::StatusOr<std::optional<IntOrString>> readIntOrString(const ObjectReader& r,
                                                           std::string_view key) {
  const nlohmann::json* v = r.find(key);
  if (v == nullptr) return std::optional<IntOrString>();
  if (v->is_string()) {
    return std::optional<IntOrString>(IntOrString{v->get<std::string>()});
  }
  if (v->is_number_integer() || v->is_number_unsigned()) {
    // Range checks come with the other limit checks (metric_settings.cc); anything beyond
    // int64 is out of every range anyway.
    if (v->is_number_unsigned() &&
        v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return fieldError(r.pathOf(key), "is far out of range");
    }
    return std::optional<IntOrString>(IntOrString{v->get<int64_t>()});
  }
  return fieldError(r.pathOf(key),
                    strCat("must be an integer or a string holding one, not ", jsonTypeName(*v)));
}

// An Argo authentication block serin does not implement is accepted only when empty: Go
// clients write `sigv4: {}` and `oauth2: {}` for unset values.
absl::Status checkEmptyBlock(const ObjectReader& r, std::string_view key) {
  const nlohmann::json* v = r.find(key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_object() || !v->empty()) return fieldError(r.pathOf(key), kUseHeaders);
  return absl::OkStatus();
}

absl::StatusOr<PrometheusMetric> parsePrometheus(const nlohmann::json& json,
                                                 const std::string& path) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(json, path));
  RETURN_IF_ERROR(
      r.checkFields({"address", "query", "timeout", "headers", "insecure", "authentication"},
                    {{"rangeQuery", "not supported by serin (instant queries only)"}}));
  PrometheusMetric p;
  ASSIGN_OR_RETURN(std::optional<std::string> address, r.optionalString("address"));
  p.address = address.value_or("");
  ASSIGN_OR_RETURN(p.query, r.requiredString("query"));
  ASSIGN_OR_RETURN(p.timeoutSeconds, r.optionalInteger("timeout", 1, kMaxPrometheusTimeoutSeconds));
  ASSIGN_OR_RETURN(p.insecure, r.boolean("insecure", false));
  RETURN_IF_ERROR(r.forEach("headers", kMaxHeaders,
                            [&](const nlohmann::json& item, const std::string& at) -> absl::Status {
                              ASSIGN_OR_RETURN(ObjectReader h, ObjectReader::open(item, at));
                              RETURN_IF_ERROR(h.checkFields({"key", "value"}));
                              Header header;
                              ASSIGN_OR_RETURN(header.key, h.requiredString("key"));
                              ASSIGN_OR_RETURN(std::optional<std::string> value,
                                               h.optionalString("value"));
                              header.value = value.value_or("");
                              p.headers.push_back(std::move(header));
                              return absl::OkStatus();
                            }));
  if (const nlohmann::json* auth = r.find("authentication")) {
    ASSIGN_OR_RETURN(ObjectReader a, ObjectReader::open(*auth, r.pathOf("authentication")));
    RETURN_IF_ERROR(a.checkFields({"sigv4", "oauth2", "basicAuth"}));
    for (std::string_view block : {"sigv4", "oauth2", "basicAuth"}) {
      RETURN_IF_ERROR(checkEmptyBlock(a, block));
    }
  }
  return p;
}

absl::StatusOr<MetricProvider> parseProvider(const ObjectReader& metric) {
  const std::string path = metric.pathOf("provider");
  const nlohmann::json* json = metric.find("provider");
  if (json == nullptr) return fieldError(path, "is required (serin supports prometheus)");
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(*json, path));
  RETURN_IF_ERROR(r.checkFields({"prometheus"}, {{"web", kProviderUnsupported},
                                                 {"job", kProviderUnsupported},
                                                 {"datadog", kProviderUnsupported},
                                                 {"newRelic", kProviderUnsupported},
                                                 {"wavefront", kProviderUnsupported},
                                                 {"kayenta", kProviderUnsupported},
                                                 {"cloudWatch", kProviderUnsupported},
                                                 {"graphite", kProviderUnsupported},
                                                 {"influxdb", kProviderUnsupported},
                                                 {"skywalking", kProviderUnsupported},
                                                 {"plugin", kProviderUnsupported}}));
  const nlohmann::json* prometheus = r.find("prometheus");
  if (prometheus == nullptr) {
    return fieldError(path, "a metric needs exactly one provider (serin supports prometheus)");
  }
  MetricProvider provider;
  ASSIGN_OR_RETURN(provider.prometheus, parsePrometheus(*prometheus, r.pathOf("prometheus")));
  return provider;
}

absl::Status checkConditions(const Metric& m, const std::string& path) {
  if (m.successCondition.empty() && m.failureCondition.empty()) {
    return fieldError(path, strCat("metric ", jsonQuote(m.name),
                                   " has neither successCondition nor failureCondition; serin "
                                   "never invents a verdict (InvalidSpec)"));
  }
  for (auto [field, text] :
       {std::pair<std::string_view, const std::string*>{"successCondition", &m.successCondition},
        {"failureCondition", &m.failureCondition}}) {
    if (text->empty() || hasPlaceholder(*text)) continue;  // compiled once substituted
    absl::Status s = CompiledConditions::compile(m.name, field == "successCondition" ? *text : "",
                                                 field == "failureCondition" ? *text : "")
                         .status();
    if (!s.ok()) return fieldError(strCat(path, ".", field), fromAbsl(s.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Metric> parseMetric(const nlohmann::json& json, const std::string& path) {
  if (json.is_null()) return fieldError(path, "must be an object, not null");
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(json, path));
  RETURN_IF_ERROR(r.checkFields({"name", "interval", "initialDelay", "count", "successCondition",
                                 "failureCondition", "failureLimit", "inconclusiveLimit",
                                 "consecutiveErrorLimit", "consecutiveSuccessLimit", "provider"}));
  Metric m;
  ASSIGN_OR_RETURN(m.name, r.requiredString("name"));
  for (auto [key, out] : {std::pair{"interval", &m.interval},
                          {"initialDelay", &m.initialDelay},
                          {"successCondition", &m.successCondition},
                          {"failureCondition", &m.failureCondition}}) {
    ASSIGN_OR_RETURN(std::optional<std::string> v, r.optionalString(key));
    *out = v.value_or("");
  }
  for (auto [key, out] : {std::pair{"count", &m.count},
                          {"failureLimit", &m.failureLimit},
                          {"inconclusiveLimit", &m.inconclusiveLimit},
                          {"consecutiveErrorLimit", &m.consecutiveErrorLimit},
                          {"consecutiveSuccessLimit", &m.consecutiveSuccessLimit}}) {
    ASSIGN_OR_RETURN(*out, readIntOrString(r, key));
  }
  ASSIGN_OR_RETURN(m.provider, parseProvider(r));

  RETURN_IF_ERROR(forEachTextField(m, [&](std::string_view field, const std::string& text) {
    absl::Status s = forEachPlaceholder(text, [](std::string_view) { return absl::OkStatus(); });
    return s.ok() ? s : fieldError(strCat(path, ".", field), fromAbsl(s.message()));
  }));
  RETURN_IF_ERROR(checkMetricSettings(m, path));
  RETURN_IF_ERROR(checkConditions(m, path));
  return m;
}

nlohmann::json toJson(const Metric& m) {
  nlohmann::json j = nlohmann::json::object();
  j["name"] = m.name;
  if (!m.interval.empty()) j["interval"] = m.interval;
  if (!m.initialDelay.empty()) j["initialDelay"] = m.initialDelay;
  if (!m.successCondition.empty()) j["successCondition"] = m.successCondition;
  if (!m.failureCondition.empty()) j["failureCondition"] = m.failureCondition;
  for (auto [key, field] : {std::pair{"count", &m.count},
                            {"failureLimit", &m.failureLimit},
                            {"inconclusiveLimit", &m.inconclusiveLimit},
                            {"consecutiveErrorLimit", &m.consecutiveErrorLimit},
                            {"consecutiveSuccessLimit", &m.consecutiveSuccessLimit}}) {
    if (!field->has_value()) continue;
    if ((*field)->isInt()) {
      j[key] = std::get<int64_t>((*field)->value);
    } else {
      j[key] = std::get<std::string>((*field)->value);
    }
  }
  nlohmann::json provider = nlohmann::json::object();
  if (m.provider.prometheus.has_value()) {
    const PrometheusMetric& p = *m.provider.prometheus;
    nlohmann::json prom = nlohmann::json::object();
    if (!p.address.empty()) prom["address"] = p.address;
    prom["query"] = p.query;
    if (p.timeoutSeconds.has_value()) prom["timeout"] = *p.timeoutSeconds;
    if (p.insecure) prom["insecure"] = true;
    if (!p.headers.empty()) {
      nlohmann::json headers = nlohmann::json::array();
      for (const Header& h : p.headers) headers.push_back({{"key", h.key}, {"value", h.value}});
      prom["headers"] = std::move(headers);
    }
    provider["prometheus"] = std::move(prom);
  }
  j["provider"] = std::move(provider);
  return j;
}

}  // namespace serin::analysis
