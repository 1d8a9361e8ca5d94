// Reading one field of a Rollout for an argument's valueFrom.fieldRef.fieldPath.
#ifndef SERIN_ANALYSIS_FIELD_PATH_H_
#define SERIN_ANALYSIS_FIELD_PATH_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace serin::analysis {

// The value at `path` in `object`, as text. Paths are dot-separated names with bracketed
// keys or indexes, as Kubernetes and Argo Rollouts write them:
//   metadata.name
//   metadata.labels['app']          metadata.annotations["example.com/team"]
//   spec.template.metadata.labels[app]   spec.template.spec.containers[0].image
// A string reads as itself, a number in its shortest form, a boolean as true/false.
// InvalidArgument naming the path for a malformed path, a field that is absent or null (a
// missing label is an error, not an empty string: an empty value in a query would measure
// nothing and look like missing data), or one that is an object or a list.
absl::StatusOr<std::string> readFieldPath(const nlohmann::json& object, std::string_view path);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_FIELD_PATH_H_
