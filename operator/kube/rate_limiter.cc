#include "operator/kube/rate_limiter.h"

#include <algorithm>

namespace serin::kube {

TokenBucket::TokenBucket(double qps, int burst, const Clock& clock)
    : qps_(qps), burst_(std::max(burst, 1)), clock_(clock), tokens_(std::max(burst, 1)),
      last_(clock.now()) {}

absl::Duration TokenBucket::reserve() {
  if (qps_ <= 0) return absl::ZeroDuration();
  std::lock_guard<std::mutex> lock(mu_);
  const absl::Time now = clock_.now();
  if (now > last_) {
    tokens_ = std::min<double>(burst_, tokens_ + absl::ToDoubleSeconds(now - last_) * qps_);
    last_ = now;
  }
  tokens_ -= 1;
  if (tokens_ >= 0) return absl::ZeroDuration();
  return absl::Seconds(-tokens_ / qps_);
}

void TokenBucket::acquire() {
  const absl::Duration wait = reserve();
  if (wait > absl::ZeroDuration()) absl::SleepFor(wait);
}

}  // namespace serin::kube
