// An in-memory API server behind the KubeClient seam, for unit tests of everything above
// the client: objects with resource versions and UIDs, optimistic concurrency, merge and
// JSON patches, label selectors, watches from a resource version (with 410 once history is
// compacted), injected failures, and a log of every write.
#ifndef SERIN_TESTS_FAKES_FAKE_KUBE_CLIENT_H_
#define SERIN_TESTS_FAKES_FAKE_KUBE_CLIENT_H_

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "operator/kube/kube_client.h"
#include "operator/kube/write_fence.h"

namespace serin::testing {

class FakeKubeClient final : public kube::KubeClient {
 public:
  struct Action {
    std::string verb;  // create, update, patch, delete
    std::string resource;
    std::string ns;
    std::string name;
    std::string subresource;
  };

  absl::StatusOr<nlohmann::json> get(const kube::Resource& resource, std::string_view ns,
                                     std::string_view name) override;
  absl::StatusOr<std::string> listEach(const kube::Resource& resource,
                                       const kube::ListOptions& options,
                                       const std::function<void(nlohmann::json&&)>& on_item) override;
  absl::StatusOr<nlohmann::json> create(const kube::Resource& resource, std::string_view ns,
                                        const nlohmann::json& object) override;
  absl::StatusOr<nlohmann::json> update(const kube::Resource& resource,
                                        const nlohmann::json& object,
                                        std::string_view subresource = "") override;
  absl::StatusOr<nlohmann::json> patch(const kube::Resource& resource, std::string_view ns,
                                       std::string_view name, kube::PatchType type,
                                       const nlohmann::json& patch,
                                       std::string_view subresource = "") override;
  absl::Status remove(const kube::Resource& resource, std::string_view ns, std::string_view name,
                      const kube::DeleteOptions& options = {}) override;
  absl::Status watch(const kube::Resource& resource, const kube::WatchOptions& options,
                     const std::function<bool(kube::WatchEvent&&)>& on_event,
                     kube::CancelToken& cancel) override;

  // ---- test controls ----
  // Puts an object in place as a controller elsewhere would (not logged as an action).
  nlohmann::json seed(const kube::Resource& resource, nlohmann::json object);
  // The stored object, or null json.
  nlohmann::json object(const kube::Resource& resource, std::string_view ns,
                        std::string_view name) const;
  std::vector<nlohmann::json> objects(const kube::Resource& resource) const;
  std::vector<Action> actions() const;
  void clearActions();
  // The next `times` calls of `verb` ("get", "list", "create", "update", "patch", "delete",
  // "watch") on `plural` ("" for any) fail with `status`.
  void failNext(std::string verb, std::string plural, absl::Status status, int times = 1);
  // Forgets watch history up to the current version: watches from older versions get 410.
  void compact();
  // While blocked, every watch fails at once with Unavailable (a broken connection).
  void blockWatches(bool blocked);
  // Ends every open watch (as an API server restart would).
  void closeWatches();
  void setFence(const kube::WriteFence* fence);
  int64_t resourceVersion() const;

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // plural, ns, name
  struct Event {
    int64_t rv;
    kube::WatchEvent::Type type;
    std::string plural;
    nlohmann::json object;
  };
  absl::Status injected(const std::string& verb, const std::string& plural);
  absl::Status fenced(const std::string& what) const;
  nlohmann::json storeLocked(const kube::Resource& resource, nlohmann::json object,
                             kube::WatchEvent::Type type);
  void logAction(std::string verb, const kube::Resource& r, std::string ns, std::string name,
                 std::string sub = "");

  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::map<Key, nlohmann::json> objects_;
  std::vector<Event> history_;
  int64_t rv_ = 100;
  int64_t compacted_rv_ = 0;
  int64_t uid_ = 0;
  int64_t watch_epoch_ = 0;
  bool watches_blocked_ = false;
  std::vector<Action> actions_;
  struct Failure {
    std::string verb, plural;
    absl::Status status;
    int times;
  };
  std::vector<Failure> failures_;
  const kube::WriteFence* fence_ = nullptr;
};

// True when `labels` (a JSON object) satisfies a selector like "a=b,c!=d,e,!f".
bool matchesLabelSelector(const nlohmann::json& labels, std::string_view selector);

}  // namespace serin::testing

#endif  // SERIN_TESTS_FAKES_FAKE_KUBE_CLIENT_H_
