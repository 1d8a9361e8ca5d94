// Reflector: keeps a sink in step with one resource kind through list + watch.
//
// It lists (page by page), then watches from the list's resourceVersion with bookmarks,
// resuming from the last version seen whenever a watch ends or breaks (with jittered
// backoff after errors). When the server says that version is gone (410, or an ERROR event
// of that kind) it lists again, and the sink's endList() turns objects missing from the
// new list into deletions: nothing deleted meanwhile is missed.
#ifndef SERIN_OPERATOR_KUBE_REFLECTOR_H_
#define SERIN_OPERATOR_KUBE_REFLECTOR_H_

#include <atomic>
#include <mutex>
#include <string>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "operator/kube/kube_client.h"

namespace serin::kube {

// What a Reflector feeds. Called from the reflector's thread only.
class ReflectorSink {
 public:
  virtual ~ReflectorSink() = default;
  // A full list begins; listed() gets every object that exists, then endList() must drop
  // (and report as deleted) whatever was not listed.
  virtual void beginList() = 0;
  virtual void listed(nlohmann::json&& object) = 0;
  virtual void endList() = 0;
  // The list failed part-way: forget what listed() collected; the sink stays as it was.
  virtual void abortList() = 0;
  // One watch event (kAdded, kModified or kDeleted).
  virtual void applyEvent(WatchEvent::Type type, nlohmann::json&& object) = 0;
};

struct ReflectorOptions {
  std::string ns;              // empty: all namespaces
  std::string label_selector;  // e.g. an instance-id filter
  // Objects per list page. A page's text is held whole while it is parsed (in two copies),
  // so this bounds what a list needs beyond the cache: for ReplicaSets of ~5 KB with their
  // managedFields, ~1 MB at 100 against ~5 MB at client-go's 500, and with glibc's
  // per-thread arenas much of that peak stays resident (bench/README.md). The extra
  // requests cost little.
  int64_t page_size = 100;
  // Each watch asks the server to end it after a random time in [min, 2*min), so
  // reconnects of many watches spread out.
  absl::Duration min_watch_timeout = absl::Minutes(5);
  absl::Duration backoff_initial = absl::Milliseconds(200);
  // Short: after an API server restart, informers are back within a couple of seconds.
  absl::Duration backoff_max = absl::Seconds(2);
};

// run() on one thread, stop() from any. The client, sink and logger must outlive it.
class Reflector {
 public:
  Reflector(KubeClient& client, Resource resource, ReflectorOptions options, ReflectorSink& sink,
            const Logger& log);

  // Lists and watches until stop(). Returns only after stop().
  void run();
  // Ends run() promptly (cancels the open watch). Idempotent.
  void stop();

  // True once the first list has been delivered.
  bool hasSynced() const { return synced_.load(); }
  // How many full lists were made (the first one included): tests watch re-lists with it.
  int64_t listCount() const { return lists_.load(); }
  std::string lastResourceVersion() const;

 private:
  // One list into the sink; returns its resourceVersion.
  absl::StatusOr<std::string> listOnce();
  // Watches from `rv` until the watch ends; updates `rv` as events arrive.
  absl::Status watchOnce(std::string& rv);
  void setResourceVersion(const std::string& rv);

  KubeClient& client_;
  const Resource resource_;
  const ReflectorOptions options_;
  ReflectorSink& sink_;
  Logger log_;

  absl::Notification stopped_;
  std::atomic<bool> synced_{false};
  std::atomic<int64_t> lists_{0};
  mutable std::mutex mu_;
  CancelToken* active_watch_ = nullptr;  // guarded by mu_
  std::string resource_version_;         // guarded by mu_
};

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_REFLECTOR_H_
