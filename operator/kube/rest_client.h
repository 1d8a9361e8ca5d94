// RestClient: KubeClient over an HttpTransport, with the client-side behaviour every
// controller needs: a token-bucket rate limit, retries of throttled and failed requests
// with backoff (honouring Retry-After), per-request timeouts, the write fence of leader
// election, bearer-token rotation, and request metrics.
#ifndef SERIN_OPERATOR_KUBE_REST_CLIENT_H_
#define SERIN_OPERATOR_KUBE_REST_CLIENT_H_

#include <memory>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "operator/kube/config.h"
#include "operator/kube/http_transport.h"
#include "operator/kube/kube_client.h"
#include "operator/kube/rate_limiter.h"
#include "operator/kube/request_metrics.h"
#include "operator/kube/write_fence.h"

namespace serin::kube {

struct RestClientOptions {
  double qps = 40;  // Argo Rollouts' defaults
  int burst = 80;
  absl::Duration request_timeout = absl::Seconds(30);
  int max_retries = 4;  // after the first attempt
  absl::Duration retry_initial = absl::Milliseconds(200);
  absl::Duration retry_max = absl::Seconds(10);
  std::string user_agent = "serin-controller";
  // Lines a watch may buffer between the network reader and the decoder before the watch
  // is dropped (and resumed by its owner) rather than letting memory grow without bound.
  size_t watch_queue_lines = 4096;
  absl::Duration watch_queue_stall = absl::Seconds(30);
};

// Thread-safe. `transport` is the connection to config.server; `fence` (may be null: no
// fence), `metrics` (may be null) and `clock` must outlive the client.
class RestClient final : public KubeClient {
 public:
  RestClient(std::unique_ptr<HttpTransport> transport, std::unique_ptr<HttpTransport> watch_transport,
             ClusterConfig config, RestClientOptions options, const Clock& clock,
             const WriteFence* fence = nullptr, RequestMetrics* metrics = nullptr);

  absl::StatusOr<nlohmann::json> get(const Resource& resource, std::string_view ns,
                                     std::string_view name) override;
  absl::StatusOr<std::string> listEach(
      const Resource& resource, const ListOptions& options,
      const std::function<void(nlohmann::json&&)>& on_item) override;
  absl::StatusOr<nlohmann::json> create(const Resource& resource, std::string_view ns,
                                        const nlohmann::json& object) override;
  absl::StatusOr<nlohmann::json> update(const Resource& resource, const nlohmann::json& object,
                                        std::string_view subresource = "") override;
  absl::StatusOr<nlohmann::json> patch(const Resource& resource, std::string_view ns,
                                       std::string_view name, PatchType type,
                                       const nlohmann::json& patch,
                                       std::string_view subresource = "") override;
  absl::Status remove(const Resource& resource, std::string_view ns, std::string_view name,
                      const DeleteOptions& options = {}) override;
  absl::Status watch(const Resource& resource, const WatchOptions& options,
                     const std::function<bool(WatchEvent&&)>& on_event,
                     CancelToken& cancel) override;

  // Replaces the fence (leader election installs its own after construction).
  void setFence(const WriteFence* fence);

 private:
  struct Call {
    const Resource* resource;
    std::string ns;
    std::string verb;  // metrics verb: Get, List, Create, ...
    bool mutating;
    std::string what;  // for messages: "update replicasets shop/web"
  };
  // Sends with rate limit, fence check, retries and metrics; returns the final response
  // (any status) or the transport's error.
  absl::StatusOr<HttpResponse> execute(HttpRequest request, const Call& call);
  absl::StatusOr<nlohmann::json> executeJson(HttpRequest request, const Call& call);
  void authorize(HttpRequest& request);

  std::unique_ptr<HttpTransport> transport_;
  std::unique_ptr<HttpTransport> watch_transport_;
  ClusterConfig config_;
  const RestClientOptions options_;
  const Clock& clock_;
  TokenBucket limiter_;
  RequestMetrics* metrics_;

  mutable std::mutex mu_;
  const WriteFence* fence_;   // guarded by mu_
  absl::Time token_read_at_;  // guarded by mu_
};

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_REST_CLIENT_H_
