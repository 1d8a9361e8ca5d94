#include "analysis/model/duration.h"

#include <cstdint>
#include <limits>
#include <string>

#include "common/json_text.h"
#include "common/strings.h"

namespace serin::analysis {
namespace {

constexpr int64_t kNanosecond = 1;
constexpr int64_t kMicrosecond = 1000 * kNanosecond;
constexpr int64_t kMillisecond = 1000 * kMicrosecond;
constexpr int64_t kSecond = 1000 * kMillisecond;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;

// Go's limit: a duration is an int64 count of nanoseconds.
constexpr __int128 kMaxNanos = std::numeric_limits<int64_t>::max();

int64_t unitNanos(std::string_view unit) {
  if (unit == "ns") return kNanosecond;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return kMicrosecond;
  if (unit == "ms") return kMillisecond;
  if (unit == "s") return kSecond;
  if (unit == "m") return kMinute;
  if (unit == "h") return kHour;
  return 0;
}

absl::Status notADuration(std::string_view text, std::string_view why) {
  std::string quoted = jsonQuote(text.substr(0, 64));
  if (text.size() > 64) quoted.insert(quoted.size() - 1, "...");
  return absl::InvalidArgumentError(
      strCat(quoted, " is not a duration", why.empty() ? "" : ": ", why));
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

absl::StatusOr<absl::Duration> parseDuration(std::string_view text) {
  if (text.empty()) return notADuration(text, "");
  if (text == "0") return absl::ZeroDuration();
  if (text[0] == '-' || text[0] == '+') {
    return notADuration(text, "a duration has no sign (negative durations are not allowed)");
  }
  __int128 total = 0;
  size_t i = 0;
  while (i < text.size()) {
    // The number: digits, optionally a '.' and more digits; at least one digit overall.
    uint64_t whole = 0;
    bool overflow = false;
    const size_t numberStart = i;
    while (i < text.size() && isDigit(text[i])) {
      if (whole > (uint64_t{1} << 63) / 10) overflow = true;
      whole = whole * 10 + static_cast<uint64_t>(text[i] - '0');
      ++i;
    }
    bool sawDigits = i > numberStart;
    uint64_t fraction = 0;
    uint64_t scale = 1;
    if (i < text.size() && text[i] == '.') {
      ++i;
      const size_t fractionStart = i;
      while (i < text.size() && isDigit(text[i])) {
        // Digits beyond 18 cannot change a nanosecond count; they are read and dropped.
        if (scale < 1'000'000'000'000'000'000ULL) {
          fraction = fraction * 10 + static_cast<uint64_t>(text[i] - '0');
          scale *= 10;
        }
        ++i;
      }
      sawDigits = sawDigits || i > fractionStart;
    }
    if (!sawDigits) {
      return notADuration(text, strCat("expected a number at position ", numberStart + 1));
    }
    if (overflow) return notADuration(text, "out of range");
    // The unit: everything up to the next number, as Go reads it.
    const size_t unitStart = i;
    while (i < text.size() && text[i] != '.' && !isDigit(text[i])) ++i;
    const std::string_view unit = text.substr(unitStart, i - unitStart);
    if (unit.empty()) {
      return notADuration(text, "missing unit (use ns, us, ms, s, m or h, e.g. \"30s\")");
    }
    const int64_t nanos = unitNanos(unit);
    if (nanos == 0) {
      return notADuration(text, strCat("unknown unit ", jsonQuote(unit.substr(0, 16)),
                                       " (use ns, us, ms, s, m or h)"));
    }
    total += static_cast<__int128>(whole) * nanos + static_cast<__int128>(fraction) * nanos / scale;
    if (total > kMaxNanos) return notADuration(text, "out of range");
  }
  return absl::Nanoseconds(static_cast<int64_t>(total));
}

}  // namespace serin::analysis
