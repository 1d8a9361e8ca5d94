#include "analysis/expr/evaluator.h"

#include <algorithm>
#include <utility>

#include "analysis/expr/builtins.h"
#include "analysis/expr/operators.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace serin::expr {
namespace {

using Kind = Value::Kind;

// Resolves a possibly negative index against `size`: -1 is the last element.
bool resolveIndex(int64_t index, size_t size, size_t* resolved) {
  auto length = static_cast<int64_t>(size);
  if (index < 0) index += length;
  if (index < 0 || index >= length) return false;
  *resolved = static_cast<size_t>(index);
  return true;
}

// A slice bound: negative counts from the end, then clamped to [0, size].
size_t clampBound(int64_t bound, size_t size) {
  auto length = static_cast<int64_t>(size);
  if (bound < 0) bound += length;
  return static_cast<size_t>(std::clamp<int64_t>(bound, 0, length));
}

}  // namespace

// The CallContext of one builtin call.
class Evaluator::Call final : public CallContext {
 public:
  Call(Evaluator& evaluator, const CallNode& node, const ClosureNode* closure)
      : evaluator_(evaluator), node_(node), closure_(closure) {}

  bool hasClosure() const override { return closure_ != nullptr; }

  absl::StatusOr<Value> callClosure(const Value& element, int64_t index) override {
    if (closure_ == nullptr) return fail("internal error: no predicate to call");
    evaluator_.frames_.push_back({&element, index});
    absl::StatusOr<Value> result = evaluator_.evaluate(*closure_->body);
    evaluator_.frames_.pop_back();
    return result;
  }

  absl::Status charge(int64_t steps) override {
    return evaluator_.charge(steps, node_.name_span.begin);
  }

  absl::Status fail(std::string_view what) const override {
    return evaluator_.errorAt(node_.name_span.begin, what);
  }

 private:
  Evaluator& evaluator_;
  const CallNode& node_;
  const ClosureNode* closure_;
};

absl::Status Evaluator::charge(int64_t steps, size_t offset) {
  steps_left_ -= std::max<int64_t>(steps, 0);
  if (steps_left_ >= 0) return absl::OkStatus();
  steps_left_ = -1;  // stay exhausted, without wrapping around
  return errorAt(offset, strCat("evaluation exceeded its budget of ", max_steps_, " steps"));
}

absl::Status Evaluator::errorAt(size_t offset, std::string_view what) const {
  return evaluationError(source_, offset, what);
}

absl::StatusOr<Value> Evaluator::evaluate(const Node& node) {
  RETURN_IF_ERROR(charge(1, node.span.begin));
  switch (node.kind) {
    case NodeKind::kLiteral:
      return static_cast<const LiteralNode&>(node).value;
    case NodeKind::kIdentifier:
      return evaluateIdentifier(static_cast<const IdentifierNode&>(node));
    case NodeKind::kPointer:
      return evaluatePointer(static_cast<const PointerNode&>(node));
    case NodeKind::kUnary:
      return evaluateUnary(static_cast<const UnaryNode&>(node));
    case NodeKind::kBinary:
      return evaluateBinary(static_cast<const BinaryNode&>(node));
    case NodeKind::kConditional:
      return evaluateConditional(static_cast<const ConditionalNode&>(node));
    case NodeKind::kMember:
      return evaluateMember(static_cast<const MemberNode&>(node));
    case NodeKind::kIndex:
      return evaluateIndex(static_cast<const IndexNode&>(node));
    case NodeKind::kSlice:
      return evaluateSlice(static_cast<const SliceNode&>(node));
    case NodeKind::kChain:
      return evaluateChain(static_cast<const ChainNode&>(node));
    case NodeKind::kCall:
      return evaluateCall(static_cast<const CallNode&>(node));
    case NodeKind::kArray:
      return evaluateArray(static_cast<const ArrayNode&>(node));
    case NodeKind::kMap:
      return evaluateMap(static_cast<const MapNode&>(node));
    case NodeKind::kClosure:
      break;  // only ever run through a builtin
  }
  return errorAt(node.span.begin, "internal error: a predicate outside a function call");
}

absl::StatusOr<Value> Evaluator::evaluateIdentifier(const IdentifierNode& node) {
  auto it = vars_.find(node.name);
  if (it == vars_.end())
    return errorAt(node.span.begin, strCat("unknown variable '", node.name, "'"));
  return it->second;
}

absl::StatusOr<Value> Evaluator::evaluatePointer(const PointerNode& node) {
  if (frames_.empty()) return errorAt(node.span.begin, "internal error: '#' outside a predicate");
  const Frame& frame = frames_.back();
  return node.index ? Value(frame.index) : *frame.element;
}

absl::StatusOr<Value> Evaluator::evaluateUnary(const UnaryNode& node) {
  ASSIGN_OR_RETURN(Value operand, evaluate(*node.operand));
  absl::StatusOr<Value> result = applyUnary(node.op, operand);
  if (!result.ok()) return errorAt(node.span.begin, fromAbsl(result.status().message()));
  return result;
}

absl::StatusOr<Value> Evaluator::evaluateBinary(const BinaryNode& node) {
  if (node.op == BinaryOp::kAnd || node.op == BinaryOp::kOr) return evaluateLogical(node);
  ASSIGN_OR_RETURN(Value left, evaluate(*node.left));
  if (node.op == BinaryOp::kCoalesce) {
    if (!left.isNil()) return left;
    return evaluate(*node.right);
  }
  ASSIGN_OR_RETURN(Value right, evaluate(*node.right));
  int64_t work = 0;
  absl::StatusOr<Value> result = applyBinary(node.op, left, right, &work);
  if (!result.ok()) return errorAt(node.op_span.begin, fromAbsl(result.status().message()));
  RETURN_IF_ERROR(charge(work, node.op_span.begin));
  return result;
}

// && and ||: short-circuit, and both operands must be bools (expr is strict, and a
// number where a bool belongs is a mistake in a condition, not something to coerce).
absl::StatusOr<Value> Evaluator::evaluateLogical(const BinaryNode& node) {
  auto requireBool = [&](const Value& v, std::string_view side) -> absl::Status {
    if (v.kind() == Kind::kBool) return absl::OkStatus();
    return errorAt(node.op_span.begin,
                   strCat("operator ", binaryOpName(node.op), " needs bool ", "operands, got ",
                          describeValue(v), " on the ", side));
  };
  ASSIGN_OR_RETURN(Value left, evaluate(*node.left));
  RETURN_IF_ERROR(requireBool(left, "left"));
  bool decided = node.op == BinaryOp::kAnd ? !left.asBool() : left.asBool();
  if (decided) return left;
  ASSIGN_OR_RETURN(Value right, evaluate(*node.right));
  RETURN_IF_ERROR(requireBool(right, "right"));
  return right;
}

absl::StatusOr<Value> Evaluator::evaluateConditional(const ConditionalNode& node) {
  ASSIGN_OR_RETURN(Value condition, evaluate(*node.condition));
  if (condition.kind() != Kind::kBool) {
    return errorAt(node.span.begin, strCat("the condition before '?' must be a bool, got ",
                                           describeValue(condition)));
  }
  return evaluate(condition.asBool() ? *node.then_branch : *node.else_branch);
}

absl::StatusOr<Value> Evaluator::evaluateMember(const MemberNode& node) {
  ASSIGN_OR_RETURN(Value object, evaluate(*node.object));
  if (chain_is_nil_) return Value();
  if (object.isNil() && node.optional) {
    chain_is_nil_ = true;
    return Value();
  }
  if (object.kind() != Kind::kMap) {
    std::string hint = object.isNil() ? " (use ?. where it may be nil)" : "";
    return errorAt(node.name_span.begin,
                   strCat("cannot read field '", node.name, "' of ", describeValue(object), hint));
  }
  auto it = object.asMap().find(node.name);
  return it == object.asMap().end() ? Value() : it->second;  // a missing key is nil, as in expr
}

absl::StatusOr<Value> Evaluator::evaluateIndex(const IndexNode& node) {
  ASSIGN_OR_RETURN(Value object, evaluate(*node.object));
  if (chain_is_nil_) return Value();
  if (object.isNil() && node.optional) {
    chain_is_nil_ = true;
    return Value();
  }
  ASSIGN_OR_RETURN(Value index, evaluate(*node.index));
  size_t at = node.bracket_span.begin;
  switch (object.kind()) {
    case Kind::kMap: {
      if (index.kind() != Kind::kString) {
        return errorAt(at,
                       strCat("map keys are strings, cannot index with ", describeValue(index)));
      }
      auto it = object.asMap().find(index.asString());
      return it == object.asMap().end() ? Value() : it->second;
    }
    case Kind::kList:
    case Kind::kString: {
      if (index.kind() != Kind::kInt) {
        return errorAt(at, strCat(kindName(object.kind()), " index must be an int, got ",
                                  describeValue(index)));
      }
      size_t size =
          object.kind() == Kind::kList ? object.asList().size() : object.asString().size();
      size_t resolved = 0;
      if (!resolveIndex(index.asInt(), size, &resolved)) {
        return errorAt(at, strCat("index ", index.asInt(), " out of range for ",
                                  kindName(object.kind()), " of length ", size));
      }
      if (object.kind() == Kind::kList) return object.asList()[resolved];
      return Value(std::string(1, object.asString()[resolved]));
    }
    default:
      std::string hint = object.isNil() ? " (use ?.[ where it may be nil)" : "";
      return errorAt(at, strCat("cannot index ", describeValue(object), hint));
  }
}

absl::StatusOr<Value> Evaluator::evaluateSlice(const SliceNode& node) {
  ASSIGN_OR_RETURN(Value object, evaluate(*node.object));
  if (chain_is_nil_) return Value();
  size_t at = node.bracket_span.begin;
  if (object.kind() != Kind::kList && object.kind() != Kind::kString) {
    return errorAt(at, strCat("cannot slice ", describeValue(object)));
  }
  size_t size = object.kind() == Kind::kList ? object.asList().size() : object.asString().size();
  auto bound = [&](const NodePtr& expression, size_t fallback) -> absl::StatusOr<size_t> {
    if (!expression) return fallback;
    ASSIGN_OR_RETURN(Value v, evaluate(*expression));
    if (v.kind() != Kind::kInt) {
      return errorAt(at, strCat("slice bounds must be ints, got ", describeValue(v)));
    }
    return clampBound(v.asInt(), size);
  };
  ASSIGN_OR_RETURN(size_t from, bound(node.from, 0));
  ASSIGN_OR_RETURN(size_t to, bound(node.to, size));
  to = std::max(from, to);
  RETURN_IF_ERROR(charge(static_cast<int64_t>(to - from), at));
  if (object.kind() == Kind::kString) return Value(object.asString().substr(from, to - from));
  const Value::List& list = object.asList();
  return Value(Value::List(list.begin() + static_cast<ptrdiff_t>(from),
                           list.begin() + static_cast<ptrdiff_t>(to)));
}

absl::StatusOr<Value> Evaluator::evaluateChain(const ChainNode& node) {
  absl::StatusOr<Value> result = evaluate(*node.inner);
  if (chain_is_nil_) {
    chain_is_nil_ = false;
    if (result.ok()) return Value();
  }
  return result;
}

absl::StatusOr<Value> Evaluator::evaluateCall(const CallNode& node) {
  std::vector<Value> args;
  args.reserve(node.args.size());
  const ClosureNode* closure = nullptr;
  for (const NodePtr& arg : node.args) {
    if (arg->kind == NodeKind::kClosure) {
      closure = static_cast<const ClosureNode*>(arg.get());
      continue;
    }
    ASSIGN_OR_RETURN(Value v, evaluate(*arg));
    args.push_back(std::move(v));
  }
  Call call(*this, node, closure);
  return node.builtin->function(args, call);
}

absl::StatusOr<Value> Evaluator::evaluateArray(const ArrayNode& node) {
  Value::List list;
  list.reserve(node.elements.size());
  for (const NodePtr& element : node.elements) {
    ASSIGN_OR_RETURN(Value v, evaluate(*element));
    list.push_back(std::move(v));
  }
  return Value(std::move(list));
}

absl::StatusOr<Value> Evaluator::evaluateMap(const MapNode& node) {
  Value::Map map;
  for (const auto& [key, expression] : node.entries) {
    ASSIGN_OR_RETURN(Value v, evaluate(*expression));
    map.emplace(key, std::move(v));
  }
  return Value(std::move(map));
}

}  // namespace serin::expr
