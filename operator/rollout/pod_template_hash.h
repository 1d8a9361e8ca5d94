// The hash that names a version of the pod template: ReplicaSet `<rollout>-<hash>` and the
// `rollouts-pod-template-hash` label that Services and DestinationRule subsets select.
#ifndef SERIN_OPERATOR_ROLLOUT_POD_TEMPLATE_HASH_H_
#define SERIN_OPERATOR_ROLLOUT_POD_TEMPLATE_HASH_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace serin::rollout {

// A short, DNS-safe hash (up to 10 characters of "bcdfghjklmnpqrstvwxz2456789") of the
// template's canonical JSON (object keys sorted), with `collision_count` mixed in so a
// clash with an existing ReplicaSet of another template can be resolved by retrying.
// The hash label itself is ignored, so a ReplicaSet's template hashes to its own label.
std::string podTemplateHash(const nlohmann::json& pod_template, int32_t collision_count = 0);

// The same for any text (the steps' hash, status.currentStepHash).
std::string shortHash(std::string_view text);

}  // namespace serin::rollout

#endif  // SERIN_OPERATOR_ROLLOUT_POD_TEMPLATE_HASH_H_
