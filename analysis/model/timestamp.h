// Times in status as Kubernetes writes them (metav1.Time): RFC 3339, UTC, whole seconds,
// e.g. "2026-11-25T10:00:00Z".
#ifndef SERIN_ANALYSIS_MODEL_TIMESTAMP_H_
#define SERIN_ANALYSIS_MODEL_TIMESTAMP_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace serin::analysis {

// Formats `t` in UTC, truncated to the second (the precision metav1.Time keeps, so a time
// written and read back compares equal to the truncated value).
std::string formatTimestamp(absl::Time t);

// Parses RFC 3339 with a "Z" or numeric offset and optional fractional seconds.
// InvalidArgument otherwise.
absl::StatusOr<absl::Time> parseTimestamp(std::string_view text);

// `t` truncated to the whole second, rounding towards the past.
absl::Time truncateToSecond(absl::Time t);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_MODEL_TIMESTAMP_H_
