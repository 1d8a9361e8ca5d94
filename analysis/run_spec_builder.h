// Combining AnalysisTemplates and the Rollout's arguments into the spec of one AnalysisRun,
// as Argo Rollouts does when a Rollout starts an analysis (NewAnalysisRunFromTemplates).
#ifndef SERIN_ANALYSIS_RUN_SPEC_BUILDER_H_
#define SERIN_ANALYSIS_RUN_SPEC_BUILDER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/model/spec.h"
#include "nlohmann/json.hpp"

namespace serin::analysis {

// An argument in a Rollout's analysis block (Argo's AnalysisRunArgument): a literal value, a
// field of the Rollout, or the pod-template hash of its stable or latest ReplicaSet.
struct RolloutArgument {
  std::string name;
  std::string value;
  std::optional<std::string> fieldPath;             // valueFrom.fieldRef.fieldPath
  std::optional<std::string> podTemplateHashValue;  // valueFrom: "Stable" or "Latest"
  friend bool operator==(const RolloutArgument&, const RolloutArgument&) = default;
};

// Parses one element of a Rollout's analysis `args` at `path`; InvalidArgument naming the
// field on a malformed one.
absl::StatusOr<RolloutArgument> parseRolloutArgument(const nlohmann::json& json,
                                                     const std::string& path);

// What the Rollout's arguments are read from. `rollout` must outlive the call.
struct RolloutContext {
  const nlohmann::json& rollout;
  std::string stablePodHash;
  std::string latestPodHash;
};

// Turns a Rollout's arguments into run arguments with literal values. InvalidArgument
// naming the argument when its field is missing (field_path.h) or its hash is unknown.
absl::StatusOr<std::vector<Argument>> resolveRolloutArguments(
    const std::vector<RolloutArgument>& args, const RolloutContext& context);

struct NamedTemplate {
  std::string name;  // for messages: "template \"success-rate\""
  AnalysisTemplateSpec spec;
};

// The spec of a run of `templates` (in order) with `callerArgs` (the resolved Rollout
// arguments) and the Rollout's own dryRun/measurementRetention rules:
//  - metrics are concatenated; a name defined twice is an error naming both templates;
//  - template arguments are merged (the same name twice must not carry two different
//    values), then a caller argument overrides a template's value or valueFrom; caller
//    arguments no template declares are ignored, as in Argo;
//  - a template argument with valueFrom.fieldRef is read from `rollout` (Argo leaves such
//    arguments unresolved; serin's CRD documents them);
//  - an argument left with neither value nor valueFrom is an error naming it, and so is a
//    {{args.x}} reference to an argument no template declares;
//  - rules are concatenated; a duplicate rule or one matching no metric is an error.
absl::StatusOr<AnalysisRunSpec> buildRunSpec(const std::vector<NamedTemplate>& templates,
                                             const std::vector<Argument>& callerArgs,
                                             const std::vector<DryRun>& dryRun,
                                             const std::vector<MeasurementRetention>& retention,
                                             const nlohmann::json& rollout);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_RUN_SPEC_BUILDER_H_
