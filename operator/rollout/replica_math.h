// Replica arithmetic of the canary strategy. Rounding is explicit: canary pods round up,
// so a 10 % step of 4 replicas gets 1 pod (never 0), and traffic never outruns pods.
#ifndef SERIN_OPERATOR_ROLLOUT_REPLICA_MATH_H_
#define SERIN_OPERATOR_ROLLOUT_REPLICA_MATH_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace serin::rollout {

// ceil(replicas * percent / 100), for percent in [0, 100].
int32_t percentOfReplicas(int32_t replicas, int32_t percent);

// How a setCanaryScale step sizes the canary (absent: by the traffic weight).
struct CanaryScale {
  std::optional<int32_t> weight;    // percent of spec.replicas
  std::optional<int32_t> replicas;  // an absolute count
};

// Canary pods wanted while the traffic weight is `weight`.
int32_t canaryReplicasFor(int32_t replicas, int32_t weight, const CanaryScale& scale);

// The highest weight, not above `weight`, that `available` canary pods can carry when
// `needed` pods are wanted for `weight`: `weight` itself once enough are available, else
// in proportion (rounded down). Never negative.
int32_t servableWeight(int32_t weight, int32_t needed, int32_t available);

// An int-or-percentage ("25%", "3") of `replicas`; percentages round up when `round_up`.
// Unparseable text counts as 0 (the spec parser rejects it before it gets here).
int32_t scaledValue(std::string_view int_or_percent, int32_t replicas, bool round_up);

}  // namespace serin::rollout

#endif  // SERIN_OPERATOR_ROLLOUT_REPLICA_MATH_H_
