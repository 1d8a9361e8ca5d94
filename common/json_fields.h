// Reading fields of untrusted JSON (API objects, server answers) without exceptions: a
// missing field or one of the wrong type reads as absent.
#ifndef SERIN_COMMON_JSON_FIELDS_H_
#define SERIN_COMMON_JSON_FIELDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace serin {

// The member `key` of `obj`, or null when `obj` is not an object or lacks it.
inline const nlohmann::json* jsonMember(const nlohmann::json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

inline std::string jsonString(const nlohmann::json& obj, std::string_view key,
                              std::string_view fallback = "") {
  const nlohmann::json* v = jsonMember(obj, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string(fallback);
}

inline std::optional<int64_t> jsonInt(const nlohmann::json& obj, std::string_view key) {
  const nlohmann::json* v = jsonMember(obj, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_integer()) return v->get<int64_t>();
  if (v->is_number_unsigned()) {
    const uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  return std::nullopt;
}

inline std::optional<bool> jsonBool(const nlohmann::json& obj, std::string_view key) {
  const nlohmann::json* v = jsonMember(obj, key);
  return v != nullptr && v->is_boolean() ? std::optional<bool>(v->get<bool>()) : std::nullopt;
}

// The member `key` when it is an object (or array for jsonArray); a shared empty value
// otherwise, so chains like jsonObject(jsonObject(o, "spec"), "template") are safe.
inline const nlohmann::json& jsonObject(const nlohmann::json& obj, std::string_view key) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  const nlohmann::json* v = jsonMember(obj, key);
  return v != nullptr && v->is_object() ? *v : kEmpty;
}

inline const nlohmann::json& jsonArray(const nlohmann::json& obj, std::string_view key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const nlohmann::json* v = jsonMember(obj, key);
  return v != nullptr && v->is_array() ? *v : kEmpty;
}

}  // namespace serin

#endif  // SERIN_COMMON_JSON_FIELDS_H_
