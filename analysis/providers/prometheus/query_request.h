// The HTTP request of one Prometheus instant query:
//   GET <prefix>/api/v1/query?<address query&>query=<urlencoded>&timeout=<n>s
// with the metric's headers as written, and basic auth from the address's userinfo.
#ifndef SERIN_ANALYSIS_PROVIDERS_PROMETHEUS_QUERY_REQUEST_H_
#define SERIN_ANALYSIS_PROVIDERS_PROMETHEUS_QUERY_REQUEST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/model/metric.h"
#include "analysis/providers/prometheus/address.h"
#include "operator/kube/http_transport.h"

namespace serin::analysis::prometheus {

// Percent-encodes everything but RFC 3986 unreserved characters, so a query holding
// newlines, braces, quotes, "=~", '&' or '+' reaches Prometheus byte for byte.
std::string urlEncodeComponent(std::string_view text);

// The request for `query` on `address`, with `timeout_seconds` (> 0) as both the request's
// deadline and Prometheus' own `timeout` parameter. InvalidArgument when a header cannot be
// sent (empty or invalid name, a line break or NUL in the value); the message names the
// header by position and name, never by value:
//   provider.prometheus.headers[1] ("Authorization"): the value contains a line break
absl::StatusOr<kube::HttpRequest> buildQueryRequest(const PrometheusAddress& address,
                                                    std::string_view query, int64_t timeout_seconds,
                                                    const std::vector<Header>& headers);

}  // namespace serin::analysis::prometheus

#endif  // SERIN_ANALYSIS_PROVIDERS_PROMETHEUS_QUERY_REQUEST_H_
