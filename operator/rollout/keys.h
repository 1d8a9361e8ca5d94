// The labels and annotations serin writes (argo-compat §5), derived from the API group so
// the same binary can serve argoproj.io: rollout.argoproj.io/revision there,
// rollout.serin.io/revision here.
#ifndef SERIN_OPERATOR_ROLLOUT_KEYS_H_
#define SERIN_OPERATOR_ROLLOUT_KEYS_H_

#include <string>
#include <string_view>

namespace serin::rollout {

// Unprefixed keys, the same for every group.
inline constexpr std::string_view kPodTemplateHashLabel = "rollouts-pod-template-hash";
inline constexpr std::string_view kScaleDownDeadlineAnnotation = "scale-down-deadline";
inline constexpr std::string_view kRolloutTypeLabel = "rollout-type";
inline constexpr std::string_view kStepIndexLabel = "step-index";
inline constexpr std::string_view kRolloutTypeStep = "Step";
inline constexpr std::string_view kRolloutTypeBackground = "Background";

struct Keys {
  explicit Keys(std::string_view group)
      : group(group),
        revision("rollout." + std::string(group) + "/revision"),
        desired_replicas("rollout." + std::string(group) + "/desired-replicas"),
        managed_by((group == "argoproj.io" ? std::string("argo-rollouts.argoproj.io")
                                           : "rollouts." + std::string(group)) +
                   "/managed-by-rollouts"),
        instance_id((group == "argoproj.io" ? std::string("argo-rollouts.argoproj.io")
                                            : "rollouts." + std::string(group)) +
                    "/controller-instance-id") {}

  std::string group;
  std::string revision;          // on the Rollout, its ReplicaSets and runs
  std::string desired_replicas;  // on ReplicaSets
  std::string managed_by;        // on Services and DestinationRules serin changes
  std::string instance_id;       // label on runs when --instance-id is set
};

}  // namespace serin::rollout

#endif  // SERIN_OPERATOR_ROLLOUT_KEYS_H_
