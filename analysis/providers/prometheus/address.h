// `provider.prometheus.address` taken apart: which server to connect to (the transport's
// base URL), which path prefix to put before /api/v1/query, and what to show in messages.
//
// Accepted as Argo Rollouts users write it: "http://prometheus.monitoring:9090",
// "https://host/prometheus/" (a path prefix, trailing slash allowed),
// "http://user:pass@host:9090" (basic auth, as Go's HTTP client reads it) and
// "http://host:9090/?dedup=true" (query parameters kept and sent with every query).
#ifndef SERIN_ANALYSIS_PROVIDERS_PROMETHEUS_ADDRESS_H_
#define SERIN_ANALYSIS_PROVIDERS_PROMETHEUS_ADDRESS_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace serin::analysis::prometheus {

struct PrometheusAddress {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower case; an IPv6 literal keeps its brackets
  int port = 0;        // as written, else 80 or 443
  bool port_written = false;
  std::string path_prefix;  // "" or e.g. "/prometheus": no trailing slash, no "//"
  std::string query;        // the address's own query parameters, without '?'; "" if none

  // Credentials from the address's userinfo, percent-decoded (absent when none).
  struct Credentials {
    std::string username;
    std::string password;
  };
  std::optional<Credentials> credentials;

  // What the transport is bound to: "http://host:9090".
  std::string baseUrl() const;
  // The address for messages, never with credentials: "http://host:9090/prometheus".
  std::string display() const;
};

// InvalidArgument naming the problem, e.g.
//   provider.prometheus.address "prometheus:9090" must start with http:// or https://
// The address is quoted with any credentials replaced by "***".
absl::StatusOr<PrometheusAddress> parsePrometheusAddress(std::string_view address);

// `address` with the userinfo of its authority (if any) replaced by "***", for messages
// about an address that could not be parsed.
std::string redactAddress(std::string_view address);

}  // namespace serin::analysis::prometheus

#endif  // SERIN_ANALYSIS_PROVIDERS_PROMETHEUS_ADDRESS_H_
