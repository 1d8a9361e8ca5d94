#include "analysis/expr/numbers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/analysis/expr/test_util.h"

namespace serin::expr {
namespace {

using testing_util::kInf;
using testing_util::kNaN;

TEST(ExprNumbersTest, CompareIntFloatIsExact) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(compareIntFloat(1, 1.0), std::partial_ordering::equivalent);
  EXPECT_EQ(compareIntFloat(1, 1.5), std::partial_ordering::less);
  EXPECT_EQ(compareIntFloat(2, 1.5), std::partial_ordering::greater);
  EXPECT_EQ(compareIntFloat(-1, -1.5), std::partial_ordering::greater);
  EXPECT_EQ(compareIntFloat(-2, -1.5), std::partial_ordering::less);
  EXPECT_EQ(compareIntFloat(0, kNaN), std::partial_ordering::unordered);
  EXPECT_EQ(compareIntFloat(kMax, kInf), std::partial_ordering::less);
  EXPECT_EQ(compareIntFloat(kMin, -kInf), std::partial_ordering::greater);
  EXPECT_EQ(compareIntFloat(kMax, 9223372036854775808.0), std::partial_ordering::less);
  EXPECT_EQ(compareIntFloat(kMin, -9223372036854775808.0), std::partial_ordering::equivalent);
  EXPECT_EQ(compareIntFloat((int64_t{1} << 53) + 1, 9007199254740992.0),
            std::partial_ordering::greater);
}

TEST(ExprNumbersTest, CompareNumbers) {
  EXPECT_EQ(compareNumbers(Value(1), Value(2)), std::partial_ordering::less);
  EXPECT_EQ(compareNumbers(Value(2.5), Value(2)), std::partial_ordering::greater);
  EXPECT_EQ(compareNumbers(Value(0.5), Value(0.5)), std::partial_ordering::equivalent);
  EXPECT_EQ(compareNumbers(Value(kNaN), Value(1)), std::partial_ordering::unordered);
  EXPECT_EQ(compareNumbers(Value("1"), Value(1)), std::partial_ordering::unordered);
}

TEST(ExprNumbersTest, FormatFloat) {
  EXPECT_EQ(formatFloat(0.1), "0.1");
  EXPECT_EQ(formatFloat(1.0), "1.0");
  EXPECT_EQ(formatFloat(-0.0), "-0.0");
  EXPECT_EQ(formatFloat(123456789.0), "123456789.0");
  EXPECT_EQ(formatFloat(1e100), "1e+100");
  EXPECT_EQ(formatFloat(kNaN), "NaN");
  EXPECT_EQ(formatFloat(-kInf), "-Inf");
}

TEST(ExprNumbersTest, ParseNumber) {
  struct Row {
    const char* text;
    const char* expected;  // debug text, or null for "not a number"
  };
  const Row rows[] = {
      {"42", "42"},
      {" 42\n", "42"},
      {"+7", "7"},
      {"-7", "-7"},
      {"0.5", "0.5"},
      {".5", "0.5"},
      {"5.", "5.0"},
      {"1e3", "1000.0"},
      {"-1.5E-3", "-0.0015"},
      {"9223372036854775807", "9223372036854775807"},
      {"9223372036854775808", "9223372036854775808.0"},
      {"NaN", "NaN"},
      {"nan", "NaN"},
      {"+Inf", "+Inf"},
      {"-inf", "-Inf"},
      {"Infinity", "+Inf"},
      {"", nullptr},
      {"   ", nullptr},
      {"abc", nullptr},
      {"1x", nullptr},
      {"1e", nullptr},
      {"--1", nullptr},
      {"+", nullptr},
      {".", nullptr},
      {"0x10", nullptr},
      {"1_000", nullptr},
      {"1e999", nullptr},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    std::optional<Value> parsed = parseNumber(row.text);
    if (row.expected == nullptr) {
      EXPECT_FALSE(parsed.has_value()) << parsed->debugString();
    } else {
      ASSERT_TRUE(parsed.has_value());
      EXPECT_EQ(parsed->debugString(), row.expected);
    }
  }
}

TEST(ExprNumbersTest, TruncateToInt) {
  EXPECT_EQ(truncateToInt(3.9), 3);
  EXPECT_EQ(truncateToInt(-3.9), -3);
  EXPECT_EQ(truncateToInt(-9223372036854775808.0), std::numeric_limits<int64_t>::min());
  EXPECT_FALSE(truncateToInt(9223372036854775808.0).has_value());
  EXPECT_FALSE(truncateToInt(kNaN).has_value());
  EXPECT_FALSE(truncateToInt(kInf).has_value());
}

}  // namespace
}  // namespace serin::expr
