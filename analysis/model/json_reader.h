// Strict reading of a user's spec from JSON. Every error is InvalidArgument and starts with
// the JSON path of the offending field ("spec.metrics[0].interval: ..."), because the
// message ends up in an InvalidSpec condition that a user must be able to act on.
//
// Kubernetes conventions apply: a JSON null reads as an absent field; a value of the wrong
// type is an error, never a silent default. Nothing here throws.
#ifndef SERIN_ANALYSIS_MODEL_JSON_READER_H_
#define SERIN_ANALYSIS_MODEL_JSON_READER_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace serin::analysis {

// InvalidArgument "<path>: <what>".
absl::Status fieldError(std::string_view path, std::string_view what);

// "a string", "an integer", "a number", "a boolean", "an object", "an array", "null".
std::string_view jsonTypeName(const nlohmann::json& value);

// `path` + "[i]".
std::string indexPath(std::string_view path, size_t i);

// A user-supplied key made safe for a message: at most 64 bytes, JSON-quoted when it holds
// anything but letters, digits, '-', '_' and '.'.
std::string displayKey(std::string_view key);

class ObjectReader {
 public:
  // A reader of `value`, which must outlive it. InvalidArgument naming `path` when `value`
  // is neither an object nor null (null reads as an empty object).
  static absl::StatusOr<ObjectReader> open(const nlohmann::json& value, std::string path);

  const std::string& path() const { return path_; }
  std::string pathOf(std::string_view key) const;

  // The member `key`, or null when it is absent or JSON null.
  const nlohmann::json* find(std::string_view key) const;
  bool has(std::string_view key) const { return find(key) != nullptr; }

  // Absent -> nullopt; a string -> its value; anything else -> error.
  absl::StatusOr<std::optional<std::string>> optionalString(std::string_view key) const;
  // Present and non-empty.
  absl::StatusOr<std::string> requiredString(std::string_view key) const;
  // Absent -> `fallback`.
  absl::StatusOr<bool> boolean(std::string_view key, bool fallback) const;
  // Absent -> nullopt; an integer within [min, max] -> its value; a fraction, a string or
  // an integer out of range -> error.
  absl::StatusOr<std::optional<int64_t>> optionalInteger(std::string_view key, int64_t min,
                                                         int64_t max) const;

  // Calls `each(element, elementPath)` for every element of the array `key` (no call when
  // absent), stopping at the first error. An array longer than `maxItems` is an error, so a
  // hostile object cannot make the controller loop over millions of entries.
  using ElementFn = std::function<absl::Status(const nlohmann::json&, const std::string&)>;
  absl::Status forEach(std::string_view key, size_t maxItems, const ElementFn& each) const;

  // Fails on the first member not listed. `unsupported` pairs an Argo Rollouts field serin
  // recognises but does not implement with the message to give for it ("provider not
  // supported by serin").
  absl::Status checkFields(
      std::initializer_list<std::string_view> known,
      std::initializer_list<std::pair<std::string_view, std::string_view>> unsupported = {}) const;

 private:
  ObjectReader(const nlohmann::json* object, std::string path)
      : object_(object), path_(std::move(path)) {}

  const nlohmann::json* object_;  // null when the value was JSON null
  std::string path_;
};

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_MODEL_JSON_READER_H_
