#include "operator/kube/backoff.h"

#include <algorithm>
#include <cmath>

namespace serin::kube {

Backoff::Backoff(absl::Duration initial, absl::Duration max, double factor, double jitter,
                 uint64_t seed)
    : initial_(initial), max_(max), factor_(factor), jitter_(std::clamp(jitter, 0.0, 1.0)),
      rng_(seed) {}

absl::Duration Backoff::next() {
  const double exp = std::pow(factor_, std::min(attempt_, 62));
  ++attempt_;
  absl::Duration base = initial_ * exp;
  if (!std::isfinite(exp) || base > max_ || base < absl::ZeroDuration()) base = max_;
  if (jitter_ == 0) return base;
  std::uniform_real_distribution<double> spread(1 - jitter_, 1 + jitter_);
  return std::min(max_, base * spread(rng_));
}

}  // namespace serin::kube
