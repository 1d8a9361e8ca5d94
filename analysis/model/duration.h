// Argo Rollouts' DurationString: Go's time.ParseDuration syntax ("30s", "1m", "1h30m",
// "500ms", "1.5h"), parsed strictly so that a typo is an error instead of a zero.
#ifndef SERIN_ANALYSIS_MODEL_DURATION_H_
#define SERIN_ANALYSIS_MODEL_DURATION_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace serin::analysis {

// Parses a sequence of decimal numbers, each with an optional fraction and a unit (ns, us,
// µs, μs, ms, s, m, h), or the bare "0". InvalidArgument, with a message that quotes the
// text and says what is wrong, for an empty string, a missing or unknown unit, a sign
// (negative durations mean nothing here, and Argo's CRD rejects them too) or a value
// beyond Go's range (about 290 years).
absl::StatusOr<absl::Duration> parseDuration(std::string_view text);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_MODEL_DURATION_H_
