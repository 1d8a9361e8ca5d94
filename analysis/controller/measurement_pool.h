// MeasurementPool: the threads that take measurements, so that a reconcile never waits on
// a provider (DESIGN §3: the reconciler never blocks on the network).
//
// Each (run UID, metric) is in one of three states: idle, measuring (queued or running),
// or finished with an outcome waiting to be recorded. submit() refuses a pair that is not
// idle, so a metric is never measured twice at once, and an outcome stays until consume()
// (called once the reconcile that recorded it has written status), so a failed status
// write loses nothing. Nothing here survives a restart: the run's status is its memory,
// and a measurement lost in a crash is simply planned and taken again.
#ifndef SERIN_ANALYSIS_CONTROLLER_MEASUREMENT_POOL_H_
#define SERIN_ANALYSIS_CONTROLLER_MEASUREMENT_POOL_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "analysis/controller/measurement_outcome.h"

namespace serin::analysis {

// Thread-safe.
class MeasurementPool {
 public:
  using Work = std::function<MeasurementOutcome()>;
  // Called on the measurement thread after the outcome is stored (e.g. to re-queue the run).
  using Done = std::function<void()>;

  explicit MeasurementPool(int threads);
  ~MeasurementPool();
  MeasurementPool(const MeasurementPool&) = delete;
  MeasurementPool& operator=(const MeasurementPool&) = delete;

  void start();
  // Drops queued work and waits for the measurements running now (each is bounded by its
  // metric's timeout). Idempotent; submit() refuses everything afterwards.
  void stop();

  // Queues `work` for (run_uid, metric). False, and nothing queued, when that pair is
  // already measuring or has an outcome not yet consumed, or after stop().
  bool submit(const std::string& run_uid, const std::string& metric, Work work, Done done);
  // True while (run_uid, metric) is measuring or holds an unconsumed outcome.
  bool busy(const std::string& run_uid, const std::string& metric) const;
  // The outcomes of `run_uid` waiting to be recorded, by metric name.
  std::vector<MeasurementOutcome> finished(const std::string& run_uid) const;
  // Drops the outcome of (run_uid, metric): it is now in the run's status.
  void consume(const std::string& run_uid, const std::string& metric);
  // Forgets a run (deleted, or finished): its outcomes are dropped and so will be those of
  // its measurements still running.
  void forget(const std::string& run_uid);

  int64_t measuring() const;  // queued or running now

 private:
  using Key = std::pair<std::string, std::string>;  // run UID, metric
  enum class State { kMeasuring, kFinished };
  struct Slot {
    State state = State::kMeasuring;
    uint64_t token = 0;  // tells a forgotten-then-resubmitted slot from the original
    MeasurementOutcome outcome;
  };
  struct Task {
    Key key;
    uint64_t token;
    Work work;
    Done done;
  };

  void run();

  const int threads_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<Key, Slot> slots_;  // guarded by mu_
  std::deque<Task> queue_;     // guarded by mu_
  uint64_t next_token_ = 0;    // guarded by mu_
  int64_t measuring_ = 0;      // guarded by mu_
  bool stopping_ = false;      // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_CONTROLLER_MEASUREMENT_POOL_H_
