// Every builtin: results, NaN/Inf/nil handling, and the errors for wrong kinds.
#include "analysis/expr/builtins.h"

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
using testing_util::map;
using testing_util::runTable;
using testing_util::standardEnvironment;

TEST(ExprBuiltinsTest, TableLookup) {
  ASSERT_NE(findBuiltin("len"), nullptr);
  EXPECT_EQ(findBuiltin("len")->name, "len");
  EXPECT_EQ(findBuiltin("all")->closure, Builtin::Closure::kRequired);
  EXPECT_EQ(findBuiltin("count")->closure, Builtin::Closure::kOptional);
  EXPECT_EQ(findBuiltin("isNaN")->closure, Builtin::Closure::kNone);
  EXPECT_EQ(findBuiltin("matches"), nullptr);
  EXPECT_EQ(findBuiltin("LEN"), nullptr);
}

TEST(ExprBuiltinsTest, Len) {
  const std::vector<Case> cases = {
      {"len(l)", 3},
      {"len(empty)", 0},
      {"len(s)", 5},
      {"len('é')", 2},  // bytes, as Go's len
      {"len(m)", 4},
      {"len({})", 0},
      {"len(x)", Err{"column 1: len expects a string, list or map, got int (5)"}},
      {"len(n)", Err{"len expects a string, list or map, got nil"}},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprBuiltinsTest, NaNInfNil) {
  const std::vector<Case> cases = {
      {"isNaN(nan)", true},
      {"isNaN(0.0 / 0)", true},
      {"isNaN(f)", false},
      {"isNaN(x)", false},
      {"isNaN(inf)", false},
      {"isNaN(l)", Err{"column 1: isNaN expects a number, got list ([1, 2, 3])"}},
      {"isNaN(n)", Err{"isNaN expects a number, got nil"}},
      {"isNaN('NaN')", Err{"isNaN expects a number, got string"}},
      {"isInf(inf)", true},
      {"isInf(ninf)", true},
      {"isInf(1 / 0)", true},
      {"isInf(f)", false},
      {"isInf(nan)", false},
      {"isInf(big)", false},
      {"isInf(inf, 1)", true},
      {"isInf(ninf, 1)", false},
      {"isInf(ninf, -1)", true},
      {"isInf(inf, -1)", false},
      {"isInf(inf, 0)", true},
      {"isInf(ninf, 0.0)", true},
      {"isInf('x')", Err{"isInf expects a number, got string"}},
      {"isInf(inf, 'x')", Err{"isInf expects a number as sign, got string"}},
      {"isNil(n)", true},
      {"isNil(nil)", true},
      {"isNil(0)", false},
      {"isNil(empty)", false},
      {"isNil(m.missing)", true},
      {"isNil(nan)", false},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprBuiltinsTest, Default) {
  const std::vector<Case> cases = {
      {"default(n, 0)", 0},
      {"default(nan, 0)", 0},  // NaN ("no data") takes the default too
      {"default(0.0 / 0, 1.5)", 1.5},
      {"default(f, 0)", 0.5},
      {"default(x, 0)", 5},
      {"default(inf, 0)", kInf},
      {"default(empty, [1])", list({})},
      {"default('', 'd')", ""},
      {"default(m.missing, 'd')", "d"},
      {"default(m.a, 'd')", 1},
      {"default(n, n)", Value()},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprBuiltinsTest, Conversions) {
  const std::vector<Case> cases = {
      {"asInt(5)", 5},
      {"asInt(5.9)", 5},
      {"asInt(-5.9)", -5},
      {"asInt('42')", 42},
      {"asInt(' 42 ')", 42},
      {"asInt('-7')", -7},
      {"asInt('3.7')", 3},
      {"asInt('1e3')", 1000},
      {"asInt('abc')", Err{"column 1: cannot convert string (\"abc\") to int"}},
      {"asInt('')", Err{"cannot convert string (\"\") to int"}},
      {"asInt(nan)", Err{"cannot convert float (NaN) to int"}},
      {"asInt(inf)", Err{"cannot convert float (+Inf) to int"}},
      {"asInt('NaN')", Err{"cannot convert string (\"NaN\") to int"}},
      {"asInt(1e19)", Err{"cannot convert float (1e+19) to int"}},
      {"asInt(t)", Err{"int conversion expects a number or a numeric string, got bool (true)"}},
      {"asInt(n)", Err{"got nil"}},
      {"asInt(l)", Err{"got list"}},
      {"int('12')", 12},
      {"int(2.5)", 2},
      {"asFloat('0.5')", 0.5},
      {"asFloat('42')", 42.0},
      {"asFloat(3)", 3.0},
      {"asFloat(0.25)", 0.25},
      {"asFloat('NaN')", kNaN},
      {"asFloat('+Inf')", kInf},
      {"asFloat('-Inf')", -kInf},
      {"asFloat('x')", Err{"cannot convert string (\"x\") to float"}},
      {"asFloat(n)", Err{"float conversion expects a number or a numeric string, got nil"}},
      {"float('1.5') + 1", 2.5},
      {"float(1)", 1.0},
      {"string(1)", "1"},
      {"string(0.5)", "0.5"},
      {"string(2.0)", "2.0"},
      {"string(s)", "hello"},
      {"string(t)", "true"},
      {"string(n)", "nil"},
      {"string(l)", "[1, 2, 3]"},
      {"string(nan)", "NaN"},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprBuiltinsTest, Numbers) {
  const std::vector<Case> cases = {
      {"abs(-3)", 3},
      {"abs(3)", 3},
      {"abs(-0.5)", 0.5},
      {"abs(ninf)", kInf},
      {"abs('x')", Err{"abs expects a number, got string"}},
      {"min(3, 1, 2)", 1},
      {"max(3, 1, 2)", 3},
      {"min(1, 0.5)", 0.5},
      {"max(1, 1.0)", 1},  // the first of equals
      {"min(fl)", 0.95},
      {"max(fl)", 1.0},
      {"max(l)", 3},
      {"min(7)", 7},
      {"min(1, nan)", kNaN},
      {"max(fl + [nan])", kNaN},
      {"max(inf, 1)", kInf},
      {"min(empty)", Err{"column 1: min of an empty list"}},
      {"max(1, 'a')", Err{"max expects numbers, got string (\"a\")"}},
      {"min(strs)", Err{"min expects numbers, got string"}},
      {"max(n)", Err{"max expects numbers, got nil"}},
      {"sum(l)", 6},
      {"sum(fl) > 2.939 && sum(fl) < 2.941", true},
      {"sum([1, 0.5])", 1.5},
      {"sum(empty)", 0},
      {"sum([nan, 1])", kNaN},
      {"sum(strs)", Err{"sum expects numbers, got string"}},
      {"sum(x)", Err{"sum expects a list, got int (5)"}},
      {"sum(objs, {#.value})", 4},
      {"sum(objs, .value * 0.5)", 2.0},
      {"mean(l)", 2.0},
      {"mean([1, 2])", 1.5},
      {"mean(objs, #.value)", 2.0},
      {"mean(empty)", Err{"mean of an empty list"}},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprBuiltinsTest, Predicates) {
  const std::vector<Case> cases = {
      {"all(fl, {# > 0.9})", true},
      {"all(fl, {# > 0.96})", false},
      {"all(empty, {# > 1})", true},
      {"any(fl, {# == 1})", true},
      {"any(fl, {# > 1})", false},
      {"any(empty, {true})", false},
      {"none(fl, {# < 0.9})", true},
      {"none(fl, {# < 0.96})", false},
      {"none(empty, {true})", true},
      {"one(l, {# == 2})", true},
      {"one(l, {# > 1})", false},
      {"one(l, {# > 5})", false},
      {"filter(l, {# > 1})", list({2, 3})},
      {"filter(l, {# > 5})", list({})},
      {"filter(objs, .value > 2)", list({map({{"value", 3}})})},
      {"map(l, {# * 2})", list({2, 4, 6})},
      {"map(l, #index)", list({0, 1, 2})},
      {"map(objs, .value)", list({1, 3})},
      {"map(l, {[#, #index]})", list({list({1, 0}), list({2, 1}), list({3, 2})})},
      {"count(l, {# >= 2})", 2},
      {"count(bools)", 2},
      {"count(empty)", 0},
      {"count(l)", Err{"count without a predicate expects bools, got int (1)"}},
      // Predicates without braces, as newer expr accepts.
      {"all(fl, # >= 0.95)", true},
      {"any(l, # == 3)", true},
      {"count(fl, # > 0.96 && # <= 1)", 2},
      // Nested closures: # is the innermost element.
      {"all([[1, 2], [3]], {all(#, {# > 0})})", true},
      {"any([[1, 2], [3]], {len(#) == 1 && all(#, {# == 3})})", true},
      {"map([[1, 2], [3]], {sum(#)})", list({3, 3})},
      // Variables are visible inside predicates.
      {"all(l, {# <= x})", true},
      {"filter(l, {# in [1, 3]})", list({1, 3})},
      // Errors.
      {"all(l, {#})", Err{"column 1: the predicate of all must return a bool, got int (1)"}},
      {"filter(l, {# + 1})", Err{"the predicate of filter must return a bool, got int"}},
      {"any(x, {true})", Err{"any expects a list, got int (5)"}},
      {"all(n, {true})", Err{"all expects a list, got nil"}},
      {"none(m, {true})", Err{"none expects a list, got map"}},
      {"map(l, {#.a})", Err{"column 11: cannot read field 'a' of int (1)"}},
      {"all(l, {# > 'a'})", Err{"column 11: operator > not defined on int and string"}},
      {"all(strs, {# > 1})", Err{"operator > not defined on string and int"}},
      // Short-circuit: all stops at the first false, any at the first true.
      {"all([1, 'a'], {# == 2 && # > 0})", false},
      {"any([1, 'a'], {# == 1 || # > 0})", true},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprBuiltinsTest, ListsMapsAndStrings) {
  const std::vector<Case> cases = {
      {"first(l)", 1},
      {"last(l)", 3},
      {"first(empty)", Value()},
      {"last(empty)", Value()},
      {"first(s)", Err{"first expects a list, got string"}},
      {"keys(m)", list({"a", "list", "nested", "ok"})},
      {"values({b: 2, a: 1})", list({1, 2})},
      {"keys(l)", Err{"keys expects a map, got list"}},
      {"lower('AbC-é')", "abc-é"},
      {"upper(s)", "HELLO"},
      {"upper(1)", Err{"upper expects a string, got int"}},
      {"lower(n)", Err{"lower expects a string, got nil"}},
      {"trim('  a b \\n')", "a b"},
      {"trim('   ')", ""},
      {"trim('xxaxx', 'x')", "a"},
      {"trim('abc', '')", "abc"},
      {"trim(1)", Err{"trim expects a string, got int"}},
      {"trim('a', 1)", Err{"trim expects a string of characters to cut, got int"}},
  };
  runTable(cases, standardEnvironment());
}

}  // namespace
}  // namespace serin::expr
