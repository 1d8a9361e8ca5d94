#include "analysis/controller/provider_set.h"

namespace serin::analysis {

std::string_view providerType(const Metric& metric) {
  // The one provider serin implements; a spec naming another is rejected when parsed.
  return metric.provider.prometheus.has_value() ? "Prometheus" : "";
}

void ProviderSet::add(providers::MetricProvider& provider) {
  providers_[std::string(provider.type())] = &provider;
}

providers::MetricProvider* ProviderSet::find(std::string_view type) const {
  auto it = providers_.find(type);
  return it == providers_.end() ? nullptr : it->second;
}

}  // namespace serin::analysis
