#include "operator/kube/work_queue.h"

#include <algorithm>
#include <cmath>

namespace serin::kube {
namespace {
// With delayed keys pending, waiting workers re-check at least this often, so a jump of
// the wall clock cannot strand a key.
constexpr absl::Duration kMaxIdleWait = absl::Seconds(1);
}  // namespace

WorkQueue::WorkQueue(const Clock& clock, WorkQueueOptions options)
    : clock_(clock), options_(options) {}

void WorkQueue::enqueueLocked(const std::string& key) {
  if (dirty_.count(key)) return;
  dirty_.insert(key);
  waiting_.erase(key);
  if (processing_.count(key)) return;  // re-queued by done()
  queue_.push_back(key);
  cv_.notify_all();
}

void WorkQueue::add(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return;
  enqueueLocked(key);
}

void WorkQueue::addAfter(const std::string& key, absl::Duration delay) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return;
  if (delay <= absl::ZeroDuration()) {
    enqueueLocked(key);
    return;
  }
  if (dirty_.count(key)) return;  // already due sooner
  const absl::Time when = clock_.now() + delay;
  auto [it, inserted] = waiting_.emplace(key, when);
  if (!inserted && when < it->second) it->second = when;
  cv_.notify_all();
}

void WorkQueue::addRateLimited(const std::string& key) {
  int n;
  {
    std::lock_guard<std::mutex> lock(mu_);
    n = failures_[key]++;
  }
  const double factor = std::pow(2.0, std::min(n, 40));
  absl::Duration delay = options_.base_delay * factor;
  if (delay > options_.max_delay || delay < absl::ZeroDuration()) delay = options_.max_delay;
  addAfter(key, delay);
}

void WorkQueue::forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.erase(key);
}

int WorkQueue::failures(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::promoteDueLocked(absl::Time now) {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (it->second <= now) {
      const std::string key = it->first;
      it = waiting_.erase(it);
      enqueueLocked(key);
    } else {
      ++it;
    }
  }
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (!shutting_down_) promoteDueLocked(clock_.now());
    if (!queue_.empty()) {
      std::string key = std::move(queue_.front());
      queue_.pop_front();
      dirty_.erase(key);
      processing_.insert(key);
      return key;
    }
    if (shutting_down_) return std::nullopt;
    if (waiting_.empty()) {
      cv_.wait(lock);
      continue;
    }
    absl::Time next = absl::InfiniteFuture();
    for (const auto& [key, when] : waiting_) next = std::min(next, when);
    const absl::Duration wait = std::clamp(next - clock_.now(), absl::Milliseconds(1), kMaxIdleWait);
    cv_.wait_for(lock, absl::ToChronoNanoseconds(wait));
  }
}

std::optional<std::string> WorkQueue::tryGet() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!shutting_down_) promoteDueLocked(clock_.now());
  if (queue_.empty()) return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  dirty_.erase(key);
  processing_.insert(key);
  return key;
}

void WorkQueue::done(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  processing_.erase(key);
  if (dirty_.count(key)) {
    queue_.push_back(key);
    cv_.notify_all();
  }
  cv_.notify_all();  // waitIdle() may be waiting
}

void WorkQueue::shutDown() {
  std::lock_guard<std::mutex> lock(mu_);
  shutting_down_ = true;
  waiting_.clear();
  cv_.notify_all();
}

void WorkQueue::waitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return queue_.empty() && processing_.empty(); });
}

bool WorkQueue::shuttingDown() const {
  std::lock_guard<std::mutex> lock(mu_);
  return shutting_down_;
}

void WorkQueue::poke() {
  std::lock_guard<std::mutex> lock(mu_);
  cv_.notify_all();
}

size_t WorkQueue::len() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

}  // namespace serin::kube
