#include "analysis/model/metric_fields.h"

#include "common/strings.h"

namespace serin::analysis {

absl::Status forEachTextField(
    Metric& m, const std::function<absl::Status(std::string_view, std::string&)>& fn) {
  for (auto [field, text] : {std::pair{"interval", &m.interval},
                             {"initialDelay", &m.initialDelay},
                             {"successCondition", &m.successCondition},
                             {"failureCondition", &m.failureCondition}}) {
    absl::Status s = fn(field, *text);
    if (!s.ok()) return s;
  }
  for (auto [field, value] : {std::pair{"count", &m.count},
                              {"failureLimit", &m.failureLimit},
                              {"inconclusiveLimit", &m.inconclusiveLimit},
                              {"consecutiveErrorLimit", &m.consecutiveErrorLimit},
                              {"consecutiveSuccessLimit", &m.consecutiveSuccessLimit}}) {
    if (!value->has_value() || (*value)->isInt()) continue;
    absl::Status s = fn(field, std::get<std::string>((*value)->value));
    if (!s.ok()) return s;
  }
  if (m.provider.prometheus.has_value()) {
    PrometheusMetric& p = *m.provider.prometheus;
    for (auto [field, text] : {std::pair{"provider.prometheus.address", &p.address},
                               {"provider.prometheus.query", &p.query}}) {
      absl::Status s = fn(field, *text);
      if (!s.ok()) return s;
    }
    for (size_t i = 0; i < p.headers.size(); ++i) {
      absl::Status s = fn(strCat("provider.prometheus.headers[", i, "].key"), p.headers[i].key);
      if (!s.ok()) return s;
      s = fn(strCat("provider.prometheus.headers[", i, "].value"), p.headers[i].value);
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status forEachTextField(
    const Metric& metric,
    const std::function<absl::Status(std::string_view, const std::string&)>& fn) {
  // The fields are only read; the writable walk is shared so both see the same list.
  return forEachTextField(
      const_cast<Metric&>(metric),
      [&](std::string_view field, std::string& text) { return fn(field, text); });
}

}  // namespace serin::analysis
