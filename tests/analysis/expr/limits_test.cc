// Hostile input: every way an expression could exhaust the stack, memory or CPU is refused
// with InvalidArgument. Also a property test: random bytes never crash compile().
#include <gtest/gtest.h>

#include <pthread.h>

#include <random>
#include <string>
#include <vector>

#include "analysis/expr/program.h"
#include "tests/analysis/expr/test_util.h"

namespace serin::expr {
namespace {

using testing_util::list;
using testing_util::standardEnvironment;

std::string repeat(std::string_view piece, size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (size_t i = 0; i < times; ++i) out += piece;
  return out;
}

// Limits that let huge sources through to the depth and node checks.
Limits bigSource() {
  Limits limits;
  limits.max_source_bytes = 4 * 1024 * 1024;
  return limits;
}

std::string compileError(const std::string& source, const Limits& limits) {
  absl::StatusOr<Program> program = Program::compile(source, limits);
  EXPECT_FALSE(program.ok()) << "compiled " << source.size() << " bytes";
  if (program.ok()) return "";
  EXPECT_EQ(program.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(program.status().message());
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(ExprLimitsTest, SourceSize) {
  std::string huge = repeat("1 + ", 256 * 1024) + "1";  // 1 MB
  std::string message = compileError(huge, Limits{});
  EXPECT_EQ(message,
            "line 1, column 1: the expression is 1048577 bytes long, more than the "
            "limit of 16384");
  Limits small;
  small.max_source_bytes = 4;
  EXPECT_TRUE(Program::compile("1+22", small).ok());
  EXPECT_TRUE(contains(compileError("1+222", small), "more than the limit of 4"));
}

TEST(ExprLimitsTest, NestedParentheses) {
  std::string deep = repeat("(", 10000) + "1" + repeat(")", 10000);
  EXPECT_TRUE(contains(compileError(deep, Limits{}), "more than the limit of 16384"));
  std::string message = compileError(deep, bigSource());
  EXPECT_TRUE(contains(message,
                       "line 1, column 129: the expression is nested too deeply "
                       "(more than 128 levels)"))
      << message;
  // 128 levels are fine.
  std::string ok = repeat("(", 128) + "1" + repeat(")", 128);
  absl::StatusOr<Program> program = Program::compile(ok);
  ASSERT_TRUE(program.ok()) << program.status().message();
  EXPECT_EQ(program->evaluate({})->asInt(), 1);
}

TEST(ExprLimitsTest, EveryNestingConstructIsBounded) {
  const std::vector<std::string> hostile = {
      repeat("!", 100000) + "true",
      repeat("not ", 50000) + "true",
      repeat("-", 100000) + "1",
      repeat("+-", 50000) + "1",
      repeat("[", 100000) + repeat("]", 100000),
      repeat("{a: ", 50000) + "1" + repeat("}", 50000),
      repeat("len(", 50000) + "l" + repeat(")", 50000),
      repeat("all(l, {", 20000) + "true" + repeat("})", 20000),
      repeat("all(l, ", 20000) + "true" + repeat(")", 20000),
      repeat("l[", 50000) + "0" + repeat("]", 50000),
      repeat("2 ** ", 100000) + "2",
      repeat("t ? 1 : ", 50000) + "2",
      repeat("t ? ", 50000) + "1" + repeat(" : 2", 50000),
      "1" + repeat(" + 1", 100000),
      "t" + repeat(" && t", 100000),
      "n" + repeat(" ?? n", 100000),
      "m" + repeat(".a", 100000),
      "m" + repeat("?.a", 100000),
      "l" + repeat("[0]", 100000),
      "l" + repeat("[:]", 100000),
  };
  for (const std::string& source : hostile) {
    SCOPED_TRACE(source.substr(0, 40));
    std::string message = compileError(source, bigSource());
    EXPECT_TRUE(contains(message, "nested too deeply") || contains(message, "too large"))
        << message;
  }
}

TEST(ExprLimitsTest, LongButShallowChainsWithinTheTreeHeight) {
  // The tree may be 4 * max_depth = 512 high: 400 chained additions compile and run.
  absl::StatusOr<Program> sum = Program::compile("1" + repeat(" + 1", 400));
  ASSERT_TRUE(sum.ok()) << sum.status().message();
  EXPECT_EQ(sum->evaluate({})->asInt(), 401);
  std::string message = compileError("1" + repeat(" + 1", 600), Limits{});
  EXPECT_TRUE(contains(message, "syntax tree deeper than 512")) << message;
  absl::StatusOr<Program> nots = Program::compile(repeat("!", 100) + "true");
  ASSERT_TRUE(nots.ok()) << nots.status().message();
  EXPECT_TRUE(nots->evaluate({})->asBool());
}

TEST(ExprLimitsTest, NodeCount) {
  std::string wide = "[" + repeat("1,", 30000) + "1]";
  std::string message = compileError(wide, bigSource());
  EXPECT_TRUE(contains(message, "the expression is too large (more than 20000 syntax nodes)"))
      << message;
  Limits few;
  few.max_nodes = 3;
  EXPECT_TRUE(Program::compile("1 + 2", few).ok());
  EXPECT_TRUE(contains(compileError("1 + 2 + 3", few), "more than 3 syntax nodes"));
}

TEST(ExprLimitsTest, CustomDepth) {
  Limits shallow;
  shallow.max_depth = 3;
  EXPECT_TRUE(Program::compile("(((1)))", shallow).ok());
  EXPECT_TRUE(contains(compileError("((((1))))", shallow), "more than 3 levels"));
  EXPECT_TRUE(contains(compileError("!!!!true", shallow), "more than 3 levels"));
  Limits none;
  none.max_depth = 0;
  EXPECT_TRUE(Program::compile("x", none).ok());
  EXPECT_TRUE(contains(compileError("(x)", none), "more than 0 levels"));
}

TEST(ExprLimitsTest, HugeNumberLiteralsAndStrings) {
  EXPECT_TRUE(contains(compileError(repeat("9", 10000), Limits{}), "is out of range"));
  EXPECT_TRUE(contains(compileError("1e" + repeat("9", 100), Limits{}), "is out of range"));
  EXPECT_TRUE(
      contains(compileError("0." + repeat("0", 400) + "1e-400", Limits{}), "is out of range"));
  // A long but legal string literal is fine.
  absl::StatusOr<Program> program = Program::compile("'" + repeat("a", 16000) + "'");
  ASSERT_TRUE(program.ok());
  EXPECT_EQ(program->evaluate({})->asString().size(), 16000u);
}

TEST(ExprLimitsTest, InvalidUtf8) {
  EXPECT_EQ(compileError("result[0] >= \xC3\x28", Limits{}), "line 1, column 14: invalid UTF-8");
  EXPECT_EQ(compileError(std::string("a\0b", 3), Limits{}),
            "line 1, column 2: unexpected control character U+0000");
}

// Runs `job` on a thread whose stack is `bytes` big, so a recursion the limits failed to
// bound would crash the test instead of passing on a roomy main stack.
void runWithStack(size_t bytes, void (*job)()) {
  pthread_attr_t attributes;
  ASSERT_EQ(pthread_attr_init(&attributes), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attributes, bytes), 0);
  pthread_t thread;
  auto trampoline = [](void* arg) -> void* {
    reinterpret_cast<void (*)()>(arg)();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attributes, trampoline, reinterpret_cast<void*>(job)), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attributes);
}

// The deepest expressions the default limits accept compile, evaluate and are destroyed
// on a 2 MiB stack (glibc's default is 8 MiB); the hostile ones are refused there too.
TEST(ExprLimitsTest, DeepestLegalExpressionsFitASmallStack) {
  runWithStack(2 * 1024 * 1024, [] {
    Environment vars = standardEnvironment();
    const std::vector<std::string> deepest = {
        "1" + repeat(" + 1", 510),
        "t" + repeat(" && t", 510),
        repeat("!", 127) + "t",
        repeat("-", 127) + "1",
        repeat("(", 128) + "1" + repeat(")", 128),
        repeat("[", 127) + repeat("]", 127),
        repeat("len([", 63) + "1" + repeat("])", 63),
        repeat("any(l, {", 42) + "true" + repeat("})", 42),
        "n" + repeat("?.a", 400),
    };
    for (const std::string& source : deepest) {
      absl::StatusOr<Program> program = Program::compile(source);
      EXPECT_TRUE(program.ok()) << source.substr(0, 30) << ": " << program.status().message();
      if (program.ok()) EXPECT_TRUE(program->evaluate(vars).ok()) << source.substr(0, 30);
    }
    std::string hostile = repeat("(", 100000) + "1" + repeat(")", 100000);
    EXPECT_FALSE(Program::compile(hostile, bigSource()).ok());
  });
}

absl::Status evaluateError(const std::string& source, const Environment& vars,
                           const Limits& limits = {}) {
  absl::StatusOr<Program> program = Program::compile(source, limits);
  if (!program.ok()) return program.status();
  absl::StatusOr<Value> out = program->evaluate(vars);
  return out.ok() ? absl::OkStatus() : out.status();
}

TEST(ExprLimitsTest, StepBudget) {
  Value::List thousand(1000, Value(1));
  Environment vars{{"big", Value(thousand)}, {"s", Value(std::string(600'000, 'x'))}};
  // One million closure evaluations of a three-node body blow the default budget.
  absl::Status status = evaluateError("all(big, {all(big, {# == 1})})", vars);
  EXPECT_TRUE(
      contains(std::string(status.message()), "evaluation exceeded its budget of 1000000 steps"))
      << status.message();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  status = evaluateError("len(map(big, {map(big, {map(big, {#})})})) > 0", vars);
  EXPECT_TRUE(contains(std::string(status.message()), "exceeded its budget")) << status.message();
  // Copying big data counts too.
  status = evaluateError("len(s + s) > 0", vars);
  EXPECT_TRUE(contains(std::string(status.message()), "column 7: evaluation exceeded its budget"))
      << status.message();
  status = evaluateError("len(big + big + big) > 0", vars, [] {
    Limits tight;
    tight.max_steps = 2500;
    return tight;
  }());
  EXPECT_TRUE(contains(std::string(status.message()), "budget of 2500 steps")) << status.message();
  // A single pass over a thousand elements is well within budget.
  EXPECT_TRUE(evaluateError("all(big, {# == 1}) && sum(big) == 1000", vars).ok());
}

// Property: compile() never crashes on arbitrary bytes, and whatever compiles evaluates
// without crashing. Deterministic seed, so a failure reproduces.
TEST(ExprLimitsTest, RandomBytesNeverCrash) {
  std::mt19937 random(20240601);
  const std::string alphabet =
      "()[]{}.,:?!#+-*/%^<>=&|'\"`\\ \n\t_0123456789abcdefxnotiru$e."
      "??.?.**==!=<=>=&&||..";
  const std::vector<std::string> words = {
      "result", "len(",   "all(", "map(",   "filter(", "isNaN(", "default(",
      "#",      "#index", "nil",  "true",   "not ",    " in ",   " and ",
      " or ",   "?.",     "??",   "0x1F",   "1e3",     "l",      "m",
      "s",      "x",      "objs", ".value", "[0]",     "[1:]",   "{# > 1}",
  };
  Environment vars = standardEnvironment();
  Limits limits;
  limits.max_steps = 20000;
  int compiled = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string source;
    size_t length = random() % 48;
    for (size_t k = 0; k < length; ++k) {
      switch (random() % 4) {
        case 0:
          source += static_cast<char>(random() % 256);
          break;
        case 1:
        case 2:
          source += alphabet[random() % alphabet.size()];
          break;
        default:
          source += words[random() % words.size()];
          break;
      }
    }
    absl::StatusOr<Program> program = Program::compile(source, limits);
    if (!program.ok()) {
      EXPECT_EQ(program.status().code(), absl::StatusCode::kInvalidArgument) << source;
      EXPECT_TRUE(contains(std::string(program.status().message()), "column ")) << source;
      continue;
    }
    ++compiled;
    absl::StatusOr<Value> out = program->evaluate(vars);
    if (!out.ok()) {
      EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << source;
      EXPECT_TRUE(contains(std::string(out.status().message()), "column ")) << source;
    }
  }
  EXPECT_GT(compiled, 100);  // the generator reaches the evaluator, not only the lexer
}

// Property: removing or duplicating one token of a valid expression never crashes.
TEST(ExprLimitsTest, MutatedExpressionsNeverCrash) {
  const std::vector<std::string> seeds = {
      "len(result) == 0 || result[0] < 0.5",  "all(fl, {# > 0.9}) && any(objs, .value > 2)",
      "m?.nested?.b ?? default(nan, 0) >= 1", "x in [1, 2] ? s[1:3] + 'x' : string(l[-1])",
      "{a: 1, 'b': [1, 2,]}.b[0] ** 2 % 3",
  };
  Environment vars = standardEnvironment();
  for (const std::string& seed : seeds) {
    for (size_t cut = 0; cut < seed.size(); ++cut) {
      for (size_t width = 1; width <= 3 && cut + width <= seed.size(); ++width) {
        std::string removed = seed.substr(0, cut) + seed.substr(cut + width);
        std::string doubled = seed.substr(0, cut + width) + seed.substr(cut);
        for (const std::string& source : {removed, doubled}) {
          absl::StatusOr<Program> program = Program::compile(source);
          if (program.ok()) program->evaluate(vars).IgnoreError();
        }
      }
    }
  }
}

}  // namespace
}  // namespace serin::expr
