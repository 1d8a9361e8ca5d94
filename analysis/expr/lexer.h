// The lexer: turns the text of a condition into tokens.
//
// Lexical grammar (expr-lang's, minus what serin refuses):
//   whitespace  ' ' '\t' '\n' '\r'; comments `// to end of line` and `/* ... */`
//   identifier  [A-Za-z_$][A-Za-z0-9_$]*   (keywords such as `and`, `in`, `true`, `nil` are
//               identifiers here; the parser gives them meaning)
//   integer     123  1_000  0x1F  0o17  0b101         (must fit int64)
//   float       0.5  1e-3  1.5E3  1_000.5             (a digit is required before '.')
//   string      "..." or '...' with escapes \n \t \r \a \b \f \v \\ \' \" \xHH \uXXXX
//               \UXXXXXXXX; `...` raw, no escapes
//   pointer     #  #index                              (the element in a predicate)
//   operator    ( ) [ ] { } , : . ?. ? ?? + - * / % ** ^ == != < <= > >= ! && || ..
//
// The source must be valid UTF-8; non-ASCII characters may appear in strings and comments.
#ifndef SERIN_ANALYSIS_EXPR_LEXER_H_
#define SERIN_ANALYSIS_EXPR_LEXER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/expr/source_location.h"

namespace serin::expr {

enum class TokenKind {
  kEnd,         // end of the source; always the last token
  kIdentifier,  // text is the name
  kInteger,     // int_value holds the value
  kFloat,       // float_value holds the value
  kString,      // string_value holds the decoded text
  kPointer,     // text is "#" or "#index" (or another #name, refused by the parser)
  kOperator,    // text is the operator's spelling
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  SourceSpan span;
  std::string_view text;  // the token's bytes in the source (views the compiled text)
  std::string string_value;
  int64_t int_value = 0;
  double float_value = 0;

  bool isOperator(std::string_view op) const { return kind == TokenKind::kOperator && text == op; }
  bool isIdentifier(std::string_view name) const {
    return kind == TokenKind::kIdentifier && text == name;
  }
};

// Splits all of `source` into tokens, ending with one kEnd token. The tokens view
// `source`, which must outlive them. InvalidArgument "line L, column C: <what>" at the
// first lexical error: invalid UTF-8, an unexpected character, an unterminated string or
// comment, a bad escape, a malformed or out-of-range number.
absl::StatusOr<std::vector<Token>> tokenize(std::string_view source);

// A short, printable description of a token for error messages: "')'", "identifier 'foo'",
// "number 12", "string \"x\"", "end of expression".
std::string describeToken(const Token& token);

}  // namespace serin::expr

#endif  // SERIN_ANALYSIS_EXPR_LEXER_H_
