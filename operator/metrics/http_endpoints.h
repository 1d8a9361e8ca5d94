// The controller's HTTP endpoints: /metrics (Prometheus text format) and /healthz,
// /readyz, served with cpprestsdk's listener on the addresses given by flags.
#ifndef SERIN_OPERATOR_METRICS_HTTP_ENDPOINTS_H_
#define SERIN_OPERATOR_METRICS_HTTP_ENDPOINTS_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace serin::metrics {

struct EndpointHandlers {
  std::function<std::string()> metrics;  // the body of /metrics
  std::function<bool()> healthy;         // /healthz: 200 or 503
  std::function<bool()> ready;           // /readyz: 200 or 503
};

class HttpEndpoints {
 public:
  virtual ~HttpEndpoints() = default;
  // Starts listening. `address` is "host:port" (":port" listens on every interface).
  // `paths` are the endpoints this listener serves ("/metrics", "/healthz", "/readyz").
  // InvalidArgument for a malformed address, Unavailable when the port cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpEndpoints>> start(const std::string& address,
                                                              std::vector<std::string> paths,
                                                              EndpointHandlers handlers);
  virtual void stop() = 0;
};

}  // namespace serin::metrics

#endif  // SERIN_OPERATOR_METRICS_HTTP_ENDPOINTS_H_
