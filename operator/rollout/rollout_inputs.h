// Everything a planner may look at for one Rollout: cached objects and the time. Built by
// the reconciler from its informers; read-only.
#ifndef SERIN_OPERATOR_ROLLOUT_ROLLOUT_INPUTS_H_
#define SERIN_OPERATOR_ROLLOUT_ROLLOUT_INPUTS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "analysis/run_spec_builder.h"
#include "operator/kube/replica_set.h"
#include "operator/rollout/keys.h"
#include "operator/rollout/rollout_object.h"
#include "operator/rollout/rollout_spec.h"

namespace serin::rollout {

// What the traffic router saw in the VirtualServices (and DestinationRule) of a Rollout.
struct TrafficObservation {
  // Not OK when the routes cannot be managed (a VirtualService or route is missing, a route
  // lacks the canary or stable destination); the message names the route.
  absl::Status error;
  int32_t canary_weight = 0;  // the highest canary weight over the managed routes
  bool uniform = true;        // every managed route is exactly (canary_weight, 100 - it)
  // Subset-level split: the hashes the DestinationRule's subsets select ("" when unset).
  std::string canary_subset_hash;
  std::string stable_subset_hash;
};

// Finds an AnalysisTemplate (cluster_scope: a ClusterAnalysisTemplate) by name: NotFound
// when there is none, InvalidArgument (naming the field) when its spec does not parse.
using TemplateLookup =
    std::function<absl::StatusOr<analysis::NamedTemplate>(const std::string& name, bool cluster_scope)>;

struct RolloutInputs {
  const RolloutObject* rollout = nullptr;
  const RolloutSpec* spec = nullptr;
  std::vector<const kube::ReplicaSet*> replica_sets;  // owned by the Rollout, any order
  const kube::Service* canary_service = nullptr;      // null: absent (or not configured)
  const kube::Service* stable_service = nullptr;
  std::optional<TrafficObservation> traffic;          // set when spec has trafficRouting
  std::vector<const AnalysisRunObject*> runs;         // owned by the Rollout
  TemplateLookup templates;
  Keys keys{"serin.io"};
  std::string api_version = "serin.io/v1alpha1";      // of the Rollout, for owner references
  std::string instance_id;                            // label on runs when set
  absl::Time now;
};

}  // namespace serin::rollout

#endif  // SERIN_OPERATOR_ROLLOUT_ROLLOUT_INPUTS_H_
