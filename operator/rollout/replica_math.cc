#include "operator/rollout/replica_math.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace serin::rollout {

int32_t percentOfReplicas(int32_t replicas, int32_t percent) {
  const int64_t r = std::max(replicas, 0);
  const int64_t p = std::clamp(percent, 0, 100);
  return static_cast<int32_t>((r * p + 99) / 100);
}

int32_t canaryReplicasFor(int32_t replicas, int32_t weight, const CanaryScale& scale) {
  if (scale.replicas) return std::max(*scale.replicas, 0);
  if (scale.weight) return percentOfReplicas(replicas, *scale.weight);
  return percentOfReplicas(replicas, weight);
}

int32_t servableWeight(int32_t weight, int32_t needed, int32_t available) {
  weight = std::clamp(weight, 0, 100);
  if (available >= needed) return weight;
  if (needed <= 0 || available <= 0) return 0;
  return static_cast<int32_t>(static_cast<int64_t>(weight) * available / needed);
}

int32_t scaledValue(std::string_view text, int32_t replicas, bool round_up) {
  const bool percent = !text.empty() && text.back() == '%';
  if (percent) text.remove_suffix(1);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v < 0) return 0;
  if (!percent) return static_cast<int32_t>(std::min<int64_t>(v, INT32_MAX));
  const int64_t product = static_cast<int64_t>(std::max(replicas, 0)) * std::min<int64_t>(v, 100);
  return static_cast<int32_t>(round_up ? (product + 99) / 100 : product / 100);
}

}  // namespace serin::rollout
