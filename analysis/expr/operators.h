// What the operators do to values, apart from evaluation order: arithmetic, comparison,
// membership, string tests and the unary operators. `&&`, `||`, `??` and `?:` decide which
// operands to evaluate, so the evaluator handles them itself.
//
// Errors are InvalidArgument with a message but no position; the evaluator adds the
// column of the operator.
#ifndef SERIN_ANALYSIS_EXPR_OPERATORS_H_
#define SERIN_ANALYSIS_EXPR_OPERATORS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "analysis/expr/ast.h"
#include "analysis/expr/value.h"

namespace serin::expr {

// Applies a binary operator other than kOr, kAnd and kCoalesce.
//
//   + - *   int op int -> int (overflow is an error); with a float -> float (IEEE).
//           `+` also concatenates two strings or two lists.
//   /       always float, IEEE: x/0 is +Inf, -Inf or NaN.
//   %       ints only; modulo by zero is an error.
//   ** ^    float (pow).
//   == !=   never fail; see Value's operator==. NaN != NaN.
//   < <= > >=  numbers across int/float (NaN: false), strings by bytes; other kinds fail.
//   in, not in  element of a list (by ==), key of a map (a string), substring of a string.
//   contains startsWith endsWith  on two strings.
//
// `*work` is set to the number of elements or bytes the operator touched beyond O(1)
// (concatenation, list membership), which the caller charges to its step budget.
absl::StatusOr<Value> applyBinary(BinaryOp op, const Value& left, const Value& right,
                                  int64_t* work);

// !x (bool only), -x (numbers; negating the smallest int is an overflow), +x (numbers).
absl::StatusOr<Value> applyUnary(UnaryOp op, const Value& operand);

}  // namespace serin::expr

#endif  // SERIN_ANALYSIS_EXPR_OPERATORS_H_
