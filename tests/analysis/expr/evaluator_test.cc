// Access to variables, fields, indexes and slices; optional chaining; literals; error
// positions.
#include "analysis/expr/evaluator.h"

#include <gtest/gtest.h>

#include <vector>

#include "analysis/expr/parser.h"
#include "tests/analysis/expr/test_util.h"

namespace serin::expr {
namespace {

using testing_util::Case;
using testing_util::Err;
using testing_util::list;
using testing_util::map;
using testing_util::runTable;
using testing_util::standardEnvironment;

TEST(ExprEvaluatorTest, Literals) {
  const std::vector<Case> cases = {
      {"42", 42},
      {"0x1F", 31},
      {"1_000", 1000},
      {"0.5", 0.5},
      {"1e-3", 0.001},
      {"1.5e3", 1500.0},
      {"'single'", "single"},
      {"\"double\"", "double"},
      {"`raw\\n`", "raw\\n"},
      {"true", true},
      {"false", false},
      {"nil", Value()},
      {"[1, 'a', nil, [true]]", list({1, "a", Value(), list({true})})},
      {"{\"a\": 1, b: [2], 'c d': {e: nil}}",
       map({{"a", 1}, {"b", list({2})}, {"c d", map({{"e", Value()}})}})},
      {"{a: x, b: x + 1}", map({{"a", 5}, {"b", 6}})},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprEvaluatorTest, Variables) {
  const std::vector<Case> cases = {
      {"x", 5},
      {"result", Err{"column 1: unknown variable 'result'"}},
      {"x + y", Err{"column 5: unknown variable 'y'"}},
      {"x > 1 &&\n  missing", Err{"line 2, column 3: unknown variable 'missing'"}},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprEvaluatorTest, MembersAndIndexes) {
  const std::vector<Case> cases = {
      {"m.a", 1},
      {"m.ok == true", true},
      {"m.nested.b", 2},
      {"m['a']", 1},
      {"m[\"nested\"]['b']", 2},
      {"m.list[1]", 2},
      {"m.missing", Value()},  // a missing key is nil, as in expr
      {"m['missing']", Value()},
      {"m.missing == nil", true},
      {"m.missing.deeper", Err{"column 11: cannot read field 'deeper' of nil (use ?. where"}},
      {"n.a", Err{"column 3: cannot read field 'a' of nil"}},
      {"x.a", Err{"cannot read field 'a' of int (5)"}},
      {"l.a", Err{"cannot read field 'a' of list"}},
      {"m[1]", Err{"column 2: map keys are strings, cannot index with int (1)"}},
      {"l[0]", 1},
      {"l[2]", 3},
      {"l[-1]", 3},
      {"l[-3]", 1},
      {"l[3]", Err{"column 2: index 3 out of range for list of length 3"}},
      {"l[-4]", Err{"index -4 out of range for list of length 3"}},
      {"empty[0]", Err{"index 0 out of range for list of length 0"}},
      {"l[0.0]", Err{"list index must be an int, got float (0.0)"}},
      {"l['0']", Err{"list index must be an int, got string"}},
      {"l[n]", Err{"list index must be an int, got nil"}},
      {"s[0]", "h"},
      {"s[-1]", "o"},
      {"s[5]", Err{"index 5 out of range for string of length 5"}},
      {"n[0]", Err{"column 2: cannot index nil (use ?.[ where it may be nil)"}},
      {"x[0]", Err{"cannot index int (5)"}},
      {"objs[1].value", 3},
      {"objs[-1]['value'] * 2", 6},
      {"[10, 20][1]", 20},
      {"{a: 1}.a", 1},
      {"l[1 + 1]", 3},
      {"l[len(l) - 1]", 3},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprEvaluatorTest, Slices) {
  const std::vector<Case> cases = {
      {"l[1:3]", list({2, 3})},
      {"l[1:]", list({2, 3})},
      {"l[:2]", list({1, 2})},
      {"l[:]", list({1, 2, 3})},
      {"l[-2:]", list({2, 3})},
      {"l[:-1]", list({1, 2})},
      {"l[2:1]", list({})},           // an empty slice, not an error
      {"l[0:100]", list({1, 2, 3})},  // bounds are clamped
      {"l[-100:1]", list({1})},
      {"s[1:3]", "el"},
      {"s[:-2]", "hel"},
      {"s[10:]", ""},
      {"l[0.5:]", Err{"column 2: slice bounds must be ints, got float (0.5)"}},
      {"m[1:]", Err{"cannot slice map"}},
      {"n[1:]", Err{"cannot slice nil"}},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprEvaluatorTest, OptionalChaining) {
  const std::vector<Case> cases = {
      {"n?.a", Value()},
      {"n?.a.b.c", Value()},  // the whole chain is nil once ?. meets nil
      {"n?.a[0].b", Value()},
      {"n?.[0]", Value()},
      {"m?.a", 1},
      {"m?.nested?.b", 2},
      {"m?.missing?.b", Value()},
      {"m.missing?.b ?? 'd'", "d"},
      {"(n?.a).b", Err{"cannot read field 'b' of nil"}},      // parentheses end the chain
      {"m?.missing.b", Err{"cannot read field 'b' of nil"}},  // only a ?. may meet nil
      {"l?.[1]", 2},
      {"m?.['a']", 1},
      {"x?.a", Err{"cannot read field 'a' of int"}},
      {"len(n?.a ?? [])", 0},
      {"[n?.a, m?.a]", list({Value(), 1})},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprEvaluatorTest, ErrorColumnsPointAtTheOperator) {
  const std::vector<Case> cases = {
      {"result + 'a'", Err{"column 1: unknown variable 'result'"}},
      {"x + 'a'", Err{"column 3: operator +"}},
      {"1 + 2 + 'a'", Err{"column 7: operator +"}},
      {"x    %    0", Err{"column 6: integer modulo by zero"}},
      {"l[9]", Err{"column 2: index 9"}},
      {"    len(1)", Err{"column 5: len expects"}},
      {"'é' + 1", Err{"column 5: operator + not defined"}},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprEvaluatorTest, DirectUseWithStepBudget) {
  absl::StatusOr<ParsedExpression> parsed = parse("x + 1", Limits{});
  ASSERT_TRUE(parsed.ok());
  Environment vars{{"x", Value(1)}};
  Evaluator enough("x + 1", vars, 3);
  absl::StatusOr<Value> v = enough.evaluate(*parsed->root);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->asInt(), 2);
  Evaluator too_few("x + 1", vars, 2);
  absl::StatusOr<Value> out = too_few.evaluate(*parsed->root);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(std::string(out.status().message()).find("evaluation exceeded its budget of 2 steps"),
            std::string::npos);
}

}  // namespace
}  // namespace serin::expr
