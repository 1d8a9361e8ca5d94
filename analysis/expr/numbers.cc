#include "analysis/expr/numbers.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace serin::expr {
namespace {

// 2^63: the first double above every int64. Every double below it and at or above -2^63
// truncates to a representable int64.
constexpr double kTwoTo63 = 9223372036854775808.0;

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

bool isAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Checks the decimal grammar before std::from_chars reads the digits: from_chars would
// also take spellings such as "infinity" (handled separately) and refuses the leading '+'
// that Go and Prometheus write.
bool isDecimalNumber(std::string_view s, bool* integral) {
  size_t i = 0;
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  *integral = true;
  if (i < s.size() && s[i] == '.') {
    *integral = false;
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    *integral = false;
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exponent_digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exponent_digits;
    if (exponent_digits == 0) return false;
  }
  return i == s.size();
}

}  // namespace

std::partial_ordering compareIntFloat(int64_t i, double d) {
  if (std::isnan(d)) return std::partial_ordering::unordered;
  if (d >= kTwoTo63) return std::partial_ordering::less;
  if (d < -kTwoTo63) return std::partial_ordering::greater;
  double whole = std::trunc(d);
  auto truncated = static_cast<int64_t>(whole);
  if (i != truncated)
    return i < truncated ? std::partial_ordering::less : std::partial_ordering::greater;
  double fraction = d - whole;
  if (fraction > 0) return std::partial_ordering::less;
  if (fraction < 0) return std::partial_ordering::greater;
  return std::partial_ordering::equivalent;
}

std::partial_ordering compareNumbers(const Value& a, const Value& b) {
  using Kind = Value::Kind;
  if (a.kind() == Kind::kInt && b.kind() == Kind::kInt) return a.asInt() <=> b.asInt();
  if (a.kind() == Kind::kInt && b.kind() == Kind::kFloat) {
    return compareIntFloat(a.asInt(), b.asFloat());
  }
  if (a.kind() == Kind::kFloat && b.kind() == Kind::kInt) {
    return 0 <=> compareIntFloat(b.asInt(), a.asFloat());
  }
  if (a.kind() == Kind::kFloat && b.kind() == Kind::kFloat) return a.asFloat() <=> b.asFloat();
  return std::partial_ordering::unordered;
}

std::string formatFloat(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
  if (ec != std::errc()) return "?";  // cannot happen: 64 bytes hold any double
  std::string text(buffer, end);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::optional<Value> parseNumber(std::string_view text) {
  while (!text.empty() && isAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && isAsciiSpace(text.back())) text.remove_suffix(1);
  bool negative = false;
  std::string_view body = text;
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  if (equalsIgnoreCase(body, "nan")) return Value(std::nan(""));
  if (equalsIgnoreCase(body, "inf") || equalsIgnoreCase(body, "infinity")) {
    return Value(negative ? -INFINITY : INFINITY);
  }
  bool integral = false;
  if (!isDecimalNumber(body, &integral)) return std::nullopt;
  // from_chars takes a '-' but no '+': hand it the text from the '-' on.
  std::string_view digits = negative ? text.substr(text.size() - body.size() - 1) : body;
  if (integral) {
    int64_t i = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), i);
    if (ec == std::errc() && end == digits.data() + digits.size()) return Value(i);
    // Too big for int64: fall through and read it as a float.
  }
  double d = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), d);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return Value(d);
}

std::optional<int64_t> truncateToInt(double d) {
  if (std::isnan(d) || d >= kTwoTo63 || d < -kTwoTo63) return std::nullopt;
  return static_cast<int64_t>(std::trunc(d));
}

}  // namespace serin::expr
