// A Clock the test moves by hand.
#ifndef SERIN_TESTS_FAKE_CLOCK_H_
#define SERIN_TESTS_FAKE_CLOCK_H_

#include <mutex>

#include "common/clock.h"

namespace serin::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1'800'000'000)) : now_(start) {}
  absl::Time now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void advance(absl::Duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }
  void set(absl::Time t) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ = t;
  }

 private:
  mutable std::mutex mu_;
  absl::Time now_;
};

}  // namespace serin::testing

#endif  // SERIN_TESTS_FAKE_CLOCK_H_
