// The time seam: everything that asks "what time is it" asks a Clock, so tests can run a
// whole rollout's timeline without sleeping.
#ifndef SERIN_COMMON_CLOCK_H_
#define SERIN_COMMON_CLOCK_H_

#include <chrono>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace serin {

class Clock {
 public:
  virtual ~Clock() = default;
  // The current wall-clock time. Thread-safe in every implementation.
  virtual absl::Time now() const = 0;
};

// The system's clock.
class RealClock final : public Clock {
 public:
  absl::Time now() const override { return absl::Now(); }
};

// A clock that never jumps: absl::Time values measured on the steady clock from an
// arbitrary origin. For intervals that must not be fooled by wall-clock changes (leases).
class MonotonicClock final : public Clock {
 public:
  absl::Time now() const override {
    return absl::UnixEpoch() + absl::FromChrono(std::chrono::steady_clock::now().time_since_epoch());
  }
};

}  // namespace serin

#endif  // SERIN_COMMON_CLOCK_H_
