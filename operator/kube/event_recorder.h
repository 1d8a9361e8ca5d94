// EventRecorder: Kubernetes Events (core/v1) about serin's objects, as `kubectl describe`
// and `kubectl get events` show them.
//
// record() never blocks the caller: events go to a bounded queue and a background thread
// writes them. Repeats of the same event (object, type, reason, message) within the
// aggregation window update one Event's count and lastTimestamp instead of making new
// ones, and those updates are coalesced to at most one write per event per
// min_update_interval, so a hot loop costs a bounded number of API writes. Distinct events
// per object and reason are rate-limited by a token bucket; what is dropped is counted.
#ifndef SERIN_OPERATOR_KUBE_EVENT_RECORDER_H_
#define SERIN_OPERATOR_KUBE_EVENT_RECORDER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>

#include "common/clock.h"
#include "common/log.h"
#include "operator/kube/bounded_queue.h"
#include "operator/kube/event_type.h"
#include "operator/kube/kube_client.h"

namespace serin::kube {

struct InvolvedObject {
  std::string api_version;
  std::string kind;
  std::string ns;
  std::string name;
  std::string uid;
};


struct EventRecorderOptions {
  std::string component = "serin-controller";
  std::string instance;  // reportingInstance, e.g. the leader identity
  size_t queue_size = 1024;
  absl::Duration aggregation_window = absl::Minutes(10);
  absl::Duration min_update_interval = absl::Seconds(5);
  int burst_per_reason = 25;                    // distinct events per object and reason ...
  absl::Duration refill_every = absl::Seconds(60);  // ... refilled by one this often
};

// Thread-safe. The client, clock and logger must outlive the recorder.
class EventRecorder {
 public:
  EventRecorder(KubeClient& client, EventRecorderOptions options, const Clock& clock,
                const Logger& log);
  ~EventRecorder();

  // Called (on the caller's thread) for every event recorded, dropped or not, e.g. to count
  // rollout_events_total.
  void setObserver(std::function<void(const InvolvedObject&, EventType, std::string_view reason)> f);

  void start();
  // Writes what is queued, then stops the writer. Idempotent.
  void stop();

  void record(const InvolvedObject& object, EventType type, std::string_view reason,
              std::string message);

  // Processes the queue and due updates on the calling thread (for tests without start()).
  void flushForTest();

  int64_t dropped() const;
  int64_t writes() const;

 private:
  struct Pending {
    InvolvedObject object;
    EventType type;
    std::string reason;
    std::string message;
    absl::Time at;
  };
  struct Aggregate {
    std::string event_name;   // the Event object carrying the count
    std::string ns;
    int64_t count = 0;
    int64_t written_count = 0;
    absl::Time first;
    absl::Time last;
    absl::Time last_write = absl::InfinitePast();
  };
  using AggregateKey = std::tuple<std::string, int, std::string, std::string>;  // uid,type,reason,msg

  void run();
  void handle(Pending&& event);
  void flushDue(bool force);
  bool takeToken(const Pending& event);
  void writeNew(const Pending& event, Aggregate& agg);
  void writeUpdate(Aggregate& agg);

  KubeClient& client_;
  const EventRecorderOptions options_;
  const Clock& clock_;
  Logger log_;
  BoundedQueue<Pending> queue_;
  std::function<void(const InvolvedObject&, EventType, std::string_view)> observer_;

  // Writer-thread state.
  std::map<AggregateKey, Aggregate> aggregates_;
  struct Bucket {
    double tokens;
    absl::Time last;
  };
  std::map<std::tuple<std::string, std::string>, Bucket> buckets_;  // (uid, reason)
  uint64_t sequence_ = 0;

  mutable std::mutex mu_;
  int64_t dropped_ = 0;  // guarded by mu_
  int64_t writes_ = 0;   // guarded by mu_
  std::thread thread_;
  bool started_ = false;
};

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_EVENT_RECORDER_H_
