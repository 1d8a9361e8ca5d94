// A client-side token bucket like client-go's (--qps, --burst): at most `burst` requests at
// once, refilled at `qps` per second.
#ifndef SERIN_OPERATOR_KUBE_RATE_LIMITER_H_
#define SERIN_OPERATOR_KUBE_RATE_LIMITER_H_

#include <mutex>

#include "absl/time/time.h"
#include "common/clock.h"

namespace serin::kube {

// Thread-safe. The clock must outlive the bucket.
class TokenBucket {
 public:
  // qps <= 0 disables limiting. burst < 1 is taken as 1.
  TokenBucket(double qps, int burst, const Clock& clock);

  // Takes a token now and returns how long the caller must wait before using it (zero when
  // one was available). Reservations queue fairly: the n-th waiter waits n/qps.
  absl::Duration reserve();

  // reserve(), then sleeps for the wait.
  void acquire();

  double qps() const { return qps_; }
  int burst() const { return burst_; }

 private:
  const double qps_;
  const int burst_;
  const Clock& clock_;
  std::mutex mu_;
  double tokens_;      // may go negative: outstanding reservations
  absl::Time last_;
};

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_RATE_LIMITER_H_
