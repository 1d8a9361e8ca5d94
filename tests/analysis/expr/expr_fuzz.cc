// libFuzzer target: compile arbitrary bytes as a condition, then evaluate whatever compiles
// against a fixed environment. Any crash, sanitizer report or exception is a bug: every
// input must end in a value or an InvalidArgument status.
//
//   cmake -S . -B build-fuzz -G Ninja -DSERIN_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++
//   ninja -C build-fuzz expr_fuzz && build-fuzz/tests/analysis/expr/expr_fuzz -max_len=512
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "analysis/expr/program.h"

namespace {

using serin::expr::Environment;
using serin::expr::Value;

Environment makeEnvironment() {
  Value::List floats{Value(0.95), Value(0.99), Value(std::numeric_limits<double>::quiet_NaN())};
  Value::Map inner{{"b", Value(2)}, {"list", Value(Value::List{Value(1), Value("x")})}};
  Value::Map m{{"a", Value(1)}, {"ok", Value(true)}, {"nested", Value(inner)}};
  Value::List objs{Value(Value::Map{{"value", Value(1)}}), Value(Value::Map{{"value", Value(3)}})};
  return {
      {"result", Value(floats)},
      {"x", Value(5)},
      {"f", Value(0.5)},
      {"s", Value("hello")},
      {"n", Value()},
      {"t", Value(true)},
      {"big", Value(std::numeric_limits<int64_t>::max())},
      {"inf", Value(std::numeric_limits<double>::infinity())},
      {"m", Value(m)},
      {"objs", Value(objs)},
      {"l", Value(Value::List(100, Value(7)))},
  };
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Environment* const kVars = new Environment(makeEnvironment());
  serin::expr::Limits limits;
  limits.max_steps = 100'000;  // keep each run fast; the budget logic is what is tested
  std::string_view source(reinterpret_cast<const char*>(data), size);
  auto program = serin::expr::Program::compile(source, limits);
  if (!program.ok()) return 0;
  auto value = program->evaluate(*kVars);
  if (value.ok()) (void)value->debugString();
  (void)program->evaluateBool(*kVars);
  return 0;
}
