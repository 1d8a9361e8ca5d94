// A compiled condition: parse once when the AnalysisTemplate is read, evaluate for every
// measurement.
//
//   ASSIGN_OR_RETURN(Program success, Program::compile("result[0] >= 0.99"));
//   ASSIGN_OR_RETURN(bool ok, success.evaluateBool({{"result", Value::fromJson(body)}}));
//
// The language is expr-lang's, as Argo Rollouts users write it; parser.h has the grammar
// and builtins.h the functions. Errors never throw and never crash, whatever the input:
// every way a hostile expression could exhaust the stack, memory or CPU is bounded by
// Limits.
#ifndef SERIN_ANALYSIS_EXPR_PROGRAM_H_
#define SERIN_ANALYSIS_EXPR_PROGRAM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "analysis/expr/compile_limits.h"
#include "analysis/expr/environment.h"
#include "analysis/expr/value.h"

namespace serin::expr {

// Cheap to copy: copies share one immutable syntax tree. Evaluating the same Program from
// several threads at once is safe.
class Program {
 public:
  // InvalidArgument "line L, column C: <what went wrong>" on a syntax error (including an
  // unknown function or a wrong argument count) or an exceeded limit.
  static absl::StatusOr<Program> compile(std::string_view source, const Limits& limits = {});

  // InvalidArgument "column C: <what>" ("line L, column C: <what>" past the first line) on
  // a runtime error: a type mismatch, an index out of range, an unknown variable, integer
  // overflow or modulo by zero, or an exhausted step budget. Never throws: should memory
  // run out, ResourceExhausted.
  absl::StatusOr<Value> evaluate(const Environment& vars) const;

  // evaluate(), then requires a bool: InvalidArgument
  // "condition must evaluate to a boolean, got float (0.5)" otherwise.
  absl::StatusOr<bool> evaluateBool(const Environment& vars) const;

  // The text compiled.
  const std::string& source() const;

  // Whether the expression calls builtin `function` anywhere (e.g. "isNaN", "default"):
  // a condition that tests for NaN itself decides what a NaN result means.
  bool calls(std::string_view function) const;

  // Whether the expression reads variable `variable` (e.g. "result").
  bool references(std::string_view variable) const;

 private:
  struct Compiled;
  explicit Program(std::shared_ptr<const Compiled> compiled);

  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace serin::expr

#endif  // SERIN_ANALYSIS_EXPR_PROGRAM_H_
