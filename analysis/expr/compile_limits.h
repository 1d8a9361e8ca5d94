// Bounds on what compiling and evaluating one expression may cost. Conditions come from
// users' AnalysisTemplates, so every input, however hostile, must be refused with an error
// instead of exhausting the stack, memory or CPU of the controller.
#ifndef SERIN_ANALYSIS_EXPR_COMPILE_LIMITS_H_
#define SERIN_ANALYSIS_EXPR_COMPILE_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace serin::expr {

struct Limits {
  size_t max_source_bytes = 16 * 1024;
  // Nesting of parentheses, brackets, braces, calls, unary operators and right-associative
  // operators. The syntax tree's height is capped at kTreeHeightPerDepth * max_depth, which
  // bounds long left-associative chains (`a + a + a ...`) and member chains as well.
  int max_depth = 128;
  size_t max_nodes = 20000;
  // Evaluation budget: one step per syntax node evaluated, plus one per element or byte
  // that a builtin or an operator walks or copies (closures over big lists, concatenation).
  int64_t max_steps = 1'000'000;
};

inline constexpr int kTreeHeightPerDepth = 4;

}  // namespace serin::expr

#endif  // SERIN_ANALYSIS_EXPR_COMPILE_LIMITS_H_
