// The parser's internals, shared by parser.cc (operators: expression, binary, unary,
// postfix) and parser_terms.cc (primaries: literals, names, calls, closures, arrays, maps).
// Use parse() from parser.h instead.
#ifndef SERIN_ANALYSIS_EXPR_PARSER_INTERNAL_H_
#define SERIN_ANALYSIS_EXPR_PARSER_INTERNAL_H_

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/expr/ast.h"
#include "analysis/expr/builtins.h"
#include "analysis/expr/lexer.h"
#include "analysis/expr/parser.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace serin::expr::parser_internal {

struct BinaryOperator;  // a row of the operator table in parser.cc

class Parser {
 public:
  Parser(std::string_view source, std::vector<Token> tokens, const Limits& limits)
      : source_(source), tokens_(std::move(tokens)), limits_(limits) {}

  absl::StatusOr<ParsedExpression> run() {
    if (current().kind == TokenKind::kEnd) return error(current(), "the expression is empty");
    ASSIGN_OR_RETURN(NodePtr root, parseExpression());
    if (current().kind != TokenKind::kEnd) return unexpected();
    result_.root = std::move(root);
    return std::move(result_);
  }

 private:
  // Decrements the nesting depth when a nested construct has been parsed.
  class Nesting {
   public:
    explicit Nesting(int& depth) : depth_(depth) {}
    ~Nesting() { --depth_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;

   private:
    int& depth_;
  };

  const Token& current() const { return tokens_[pos_]; }
  const Token& lookahead() const { return tokens_[std::min(pos_ + 1, tokens_.size() - 1)]; }
  void advance() {
    if (pos_ + 1 < tokens_.size()) ++pos_;
  }

  absl::Status error(const Token& at, std::string_view what) const {
    return syntaxError(source_, at.span.begin, what);
  }
  absl::Status unexpected() const {
    return error(current(), strCat("unexpected ", describeToken(current())));
  }

  // Every recursive cycle of the parser passes through here, so max_depth bounds the
  // parser's own stack use.
  absl::Status descend() {
    if (++depth_ > limits_.max_depth) {
      return error(current(), strCat("the expression is nested too deeply (more than ",
                                     limits_.max_depth, " levels)"));
    }
    return absl::OkStatus();
  }

  // Consumes the operator `closer` that ends what `opener` began.
  absl::Status expectClosing(std::string_view closer, const Token& opener) {
    if (current().isOperator(closer)) {
      advance();
      return absl::OkStatus();
    }
    LineColumn at = lineColumnAt(source_, opener.span.begin);
    std::string where = at.line == lineColumnAt(source_, current().span.begin).line
                            ? strCat("column ", at.column)
                            : strCat("line ", at.line, ", column ", at.column);
    return error(current(), strCat("expected '", closer, "' to close '", opener.text, "' at ",
                                   where, ", found ", describeToken(current())));
  }

  // Consumes the ',' between the items of a list that `opener` began and `closer` ends.
  absl::Status expectSeparator(std::string_view closer, const Token& opener) {
    if (current().isOperator(",")) {
      advance();
      return absl::OkStatus();
    }
    if (current().kind == TokenKind::kEnd) return expectClosing(closer, opener);
    return error(current(),
                 strCat("expected ',' or '", closer, "', found ", describeToken(current())));
  }

  // Wraps every node creation: counts nodes and caps the tree's height, which bounds the
  // recursion of evaluation and destruction.
  template <typename T, typename... Args>
  absl::StatusOr<NodePtr> make(Args&&... args) {
    if (++nodes_ > limits_.max_nodes) {
      return error(current(), strCat("the expression is too large (more than ", limits_.max_nodes,
                                     " syntax nodes)"));
    }
    auto node = std::make_unique<const T>(std::forward<Args>(args)...);
    int max_height = kTreeHeightPerDepth * std::max(limits_.max_depth, 1);
    if (node->height > max_height) {
      return syntaxError(source_, node->span.begin,
                         strCat("the expression is nested too deeply (syntax tree deeper than ",
                                max_height, "); split long chains of operators"));
    }
    return NodePtr(std::move(node));
  }

  SourceSpan spanFrom(size_t begin) const {
    return {begin, tokens_[pos_ > 0 ? pos_ - 1 : 0].span.end};
  }

  // The binary operator at the current token, and how many tokens it takes (2 for
  // `not in`); `negated` is set for the `not` forms.
  const BinaryOperator* currentBinaryOperator(size_t* width, bool* negated) const;

  // Grammar rules, one per function; parser.h has the grammar.
  absl::StatusOr<NodePtr> parseExpression();
  absl::StatusOr<NodePtr> parseBinary(int min_precedence);
  absl::StatusOr<NodePtr> parseUnary();
  absl::StatusOr<NodePtr> parsePostfix();
  absl::StatusOr<NodePtr> parseIndex(size_t begin, NodePtr object, bool optional);
  absl::StatusOr<NodePtr> parsePrimary();
  absl::StatusOr<NodePtr> parsePointer();
  absl::StatusOr<NodePtr> parseName();
  absl::StatusOr<NodePtr> parseCall();
  absl::Status checkArity(const Token& name, const Builtin& builtin, size_t given,
                          bool has_closure);
  absl::StatusOr<NodePtr> parseClosure();
  absl::StatusOr<NodePtr> parseArray();
  absl::StatusOr<NodePtr> parseMap();

  std::string_view source_;
  std::vector<Token> tokens_;
  const Limits& limits_;
  size_t pos_ = 0;
  int depth_ = 0;
  int closures_ = 0;
  size_t nodes_ = 0;
  ParsedExpression result_;
};

}  // namespace serin::expr::parser_internal

#endif  // SERIN_ANALYSIS_EXPR_PARSER_INTERNAL_H_
