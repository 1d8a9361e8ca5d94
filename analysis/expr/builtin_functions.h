// The implementations behind the builtin table (builtins.cc), split by what they work on:
// scalar_builtins.cc (numbers, strings, nil) and list_builtins.cc (lists, maps, predicates).
// Internal to analysis/expr; everyone else goes through findBuiltin().
#ifndef SERIN_ANALYSIS_EXPR_BUILTIN_FUNCTIONS_H_
#define SERIN_ANALYSIS_EXPR_BUILTIN_FUNCTIONS_H_

#include <span>

#include "absl/status/statusor.h"
#include "analysis/expr/builtins.h"
#include "analysis/expr/value.h"

namespace serin::expr::builtins {

using Args = std::span<const Value>;

// scalar_builtins.cc
absl::StatusOr<Value> len(Args args, CallContext& call);
absl::StatusOr<Value> isNaN(Args args, CallContext& call);
absl::StatusOr<Value> isInf(Args args, CallContext& call);
absl::StatusOr<Value> isNil(Args args, CallContext& call);
absl::StatusOr<Value> defaultValue(Args args, CallContext& call);
absl::StatusOr<Value> asInt(Args args, CallContext& call);
absl::StatusOr<Value> asFloat(Args args, CallContext& call);
absl::StatusOr<Value> toString(Args args, CallContext& call);
absl::StatusOr<Value> abs(Args args, CallContext& call);
absl::StatusOr<Value> lower(Args args, CallContext& call);
absl::StatusOr<Value> upper(Args args, CallContext& call);
absl::StatusOr<Value> trim(Args args, CallContext& call);

// list_builtins.cc
absl::StatusOr<Value> min(Args args, CallContext& call);
absl::StatusOr<Value> max(Args args, CallContext& call);
absl::StatusOr<Value> sum(Args args, CallContext& call);
absl::StatusOr<Value> mean(Args args, CallContext& call);
absl::StatusOr<Value> all(Args args, CallContext& call);
absl::StatusOr<Value> any(Args args, CallContext& call);
absl::StatusOr<Value> none(Args args, CallContext& call);
absl::StatusOr<Value> one(Args args, CallContext& call);
absl::StatusOr<Value> filter(Args args, CallContext& call);
absl::StatusOr<Value> map(Args args, CallContext& call);
absl::StatusOr<Value> count(Args args, CallContext& call);
absl::StatusOr<Value> first(Args args, CallContext& call);
absl::StatusOr<Value> last(Args args, CallContext& call);
absl::StatusOr<Value> keys(Args args, CallContext& call);
absl::StatusOr<Value> values(Args args, CallContext& call);

}  // namespace serin::expr::builtins

#endif  // SERIN_ANALYSIS_EXPR_BUILTIN_FUNCTIONS_H_
