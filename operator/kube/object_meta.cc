#include "operator/kube/object_meta.h"

#include <algorithm>

#include "common/json_fields.h"
#include "common/strings.h"

namespace serin::kube {
namespace {

constexpr std::string_view kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";

auto lowerBound(const std::vector<StringMap::Entry>& entries, std::string_view key) {
  return std::lower_bound(entries.begin(), entries.end(), key,
                          [](const StringMap::Entry& e, std::string_view k) { return e.first < k; });
}

}  // namespace

StringMap StringMap::fromJson(const nlohmann::json& object, std::string_view skip_key) {
  StringMap map;
  if (!object.is_object()) return map;
  map.entries_.reserve(object.size());
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (!it.value().is_string() || it.key() == skip_key) continue;
    map.entries_.emplace_back(it.key(), it.value().get<std::string>());
  }
  // nlohmann's default object is a std::map: already sorted by key.
  std::sort(map.entries_.begin(), map.entries_.end());
  map.entries_.shrink_to_fit();
  return map;
}

const std::string* StringMap::find(std::string_view key) const {
  auto it = lowerBound(entries_, key);
  return it != entries_.end() && it->first == key ? &it->second : nullptr;
}

std::string StringMap::get(std::string_view key, std::string_view fallback) const {
  const std::string* v = find(key);
  return v != nullptr ? *v : std::string(fallback);
}

void StringMap::set(std::string_view key, std::string_view value) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const Entry& e, std::string_view k) { return e.first < k; });
  if (it != entries_.end() && it->first == key) {
    it->second = std::string(value);
  } else {
    entries_.emplace(it, std::string(key), std::string(value));
  }
}

bool StringMap::erase(std::string_view key) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const Entry& e, std::string_view k) { return e.first < k; });
  if (it == entries_.end() || it->first != key) return false;
  entries_.erase(it);
  return true;
}

nlohmann::json StringMap::toJson() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, v] : entries_) out[k] = v;
  return out;
}

bool StringMap::containsAll(const StringMap& selector) const {
  for (const auto& [k, v] : selector.entries_) {
    const std::string* mine = find(k);
    if (mine == nullptr || *mine != v) return false;
  }
  return true;
}

const OwnerReference* ObjectMeta::controllerOwner() const {
  for (const auto& o : owners) {
    if (o.controller) return &o;
  }
  return nullptr;
}

ObjectMeta ObjectMeta::fromJson(const nlohmann::json& metadata) {
  ObjectMeta meta;
  meta.ns = jsonString(metadata, "namespace");
  meta.name = jsonString(metadata, "name");
  meta.uid = jsonString(metadata, "uid");
  meta.resource_version = jsonString(metadata, "resourceVersion");
  meta.generation = jsonInt(metadata, "generation").value_or(0);
  meta.labels = StringMap::fromJson(jsonObject(metadata, "labels"));
  meta.annotations = StringMap::fromJson(jsonObject(metadata, "annotations"), kLastApplied);
  for (const auto& o : jsonArray(metadata, "ownerReferences")) {
    meta.owners.push_back({jsonString(o, "apiVersion"), jsonString(o, "kind"),
                           jsonString(o, "name"), jsonString(o, "uid"),
                           jsonBool(o, "controller").value_or(false)});
  }
  if (auto t = parseTime(jsonString(metadata, "creationTimestamp"))) meta.creation_timestamp = *t;
  meta.deletion_timestamp = parseTime(jsonString(metadata, "deletionTimestamp"));
  return meta;
}

std::optional<absl::Time> parseTime(std::string_view text) {
  if (text.empty()) return std::nullopt;
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, toAbsl(text), &t, &err)) return std::nullopt;
  return t;
}

std::string formatTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

void stripNoise(nlohmann::json& object) {
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return;
  meta->erase("managedFields");
  auto annotations = meta->find("annotations");
  if (annotations != meta->end() && annotations->is_object()) {
    annotations->erase(std::string(kLastApplied));
    if (annotations->empty()) meta->erase("annotations");
  }
}

}  // namespace serin::kube
