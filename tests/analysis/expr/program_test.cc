#include "analysis/expr/program.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/analysis/expr/test_util.h"

namespace serin::expr {
namespace {

using testing_util::kNaN;
using testing_util::list;

TEST(ExprProgramTest, CompileOnceEvaluateMany) {
  absl::StatusOr<Program> program = Program::compile("result[0] >= 0.99");
  ASSERT_TRUE(program.ok()) << program.status().message();
  EXPECT_EQ(program->source(), "result[0] >= 0.99");
  for (double v : {0.98, 0.99, 1.0}) {
    absl::StatusOr<bool> ok = program->evaluateBool({{"result", list({v})}});
    ASSERT_TRUE(ok.ok()) << ok.status().message();
    EXPECT_EQ(*ok, v >= 0.99) << v;
  }
}

TEST(ExprProgramTest, EvaluateBoolRequiresABool) {
  absl::StatusOr<Program> program = Program::compile("result");
  ASSERT_TRUE(program.ok());
  struct Row {
    Value result;
    const char* message;
  };
  const Row rows[] = {
      {Value(0.5), "condition must evaluate to a boolean, got float (0.5)"},
      {Value(1), "condition must evaluate to a boolean, got int (1)"},
      {Value(), "condition must evaluate to a boolean, got nil"},
      {Value("true"), "condition must evaluate to a boolean, got string (\"true\")"},
      {list({true}), "condition must evaluate to a boolean, got list ([true])"},
  };
  for (const Row& row : rows) {
    absl::StatusOr<bool> out = program->evaluateBool({{"result", row.result}});
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(out.status().message(), row.message);
  }
  absl::StatusOr<bool> yes = program->evaluateBool({{"result", Value(true)}});
  ASSERT_TRUE(yes.ok());
  EXPECT_TRUE(*yes);
}

TEST(ExprProgramTest, EvaluationErrorsPropagateThroughEvaluateBool) {
  absl::StatusOr<Program> program = Program::compile("result[0] >= 0.99");
  ASSERT_TRUE(program.ok());
  absl::StatusOr<bool> out = program->evaluateBool({{"result", list({})}});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(), "column 7: index 0 out of range for list of length 0");
  out = program->evaluateBool({});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(), "column 1: unknown variable 'result'");
}

TEST(ExprProgramTest, CallsAndReferences) {
  absl::StatusOr<Program> program =
      Program::compile("isNaN(result[0]) || default(result[1], 0) > 0.5 && all(l, {#.x > 1})");
  ASSERT_TRUE(program.ok());
  EXPECT_TRUE(program->calls("isNaN"));
  EXPECT_TRUE(program->calls("default"));
  EXPECT_TRUE(program->calls("all"));
  EXPECT_FALSE(program->calls("isInf"));
  EXPECT_FALSE(program->calls("result"));
  EXPECT_TRUE(program->references("result"));
  EXPECT_TRUE(program->references("l"));
  EXPECT_FALSE(program->references("x"));  // a field name, not a variable
  EXPECT_FALSE(program->references("isNaN"));
  EXPECT_FALSE(program->references("#"));

  absl::StatusOr<Program> literal = Program::compile("{result: 1}.result == 1 && true");
  ASSERT_TRUE(literal.ok());
  EXPECT_FALSE(literal->references("result"));  // map keys and fields are not variables
  EXPECT_FALSE(literal->references("true"));
}

TEST(ExprProgramTest, CopiesShareTheCompiledTree) {
  absl::StatusOr<Program> program = Program::compile("x * 2");
  ASSERT_TRUE(program.ok());
  Program copy = *program;
  EXPECT_EQ(&copy.source(), &program->source());
  absl::StatusOr<Value> v = copy.evaluate({{"x", Value(21)}});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->asInt(), 42);
}

TEST(ExprProgramTest, ConcurrentEvaluationOfOneProgram) {
  absl::StatusOr<Program> program =
      Program::compile("all(result, {# >= threshold}) && len(filter(result, {# > 0.5})) > 0");
  ASSERT_TRUE(program.ok());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        double threshold = (i + t) % 2 == 0 ? 0.9 : 0.99;
        Environment vars{{"result", list({0.95, 1.0})}, {"threshold", Value(threshold)}};
        absl::StatusOr<bool> out = program->evaluateBool(vars);
        if (!out.ok() || *out != (threshold == 0.9)) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(ExprProgramTest, MultiLineConditions) {
  // YAML block scalars (`|`) give multi-line text with a trailing newline.
  absl::StatusOr<Program> program = Program::compile(
      "len(result) > 0 &&\n"
      "  result[0] >= 0.99  // success rate\n");
  ASSERT_TRUE(program.ok()) << program.status().message();
  absl::StatusOr<bool> ok = program->evaluateBool({{"result", list({0.995})}});
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(*ok);
  absl::StatusOr<bool> bad = program->evaluateBool({{"result", list({"x"})}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "line 2, column 13: operator >= not defined on string and float");
}

TEST(ExprProgramTest, NaNIsNeverASuccessByAccident) {
  // Prometheus returns NaN for 0/0 (no traffic yet). Neither a success condition nor a
  // failure condition written as a comparison holds for it.
  Environment vars{{"result", list({kNaN})}};
  for (const char* source : {"result[0] >= 0.99", "result[0] > 0.05", "result[0] < 0.05",
                             "result[0] == result[0]", "!(result[0] != result[0])"}) {
    absl::StatusOr<Program> program = Program::compile(source);
    ASSERT_TRUE(program.ok());
    absl::StatusOr<bool> out = program->evaluateBool(vars);
    ASSERT_TRUE(out.ok());
    EXPECT_FALSE(*out) << source;
    EXPECT_FALSE(program->calls("isNaN"));
  }
}

}  // namespace
}  // namespace serin::expr
