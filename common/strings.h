// absl::StrCat and friends for std::string_view arguments.
//
// Debian's abseil 20220623 is built with its own absl::string_view, distinct from
// std::string_view, so absl::StrCat("x", std::string_view{...}) does not compile. These
// wrappers convert std::string_view arguments and pass everything else through.
#ifndef SERIN_COMMON_STRINGS_H_
#define SERIN_COMMON_STRINGS_H_

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace serin {

inline absl::string_view toAbsl(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view fromAbsl(absl::string_view s) { return {s.data(), s.size()}; }

namespace strings_internal {
template <typename T>
decltype(auto) abslArg(const T& v) {
  return v;
}
inline absl::string_view abslArg(std::string_view v) { return toAbsl(v); }
}  // namespace strings_internal

template <typename... Args>
std::string strCat(const Args&... args) {
  return absl::StrCat(strings_internal::abslArg(args)...);
}

template <typename... Args>
void strAppend(std::string* out, const Args&... args) {
  absl::StrAppend(out, strings_internal::abslArg(args)...);
}

}  // namespace serin

#endif  // SERIN_COMMON_STRINGS_H_
