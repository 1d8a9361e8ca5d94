#include "analysis/providers/body_excerpt.h"

#include <cstdint>

namespace serin::analysis::providers {
namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not one
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
size_t utf8SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(i);
  size_t len;
  uint8_t lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

bool looksLikeHtml(std::string_view text) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '<';
  }
  return false;
}

}  // namespace

std::string bodyExcerpt(std::string_view text, size_t max_bytes) {
  const bool html = looksLikeHtml(text);
  std::string out;
  out.reserve(max_bytes + 3);
  bool in_tag = false;
  bool pending_space = false;  // white space seen since the last printed character
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<uint8_t>(text[i]);
    if (html && in_tag) {
      if (c == '>') {
        in_tag = false;
        pending_space = true;  // "<td>a</td><td>b</td>" reads "a b"
      }
      ++i;
      continue;
    }
    if (html && c == '<') {
      in_tag = true;
      ++i;
      continue;
    }
    if (c < 0x20 || c == 0x7F || c == ' ') {
      pending_space = true;
      ++i;
      continue;
    }
    size_t len = 1;
    if (c >= 0x80) len = utf8SequenceLength(text, i);
    const size_t needed = (pending_space && !out.empty() ? 1 : 0) + (len == 0 ? 1 : len);
    if (out.size() + needed > max_bytes) {
      out += "...";
      return out;
    }
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    if (len == 0) {
      out += '?';
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

}  // namespace serin::analysis::providers
