#include "analysis/expr/parser.h"

#include <optional>
#include <utility>
#include <vector>

#include "analysis/expr/parser_internal.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace serin::expr {
namespace parser_internal {

// The binary operators, with expr-lang's precedences (higher binds tighter). `refusal`
// marks operators serin recognises only to explain that it does not support them.
struct BinaryOperator {
  std::string_view spelling;
  BinaryOp op;
  int precedence;
  bool right_associative = false;
  std::string_view refusal = {};
};

constexpr BinaryOperator kBinaryOperators[] = {
    {"||", BinaryOp::kOr, 10},
    {"or", BinaryOp::kOr, 10},
    {"&&", BinaryOp::kAnd, 15},
    {"and", BinaryOp::kAnd, 15},
    {"==", BinaryOp::kEqual, 20},
    {"!=", BinaryOp::kNotEqual, 20},
    {"<", BinaryOp::kLess, 20},
    {"<=", BinaryOp::kLessEqual, 20},
    {">", BinaryOp::kGreater, 20},
    {">=", BinaryOp::kGreaterEqual, 20},
    {"in", BinaryOp::kIn, 20},
    {"contains", BinaryOp::kContains, 20},
    {"startsWith", BinaryOp::kStartsWith, 20},
    {"endsWith", BinaryOp::kEndsWith, 20},
    {"matches", BinaryOp::kEqual, 20, false,
     "the 'matches' operator is not supported: conditions have no regular expressions "
     "(use contains, startsWith or endsWith)"},
    {"..", BinaryOp::kEqual, 25, false, "the range operator '..' is not supported"},
    {"+", BinaryOp::kAdd, 30},
    {"-", BinaryOp::kSubtract, 30},
    {"*", BinaryOp::kMultiply, 60},
    {"/", BinaryOp::kDivide, 60},
    {"%", BinaryOp::kModulo, 60},
    {"**", BinaryOp::kPower, 100, true},
    {"^", BinaryOp::kPower, 100, true},
    {"??", BinaryOp::kCoalesce, 500},
};

// Unary operators take as operand a binary expression of at least this precedence.
constexpr int kNotPrecedence = 50;
constexpr int kSignPrecedence = 90;

// The binary operator at the current token, and how many tokens it takes.
const BinaryOperator* Parser::currentBinaryOperator(size_t* width, bool* negated) const {
  *width = 1;
  *negated = false;
  const Token* token = &current();
  if (token->isIdentifier("not")) {
    // `a not in b`, `a not contains b`, ...
    token = &lookahead();
    *width = 2;
    *negated = true;
    if (token->kind != TokenKind::kIdentifier || token->isIdentifier("and") ||
        token->isIdentifier("or")) {
      return nullptr;
    }
  }
  if (token->kind != TokenKind::kOperator && token->kind != TokenKind::kIdentifier) {
    return nullptr;
  }
  for (const BinaryOperator& candidate : kBinaryOperators) {
    if (candidate.spelling == token->text) return &candidate;
  }
  return nullptr;
}

// expression := binary [ '?' expression ':' expression ]
absl::StatusOr<NodePtr> Parser::parseExpression() {
  size_t begin = current().span.begin;
  ASSIGN_OR_RETURN(NodePtr condition, parseBinary(0));
  if (!current().isOperator("?")) return condition;
  const Token& question = current();
  RETURN_IF_ERROR(descend());
  advance();
  Nesting nesting(depth_);
  ASSIGN_OR_RETURN(NodePtr then_branch, parseExpression());
  RETURN_IF_ERROR(expectClosing(":", question));
  ASSIGN_OR_RETURN(NodePtr else_branch, parseExpression());
  return make<ConditionalNode>(spanFrom(begin), std::move(condition), std::move(then_branch),
                               std::move(else_branch));
}

// binary := unary { binary-operator binary }, climbing precedences: an operator joins
// the expression only if it binds at least as tightly as `min_precedence`.
absl::StatusOr<NodePtr> Parser::parseBinary(int min_precedence) {
  size_t begin = current().span.begin;
  ASSIGN_OR_RETURN(NodePtr left, parseUnary());
  while (true) {
    size_t width = 1;
    bool negated = false;
    const BinaryOperator* op = currentBinaryOperator(&width, &negated);
    if (op == nullptr || op->precedence < min_precedence) return left;
    const Token& op_token = current();
    if (!op->refusal.empty()) return error(op_token, op->refusal);
    if (negated && op->precedence != 20) return unexpected();
    SourceSpan op_span{op_token.span.begin, tokens_[pos_ + width - 1].span.end};
    RETURN_IF_ERROR(descend());
    for (size_t i = 0; i < width; ++i) advance();
    Nesting nesting(depth_);
    int next = op->right_associative ? op->precedence : op->precedence + 1;
    ASSIGN_OR_RETURN(NodePtr right, parseBinary(next));
    BinaryOp kind = negated && op->op == BinaryOp::kIn ? BinaryOp::kNotIn : op->op;
    ASSIGN_OR_RETURN(
        left, make<BinaryNode>(spanFrom(begin), kind, op_span, std::move(left), std::move(right)));
    if (negated && kind != BinaryOp::kNotIn) {
      // `a not contains b` is `not (a contains b)`.
      ASSIGN_OR_RETURN(left, make<UnaryNode>(spanFrom(begin), UnaryOp::kNot, std::move(left)));
    }
  }
}

// unary := ( '!' | 'not' | '-' | '+' ) binary-at-operator-precedence | postfix
absl::StatusOr<NodePtr> Parser::parseUnary() {
  const Token& token = current();
  std::optional<UnaryOp> op;
  int precedence = kSignPrecedence;
  if (token.isOperator("!") || token.isIdentifier("not")) {
    op = UnaryOp::kNot;
    precedence = kNotPrecedence;
  } else if (token.isOperator("-")) {
    op = UnaryOp::kNegate;
  } else if (token.isOperator("+")) {
    op = UnaryOp::kPlus;
  }
  if (!op) return parsePostfix();
  size_t begin = token.span.begin;
  RETURN_IF_ERROR(descend());
  advance();
  Nesting nesting(depth_);
  ASSIGN_OR_RETURN(NodePtr operand, parseBinary(precedence));
  return make<UnaryNode>(spanFrom(begin), *op, std::move(operand));
}

// postfix := primary { '.' name | '?.' name | '?.' '[' expression ']'
//                    | '[' expression ']' | '[' [expression] ':' [expression] ']' }
absl::StatusOr<NodePtr> Parser::parsePostfix() {
  size_t begin = current().span.begin;
  ASSIGN_OR_RETURN(NodePtr node, parsePrimary());
  bool optional_chain = false;
  while (true) {
    const Token& token = current();
    if (token.isOperator(".") || token.isOperator("?.")) {
      bool optional = token.isOperator("?.");
      optional_chain |= optional;
      advance();
      if (optional && current().isOperator("[")) {
        ASSIGN_OR_RETURN(node, parseIndex(begin, std::move(node), /*optional=*/true));
        continue;
      }
      if (current().kind != TokenKind::kIdentifier) {
        return error(current(), strCat("expected a field name after '", token.text, "', found ",
                                       describeToken(current())));
      }
      const Token& name = current();
      advance();
      ASSIGN_OR_RETURN(node, make<MemberNode>(spanFrom(begin), std::move(node),
                                              std::string(name.text), optional, name.span));
    } else if (token.isOperator("[")) {
      ASSIGN_OR_RETURN(node, parseIndex(begin, std::move(node), /*optional=*/false));
    } else if (token.isOperator("(")) {
      return error(token, "only builtin functions can be called (methods are not supported)");
    } else {
      break;
    }
  }
  if (!optional_chain) return node;
  return make<ChainNode>(spanFrom(begin), std::move(node));
}

// '[' expression ']' | '[' [expression] ':' [expression] ']'; current() is '['.
absl::StatusOr<NodePtr> Parser::parseIndex(size_t begin, NodePtr object, bool optional) {
  const Token& bracket = current();
  RETURN_IF_ERROR(descend());
  advance();
  Nesting nesting(depth_);
  NodePtr from;
  if (!current().isOperator(":")) {
    ASSIGN_OR_RETURN(from, parseExpression());
  }
  if (!current().isOperator(":")) {
    RETURN_IF_ERROR(expectClosing("]", bracket));
    return make<IndexNode>(spanFrom(begin), std::move(object), std::move(from), optional,
                           bracket.span);
  }
  if (optional) return error(current(), "a slice cannot be optional ('?.[' ... ':')");
  advance();
  NodePtr to;
  if (!current().isOperator("]")) {
    ASSIGN_OR_RETURN(to, parseExpression());
  }
  RETURN_IF_ERROR(expectClosing("]", bracket));
  return make<SliceNode>(spanFrom(begin), std::move(object), std::move(from), std::move(to),
                         bracket.span);
}

}  // namespace parser_internal

absl::StatusOr<ParsedExpression> parse(std::string_view source, const Limits& limits) {
  if (source.size() > limits.max_source_bytes) {
    return syntaxError(source, 0,
                       strCat("the expression is ", source.size(),
                              " bytes long, more than the limit of ", limits.max_source_bytes));
  }
  ASSIGN_OR_RETURN(std::vector<Token> tokens, tokenize(source));
  return parser_internal::Parser(source, std::move(tokens), limits).run();
}

}  // namespace serin::expr
