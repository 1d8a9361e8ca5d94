// Exponential backoff with jitter, for reconnecting watches and retrying requests.
#ifndef SERIN_OPERATOR_KUBE_BACKOFF_H_
#define SERIN_OPERATOR_KUBE_BACKOFF_H_

#include <cstdint>
#include <random>

#include "absl/time/time.h"

namespace serin::kube {

// Not thread-safe: one per retry loop.
class Backoff {
 public:
  // Delays grow initial, initial*factor, ... up to max; each is then spread by +-jitter
  // (a fraction, 0.2 = +-20 %) so many clients do not retry in lockstep.
  Backoff(absl::Duration initial, absl::Duration max, double factor = 2.0, double jitter = 0.2,
          uint64_t seed = std::random_device{}());

  absl::Duration next();
  void reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

 private:
  absl::Duration initial_;
  absl::Duration max_;
  double factor_;
  double jitter_;
  int attempt_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_BACKOFF_H_
