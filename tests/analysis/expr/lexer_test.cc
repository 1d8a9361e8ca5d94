#include "analysis/expr/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace serin::expr {
namespace {

std::vector<std::string> texts(std::string_view source) {
  absl::StatusOr<std::vector<Token>> tokens = tokenize(source);
  EXPECT_TRUE(tokens.ok()) << tokens.status().message();
  std::vector<std::string> out;
  if (!tokens.ok()) return out;
  for (const Token& token : *tokens) {
    if (token.kind != TokenKind::kEnd) out.emplace_back(token.text);
  }
  return out;
}

Token single(std::string_view source) {
  absl::StatusOr<std::vector<Token>> tokens = tokenize(source);
  EXPECT_TRUE(tokens.ok()) << tokens.status().message();
  if (!tokens.ok() || tokens->size() != 2) return Token{};
  return (*tokens)[0];
}

std::string lexError(std::string_view source) {
  absl::StatusOr<std::vector<Token>> tokens = tokenize(source);
  EXPECT_FALSE(tokens.ok()) << "no error for: " << source;
  return tokens.ok() ? "" : std::string(tokens.status().message());
}

TEST(ExprLexerTest, SplitsOperatorsLongestFirst) {
  using V = std::vector<std::string>;
  EXPECT_EQ(texts("a**b"), (V{"a", "**", "b"}));
  EXPECT_EQ(texts("a?.b??c"), (V{"a", "?.", "b", "??", "c"}));
  EXPECT_EQ(texts("a?b:c"), (V{"a", "?", "b", ":", "c"}));
  EXPECT_EQ(texts("a<=b>=c==d!=e<f>g"),
            (V{"a", "<=", "b", ">=", "c", "==", "d", "!=", "e", "<", "f", ">", "g"}));
  EXPECT_EQ(texts("!a&&b||c"), (V{"!", "a", "&&", "b", "||", "c"}));
  EXPECT_EQ(texts("f(a,[1],{k:2})"),
            (V{"f", "(", "a", ",", "[", "1", "]", ",", "{", "k", ":", "2", "}", ")"}));
  EXPECT_EQ(texts("1..2"), (V{"1", "..", "2"}));
  EXPECT_EQ(texts("a % b ^ c - -d"), (V{"a", "%", "b", "^", "c", "-", "-", "d"}));
}

TEST(ExprLexerTest, SpansAreByteOffsets) {
  absl::StatusOr<std::vector<Token>> tokens = tokenize("  ab + 1.5");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 4u);
  EXPECT_EQ((*tokens)[0].span.begin, 2u);
  EXPECT_EQ((*tokens)[0].span.end, 4u);
  EXPECT_EQ((*tokens)[1].span.begin, 5u);
  EXPECT_EQ((*tokens)[2].span.begin, 7u);
  EXPECT_EQ((*tokens)[2].span.end, 10u);
  EXPECT_EQ((*tokens)[3].kind, TokenKind::kEnd);
  EXPECT_EQ((*tokens)[3].span.begin, 10u);
}

TEST(ExprLexerTest, Identifiers) {
  EXPECT_EQ(single("result").kind, TokenKind::kIdentifier);
  EXPECT_EQ(single("_a$1").text, "_a$1");
  EXPECT_EQ(single("not").kind, TokenKind::kIdentifier);
  EXPECT_EQ(single("#").kind, TokenKind::kPointer);
  EXPECT_EQ(single("#index").text, "#index");
}

TEST(ExprLexerTest, Numbers) {
  struct Row {
    const char* source;
    TokenKind kind;
    int64_t int_value;
    double float_value;
  };
  const Row rows[] = {
      {"0", TokenKind::kInteger, 0, 0},
      {"42", TokenKind::kInteger, 42, 0},
      {"1_000_000", TokenKind::kInteger, 1000000, 0},
      {"0x1F", TokenKind::kInteger, 31, 0},
      {"0XfF", TokenKind::kInteger, 255, 0},
      {"0x_1F", TokenKind::kInteger, 31, 0},
      {"0o17", TokenKind::kInteger, 15, 0},
      {"0b101", TokenKind::kInteger, 5, 0},
      {"9223372036854775807", TokenKind::kInteger, INT64_MAX, 0},
      {"0.5", TokenKind::kFloat, 0, 0.5},
      {"1e-3", TokenKind::kFloat, 0, 1e-3},
      {"1.5e3", TokenKind::kFloat, 0, 1500},
      {"2E+2", TokenKind::kFloat, 0, 200},
      {"1_000.5", TokenKind::kFloat, 0, 1000.5},
      {"00.5", TokenKind::kFloat, 0, 0.5},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.source);
    Token token = single(row.source);
    EXPECT_EQ(token.kind, row.kind);
    EXPECT_EQ(token.int_value, row.int_value);
    EXPECT_EQ(token.float_value, row.float_value);
  }
}

TEST(ExprLexerTest, NumberBeforeMemberDot) {
  using V = std::vector<std::string>;
  EXPECT_EQ(texts("1.foo"), (V{"1", ".", "foo"}));
  EXPECT_EQ(texts("a[0].b"), (V{"a", "[", "0", "]", ".", "b"}));
}

TEST(ExprLexerTest, Strings) {
  EXPECT_EQ(single("\"abc\"").string_value, "abc");
  EXPECT_EQ(single("'abc'").string_value, "abc");
  EXPECT_EQ(single("'it\\'s'").string_value, "it's");
  EXPECT_EQ(single("\"say \\\"hi\\\"\"").string_value, "say \"hi\"");
  EXPECT_EQ(single("\"a\\n\\t\\r\\\\b\"").string_value, "a\n\t\r\\b");
  EXPECT_EQ(single("\"\\a\\b\\f\\v\"").string_value, "\a\b\f\v");
  EXPECT_EQ(single("\"\\u00e9\"").string_value, "\xC3\xA9");
  EXPECT_EQ(single("\"\\U0001F600\"").string_value, "\xF0\x9F\x98\x80");
  EXPECT_EQ(single("\"\\x41\"").string_value, "A");
  EXPECT_EQ(single("\"é\"").string_value, "\xC3\xA9");
  EXPECT_EQ(single("`raw \\n \"x\"`").string_value, "raw \\n \"x\"");
  EXPECT_EQ(single("`two\nlines`").string_value, "two\nlines");
  EXPECT_EQ(single("\"\"").string_value, "");
  EXPECT_EQ(single("\"a'b\"").string_value, "a'b");
}

TEST(ExprLexerTest, Comments) {
  using V = std::vector<std::string>;
  EXPECT_EQ(texts("a // the rest\n+ b"), (V{"a", "+", "b"}));
  EXPECT_EQ(texts("a /* inner */ + /**/ b"), (V{"a", "+", "b"}));
  EXPECT_EQ(texts("a / b"), (V{"a", "/", "b"}));
  EXPECT_EQ(texts("// only a comment"), V{});
}

TEST(ExprLexerTest, Errors) {
  struct Row {
    const char* source;
    const char* error;
  };
  const Row rows[] = {
      {"\"abc", "line 1, column 1: unterminated string"},
      {"'abc\"", "column 1: unterminated string"},
      {"`abc", "unterminated string"},
      {"a + \"\\", "column 5: unterminated string"},
      {"\"\\q\"", "column 2: unknown escape sequence"},
      {"\"\\u12\"", "escape \\u needs 4 hexadecimal digits"},
      {"\"\\uD800\"", "not a valid Unicode code point"},
      {"\"\\U00110000\"", "not a valid Unicode code point"},
      {"/* open", "column 1: unterminated comment"},
      {"a | b", "column 3: the pipe operator '|' is not supported"},
      {"a & b", "use '&&' or 'and'"},
      {"a = 1", "use '==' to compare"},
      {"a ~ b", "column 3: unexpected character '~'"},
      {"a @", "unexpected character '@'"},
      {"a ; b", "unexpected character ';'"},
      {"é", "unexpected character 'é'"},
      {"a\x01", "column 2: unexpected control character U+0001"},
      {"1abc", "malformed number '1abc'"},
      {"0x", "malformed number '0x'"},
      {"0xZZ", "malformed number '0xZZ'"},
      {"0b102", "malformed number '0b102'"},
      {"1__0", "malformed number"},
      {"1_", "malformed number"},
      {"1_.5", "malformed number"},
      {"1e", "malformed number '1e'"},
      {"1e+", "malformed number"},
      {"0123", "leading zero in number '0123' (write octal as 0o123)"},
      {"9223372036854775808", "number '9223372036854775808' is out of range"},
      {"99999999999999999999999999999999999999999", "is out of range"},
      {"0xFFFFFFFFFFFFFFFFFF", "is out of range"},
      {"1e999", "number '1e999' is out of range"},
      {"x\n  \"open", "line 2, column 3: unterminated string"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.source);
    std::string message = lexError(row.source);
    EXPECT_NE(message.find(row.error), std::string::npos) << message;
  }
}

TEST(ExprLexerTest, RejectsInvalidUtf8) {
  EXPECT_EQ(lexError("a + \xff"), "line 1, column 5: invalid UTF-8");
  EXPECT_EQ(lexError("\"\xC3\""), "line 1, column 2: invalid UTF-8");        // truncated
  EXPECT_EQ(lexError("\xC0\xAF"), "line 1, column 1: invalid UTF-8");        // overlong
  EXPECT_EQ(lexError("'\xED\xA0\x80'"), "line 1, column 2: invalid UTF-8");  // surrogate
  EXPECT_EQ(lexError("'\xF4\x90\x80\x80'"), "line 1, column 2: invalid UTF-8");
  EXPECT_EQ(lexError("'é' \x80"), "line 1, column 5: invalid UTF-8");  // é is one column
}

TEST(ExprLexerTest, DescribeToken) {
  absl::StatusOr<std::vector<Token>> tokens = tokenize("foo ) 12 \"s\" #");
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ(describeToken((*tokens)[0]), "'foo'");
  EXPECT_EQ(describeToken((*tokens)[1]), "')'");
  EXPECT_EQ(describeToken((*tokens)[2]), "number 12");
  EXPECT_EQ(describeToken((*tokens)[3]), "string \"s\"");
  EXPECT_EQ(describeToken((*tokens)[4]), "'#'");
  EXPECT_EQ(describeToken((*tokens)[5]), "end of expression");
}

}  // namespace
}  // namespace serin::expr
