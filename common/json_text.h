// Writing JSON string literals without a JSON library, for the hot logging path.
#ifndef SERIN_COMMON_JSON_TEXT_H_
#define SERIN_COMMON_JSON_TEXT_H_

#include <string>
#include <string_view>

namespace serin {

// Appends `text` to `out` as a quoted JSON string. Control characters are escaped, valid
// UTF-8 passes through, and each byte of an invalid UTF-8 sequence becomes U+FFFD, so the
// output is always valid JSON whatever bytes come in (a pod name, a server message).
void appendJsonString(std::string& out, std::string_view text);

// The same, returned as a new string.
std::string jsonQuote(std::string_view text);

}  // namespace serin

#endif  // SERIN_COMMON_JSON_TEXT_H_
