#include "analysis/expr/parser.h"

#include <gtest/gtest.h>

#include <string>

#include "analysis/expr/program.h"
#include "tests/analysis/expr/test_util.h"

namespace serin::expr {
namespace {

using testing_util::Case;
using testing_util::Err;
using testing_util::runTable;
using testing_util::standardEnvironment;

std::string compileError(std::string_view source, const Limits& limits = {}) {
  absl::StatusOr<Program> program = Program::compile(source, limits);
  EXPECT_FALSE(program.ok()) << "compiled: " << source;
  if (program.ok()) return "";
  EXPECT_EQ(program.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(program.status().message());
}

TEST(ExprParserTest, SyntaxErrorsNameLineAndColumn) {
  struct Row {
    const char* source;
    const char* error;
  };
  const Row rows[] = {
      {"", "line 1, column 1: the expression is empty"},
      {"   ", "line 1, column 4: the expression is empty"},
      {"// nothing", "the expression is empty"},
      {"1 +", "line 1, column 4: unexpected end of expression"},
      {"1 2", "line 1, column 3: unexpected number 2"},
      {"result[0] >= ", "line 1, column 14: unexpected end of expression"},
      {"(1 + 2",
       "line 1, column 7: expected ')' to close '(' at column 1, found end of expression"},
      {"result[0", "column 9: expected ']' to close '[' at column 7"},
      {"[1, 2", "column 6: expected ']' to close '[' at column 1"},
      {"[1 2]", "column 4: expected ',' or ']', found number 2"},
      {"{a: 1 b: 2}", "column 7: expected ',' or '}', found 'b'"},
      {"{a 1}", "column 4: expected ':' after map key, found number 1"},
      {"{1: 2}", "column 2: expected a map key (a name or a string), found number 1"},
      {"{a: 1, a: 2}", "column 8: duplicate key \"a\" in map"},
      {"{'a': 1, \"a\": 2}", "duplicate key \"a\" in map"},
      {"len(result", "column 11: expected ')' to close '(' at column 4"},
      {"len(result,)", "column 12: unexpected ')'"},
      {"len(a b)", "column 7: expected ',' or ')', found 'b'"},
      {"a ? b", "column 6: expected ':' to close '?' at column 3"},
      {"a ? b c", "column 7: expected ':' to close '?'"},
      {")", "column 1: unexpected ')'"},
      {"* 2", "column 1: unexpected '*'"},
      {"a.", "column 3: expected a field name after '.', found end of expression"},
      {"a.1", "column 3: expected a field name after '.'"},
      {"a?.", "expected a field name after '?.'"},
      {"a[]", "column 3: unexpected ']'"},
      {"a?.[1:2]", "a slice cannot be optional"},
      {"a and", "column 6: unexpected end of expression"},
      {"and", "column 1: unexpected 'and'"},
      {"in [1]", "column 1: unexpected 'in'"},
      {"a not b", "column 3: unexpected 'not'"},
      {"a not == b", "unexpected 'not'"},
      {"a.b()", "column 4: only builtin functions can be called"},
      {"(a)(1)", "only builtin functions can be called"},
      {".5", "column 1: unexpected '.'"},
      {"1 == 1\n  && )", "line 2, column 6: unexpected ')'"},
      {"(1 +\n 2", "line 2, column 3: expected ')' to close '(' at line 1, column 1"},
      {"\"é\" + )", "line 1, column 7: unexpected ')'"},  // é counts as one column
      {"a ?: b", "unexpected ':'"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.source);
    std::string message = compileError(row.source);
    EXPECT_NE(message.find(row.error), std::string::npos) << message;
  }
}

TEST(ExprParserTest, FunctionsAreCheckedAtCompileTime) {
  struct Row {
    const char* source;
    const char* error;
  };
  const Row rows[] = {
      {"foo(1)", "line 1, column 1: unknown function 'foo'"},
      {"x > 1 && nope(x)", "column 10: unknown function 'nope'"},
      {"matches(a, b)", "unknown function 'matches'"},
      {"len()", "column 1: len expects 1 argument, got 0"},
      {"len(a, b)", "len expects 1 argument, got 2"},
      {"isInf()", "isInf expects 1 or 2 arguments, got 0"},
      {"isInf(a, 1, 2)", "isInf expects 1 or 2 arguments, got 3"},
      {"default(a)", "default expects 2 arguments, got 1"},
      {"min()", "min expects at least 1 argument, got 0"},
      {"all(result)", "all expects 2 arguments (a list and a predicate such as {# > 0}), got 1"},
      {"all()", "all expects 2 arguments"},
      {"filter(l, {# > 1}, 3)", "filter expects 2 arguments"},
      {"count()", "count expects 1 or 2 arguments, got 0"},
      {"count(l, {#}, 1)", "count expects 1 or 2 arguments, got 3"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.source);
    std::string message = compileError(row.source);
    EXPECT_NE(message.find(row.error), std::string::npos) << message;
  }
}

TEST(ExprParserTest, RefusedOperatorsExplainThemselves) {
  EXPECT_NE(compileError("s matches \"^a\"")
                .find("line 1, column 3: the 'matches' operator is not supported"),
            std::string::npos);
  EXPECT_NE(compileError("not (s matches 'x')").find("'matches' operator is not supported"),
            std::string::npos);
  EXPECT_NE(compileError("s not matches 'x'").find("'matches' operator is not supported"),
            std::string::npos);
  EXPECT_NE(compileError("1..3").find("column 2: the range operator '..' is not supported"),
            std::string::npos);
  EXPECT_NE(compileError("l | len()").find("the pipe operator '|' is not supported"),
            std::string::npos);
}

TEST(ExprParserTest, PointersOnlyInsidePredicates) {
  EXPECT_NE(compileError("# > 1").find("line 1, column 1: '#' can only be used inside a predicate"),
            std::string::npos);
  EXPECT_NE(compileError("len(#)").find("'#' can only be used inside a predicate"),
            std::string::npos);
  EXPECT_NE(compileError("all(l, {#acc > 1})").find("unknown pointer '#acc'"), std::string::npos);
  EXPECT_NE(compileError("#index").find("'#index' can only be used inside a predicate"),
            std::string::npos);
  // A map literal is not a predicate context.
  EXPECT_NE(compileError("{a: #}").find("'#' can only be used"), std::string::npos);
  EXPECT_TRUE(Program::compile("all(l, {# > 1})").ok());
  EXPECT_TRUE(Program::compile("all(l, # > 1)").ok());
  EXPECT_TRUE(Program::compile("all(l, .value > 1)").ok());
  EXPECT_TRUE(Program::compile("all(l, {#index >= 0})").ok());
}

// Precedence and associativity, checked through values that differ by grouping.
TEST(ExprParserTest, PrecedenceAndAssociativity) {
  const std::vector<Case> cases = {
      {"1 + 2 * 3", 7},
      {"(1 + 2) * 3", 9},
      {"10 - 4 - 3", 3},       // left-associative
      {"2 * 3 % 4", 2},        // (2*3) % 4
      {"2 ** 3 ** 2", 512.0},  // right-associative
      {"2 ^ 3 ^ 2", 512.0},
      {"(2 ** 3) ** 2", 64.0},
      {"-2 ** 2", -4.0},  // unary minus binds looser than **
      {"(-2) ** 2", 4.0},
      {"2 * -3", -6},
      {"1 - -1", 2},
      {"- - 1", 1},
      {"+-+1", -1},
      {"1 + 2 == 3", true},
      {"1 < 2 == true", true},           // comparisons are one level, left to right
      {"true || false && false", true},  // && binds tighter than ||
      {"(true || false) && false", false},
      {"false && true || true", true},
      {"not true == false", true},  // (not true) == false
      {"!false && false", false},
      {"not (1 > 2)", true},
      {"true ? 1 : 2 + 10", 1},  // ?: is loosest
      {"false ? 1 : 2 + 10", 12},
      {"true ? false ? 1 : 2 : 3", 2},  // nested in the middle
      {"false ? 1 : true ? 2 : 3", 2},  // right-nested
      {"1 > 0 ? 'yes' : 'no'", "yes"},
      {"n ?? 1 + 1", 2},  // ?? binds tightest, as in expr
      {"n ?? 2 > 1", true},
      {"x ?? 0 * 2", 10},
      {"n ?? n ?? 3", 3},
      {"1 + 2 in [3]", true},  // + binds tighter than in
      {"2 in [1, 2] == true", true},
      {"1 not in [2] && true", true},
      {"s contains 'ell' || false", true},
      {"s not contains 'z'", true},
      {"s not startsWith 'z'", true},
      {"s not endsWith 'o'", false},
      {"len(l) * 2 + 1", 7},
      {"l[0] + l[1] * l[2]", 7},
      {"m.nested.b * 10", 20},
      {"-l[0]", -1},
      {"!m.ok", false},
      {"x >= 5 and x <= 5", true},
      {"x > 5 or x < 5", false},
      {"(((((1)))))", 1},
      {"1 +\n  2 // comment\n  * 3", 7},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprParserTest, TrailingCommasInLiterals) {
  const std::vector<Case> cases = {
      {"[1, 2,]", testing_util::list({1, 2})}, {"{a: 1,}", testing_util::map({{"a", 1}})},
      {"[]", testing_util::list({})},          {"{}", testing_util::map({})},
      {"[,]", Err{"unexpected ','"}},          {"{,}", Err{"expected a map key"}},
  };
  runTable(cases, standardEnvironment());
}

TEST(ExprParserTest, CollectsVariablesAndFunctions) {
  absl::StatusOr<ParsedExpression> parsed =
      parse("isNaN(result[0]) || default(m.a, 0) > all(l, {# > limit}) ?? x", Limits{});
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->variables,
            (std::set<std::string, std::less<>>{"l", "limit", "m", "result", "x"}));
  EXPECT_EQ(parsed->functions, (std::set<std::string, std::less<>>{"all", "default", "isNaN"}));
}

TEST(ExprParserTest, SpansCoverTheirText) {
  std::string source = "a + b.c[1]";
  absl::StatusOr<ParsedExpression> parsed = parse(source, Limits{});
  ASSERT_TRUE(parsed.ok());
  const Node& root = *parsed->root;
  ASSERT_EQ(root.kind, NodeKind::kBinary);
  EXPECT_EQ(root.span.begin, 0u);
  EXPECT_EQ(root.span.end, source.size());
  const auto& binary = static_cast<const BinaryNode&>(root);
  EXPECT_EQ(binary.op_span.begin, 2u);
  EXPECT_EQ(binary.right->span.begin, 4u);
  EXPECT_EQ(binary.right->span.end, source.size());
  EXPECT_EQ(binary.right->kind, NodeKind::kIndex);
  EXPECT_EQ(root.height, 4);  // + over [] over . over b
}

}  // namespace
}  // namespace serin::expr
