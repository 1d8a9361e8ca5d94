#include "analysis/controller/measurement_pool.h"

#include <algorithm>

namespace serin::analysis {

MeasurementPool::MeasurementPool(int threads) : threads_(std::max(threads, 1)) {}

MeasurementPool::~MeasurementPool() { stop(); }

void MeasurementPool::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!workers_.empty() || stopping_) return;
  for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { run(); });
}

void MeasurementPool::stop() {
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (const Task& t : queue_) {
      auto it = slots_.find(t.key);
      if (it != slots_.end() && it->second.token == t.token) slots_.erase(it);
    }
    measuring_ -= static_cast<int64_t>(queue_.size());
    queue_.clear();
    workers.swap(workers_);
  }
  cv_.notify_all();
  for (std::thread& t : workers) t.join();
}

bool MeasurementPool::submit(const std::string& run_uid, const std::string& metric, Work work,
                             Done done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return false;
    Key key{run_uid, metric};
    if (slots_.count(key) > 0) return false;
    const uint64_t token = ++next_token_;
    slots_[key] = Slot{State::kMeasuring, token, {}};
    queue_.push_back(Task{std::move(key), token, std::move(work), std::move(done)});
    ++measuring_;
  }
  cv_.notify_one();
  return true;
}

bool MeasurementPool::busy(const std::string& run_uid, const std::string& metric) const {
  std::lock_guard<std::mutex> lock(mu_);
  return slots_.count(Key{run_uid, metric}) > 0;
}

std::vector<MeasurementOutcome> MeasurementPool::finished(const std::string& run_uid) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<MeasurementOutcome> out;
  for (auto it = slots_.lower_bound(Key{run_uid, ""});
       it != slots_.end() && it->first.first == run_uid; ++it) {
    if (it->second.state == State::kFinished) out.push_back(it->second.outcome);
  }
  return out;
}

void MeasurementPool::consume(const std::string& run_uid, const std::string& metric) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(Key{run_uid, metric});
  if (it != slots_.end() && it->second.state == State::kFinished) slots_.erase(it);
}

void MeasurementPool::forget(const std::string& run_uid) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.lower_bound(Key{run_uid, ""});
  while (it != slots_.end() && it->first.first == run_uid) it = slots_.erase(it);
}

int64_t MeasurementPool::measuring() const {
  std::lock_guard<std::mutex> lock(mu_);
  return measuring_;
}

void MeasurementPool::run() {
  while (true) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and the queue was dropped
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    MeasurementOutcome outcome = task.work();
    bool kept = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      --measuring_;
      auto it = slots_.find(task.key);
      if (it != slots_.end() && it->second.token == task.token) {
        it->second.state = State::kFinished;
        it->second.outcome = std::move(outcome);
        kept = true;
      }
    }
    if (kept && task.done) task.done();
  }
}

}  // namespace serin::analysis
