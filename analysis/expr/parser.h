// The parser: tokens -> syntax tree, by precedence climbing over one operator table.
//
// Grammar (lowest precedence first; each rule is repeated above the function parsing it):
//
//   expression := binary [ '?' expression ':' expression ]
//   binary     := unary { binary-operator binary }        precedence and associativity
//                                                           from the table in parser.cc
//   unary      := ( '!' | 'not' | '-' | '+' ) binary-at-operator-precedence | postfix
//   postfix    := primary { '.' name | '?.' name | '?.' '[' expression ']'
//                         | '[' expression ']' | '[' [expression] ':' [expression] ']' }
//   primary    := number | string | 'true' | 'false' | 'nil' | name | call
//               | '(' expression ')' | array | map | '#' | '#index' | '.' name
//   call       := builtin '(' [ argument { ',' argument } ] ')'
//   argument   := closure (at a builtin's predicate position) | expression
//   closure    := '{' expression '}' | expression
//   array      := '[' [ expression { ',' expression } [','] ] ']'
//   map        := '{' [ key ':' expression { ',' key ':' expression } [','] ] '}'
//   key        := name | string
//
// Binary operators, loosest first: `|| or`; `&& and`; `== != < <= > >= in, not in,
// contains, startsWith, endsWith`; `+ -`; `* / %`; `** ^` (right-associative); `??`.
// As in expr-lang, `??` binds tightest (`x ?? 0 > 1` is `(x ?? 0) > 1`), unary minus binds
// looser than `**` (`-2 ** 2` is -4), and `!`/`not` looser than `*` but tighter than `+`
// and comparisons (`not a == b` is `(not a) == b`).
//
// `#` and `.name` (short for `#.name`) are only valid inside a closure. `matches` and the
// range operator `..` are refused with an explanation.
#ifndef SERIN_ANALYSIS_EXPR_PARSER_H_
#define SERIN_ANALYSIS_EXPR_PARSER_H_

#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "analysis/expr/ast.h"
#include "analysis/expr/compile_limits.h"

namespace serin::expr {

struct ParsedExpression {
  NodePtr root;
  std::set<std::string, std::less<>> variables;  // names read from the environment
  std::set<std::string, std::less<>> functions;  // builtins called
};

// Parses all of `source`. InvalidArgument "line L, column C: <what>" on a syntax error,
// an unknown function, a wrong number of arguments, or an exceeded limit (source size,
// nesting depth, tree height, node count). Recursion is bounded by the limits whatever
// the input.
absl::StatusOr<ParsedExpression> parse(std::string_view source, const Limits& limits);

}  // namespace serin::expr

#endif  // SERIN_ANALYSIS_EXPR_PARSER_H_
