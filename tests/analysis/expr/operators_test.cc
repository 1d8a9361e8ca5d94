// Every operator, through the language: arithmetic, comparison, equality, logic,
// membership, string tests, unary operators, and their NaN/Inf/nil cases.
#include <gtest/gtest.h>

#include <vector>

#include "tests/analysis/expr/test_util.h"

namespace serin::expr {
namespace {

using testing_util::Case;
using testing_util::Err;
using testing_util::kInf;
using testing_util::kNaN;
using testing_util::list;
using testing_util::runTable;
using testing_util::standardEnvironment;

TEST(ExprOperatorsTest, Arithmetic) {
  const std::vector<Case> cases = {
      {"1 + 2", 3},
      {"1 + 2.5", 3.5},
      {"2.5 + 1", 3.5},
      {"0.1 + 0.2", 0.30000000000000004},
      {"5 - 7", -2},
      {"5 - 0.5", 4.5},
      {"6 * 7", 42},
      {"6 * 0.5", 3.0},
      {"7 / 2", 3.5},  // / always yields a float
      {"6 / 3", 2.0},
      {"1 / 0", kInf},  // IEEE
      {"-1 / 0", -kInf},
      {"0 / 0", kNaN},
      {"1.0 / 0.0", kInf},
      {"7 % 3", 1},
      {"-7 % 3", -1},  // sign of the dividend, as in Go
      {"7 % -3", 1},
      {"small % -1", 0},  // no UB for INT64_MIN % -1
      {"7 % 0", Err{"column 3: integer modulo by zero"}},
      {"7.5 % 2", Err{"column 5: operator % needs ints, got float and int"}},
      {"7 % 2.0", Err{"operator % needs ints, got int and float"}},
      {"2 ** 10", 1024.0},
      {"2 ^ 0.5", 1.4142135623730951},
      {"4 ** -1", 0.25},
      {"0 ** 0", 1.0},
      {"(-8) ** (1.0 / 3)", kNaN},
      {"'ab' + 'cd'", "abcd"},
      {"s + ''", "hello"},
      {"[1] + [2, 3]", list({1, 2, 3})},
      {"l + empty", list({1, 2, 3})},
      {"'a' + 1", Err{"column 5: operator + not defined on string and int"}},
      {"1 + 'a'", Err{"operator + not defined on int and string"}},
      {"[1] + 1", Err{"operator + not defined on list and int"}},
      {"n + 1", Err{"column 3: operator + not defined on nil and int"}},
      {"t + 1", Err{"operator + not defined on bool and int"}},
      {"'a' - 'b'", Err{"operator - not defined on string and string"}},
      {"'a' * 2", Err{"operator * not defined on string and int"}},
      {"m / 2", Err{"operator / not defined on map and int"}},
      {"'a' ** 2", Err{"operator ** not defined on string and int"}},
      {"nan + 1", kNaN},
      {"inf - inf", kNaN},
      {"inf * 0", kNaN},
      {"inf + 1", kInf},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprOperatorsTest, IntegerOverflowIsAnError) {
  const std::vector<Case> cases = {
      {"big + 1", Err{"column 5: integer overflow in 9223372036854775807 + 1"}},
      {"small - 1", Err{"integer overflow in -9223372036854775808 - 1"}},
      {"big * 2", Err{"integer overflow in 9223372036854775807 * 2"}},
      {"-small", Err{"column 1: integer overflow in -(-9223372036854775808)"}},
      {"big + 1.0", 9223372036854775808.0},  // a float operand makes it float math
      {"big - 1", 9223372036854775806},
      {"-big", -9223372036854775807},
      {"big + small", -1},
      {"sum([big, 1])", Err{"integer overflow in sum"}},
      {"abs(small)", Err{"integer overflow in abs"}},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprOperatorsTest, Comparisons) {
  const std::vector<Case> cases = {
      {"1 < 2", true},
      {"2 < 1", false},
      {"1 <= 1", true},
      {"1 > 1", false},
      {"1 >= 1.0", true},
      {"0.99 >= 0.99", true},
      {"1 < 1.5", true},
      {"2 > 1.5", true},
      {"big < big + 1.0", true},
      {"big < 9223372036854775806.0", true},  // the literal rounds to 2^63; compared exactly
      {"'a' < 'b'", true},
      {"'abc' < 'abd'", true},
      {"'B' < 'a'", true},  // bytes
      {"'' < 'a'", true},
      {"'b' >= 'b'", true},
      {"inf > big", true},
      {"ninf < small", true},
      {"1 < 'a'", Err{"column 3: operator < not defined on int and string"}},
      {"n < 1", Err{"operator < not defined on nil and int"}},
      {"n >= 0.5", Err{"operator >= not defined on nil and float"}},
      {"[1] < [2]", Err{"operator < not defined on list and list"}},
      {"t > false", Err{"operator > not defined on bool and bool"}},
      {"m <= m", Err{"operator <= not defined on map and map"}},
  };
  runTable(cases, standardEnvironment());
}

// NaN compares false in every ordered comparison and in ==; NaN != NaN is true.
TEST(ExprOperatorsTest, NaNComparesFalse) {
  const std::vector<Case> cases = {
      {"nan < 1", false},         {"nan <= 1", false},       {"nan > 1", false},
      {"nan >= 1", false},        {"1 < nan", false},        {"1 <= nan", false},
      {"1 > nan", false},         {"1 >= nan", false},       {"nan == nan", false},
      {"nan != nan", true},       {"nan == 1", false},       {"nan != 1", true},
      {"nan < inf", false},       {"nan > ninf", false},     {"!(nan >= 0.99)", true},
      {"0.0 / 0 >= 0.99", false}, {"[nan] == [nan]", false}, {"nan in [nan]", false},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprOperatorsTest, EqualityNeverFails) {
  const std::vector<Case> cases = {
      {"1 == 1", true},
      {"1 == 1.0", true},
      {"1 != 1.0", false},
      {"0.5 == f", true},
      {"'a' == 'a'", true},
      {"'a' == 'b'", false},
      {"n == nil", true},
      {"nil == nil", true},
      {"nil != nil", false},
      {"n == 0", false},
      {"0 == false", false},
      {"'1' == 1", false},
      {"'1' != 1", true},
      {"t == true", true},
      {"[1, 2] == [1, 2.0]", true},
      {"[1, 2] == [2, 1]", false},
      {"l == [1, 2, 3]", true},
      {"{a: 1} == {a: 1.0}", true},
      {"{a: 1} == {b: 1}", false},
      {"m == m", true},
      {"[1] == {a: 1}", false},
      {"empty == []", true},
      {"inf == inf", true},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprOperatorsTest, LogicIsStrictAndShortCircuits) {
  const std::vector<Case> cases = {
      {"true && true", true},
      {"true && false", false},
      {"false || true", true},
      {"false || false", false},
      {"true and false", false},
      {"false or true", true},
      {"!true", false},
      {"not false", true},
      {"!!true", true},
      {"not not true", true},
      // The right side is not evaluated once the left decides.
      {"false && missing > 1", false},
      {"true || missing > 1", true},
      {"false and l[10] > 1", false},
      {"len(empty) == 0 || empty[0] < 0.5", true},
      // Operands must be bools.
      {"1 && true", Err{"column 3: operator && needs bool operands, got int (1) on the left"}},
      {"true && 1", Err{"operator && needs bool operands, got int (1) on the right"}},
      {"n || true", Err{"operator || needs bool operands, got nil on the left"}},
      {"false or 'x'", Err{"operator || needs bool operands, got string (\"x\") on the right"}},
      {"!1", Err{"column 1: operator ! needs a bool, got int (1)"}},
      {"not n", Err{"operator ! needs a bool, got nil"}},
      {"true ? 1 : 2", 1},
      {"1 ? 1 : 2", Err{"column 1: the condition before '?' must be a bool, got int (1)"}},
      {"false ? missing : 2", 2},
      {"true ? 1 : missing", 1},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprOperatorsTest, Membership) {
  const std::vector<Case> cases = {
      {"2 in l", true},
      {"2.0 in l", true},
      {"4 in l", false},
      {"4 not in l", true},
      {"'a' in strs", true},
      {"'c' in strs", false},
      {"[1] in [[1], [2]]", true},
      {"nil in [nil]", true},
      {"1 in empty", false},
      {"'a' in m", true},
      {"'zz' in m", false},
      {"'zz' not in m", true},
      {"1 in m", Err{"column 3: map keys are strings, cannot look up int (1)"}},
      {"'ell' in s", true},
      {"'' in s", true},
      {"'xyz' in s", false},
      {"1 in s", Err{"operator in not defined on int and string"}},
      {"1 in 1", Err{"operator in not defined on int and int"}},
      {"1 in n", Err{"operator in not defined on int and nil"}},
      {"1 not in n", Err{"operator not in not defined on int and nil"}},
      {"x in [1, 5]", true},
      {"f in [1, 0.5]", true},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprOperatorsTest, StringTests) {
  const std::vector<Case> cases = {
      {"s contains 'll'", true},
      {"s contains 'z'", false},
      {"s startsWith 'he'", true},
      {"s startsWith 'lo'", false},
      {"s endsWith 'lo'", true},
      {"s endsWith 'hello!'", false},
      {"s startsWith ''", true},
      {"'' endsWith 'a'", false},
      {"l contains 1", Err{"column 3: operator contains not defined on list and int"}},
      {"s startsWith 1", Err{"operator startsWith not defined on string and int"}},
      {"n endsWith 'a'", Err{"operator endsWith not defined on nil and string"}},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprOperatorsTest, Unary) {
  const std::vector<Case> cases = {
      {"-x", -5},
      {"-f", -0.5},
      {"+x", 5},
      {"+f", 0.5},
      {"-nan", kNaN},
      {"-inf", -kInf},
      {"-'a'", Err{"column 1: operator - needs a number, got string (\"a\")"}},
      {"+n", Err{"operator + needs a number, got nil"}},
      {"-t", Err{"operator - needs a number, got bool (true)"}},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprOperatorsTest, Coalesce) {
  const std::vector<Case> cases = {
      {"n ?? 1", 1},
      {"x ?? 1", 5},
      {"nan ?? 1", kNaN},  // ?? is for nil only; default() also replaces NaN
      {"m.missing ?? 'd'", "d"},
      {"m.a ?? missing", 1},  // the right side is only evaluated when needed
      {"n ?? missing", Err{"unknown variable 'missing'"}},
      {"false ?? true", false},
  };
  runTable(cases, standardEnvironment());
}

}  // namespace
}  // namespace serin::expr
