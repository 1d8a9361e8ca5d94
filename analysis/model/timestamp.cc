#include "analysis/model/timestamp.h"

#include <string>

#include "common/json_text.h"
#include "common/strings.h"

namespace serin::analysis {

absl::Time truncateToSecond(absl::Time t) {
  return absl::FromUnixSeconds(absl::ToUnixSeconds(t));  // rounds towards the past
}

std::string formatTimestamp(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%SZ", truncateToSecond(t), absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> parseTimestamp(std::string_view text) {
  absl::Time t;
  std::string err;
  // absl's %Ez accepts "Z" as well as +hh:mm.
  if (text.size() > 64 || !absl::ParseTime(absl::RFC3339_full, toAbsl(text), &t, &err)) {
    return absl::InvalidArgumentError(strCat(
        jsonQuote(text.substr(0, 64)), " is not an RFC 3339 time (e.g. \"2026-11-25T10:00:00Z\")"));
  }
  return t;
}

}  // namespace serin::analysis
