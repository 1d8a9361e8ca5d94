// A blocking FIFO with a fixed capacity, closed by its producer or its consumer.
#ifndef SERIN_OPERATOR_KUBE_BOUNDED_QUEUE_H_
#define SERIN_OPERATOR_KUBE_BOUNDED_QUEUE_H_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

#include "absl/time/time.h"

namespace serin::kube {

// Thread-safe.
template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Appends `item`, waiting up to `wait` for room. False when the queue stayed full or is
  // closed (the item is dropped).
  bool push(T item, absl::Duration wait) {
    std::unique_lock<std::mutex> lock(mu_);
    const bool room = not_full_.wait_for(lock, absl::ToChronoNanoseconds(wait), [&] {
      return closed_ || items_.size() < capacity_;
    });
    if (!room || closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // The oldest item; waits for one. nullopt once the queue is closed and empty.
  std::optional<T> pop() {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  // Like pop(), but waits at most `wait`: nullopt when nothing came (or closed and empty).
  std::optional<T> popFor(absl::Duration wait) {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait_for(lock, absl::ToChronoNanoseconds(wait),
                        [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  // True once closed and drained.
  bool finished() const {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_ && items_.empty();
  }

  // Wakes every waiter; later pushes fail, pops drain what is left.
  void close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return items_.size();
  }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_BOUNDED_QUEUE_H_
