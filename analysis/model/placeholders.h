// The `{{args.<name>}}` references Argo Rollouts substitutes in a metric's text fields
// (`{{ args.name }}` with spaces is the same reference).
#ifndef SERIN_ANALYSIS_MODEL_PLACEHOLDERS_H_
#define SERIN_ANALYSIS_MODEL_PLACEHOLDERS_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace serin::analysis {

// True when `text` contains "{{", i.e. it cannot be read before substitution.
bool hasPlaceholder(std::string_view text);

// Replaces every reference in `text` by `valueOf(name)`. InvalidArgument (without a field
// path: callers add it) for a "{{" with no "}}", a reference that is not `args.<name>`, or
// the first error `valueOf` returns. Substituted values are not scanned again, so a value
// that itself contains "{{" is inserted as is.
using ArgValueFn = std::function<absl::StatusOr<std::string>(std::string_view name)>;
absl::StatusOr<std::string> expandPlaceholders(std::string_view text, const ArgValueFn& valueOf);

// Checks the syntax of every reference and calls `each(name)` for it.
absl::Status forEachPlaceholder(std::string_view text,
                                const std::function<absl::Status(std::string_view name)>& each);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_MODEL_PLACEHOLDERS_H_
