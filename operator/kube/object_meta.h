// The metadata serin reads from every cached object, projected out of the JSON on arrival
// (managedFields and the last-applied annotation are never kept).
#ifndef SERIN_OPERATOR_KUBE_OBJECT_META_H_
#define SERIN_OPERATOR_KUBE_OBJECT_META_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "operator/kube/resource.h"

namespace serin::kube {

// A small ordered map for labels and annotations, kept in one heap block: its length, then
// each entry as the key's length, the key, the value's length and the value, in key order.
// A cache holds three such maps per object, mostly of one or two entries whose keys are too
// long for a std::string to keep inline: one block and one pointer cost a fraction of a
// vector of string pairs, and an empty map costs the pointer alone. Lookups scan, which is
// quick at these sizes.
class StringMap {
 public:
  // Views into the map: valid until it is next changed or destroyed.
  using Entry = std::pair<std::string_view, std::string_view>;
  StringMap() = default;
  StringMap(const StringMap& other);
  StringMap& operator=(const StringMap& other);
  StringMap(StringMap&&) noexcept = default;
  StringMap& operator=(StringMap&&) noexcept = default;
  // Keeps the string-valued members of a JSON object; others are ignored.
  static StringMap fromJson(const nlohmann::json& object, std::string_view skip_key = "");

  // The value of `key`, or nullopt. The view is valid until the map changes.
  std::optional<std::string_view> find(std::string_view key) const;
  std::string get(std::string_view key, std::string_view fallback = "") const;
  bool contains(std::string_view key) const { return find(key).has_value(); }
  void set(std::string_view key, std::string_view value);
  bool erase(std::string_view key);
  // Every entry, in key order.
  std::vector<Entry> entries() const;
  bool empty() const { return data_ == nullptr; }
  size_t size() const;
  nlohmann::json toJson() const;
  // True when every entry of `selector` is in this map (an empty selector matches all).
  bool containsAll(const StringMap& selector) const;
  // Entries are unique and sorted, so equal maps have equal encodings.
  friend bool operator==(const StringMap& a, const StringMap& b) {
    return a.encoded() == b.encoded();
  }

 private:
  static StringMap fromSorted(const std::vector<Entry>& entries);
  // The entries' encoding (empty for an empty map).
  std::string_view encoded() const;
  std::unique_ptr<char[]> data_;  // null when empty
};

struct OwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;
  friend bool operator==(const OwnerReference&, const OwnerReference&) = default;
};

struct ObjectMeta {
  std::string ns;
  std::string name;
  std::string uid;
  std::string resource_version;
  int64_t generation = 0;
  StringMap labels;
  StringMap annotations;  // without kubectl's last-applied-configuration
  std::vector<OwnerReference> owners;
  absl::Time creation_timestamp = absl::InfinitePast();
  std::optional<absl::Time> deletion_timestamp;

  ObjectKey key() const { return {ns, name}; }
  // The owner with controller=true, if any.
  const OwnerReference* controllerOwner() const;

  static ObjectMeta fromJson(const nlohmann::json& metadata);
};

// Parses an RFC 3339 time ("2026-11-25T10:00:00Z"); nullopt when it is not one.
std::optional<absl::Time> parseTime(std::string_view text);
// Formats as RFC 3339 UTC with seconds, as Kubernetes writes metav1.Time.
std::string formatTime(absl::Time t);

// `value` as compact JSON text in a string of exactly its size. dump() grows its string by
// doubling, so without this a cached text carries up to as much again in spare capacity.
std::string compactText(const nlohmann::json& value);

// Removes what serin never needs to keep from an object: metadata.managedFields and the
// last-applied-configuration annotation.
void stripNoise(nlohmann::json& object);

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_OBJECT_META_H_
