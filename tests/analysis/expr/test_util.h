// Shared helpers for the analysis/expr tests: a standard environment, one-call evaluation,
// and an expectation type so tables can hold a value or an error substring.
#ifndef SERIN_TESTS_ANALYSIS_EXPR_TEST_UTIL_H_
#define SERIN_TESTS_ANALYSIS_EXPR_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "analysis/expr/program.h"
#include "analysis/expr/value.h"

namespace serin::expr {

// Lets gtest print Values in failure messages.
inline void PrintTo(const Value& v, std::ostream* os) { *os << v.debugString(); }

namespace testing_util {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

inline Value list(std::initializer_list<Value> values) { return Value(Value::List(values)); }
inline Value map(std::initializer_list<std::pair<const std::string, Value>> entries) {
  return Value(Value::Map(entries));
}

// The variables most table cases read.
inline Environment standardEnvironment() {
  return {
      {"x", Value(5)},
      {"f", Value(0.5)},
      {"s", Value("hello")},
      {"t", Value(true)},
      {"n", Value()},
      {"nan", Value(kNaN)},
      {"inf", Value(kInf)},
      {"ninf", Value(-kInf)},
      {"big", Value(std::numeric_limits<int64_t>::max())},
      {"small", Value(std::numeric_limits<int64_t>::min())},
      {"l", list({1, 2, 3})},
      {"fl", list({0.95, 0.99, 1.0})},
      {"empty", list({})},
      {"strs", list({"a", "b"})},
      {"bools", list({true, false, true})},
      {"objs", list({map({{"value", 1}}), map({{"value", 3}})})},
      {"m", map({{"a", 1}, {"ok", true}, {"nested", map({{"b", 2}})}, {"list", list({1, 2})}})},
  };
}

inline absl::StatusOr<Value> evaluate(std::string_view source, const Environment& vars) {
  absl::StatusOr<Program> program = Program::compile(source);
  if (!program.ok()) return program.status();
  return program->evaluate(vars);
}

// An expected error: the message must contain `substring`.
struct Err {
  std::string substring;
};

// What a table case expects: a value (compared by kind and debug text, so 2 differs from
// 2.0 and NaN matches NaN) or an InvalidArgument error containing a substring.
struct Expect {
  template <typename T>
  Expect(T v) : value(Value(std::move(v))) {}  // NOLINT: implicit for readable tables
  Expect(Value v) : value(std::move(v)) {}     // NOLINT
  Expect(Err e) : is_error(true), error(std::move(e.substring)) {}  // NOLINT

  bool is_error = false;
  Value value;
  std::string error;
};

inline void checkOutcome(const absl::StatusOr<Value>& actual, const Expect& expected) {
  if (expected.is_error) {
    ASSERT_FALSE(actual.ok()) << "expected an error containing \"" << expected.error << "\", got "
                              << actual->debugString();
    EXPECT_EQ(actual.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(actual.status().message()).find(expected.error), std::string::npos)
        << "message: " << actual.status().message() << "\nexpected to contain: " << expected.error;
    return;
  }
  ASSERT_TRUE(actual.ok()) << actual.status().message();
  EXPECT_EQ(kindName(actual->kind()), kindName(expected.value.kind()));
  EXPECT_EQ(actual->debugString(), expected.value.debugString());
}

struct Case {
  std::string source;
  Expect expected;
};

// Evaluates every case against `vars`, reporting each failure with its source.
inline void runTable(const std::vector<Case>& cases, const Environment& vars) {
  for (const Case& c : cases) {
    SCOPED_TRACE("source: " + c.source);
    checkOutcome(evaluate(c.source, vars), c.expected);
  }
}

}  // namespace testing_util
}  // namespace serin::expr

#endif  // SERIN_TESTS_ANALYSIS_EXPR_TEST_UTIL_H_
