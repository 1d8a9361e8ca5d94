#include "analysis/model/json_reader.h"

#include <limits>

#include "common/json_text.h"
#include "common/strings.h"

namespace serin::analysis {

absl::Status fieldError(std::string_view path, std::string_view what) {
  return absl::InvalidArgumentError(strCat(path, ": ", what));
}

std::string_view jsonTypeName(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "an integer";
    case nlohmann::json::value_t::number_float:
      return "a number";
    default:
      return "an unsupported value";
  }
}

std::string indexPath(std::string_view path, size_t i) { return strCat(path, "[", i, "]"); }

std::string displayKey(std::string_view key) {
  const bool cut = key.size() > 64;
  std::string_view shown = key.substr(0, 64);
  bool plain = !shown.empty();
  for (char c : shown) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    plain = plain && ok;
  }
  std::string out = plain ? std::string(shown) : jsonQuote(shown);
  if (cut) out += "...";
  return out;
}

absl::StatusOr<ObjectReader> ObjectReader::open(const nlohmann::json& value, std::string path) {
  if (value.is_null()) return ObjectReader(nullptr, std::move(path));
  if (!value.is_object()) {
    return fieldError(path, strCat("must be an object, not ", jsonTypeName(value)));
  }
  return ObjectReader(&value, std::move(path));
}

std::string ObjectReader::pathOf(std::string_view key) const {
  return strCat(path_, ".", displayKey(key));
}

const nlohmann::json* ObjectReader::find(std::string_view key) const {
  if (object_ == nullptr) return nullptr;
  auto it = object_->find(key);
  if (it == object_->end() || it->is_null()) return nullptr;
  return &*it;
}

absl::StatusOr<std::optional<std::string>> ObjectReader::optionalString(
    std::string_view key) const {
  const nlohmann::json* v = find(key);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) {
    return fieldError(pathOf(key), strCat("must be a string, not ", jsonTypeName(*v)));
  }
  return std::optional<std::string>(v->get_ref<const std::string&>());
}

absl::StatusOr<std::string> ObjectReader::requiredString(std::string_view key) const {
  auto v = optionalString(key);
  if (!v.ok()) return v.status();
  if (!v->has_value() || (*v)->empty()) return fieldError(pathOf(key), "is required");
  return std::move(**v);
}

absl::StatusOr<bool> ObjectReader::boolean(std::string_view key, bool fallback) const {
  const nlohmann::json* v = find(key);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) {
    return fieldError(pathOf(key), strCat("must be true or false, not ", jsonTypeName(*v)));
  }
  return v->get<bool>();
}

absl::StatusOr<std::optional<int64_t>> ObjectReader::optionalInteger(std::string_view key,
                                                                     int64_t min,
                                                                     int64_t max) const {
  const nlohmann::json* v = find(key);
  if (v == nullptr) return std::optional<int64_t>();
  const std::string range = strCat("must be an integer from ", min, " to ", max);
  if (v->is_number_unsigned()) {
    const uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(max)) return fieldError(pathOf(key), strCat(range, ", not ", u));
    return std::optional<int64_t>(static_cast<int64_t>(u));
  }
  if (v->is_number_integer()) {
    const int64_t i = v->get<int64_t>();
    if (i < min || i > max) return fieldError(pathOf(key), strCat(range, ", not ", i));
    return std::optional<int64_t>(i);
  }
  return fieldError(pathOf(key), strCat(range, ", not ", jsonTypeName(*v)));
}

absl::Status ObjectReader::forEach(std::string_view key, size_t maxItems,
                                   const ElementFn& each) const {
  const nlohmann::json* v = find(key);
  if (v == nullptr) return absl::OkStatus();
  const std::string path = pathOf(key);
  if (!v->is_array()) {
    return fieldError(path, strCat("must be a list, not ", jsonTypeName(*v)));
  }
  if (v->size() > maxItems) {
    return fieldError(path,
                      strCat("has ", v->size(), " items; at most ", maxItems, " are allowed"));
  }
  for (size_t i = 0; i < v->size(); ++i) {
    absl::Status s = each((*v)[i], indexPath(path, i));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ObjectReader::checkFields(
    std::initializer_list<std::string_view> known,
    std::initializer_list<std::pair<std::string_view, std::string_view>> unsupported) const {
  if (object_ == nullptr) return absl::OkStatus();
  for (const auto& [key, value] : object_->items()) {
    bool isKnown = false;
    for (std::string_view k : known) isKnown = isKnown || k == key;
    if (isKnown) continue;
    for (const auto& [name, message] : unsupported) {
      if (name == key) return fieldError(pathOf(key), message);
    }
    return fieldError(pathOf(key), "unknown field");
  }
  return absl::OkStatus();
}

}  // namespace serin::analysis
