// The functions a condition may call: one table, name -> Builtin.
//
// The parser looks names up here, so an unknown function or a wrong argument count is a
// compile error, and knows which argument is a predicate (`{# > 0.9}`), so a `{` there
// opens a closure rather than a map literal. The evaluator then calls `function` with the
// other arguments already evaluated.
//
// Functions (expr-lang's where they exist; Argo Rollouts' isNaN/isInf/isNil/default/asInt/
// asFloat):
//   len(v)              bytes of a string, elements of a list or map
//   isNaN(x)            x is a float NaN (an int never is); error for a non-number
//   isInf(x[, sign])    x is infinite; sign > 0: +Inf only, < 0: -Inf only
//   isNil(v)            v is nil
//   default(v, d)       d when v is nil or a float NaN, else v
//   asInt(v), int(v)    int from a number (truncated toward zero) or a numeric string
//   asFloat(v), float(v) float from a number or a numeric string ("NaN", "+Inf" accepted)
//   string(v)           v if a string, else its debug text
//   abs(x)
//   min(a, b, ...), max(...)  of numbers, or of one list of numbers; NaN if any is NaN
//   sum(list[, f]), mean(list[, f])   of numbers (mean of an empty list is an error)
//   all/any/none/one(list, pred)      pred returns a bool for each element
//   filter(list, pred), map(list, f), count(list[, pred])
//   first(list), last(list)   nil for an empty list
//   keys(map), values(map)    in key order
//   lower(s), upper(s)  ASCII letters only
//   trim(s[, cutset])   cuts the bytes in cutset (ASCII whitespace by default) from both ends
#ifndef SERIN_ANALYSIS_EXPR_BUILTINS_H_
#define SERIN_ANALYSIS_EXPR_BUILTINS_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "analysis/expr/value.h"

namespace serin::expr {

// What a builtin may ask of the evaluation calling it. Lives for one call.
class CallContext {
 public:
  virtual ~CallContext() = default;

  // Whether the call has a predicate argument.
  virtual bool hasClosure() const = 0;

  // Runs the predicate with `element` as `#` and `index` as `#index`. Its errors are
  // complete (they carry their own column): return them unchanged.
  virtual absl::StatusOr<Value> callClosure(const Value& element, int64_t index) = 0;

  // Spends `steps` of the evaluation budget, for work proportional to data size that no
  // syntax node accounts for. An error (to return unchanged) once the budget is spent.
  virtual absl::Status charge(int64_t steps) = 0;

  // The builtin's own complaint, positioned at the call: "column C: <what>".
  virtual absl::Status fail(std::string_view what) const = 0;
};

// `args` holds the evaluated arguments, without the predicate.
using BuiltinFunction = absl::StatusOr<Value> (*)(std::span<const Value> args, CallContext& call);

struct Builtin {
  enum class Closure { kNone, kRequired, kOptional };
  static constexpr int kVariadic = -1;

  std::string_view name;
  int min_args;  // not counting the predicate
  int max_args;  // not counting the predicate; kVariadic: no upper bound
  // A predicate, when taken, is the last argument, at position max_args.
  Closure closure;
  BuiltinFunction function;
};

// The builtin called `name`, or null. Entries live for the whole program.
const Builtin* findBuiltin(std::string_view name);

}  // namespace serin::expr

#endif  // SERIN_ANALYSIS_EXPR_BUILTINS_H_
