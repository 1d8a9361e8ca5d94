// The time seam: everything that asks "what time is it" asks a Clock, so tests can run a
// whole rollout's timeline without sleeping.
#ifndef SERIN_COMMON_CLOCK_H_
#define SERIN_COMMON_CLOCK_H_

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

}  // namespace serin

#endif  // SERIN_COMMON_CLOCK_H_
