#include "operator/traffic/istio/destination_rule_subsets.h"

#include <utility>

#include "common/json_fields.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "operator/rollout/keys.h"
#include "operator/traffic/istio/quote.h"

namespace serin::traffic::istio {
namespace {

struct SubsetIndexes {
  size_t canary = 0;
  size_t stable = 0;
};

std::string drName(std::string_view dr_key) { return strCat("DestinationRule ", quote(dr_key)); }

absl::StatusOr<size_t> findSubset(const nlohmann::json& subsets, std::string_view name,
                                  std::string_view role, std::string_view dr_key) {
  std::optional<size_t> found;
  size_t count = 0;
  for (size_t i = 0; i < subsets.size(); ++i) {
    if (jsonString(subsets[i], "name") != name) continue;
    if (count++ == 0) found = i;
  }
  if (count == 0) {
    return absl::FailedPreconditionError(
        strCat(drName(dr_key), " has no ", role, " subset ", quote(name)));
  }
  if (count > 1) {
    return absl::FailedPreconditionError(
        strCat(drName(dr_key), " has ", count, " subsets named ", quote(name), "; keep one"));
  }
  if (const nlohmann::json* labels = jsonMember(subsets[*found], "labels");
      labels != nullptr && !labels->is_null() && !labels->is_object()) {
    return absl::FailedPreconditionError(
        strCat(drName(dr_key), ": the labels of subset ", quote(name), " are not a map"));
  }
  return *found;
}

absl::StatusOr<SubsetIndexes> locate(const nlohmann::json& spec,
                                     const rollout::IstioDestinationRule& rule,
                                     std::string_view dr_key) {
  const nlohmann::json* subsets = jsonMember(spec, "subsets");
  if (subsets != nullptr && !subsets->is_null() && !subsets->is_array()) {
    return absl::FailedPreconditionError(strCat(drName(dr_key), ": spec.subsets is not a list"));
  }
  const nlohmann::json& list = jsonArray(spec, "subsets");
  SubsetIndexes at;
  ASSIGN_OR_RETURN(at.canary, findSubset(list, rule.canary_subset, "canary", dr_key));
  ASSIGN_OR_RETURN(at.stable, findSubset(list, rule.stable_subset, "stable", dr_key));
  return at;
}

std::string hashOf(const nlohmann::json& subset) {
  return jsonString(jsonObject(subset, "labels"), rollout::kPodTemplateHashLabel);
}

}  // namespace

absl::StatusOr<SubsetHashes> readSubsetHashes(const nlohmann::json& spec,
                                              const rollout::IstioDestinationRule& rule,
                                              std::string_view dr_key) {
  ASSIGN_OR_RETURN(SubsetIndexes at, locate(spec, rule, dr_key));
  const nlohmann::json& subsets = jsonArray(spec, "subsets");
  return SubsetHashes{hashOf(subsets[at.canary]), hashOf(subsets[at.stable])};
}

absl::StatusOr<std::optional<nlohmann::json>> planSubsetHashes(
    const nlohmann::json& spec, const rollout::IstioDestinationRule& rule, const SubsetHashes& want,
    std::string_view dr_key) {
  ASSIGN_OR_RETURN(SubsetIndexes at, locate(spec, rule, dr_key));
  const nlohmann::json& subsets = jsonArray(spec, "subsets");
  const bool canary_changes = !want.canary.empty() && hashOf(subsets[at.canary]) != want.canary;
  const bool stable_changes = !want.stable.empty() && hashOf(subsets[at.stable]) != want.stable;
  if (!canary_changes && !stable_changes) return std::optional<nlohmann::json>();
  nlohmann::json next = subsets;
  const std::string key(rollout::kPodTemplateHashLabel);
  // A null `labels` becomes an object here: nlohmann turns null into {} on assignment.
  if (canary_changes) next[at.canary]["labels"][key] = want.canary;
  if (stable_changes) next[at.stable]["labels"][key] = want.stable;
  return std::optional<nlohmann::json>(std::move(next));
}

}  // namespace serin::traffic::istio
