// WorkQueue: the keys ("namespace/name") waiting for a reconcile, with the guarantees a
// controller needs:
//   - a key is queued at most once however often it is added (de-duplicated);
//   - a key is handed to one worker at a time: added again while being processed, it is
//     queued again only when that worker calls done();
//   - addAfter() queues a key at a later time (the earliest of several requests wins);
//   - addRateLimited() queues it after a per-key exponential backoff, reset by forget();
//   - shutDown() stops new adds; get() then returns what is still queued and after that
//     nullopt, so workers drain the queue and exit; waitIdle() waits for them.
#ifndef SERIN_OPERATOR_KUBE_WORK_QUEUE_H_
#define SERIN_OPERATOR_KUBE_WORK_QUEUE_H_

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "absl/time/time.h"
#include "common/clock.h"

namespace serin::kube {

struct WorkQueueOptions {
  absl::Duration base_delay = absl::Milliseconds(5);
  absl::Duration max_delay = absl::Minutes(5);
};

// Thread-safe. The clock must outlive the queue.
class WorkQueue {
 public:
  explicit WorkQueue(const Clock& clock, WorkQueueOptions options = {});

  void add(const std::string& key);
  void addAfter(const std::string& key, absl::Duration delay);
  // Queues `key` after base_delay * 2^(failures so far), capped at max_delay.
  void addRateLimited(const std::string& key);
  // Clears the failure count of `key` (call after a successful reconcile).
  void forget(const std::string& key);
  int failures(const std::string& key) const;

  // The next key to process; waits for one. nullopt once shut down and drained.
  std::optional<std::string> get();
  // Like get() but never waits: nullopt when no key is ready now.
  std::optional<std::string> tryGet();
  // The worker is finished with `key` (always call it after get()).
  void done(const std::string& key);

  void shutDown();
  // Blocks until nothing is queued or being processed (after shutDown(): until drained).
  void waitIdle();
  bool shuttingDown() const;

  // Wakes waiting workers to re-check delayed keys (after a test moves a fake clock).
  void poke();

  size_t len() const;  // keys ready now

 private:
  void promoteDueLocked(absl::Time now);
  void enqueueLocked(const std::string& key);

  const Clock& clock_;
  const WorkQueueOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::set<std::string> dirty_;       // queued or to be re-queued at done()
  std::set<std::string> processing_;
  std::map<std::string, absl::Time> waiting_;   // key -> when it becomes ready
  std::map<std::string, int> failures_;
  bool shutting_down_ = false;
};

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_WORK_QUEUE_H_
