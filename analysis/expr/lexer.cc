#include "analysis/expr/lexer.h"

#include <charconv>
#include <cstdio>
#include <system_error>

#include "analysis/expr/value.h"
#include "common/strings.h"

namespace serin::expr {
namespace {

// Longest spellings first, so "**" wins over "*" and "?." over "?".
constexpr std::string_view kOperators[] = {
    "**", "??", "?.", "==", "!=", "<=", ">=", "&&", "||", "..",  //
    "(",  ")",  "[",  "]",  "{",  "}",  ",",  ":",  ".",  "?",   //
    "+",  "-",  "*",  "/",  "%",  "^",  "<",  ">",  "!",
};

// Long literals are cut in messages so an error stays one readable line.
constexpr size_t kMaxQuotedLength = 32;

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHexDigit(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool isIdentifierStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool isIdentifierChar(char c) { return isIdentifierStart(c) || isDigit(c); }

int digitValue(char c) {
  if (isDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

std::string clip(std::string_view text) {
  if (text.size() <= kMaxQuotedLength) return std::string(text);
  return strCat(text.substr(0, kMaxQuotedLength), "...");
}

// The offset of the first byte that is not part of well-formed UTF-8 (no overlong forms,
// no surrogates, nothing above U+10FFFF), or npos when all of `s` is well formed.
size_t firstInvalidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t min = 0;
    uint32_t cp = 0;
    if ((b & 0xE0) == 0xC0)
      length = 2, min = 0x80, cp = b & 0x1F;
    else if ((b & 0xF0) == 0xE0)
      length = 3, min = 0x800, cp = b & 0x0F;
    else if ((b & 0xF8) == 0xF0)
      length = 4, min = 0x10000, cp = b & 0x07;
    else
      return i;
    if (i + length > s.size()) return i;
    for (size_t k = 1; k < length; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += length;
  }
  return std::string_view::npos;
}

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view source) : source_(source) {}

  absl::StatusOr<std::vector<Token>> run() {
    if (size_t bad = firstInvalidUtf8(source_); bad != std::string_view::npos) {
      return error(bad, "invalid UTF-8");
    }
    std::vector<Token> tokens;
    while (true) {
      if (absl::Status s = skipSpaceAndComments(); !s.ok()) return s;
      Token token;
      token.span.begin = pos_;
      if (pos_ >= source_.size()) {
        token.span.end = pos_;
        tokens.push_back(std::move(token));
        return tokens;
      }
      if (absl::Status s = lexToken(token); !s.ok()) return s;
      token.span.end = pos_;
      token.text = source_.substr(token.span.begin, pos_ - token.span.begin);
      tokens.push_back(std::move(token));
    }
  }

 private:
  char peek(size_t ahead = 0) const {
    return pos_ + ahead < source_.size() ? source_[pos_ + ahead] : '\0';
  }

  absl::Status error(size_t offset, std::string_view what) const {
    return syntaxError(source_, offset, what);
  }

  absl::Status skipSpaceAndComments() {
    while (pos_ < source_.size()) {
      char c = source_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else if (c == '/' && peek(1) == '/') {
        while (pos_ < source_.size() && source_[pos_] != '\n') ++pos_;
      } else if (c == '/' && peek(1) == '*') {
        size_t close = source_.find("*/", pos_ + 2);
        if (close == std::string_view::npos) return error(pos_, "unterminated comment");
        pos_ = close + 2;
      } else {
        break;
      }
    }
    return absl::OkStatus();
  }

  absl::Status lexToken(Token& token) {
    char c = source_[pos_];
    if (isDigit(c)) return lexNumber(token);
    if (c == '"' || c == '\'') return lexQuotedString(token, c);
    if (c == '`') return lexRawString(token);
    if (isIdentifierStart(c)) {
      token.kind = TokenKind::kIdentifier;
      while (isIdentifierChar(peek())) ++pos_;
      return absl::OkStatus();
    }
    if (c == '#') {
      token.kind = TokenKind::kPointer;
      ++pos_;
      while (isIdentifierChar(peek())) ++pos_;
      return absl::OkStatus();
    }
    for (std::string_view op : kOperators) {
      if (source_.substr(pos_, op.size()) == op) {
        token.kind = TokenKind::kOperator;
        pos_ += op.size();
        return absl::OkStatus();
      }
    }
    return unexpectedCharacter(c);
  }

  absl::Status unexpectedCharacter(char c) const {
    switch (c) {
      case '|':
        return error(pos_, "the pipe operator '|' is not supported (use '||' or 'or')");
      case '&':
        return error(pos_, "unexpected character '&' (use '&&' or 'and')");
      case '=':
        return error(pos_, "unexpected character '=' (use '==' to compare)");
      default:
        break;
    }
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      size_t length = (byte & 0xE0) == 0xC0 ? 2 : (byte & 0xF0) == 0xE0 ? 3 : 4;
      return error(pos_, strCat("unexpected character '", source_.substr(pos_, length), "'"));
    }
    if (byte < 0x20 || byte == 0x7F) {
      char buffer[16];
      std::snprintf(buffer, sizeof buffer, "U+%04X", byte);
      return error(pos_, strCat("unexpected control character ", buffer));
    }
    return error(pos_, strCat("unexpected character '", std::string(1, c), "'"));
  }

  // integer | float, see the grammar in lexer.h. Underscores may only separate digits.
  absl::Status lexNumber(Token& token) {
    size_t start = pos_;
    int base = 10;
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) base = 16;
    if (peek() == '0' && (peek(1) == 'o' || peek(1) == 'O')) base = 8;
    if (peek() == '0' && (peek(1) == 'b' || peek(1) == 'B')) base = 2;
    bool is_float = false;
    if (base != 10) {
      pos_ += 2;
      while (isHexDigit(peek()) || peek() == '_') ++pos_;
    } else {
      while (isDigit(peek()) || peek() == '_') ++pos_;
      if (peek() == '.' && isDigit(peek(1))) {
        is_float = true;
        ++pos_;
        while (isDigit(peek()) || peek() == '_') ++pos_;
      }
      if (peek() == 'e' || peek() == 'E') {
        is_float = true;
        ++pos_;
        if (peek() == '+' || peek() == '-') ++pos_;
        if (!isDigit(peek())) return malformedNumber(start);
        while (isDigit(peek()) || peek() == '_') ++pos_;
      }
    }
    if (isIdentifierChar(peek())) {
      while (isIdentifierChar(peek())) ++pos_;
      return malformedNumber(start);
    }
    std::string_view text = source_.substr(start, pos_ - start);
    std::string digits;  // the text without its base prefix and separators
    for (size_t i = base == 10 ? 0 : 2; i < text.size(); ++i) {
      if (text[i] != '_') {
        digits += text[i];
        continue;
      }
      auto is_digit = [base](char d) { return base == 10 ? isDigit(d) : isHexDigit(d); };
      // Between two digits, or right after a base prefix (0x_1F), as in Go.
      bool after_prefix = base != 10 && i == 2;
      bool between = i + 1 < text.size() && is_digit(text[i + 1]) &&
                     (after_prefix || (i > 0 && is_digit(text[i - 1])));
      if (!between) return malformedNumber(start);
    }
    if (is_float) {
      token.kind = TokenKind::kFloat;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(),
                                       token.float_value, std::chars_format::general);
      if (ec == std::errc::result_out_of_range) return outOfRange(start, text);
      if (ec != std::errc() || end != digits.data() + digits.size()) {
        return malformedNumber(start);
      }
      return absl::OkStatus();
    }
    token.kind = TokenKind::kInteger;
    if (digits.empty()) return malformedNumber(start);
    if (base == 10 && digits.size() > 1 && digits[0] == '0') {
      return error(start, strCat("leading zero in number '", clip(text), "' (write octal as 0o",
                                 digits.substr(1), ")"));
    }
    uint64_t value = 0;
    for (char d : digits) {
      int v = digitValue(d);
      if (v >= base) return malformedNumber(start);
      if (value > (static_cast<uint64_t>(INT64_MAX) - v) / base) return outOfRange(start, text);
      value = value * base + v;
    }
    token.int_value = static_cast<int64_t>(value);
    return absl::OkStatus();
  }

  absl::Status malformedNumber(size_t start) const {
    return error(start,
                 strCat("malformed number '", clip(source_.substr(start, pos_ - start)), "'"));
  }

  absl::Status outOfRange(size_t start, std::string_view text) const {
    return error(start, strCat("number '", clip(text), "' is out of range"));
  }

  // "..." or '...' with backslash escapes.
  absl::Status lexQuotedString(Token& token, char quote) {
    size_t start = pos_++;
    token.kind = TokenKind::kString;
    while (true) {
      if (pos_ >= source_.size()) return error(start, "unterminated string");
      char c = source_[pos_];
      if (c == quote) {
        ++pos_;
        return absl::OkStatus();
      }
      if (c != '\\') {
        token.string_value += c;
        ++pos_;
        continue;
      }
      if (pos_ + 1 >= source_.size()) return error(start, "unterminated string");
      if (absl::Status s = lexEscape(token.string_value); !s.ok()) return s;
    }
  }

  absl::Status lexEscape(std::string& out) {
    size_t start = pos_;
    char c = peek(1);
    pos_ += 2;
    switch (c) {
      case 'n':
        out += '\n';
        return absl::OkStatus();
      case 't':
        out += '\t';
        return absl::OkStatus();
      case 'r':
        out += '\r';
        return absl::OkStatus();
      case 'a':
        out += '\a';
        return absl::OkStatus();
      case 'b':
        out += '\b';
        return absl::OkStatus();
      case 'f':
        out += '\f';
        return absl::OkStatus();
      case 'v':
        out += '\v';
        return absl::OkStatus();
      case '\\':
        out += '\\';
        return absl::OkStatus();
      case '\'':
        out += '\'';
        return absl::OkStatus();
      case '"':
        out += '"';
        return absl::OkStatus();
      case 'x':
      case 'u':
      case 'U':
        break;
      default:
        return error(start, "unknown escape sequence in string");
    }
    size_t count = c == 'x' ? 2 : c == 'u' ? 4 : 8;
    uint32_t cp = 0;
    for (size_t i = 0; i < count; ++i) {
      if (!isHexDigit(peek())) {
        return error(
            start, strCat("escape \\", std::string(1, c), " needs ", count, " hexadecimal digits"));
      }
      cp = cp * 16 + digitValue(peek());
      ++pos_;
    }
    if (c == 'x') {
      out += static_cast<char>(cp);  // a raw byte, as in Go
    } else if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return error(start, "escape is not a valid Unicode code point");
    } else {
      appendUtf8(out, cp);
    }
    return absl::OkStatus();
  }

  // `...`: no escapes, may span lines.
  absl::Status lexRawString(Token& token) {
    size_t start = pos_;
    size_t close = source_.find('`', pos_ + 1);
    if (close == std::string_view::npos) return error(start, "unterminated string");
    token.kind = TokenKind::kString;
    token.string_value = std::string(source_.substr(start + 1, close - start - 1));
    pos_ = close + 1;
    return absl::OkStatus();
  }

  std::string_view source_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<Token>> tokenize(std::string_view source) { return Lexer(source).run(); }

std::string describeToken(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd:
      return "end of expression";
    case TokenKind::kIdentifier:
      return strCat("'", clip(token.text), "'");
    case TokenKind::kInteger:
    case TokenKind::kFloat:
      return strCat("number ", clip(token.text));
    case TokenKind::kString:
      return strCat("string ", clip(token.text));
    case TokenKind::kPointer:
    case TokenKind::kOperator:
      return strCat("'", token.text, "'");
  }
  return "token";
}

}  // namespace serin::expr
