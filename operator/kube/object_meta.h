// The metadata serin reads from every cached object, projected out of the JSON on arrival
// (managedFields and the last-applied annotation are never kept).
#ifndef SERIN_OPERATOR_KUBE_OBJECT_META_H_
#define SERIN_OPERATOR_KUBE_OBJECT_META_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "operator/kube/resource.h"

namespace serin::kube {

// A small ordered map for labels and annotations: a sorted vector costs a fraction of a
// std::map's nodes, and these maps hold a handful of entries.
class StringMap {
 public:
  using Entry = std::pair<std::string, std::string>;
  StringMap() = default;
  // Keeps the string-valued members of a JSON object; others are ignored.
  static StringMap fromJson(const nlohmann::json& object, std::string_view skip_key = "");

  const std::string* find(std::string_view key) const;
  std::string get(std::string_view key, std::string_view fallback = "") const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  void set(std::string_view key, std::string_view value);
  bool erase(std::string_view key);
  const std::vector<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  nlohmann::json toJson() const;
  // True when every entry of `selector` is in this map (an empty selector matches all).
  bool containsAll(const StringMap& selector) const;
  friend bool operator==(const StringMap&, const StringMap&) = default;

 private:
  std::vector<Entry> entries_;  // sorted by key
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

// Removes what serin never needs to keep from an object: metadata.managedFields and the
// last-applied-configuration annotation.
void stripNoise(nlohmann::json& object);

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_OBJECT_META_H_
