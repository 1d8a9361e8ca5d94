// A short, printable excerpt of a remote server's answer, for error messages. Servers behind
// proxies answer with HTML pages, binary garbage or megabytes of text; a user needs the
// first line of it, and a Kubernetes status field must not receive control characters or
// invalid UTF-8.
#ifndef SERIN_ANALYSIS_PROVIDERS_BODY_EXCERPT_H_
#define SERIN_ANALYSIS_PROVIDERS_BODY_EXCERPT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace serin::analysis::providers {

inline constexpr size_t kDefaultExcerptBytes = 200;

// At most `max_bytes` bytes of `text` (then "..."), with HTML tags removed when `text`
// looks like an HTML page, control characters and runs of white space turned into one
// space, invalid UTF-8 bytes replaced by '?', and never a multi-byte character cut in two.
// Empty when `text` holds nothing printable.
std::string bodyExcerpt(std::string_view text, size_t max_bytes = kDefaultExcerptBytes);

}  // namespace serin::analysis::providers

#endif  // SERIN_ANALYSIS_PROVIDERS_BODY_EXCERPT_H_
