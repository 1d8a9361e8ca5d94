#include "analysis/field_path.h"

#include <charconv>
#include <vector>

#include "common/json_text.h"
#include "common/strings.h"

namespace serin::analysis {
namespace {

constexpr size_t kMaxPathBytes = 1024;

absl::Status badPath(std::string_view path, std::string_view why) {
  return absl::InvalidArgumentError(
      strCat("fieldPath ", jsonQuote(path.substr(0, 128)), ": ", why));
}

// Splits `path` into keys; `quoted[i]` says whether key i was a quoted bracket key (which is
// always a map key, never a list index).
absl::Status splitPath(std::string_view path, std::vector<std::string>& keys,
                       std::vector<bool>& quoted) {
  size_t i = 0;
  bool expectName = true;  // at the start and after '.'
  while (i < path.size()) {
    const char c = path[i];
    if (c == '[') {
      const size_t close = path.find(']', i + 1);
      if (close == std::string_view::npos) return badPath(path, "unclosed '['");
      std::string_view key = path.substr(i + 1, close - i - 1);
      bool isQuoted = false;
      if (key.size() >= 2 && (key.front() == '\'' || key.front() == '"')) {
        if (key.back() != key.front()) return badPath(path, "unbalanced quotes in [...]");
        key = key.substr(1, key.size() - 2);
        isQuoted = true;
      }
      if (key.empty()) return badPath(path, "empty [...]");
      keys.emplace_back(key);
      quoted.push_back(isQuoted);
      i = close + 1;
      expectName = false;
      if (i < path.size() && path[i] != '.' && path[i] != '[') {
        return badPath(path, strCat("unexpected character after ']' at position ", i + 1));
      }
      if (i < path.size() && path[i] == '.') {
        ++i;
        expectName = true;
        if (i == path.size()) return badPath(path, "ends with '.'");
      }
      continue;
    }
    if (!expectName) return badPath(path, strCat("unexpected character at position ", i + 1));
    const size_t end = path.find_first_of(".[]", i);
    const size_t stop = end == std::string_view::npos ? path.size() : end;
    if (stop == i) return badPath(path, strCat("empty name at position ", i + 1));
    keys.emplace_back(path.substr(i, stop - i));
    quoted.push_back(false);
    i = stop;
    if (i < path.size()) {
      if (path[i] == ']') return badPath(path, strCat("unexpected ']' at position ", i + 1));
      if (path[i] == '.') {
        ++i;
        if (i == path.size()) return badPath(path, "ends with '.'");
      } else {
        expectName = false;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> readFieldPath(const nlohmann::json& object, std::string_view path) {
  if (path.empty()) return badPath(path, "is empty");
  if (path.size() > kMaxPathBytes) return badPath(path, "is too long");
  std::vector<std::string> keys;
  std::vector<bool> quoted;
  absl::Status s = splitPath(path, keys, quoted);
  if (!s.ok()) return s;

  const nlohmann::json* at = &object;
  for (size_t k = 0; k < keys.size(); ++k) {
    const std::string& key = keys[k];
    if (at->is_object()) {
      auto it = at->find(key);
      if (it == at->end() || it->is_null()) return badPath(path, "not found in the Rollout");
      at = &*it;
    } else if (at->is_array() && !quoted[k]) {
      size_t index = 0;
      auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
      if (ec != std::errc() || ptr != key.data() + key.size()) {
        return badPath(path, strCat(jsonQuote(key), " is not a list index"));
      }
      if (index >= at->size()) return badPath(path, "not found in the Rollout");
      at = &(*at)[index];
      if (at->is_null()) return badPath(path, "not found in the Rollout");
    } else {
      return badPath(path, "not found in the Rollout");
    }
  }
  if (at->is_string()) return at->get<std::string>();
  if (at->is_boolean()) return std::string(at->get<bool>() ? "true" : "false");
  if (at->is_number()) return at->dump();
  return badPath(path, "must end at a string, number or boolean, not an object or a list");
}

}  // namespace serin::analysis
