// The canary and stable subsets of an Istio DestinationRule (subset-level split): which pods
// each selects, through its `rollouts-pod-template-hash` label.
//
// serin changes only that label of those two subsets. Every other subset and field stays as
// it is (Argo Rollouts drops the other subsets; serin does not own them).
#ifndef SERIN_OPERATOR_TRAFFIC_ISTIO_DESTINATION_RULE_SUBSETS_H_
#define SERIN_OPERATOR_TRAFFIC_ISTIO_DESTINATION_RULE_SUBSETS_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "operator/rollout/rollout_spec.h"

namespace serin::traffic::istio {

struct SubsetHashes {
  std::string canary;  // "" when the subset has no such label
  std::string stable;
  friend bool operator==(const SubsetHashes&, const SubsetHashes&) = default;
};

// The hashes the canary and stable subsets of `spec` (the DestinationRule's .spec) select.
// `dr_key` ("namespace/name") is for messages. FailedPrecondition when spec.subsets is not a
// list, or a named subset is missing, repeated, or not an object.
absl::StatusOr<SubsetHashes> readSubsetHashes(const nlohmann::json& spec,
                                              const rollout::IstioDestinationRule& rule,
                                              std::string_view dr_key);

// The new complete `subsets` list that makes the canary and stable subsets select `want`
// (an empty hash leaves that subset as it is: serin never makes a subset select every
// version), or nullopt when nothing changes. Errors as readSubsetHashes, plus
// FailedPrecondition when a subset's `labels` is not an object.
absl::StatusOr<std::optional<nlohmann::json>> planSubsetHashes(
    const nlohmann::json& spec, const rollout::IstioDestinationRule& rule, const SubsetHashes& want,
    std::string_view dr_key);

}  // namespace serin::traffic::istio

#endif  // SERIN_OPERATOR_TRAFFIC_ISTIO_DESTINATION_RULE_SUBSETS_H_
