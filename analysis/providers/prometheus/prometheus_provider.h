// The Prometheus metric provider: `provider.prometheus` of an AnalysisTemplate, as Argo
// Rollouts runs it. One instant query per measurement:
//   GET <address>/api/v1/query?query=<query>&timeout=<timeout>s
// whose scalar or instant-vector answer becomes the measurement's `result`.
#ifndef SERIN_ANALYSIS_PROVIDERS_PROMETHEUS_PROMETHEUS_PROVIDER_H_
#define SERIN_ANALYSIS_PROVIDERS_PROMETHEUS_PROMETHEUS_PROVIDER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "analysis/providers/deadline_sender.h"
#include "analysis/providers/metric_provider.h"
#include "analysis/providers/transport_cache.h"

namespace serin::analysis::prometheus {

inline constexpr std::string_view kProviderType = "Prometheus";
// The metadata key holding the query as sent.
inline constexpr std::string_view kResolvedQueryKey = "resolvedQuery";

struct PrometheusProviderOptions {
  // Used when a metric has no address (main passes $SERIN_PROMETHEUS_ADDRESS, as Argo
  // Rollouts reads $ARGO_ROLLOUTS_PROMETHEUS_ADDRESS). Empty: such metrics fail.
  std::string default_address;
  // Makes the transport of each server; null means kube::makeCpprestTransport.
  providers::TransportFactory transport_factory;
  size_t max_transports = 64;        // servers whose connections are kept
  size_t max_running_requests = 64;  // requests in flight at once, timed-out ones included
};

// Thread-safe: measure() may run on many analysis workers at once. Errors (the `value` of
// the result) read, for each kind of failure:
//   no Prometheus address: set provider.prometheus.address
//   provider.prometheus.address "prometheus:9090" must start with http:// or https://
//   provider.prometheus.query is empty
//   provider.prometheus.timeout must be at least 1 second (got 0)
//   provider.prometheus.headers[0] ("Authorization"): the value contains a line break
//   cannot reach Prometheus at http://host:9090: <the transport's reason>
//   Prometheus did not answer within 30s (http://host:9090)
//   too many requests to Prometheus at http://host:9090 are still running: ...
//   and those of parsePrometheusResponse (response.h).
// A header's value never appears in a message or in the metadata: our own messages name a
// header by position and name only, and should a server echo a value back (in an error
// page, say), any value of 4 or more characters, and the credentials after "Bearer "/
// "Basic ", are replaced by "<redacted>" (so is the password of an address's userinfo).
class PrometheusProvider final : public providers::MetricProvider {
 public:
  explicit PrometheusProvider(PrometheusProviderOptions options = {});

  std::string_view type() const override { return kProviderType; }

  // metadata: {"resolvedQuery": <the query sent>} whenever the query is not empty.
  providers::ProviderResult measure(const ResolvedMetric& metric) override;

 private:
  absl::StatusOr<expr::Value> query(const PrometheusMetric& metric);

  const std::string default_address_;
  providers::TransportCache transports_;
  // Last member: destroyed first, it waits for requests still running.
  providers::DeadlineSender sender_;
};

}  // namespace serin::analysis::prometheus

#endif  // SERIN_ANALYSIS_PROVIDERS_PROMETHEUS_PROMETHEUS_PROVIDER_H_
