// KubeClient: the seam between serin and the Kubernetes API. The real implementation is
// RestClient (HTTP); unit tests use an in-memory fake. Objects travel as JSON; caches keep
// typed projections (see informer.h).
#ifndef SERIN_OPERATOR_KUBE_KUBE_CLIENT_H_
#define SERIN_OPERATOR_KUBE_KUBE_CLIENT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "operator/kube/http_transport.h"
#include "operator/kube/resource.h"

namespace serin::kube {

struct ListOptions {
  std::string ns;  // empty: all namespaces (or the cluster-scoped collection)
  std::string label_selector;
  std::string field_selector;
  int64_t page_size = 500;  // the `limit` of each page; pages are followed via `continue`
};

struct ObjectList {
  std::vector<nlohmann::json> items;
  std::string resource_version;  // of the list: where a watch continues from
};

enum class PatchType { kMerge, kJson, kStrategicMerge };

struct DeleteOptions {
  std::string precondition_uid;               // only delete this incarnation
  std::string propagation_policy = "Background";
};

struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted, kBookmark, kError };
  Type type;
  nlohmann::json object;  // for kError: the server's Status object
};

struct WatchOptions {
  std::string ns;
  std::string label_selector;
  std::string resource_version;  // continue after this version
  absl::Duration server_timeout = absl::Minutes(5);  // the server ends the watch after this
  bool bookmarks = true;
};

// Every method is thread-safe. Errors follow api_status.h (NotFound, Aborted on conflict,
// OutOfRange on 410 Gone, InvalidArgument with the server's field causes, ...); a write
// refused because this process is not (or no longer surely) the leader is
// FailedPrecondition and never reaches the server.
class KubeClient {
 public:
  virtual ~KubeClient() = default;

  virtual absl::StatusOr<nlohmann::json> get(const Resource& resource, std::string_view ns,
                                             std::string_view name) = 0;
  // Calls `on_item` with each object of every page as the page arrives (so a big list never
  // sits in memory whole) and returns the list's resourceVersion.
  virtual absl::StatusOr<std::string> listEach(
      const Resource& resource, const ListOptions& options,
      const std::function<void(nlohmann::json&&)>& on_item) = 0;
  // All pages of a list, collected.
  absl::StatusOr<ObjectList> list(const Resource& resource, const ListOptions& options) {
    ObjectList result;
    auto rv = listEach(resource, options,
                       [&](nlohmann::json&& item) { result.items.push_back(std::move(item)); });
    if (!rv.ok()) return rv.status();
    result.resource_version = std::move(*rv);
    return result;
  }
  virtual absl::StatusOr<nlohmann::json> create(const Resource& resource, std::string_view ns,
                                                const nlohmann::json& object) = 0;
  // PUT of `object` (its metadata.resourceVersion makes it conditional: Aborted when stale).
  virtual absl::StatusOr<nlohmann::json> update(const Resource& resource,
                                                const nlohmann::json& object,
                                                std::string_view subresource = "") = 0;
  virtual absl::StatusOr<nlohmann::json> patch(const Resource& resource, std::string_view ns,
                                               std::string_view name, PatchType type,
                                               const nlohmann::json& patch,
                                               std::string_view subresource = "") = 0;
  // NotFound when already gone.
  virtual absl::Status remove(const Resource& resource, std::string_view ns,
                              std::string_view name, const DeleteOptions& options = {}) = 0;
  // Streams events to `on_event` on the calling thread until the server ends the watch
  // (OK), `on_event` returns false (OK), `cancel` fires (Cancelled) or an error occurs. A
  // watch ERROR event is delivered to `on_event` as kError and also ends the watch with its
  // status (isGone() tells a too-old resource version).
  virtual absl::Status watch(const Resource& resource, const WatchOptions& options,
                             const std::function<bool(WatchEvent&&)>& on_event,
                             CancelToken& cancel) = 0;
};

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_KUBE_CLIENT_H_
