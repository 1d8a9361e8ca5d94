// The evaluator: walks a syntax tree and computes its value for one environment.
//
// An Evaluator holds the state of one evaluation (the step budget, the predicate frames),
// so each evaluation makes its own and several may walk the same tree at once.
#ifndef SERIN_ANALYSIS_EXPR_EVALUATOR_H_
#define SERIN_ANALYSIS_EXPR_EVALUATOR_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/expr/ast.h"
#include "analysis/expr/environment.h"
#include "analysis/expr/value.h"

namespace serin::expr {

class Evaluator {
 public:
  // `source` is the text the tree was parsed from (for error positions); it and `vars`
  // must outlive the Evaluator.
  Evaluator(std::string_view source, const Environment& vars, int64_t max_steps)
      : source_(source), vars_(vars), steps_left_(max_steps), max_steps_(max_steps) {}

  // The value of `node`. InvalidArgument "column C: <what>" on a type mismatch, an index
  // out of range, an unknown variable, integer overflow, or when the step budget runs out.
  // Recursion is as deep as the tree is high, which the parser bounds.
  absl::StatusOr<Value> evaluate(const Node& node);

 private:
  class Call;
  struct Frame {
    const Value* element;
    int64_t index;
  };

  absl::Status charge(int64_t steps, size_t offset);
  absl::Status errorAt(size_t offset, std::string_view what) const;

  absl::StatusOr<Value> evaluateIdentifier(const IdentifierNode& node);
  absl::StatusOr<Value> evaluatePointer(const PointerNode& node);
  absl::StatusOr<Value> evaluateUnary(const UnaryNode& node);
  absl::StatusOr<Value> evaluateBinary(const BinaryNode& node);
  absl::StatusOr<Value> evaluateLogical(const BinaryNode& node);
  absl::StatusOr<Value> evaluateConditional(const ConditionalNode& node);
  absl::StatusOr<Value> evaluateMember(const MemberNode& node);
  absl::StatusOr<Value> evaluateIndex(const IndexNode& node);
  absl::StatusOr<Value> evaluateSlice(const SliceNode& node);
  absl::StatusOr<Value> evaluateChain(const ChainNode& node);
  absl::StatusOr<Value> evaluateCall(const CallNode& node);
  absl::StatusOr<Value> evaluateArray(const ArrayNode& node);
  absl::StatusOr<Value> evaluateMap(const MapNode& node);

  std::string_view source_;
  const Environment& vars_;
  int64_t steps_left_;
  const int64_t max_steps_;
  std::vector<Frame> frames_;  // innermost predicate last
  // Set when a `?.` met nil: every access up to the enclosing ChainNode yields nil.
  bool chain_is_nil_ = false;
};

}  // namespace serin::expr

#endif  // SERIN_ANALYSIS_EXPR_EVALUATOR_H_
