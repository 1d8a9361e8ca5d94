// The primaries of the grammar: literals, names, calls and their closures, arrays, maps.
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "analysis/expr/parser_internal.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace serin::expr::parser_internal {

// primary := number | string | 'true' | 'false' | 'nil' | name | call
//          | '(' expression ')' | array | map | '#' | '#index' | '.' name
absl::StatusOr<NodePtr> Parser::parsePrimary() {
  const Token& token = current();
  switch (token.kind) {
    case TokenKind::kInteger:
      advance();
      return make<LiteralNode>(token.span, Value(token.int_value));
    case TokenKind::kFloat:
      advance();
      return make<LiteralNode>(token.span, Value(token.float_value));
    case TokenKind::kString:
      advance();
      return make<LiteralNode>(token.span, Value(token.string_value));
    case TokenKind::kPointer:
      return parsePointer();
    case TokenKind::kIdentifier:
      return parseName();
    case TokenKind::kEnd:
      return unexpected();
    case TokenKind::kOperator:
      break;
  }
  if (token.isOperator("(")) {
    RETURN_IF_ERROR(descend());
    advance();
    Nesting nesting(depth_);
    ASSIGN_OR_RETURN(NodePtr inner, parseExpression());
    RETURN_IF_ERROR(expectClosing(")", token));
    return inner;
  }
  if (token.isOperator("[")) return parseArray();
  if (token.isOperator("{")) return parseMap();
  if (token.isOperator(".") && closures_ > 0 && lookahead().kind == TokenKind::kIdentifier) {
    // `.name` in a predicate is `#.name`.
    ASSIGN_OR_RETURN(NodePtr element,
                     make<PointerNode>(SourceSpan{token.span.begin, token.span.begin}, false));
    advance();
    const Token& name = current();
    advance();
    return make<MemberNode>(spanFrom(token.span.begin), std::move(element), std::string(name.text),
                            false, name.span);
  }
  return unexpected();
}

absl::StatusOr<NodePtr> Parser::parsePointer() {
  const Token& token = current();
  if (closures_ == 0) {
    return error(token, strCat("'", token.text,
                               "' can only be used inside a predicate, as in "
                               "all(result, {# > 0.9})"));
  }
  if (token.text != "#" && token.text != "#index") {
    return error(token, strCat("unknown pointer '", token.text, "' (only # and #index exist)"));
  }
  advance();
  return make<PointerNode>(token.span, token.text == "#index");
}

// A name: a literal keyword, a builtin call, or a variable.
absl::StatusOr<NodePtr> Parser::parseName() {
  const Token& token = current();
  if (token.isIdentifier("true") || token.isIdentifier("false")) {
    advance();
    return make<LiteralNode>(token.span, Value(token.text == "true"));
  }
  if (token.isIdentifier("nil")) {
    advance();
    return make<LiteralNode>(token.span, Value());
  }
  if (token.isIdentifier("and") || token.isIdentifier("or") || token.isIdentifier("in")) {
    return unexpected();
  }
  if (lookahead().isOperator("(")) return parseCall();
  advance();
  result_.variables.emplace(token.text);
  return make<IdentifierNode>(token.span, std::string(token.text));
}

// call := builtin '(' [ argument { ',' argument } ] ')'
// argument := closure (at the builtin's predicate position) | expression
absl::StatusOr<NodePtr> Parser::parseCall() {
  const Token& name = current();
  const Builtin* builtin = findBuiltin(name.text);
  if (builtin == nullptr) return error(name, strCat("unknown function '", name.text, "'"));
  advance();
  const Token& paren = current();
  RETURN_IF_ERROR(descend());
  advance();
  Nesting nesting(depth_);
  std::vector<NodePtr> args;
  bool has_closure = false;
  while (!current().isOperator(")")) {
    if (!args.empty()) RETURN_IF_ERROR(expectSeparator(")", paren));
    if (current().isOperator(")")) return unexpected();  // no trailing comma in calls
    bool at_predicate = builtin->closure != Builtin::Closure::kNone &&
                        static_cast<int>(args.size()) == builtin->max_args;
    if (at_predicate) {
      ASSIGN_OR_RETURN(NodePtr closure, parseClosure());
      args.push_back(std::move(closure));
      has_closure = true;
    } else {
      ASSIGN_OR_RETURN(NodePtr arg, parseExpression());
      args.push_back(std::move(arg));
    }
    if (current().kind == TokenKind::kEnd) break;
  }
  RETURN_IF_ERROR(expectClosing(")", paren));
  RETURN_IF_ERROR(checkArity(name, *builtin, args.size(), has_closure));
  result_.functions.emplace(builtin->name);
  return make<CallNode>(spanFrom(name.span.begin), builtin, name.span, std::move(args));
}

absl::Status Parser::checkArity(const Token& name, const Builtin& builtin, size_t given,
                                bool has_closure) {
  int low = builtin.min_args;
  int high = builtin.max_args;
  if (builtin.closure == Builtin::Closure::kRequired) ++low;
  if (builtin.closure != Builtin::Closure::kNone) ++high;
  int count = static_cast<int>(given);
  bool ok = count >= low && (high == Builtin::kVariadic || count <= high);
  if (builtin.closure == Builtin::Closure::kRequired && !has_closure) ok = false;
  if (ok) return absl::OkStatus();
  std::string expected;
  if (high == Builtin::kVariadic) {
    expected = strCat("at least ", low, low == 1 ? " argument" : " arguments");
  } else if (low == high) {
    expected = strCat(low, low == 1 ? " argument" : " arguments");
  } else {
    expected = strCat(low, high == low + 1 ? " or " : " to ", high, " arguments");
  }
  if (builtin.closure == Builtin::Closure::kRequired) {
    expected += " (a list and a predicate such as {# > 0})";
  }
  return error(name, strCat(builtin.name, " expects ", expected, ", got ", count));
}

// closure := '{' expression '}' | expression
absl::StatusOr<NodePtr> Parser::parseClosure() {
  size_t begin = current().span.begin;
  ++closures_;
  struct Leave {
    int& closures;
    ~Leave() { --closures; }
  } leave{closures_};
  NodePtr body;
  if (current().isOperator("{")) {
    const Token& brace = current();
    advance();
    ASSIGN_OR_RETURN(body, parseExpression());
    RETURN_IF_ERROR(expectClosing("}", brace));
  } else {
    ASSIGN_OR_RETURN(body, parseExpression());
  }
  return make<ClosureNode>(spanFrom(begin), std::move(body));
}

// array := '[' [ expression { ',' expression } [','] ] ']'
absl::StatusOr<NodePtr> Parser::parseArray() {
  const Token& bracket = current();
  RETURN_IF_ERROR(descend());
  advance();
  Nesting nesting(depth_);
  std::vector<NodePtr> elements;
  while (!current().isOperator("]")) {
    if (!elements.empty()) {
      RETURN_IF_ERROR(expectSeparator("]", bracket));
      if (current().isOperator("]")) break;  // trailing comma
    }
    ASSIGN_OR_RETURN(NodePtr element, parseExpression());
    elements.push_back(std::move(element));
    if (current().kind == TokenKind::kEnd) break;
  }
  RETURN_IF_ERROR(expectClosing("]", bracket));
  return make<ArrayNode>(spanFrom(bracket.span.begin), std::move(elements));
}

// map := '{' [ key ':' expression { ',' key ':' expression } [','] ] '}'
// key := name | string
absl::StatusOr<NodePtr> Parser::parseMap() {
  const Token& brace = current();
  RETURN_IF_ERROR(descend());
  advance();
  Nesting nesting(depth_);
  std::vector<MapNode::Entry> entries;
  std::set<std::string, std::less<>> seen;
  while (!current().isOperator("}")) {
    if (!entries.empty()) {
      RETURN_IF_ERROR(expectSeparator("}", brace));
      if (current().isOperator("}")) break;  // trailing comma
    }
    const Token& key = current();
    if (key.kind != TokenKind::kIdentifier && key.kind != TokenKind::kString) {
      return error(key,
                   strCat("expected a map key (a name or a string), found ", describeToken(key)));
    }
    std::string name = key.kind == TokenKind::kString ? key.string_value : std::string(key.text);
    if (!seen.insert(name).second) {
      return error(key, strCat("duplicate key ", Value(name).debugString(), " in map"));
    }
    advance();
    if (!current().isOperator(":")) {
      return error(current(),
                   strCat("expected ':' after map key, found ", describeToken(current())));
    }
    advance();
    ASSIGN_OR_RETURN(NodePtr value, parseExpression());
    entries.emplace_back(std::move(name), std::move(value));
    if (current().kind == TokenKind::kEnd) break;
  }
  RETURN_IF_ERROR(expectClosing("}", brace));
  return make<MapNode>(spanFrom(brace.span.begin), std::move(entries));
}

}  // namespace serin::expr::parser_internal
