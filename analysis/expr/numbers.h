// Number handling shared by values, literals, operators and builtins: exact comparison
// across int and float, text formatting, and parsing of numeric strings.
#ifndef SERIN_ANALYSIS_EXPR_NUMBERS_H_
#define SERIN_ANALYSIS_EXPR_NUMBERS_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "analysis/expr/value.h"

namespace serin::expr {

// Compares an int with a float exactly (no rounding of large ints through double).
// Unordered when `d` is NaN.
std::partial_ordering compareIntFloat(int64_t i, double d);

// Compares two numbers (int or float) by value. Unordered when either is NaN or either
// is not a number.
std::partial_ordering compareNumbers(const Value& a, const Value& b);

// The shortest text that reads back as `d`, always with a '.' or an exponent so it cannot
// be mistaken for an int: 0.95, 2.0, 1e+21, NaN, +Inf, -Inf.
std::string formatFloat(double d);

// Parses the whole of `text` as a number: an optional sign, then decimal digits with an
// optional fraction and exponent, or NaN / Inf / +Inf / -Inf / Infinity (any case), as
// Prometheus and Go's strconv write them. Surrounding ASCII whitespace is ignored. Integral
// text that fits int64 gives an int, anything else a float. nullopt when `text` is not a
// number or is out of double range.
std::optional<Value> parseNumber(std::string_view text);

// `d` truncated toward zero, or nullopt when it is NaN, infinite or outside int64.
std::optional<int64_t> truncateToInt(double d);

}  // namespace serin::expr

#endif  // SERIN_ANALYSIS_EXPR_NUMBERS_H_
