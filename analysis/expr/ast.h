// The syntax tree of a condition. Built once by the parser, never modified afterwards, and
// shared by every copy of a Program, so concurrent evaluations only read it.
//
// Every node carries the SourceSpan of the text it was parsed from; operators also keep
// the span of the operator itself, which is what an evaluation error points at.
#ifndef SERIN_ANALYSIS_EXPR_AST_H_
#define SERIN_ANALYSIS_EXPR_AST_H_

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/expr/source_location.h"
#include "analysis/expr/value.h"

namespace serin::expr {

struct Builtin;

enum class NodeKind {
  kLiteral,      // 42, 0.5, "x", true, nil
  kIdentifier,   // result
  kPointer,      // # or #index inside a predicate
  kUnary,        // !x, not x, -x, +x
  kBinary,       // x + y, x && y, x in y, x ?? y, ...
  kConditional,  // c ? a : b
  kMember,       // x.name, x?.name
  kIndex,        // x[i], x?.[i]
  kSlice,        // x[a:b]
  kChain,        // a postfix chain holding `?.`: a nil there makes the whole chain nil
  kCall,         // builtin(args...)
  kClosure,      // {# > 0.9} or # > 0.9 as a predicate argument
  kArray,        // [a, b]
  kMap,          // {"a": 1, b: 2}
};

enum class UnaryOp { kNot, kNegate, kPlus };

enum class BinaryOp {
  kOr,
  kAnd,  // short-circuit, bool operands
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kIn,
  kNotIn,
  kContains,
  kStartsWith,
  kEndsWith,
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
  kPower,
  kCoalesce,  // ??
};

// The operator as the user wrote it most commonly, for messages: "&&", "not in", "**".
std::string_view binaryOpName(BinaryOp op);

struct Node;
using NodePtr = std::unique_ptr<const Node>;

struct Node {
  Node(NodeKind k, SourceSpan s, int h) : kind(k), span(s), height(h) {}
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const NodeKind kind;
  const SourceSpan span;
  // 1 for a leaf, else 1 + the tallest child. Recursion over the tree (evaluation,
  // destruction) goes this deep; the parser caps it.
  const int height;
};

// 1 + the height of the tallest of `children` (null ones are skipped).
template <typename... Children>
int heightAbove(const Children&... children) {
  int tallest = 0;
  auto visit = [&tallest](const auto& child) {
    if constexpr (requires { child.begin(); }) {
      for (const auto& element : child) {
        if constexpr (requires { element.second; }) {
          if (element.second) tallest = std::max(tallest, element.second->height);
        } else if (element) {
          tallest = std::max(tallest, element->height);
        }
      }
    } else if (child) {
      tallest = std::max(tallest, child->height);
    }
  };
  (visit(children), ...);
  return 1 + tallest;
}

struct LiteralNode : Node {
  LiteralNode(SourceSpan s, Value v) : Node(NodeKind::kLiteral, s, 1), value(std::move(v)) {}
  const Value value;
};

struct IdentifierNode : Node {
  IdentifierNode(SourceSpan s, std::string n)
      : Node(NodeKind::kIdentifier, s, 1), name(std::move(n)) {}
  const std::string name;
};

// `#` (the element) or `#index` (its position) of the innermost enclosing predicate.
struct PointerNode : Node {
  PointerNode(SourceSpan s, bool i) : Node(NodeKind::kPointer, s, 1), index(i) {}
  const bool index;
};

struct UnaryNode : Node {
  UnaryNode(SourceSpan s, UnaryOp o, NodePtr x)
      : Node(NodeKind::kUnary, s, heightAbove(x)), op(o), operand(std::move(x)) {}
  const UnaryOp op;
  const NodePtr operand;
};

struct BinaryNode : Node {
  BinaryNode(SourceSpan s, BinaryOp o, SourceSpan os, NodePtr l, NodePtr r)
      : Node(NodeKind::kBinary, s, heightAbove(l, r)),
        op(o),
        op_span(os),
        left(std::move(l)),
        right(std::move(r)) {}
  const BinaryOp op;
  const SourceSpan op_span;
  const NodePtr left;
  const NodePtr right;
};

struct ConditionalNode : Node {
  ConditionalNode(SourceSpan s, NodePtr c, NodePtr t, NodePtr e)
      : Node(NodeKind::kConditional, s, heightAbove(c, t, e)),
        condition(std::move(c)),
        then_branch(std::move(t)),
        else_branch(std::move(e)) {}
  const NodePtr condition;
  const NodePtr then_branch;
  const NodePtr else_branch;
};

struct MemberNode : Node {
  MemberNode(SourceSpan s, NodePtr o, std::string n, bool opt, SourceSpan ns)
      : Node(NodeKind::kMember, s, heightAbove(o)),
        object(std::move(o)),
        name(std::move(n)),
        optional(opt),
        name_span(ns) {}
  const NodePtr object;
  const std::string name;
  const bool optional;  // ?.
  const SourceSpan name_span;
};

struct IndexNode : Node {
  IndexNode(SourceSpan s, NodePtr o, NodePtr i, bool opt, SourceSpan bs)
      : Node(NodeKind::kIndex, s, heightAbove(o, i)),
        object(std::move(o)),
        index(std::move(i)),
        optional(opt),
        bracket_span(bs) {}
  const NodePtr object;
  const NodePtr index;
  const bool optional;  // ?.[
  const SourceSpan bracket_span;
};

struct SliceNode : Node {
  SliceNode(SourceSpan s, NodePtr o, NodePtr f, NodePtr t, SourceSpan bs)
      : Node(NodeKind::kSlice, s, heightAbove(o, f, t)),
        object(std::move(o)),
        from(std::move(f)),
        to(std::move(t)),
        bracket_span(bs) {}
  const NodePtr object;
  const NodePtr from;  // null: from the start
  const NodePtr to;    // null: to the end
  const SourceSpan bracket_span;
};

struct ChainNode : Node {
  ChainNode(SourceSpan s, NodePtr i)
      : Node(NodeKind::kChain, s, heightAbove(i)), inner(std::move(i)) {}
  const NodePtr inner;
};

// A call of a builtin. Arguments in source order; the predicate argument, if any, is a
// ClosureNode.
struct CallNode : Node {
  CallNode(SourceSpan s, const Builtin* b, SourceSpan ns, std::vector<NodePtr> a)
      : Node(NodeKind::kCall, s, heightAbove(a)), builtin(b), name_span(ns), args(std::move(a)) {}
  const Builtin* const builtin;  // points into the static builtin table
  const SourceSpan name_span;
  const std::vector<NodePtr> args;
};

struct ClosureNode : Node {
  ClosureNode(SourceSpan s, NodePtr b)
      : Node(NodeKind::kClosure, s, heightAbove(b)), body(std::move(b)) {}
  const NodePtr body;
};

struct ArrayNode : Node {
  ArrayNode(SourceSpan s, std::vector<NodePtr> e)
      : Node(NodeKind::kArray, s, heightAbove(e)), elements(std::move(e)) {}
  const std::vector<NodePtr> elements;
};

struct MapNode : Node {
  using Entry = std::pair<std::string, NodePtr>;
  MapNode(SourceSpan s, std::vector<Entry> e)
      : Node(NodeKind::kMap, s, heightAbove(e)), entries(std::move(e)) {}
  const std::vector<Entry> entries;  // keys are distinct (the parser checks)
};

}  // namespace serin::expr

#endif  // SERIN_ANALYSIS_EXPR_AST_H_
