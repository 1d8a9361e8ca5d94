#include "operator/kube/object_meta.h"

#include <algorithm>
#include <cstring>

#include "common/json_fields.h"
#include "common/strings.h"

namespace serin::kube {
namespace {

constexpr std::string_view kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";

// Lengths in StringMap's encoding: 7 bits a byte, low bits first, high bit = more follows.
// Keys and values are short, so a length is nearly always one byte.
char* putLength(char* out, size_t n) {
  while (n >= 0x80) {
    *out++ = static_cast<char>((n & 0x7f) | 0x80);
    n >>= 7;
  }
  *out++ = static_cast<char>(n);
  return out;
}

size_t lengthSize(size_t n) {
  size_t bytes = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++bytes;
  }
  return bytes;
}

// Walks the entries of an encoded StringMap.
class EntryCursor {
 public:
  explicit EntryCursor(std::string_view data) : data_(data) {}
  bool next(StringMap::Entry& entry) {
    if (pos_ >= data_.size()) return false;
    entry.first = take();
    entry.second = take();
    return true;
  }

 private:
  std::string_view take() {
    size_t n = 0;
    for (int shift = 0;; shift += 7) {
      const auto byte = static_cast<unsigned char>(data_[pos_++]);
      n |= static_cast<size_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) break;
    }
    const std::string_view out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }

  std::string_view data_;
  size_t pos_ = 0;
};

bool keyLess(const StringMap::Entry& e, std::string_view k) { return e.first < k; }

}  // namespace

StringMap StringMap::fromSorted(const std::vector<Entry>& entries) {
  size_t total = 0;
  for (const auto& [k, v] : entries) {
    total += lengthSize(k.size()) + k.size() + lengthSize(v.size()) + v.size();
  }
  StringMap map;
  if (total == 0) return map;
  const auto length = static_cast<uint32_t>(total);  // an object is at most a few MB
  map.data_ = std::make_unique_for_overwrite<char[]>(sizeof(length) + total);
  std::memcpy(map.data_.get(), &length, sizeof(length));
  char* out = map.data_.get() + sizeof(length);
  for (const auto& [k, v] : entries) {
    out = putLength(out, k.size());
    out = std::copy(k.begin(), k.end(), out);
    out = putLength(out, v.size());
    out = std::copy(v.begin(), v.end(), out);
  }
  return map;
}

std::string_view StringMap::encoded() const {
  if (data_ == nullptr) return {};
  uint32_t length;
  std::memcpy(&length, data_.get(), sizeof(length));
  return {data_.get() + sizeof(length), length};
}

StringMap::StringMap(const StringMap& other) {
  const std::string_view e = other.encoded();
  if (e.empty()) return;
  const size_t bytes = sizeof(uint32_t) + e.size();
  data_ = std::make_unique_for_overwrite<char[]>(bytes);
  std::memcpy(data_.get(), other.data_.get(), bytes);
}

StringMap& StringMap::operator=(const StringMap& other) {
  if (this != &other) *this = StringMap(other);
  return *this;
}

StringMap StringMap::fromJson(const nlohmann::json& object, std::string_view skip_key) {
  if (!object.is_object()) return {};
  std::vector<Entry> entries;
  entries.reserve(object.size());
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (!it.value().is_string() || it.key() == skip_key) continue;
    entries.emplace_back(it.key(), it.value().get_ref<const std::string&>());
  }
  // nlohmann's default object is a std::map: already sorted by key, and keys are unique.
  std::sort(entries.begin(), entries.end());
  return fromSorted(entries);
}

std::optional<std::string_view> StringMap::find(std::string_view key) const {
  EntryCursor cursor(encoded());
  for (Entry e; cursor.next(e);) {
    if (e.first == key) return e.second;
    if (e.first > key) break;
  }
  return std::nullopt;
}

std::string StringMap::get(std::string_view key, std::string_view fallback) const {
  const auto v = find(key);
  return std::string(v ? *v : fallback);
}

std::vector<StringMap::Entry> StringMap::entries() const {
  std::vector<Entry> out;
  EntryCursor cursor(encoded());
  for (Entry e; cursor.next(e);) out.push_back(e);
  return out;
}

size_t StringMap::size() const {
  size_t n = 0;
  EntryCursor cursor(encoded());
  for (Entry e; cursor.next(e);) ++n;
  return n;
}

void StringMap::set(std::string_view key, std::string_view value) {
  // The views may point into data_: the new encoding is built before data_ is replaced.
  std::vector<Entry> all = entries();
  auto it = std::lower_bound(all.begin(), all.end(), key, keyLess);
  if (it != all.end() && it->first == key) {
    it->second = value;
  } else {
    all.emplace(it, key, value);
  }
  *this = fromSorted(all);
}

bool StringMap::erase(std::string_view key) {
  std::vector<Entry> all = entries();
  auto it = std::lower_bound(all.begin(), all.end(), key, keyLess);
  if (it == all.end() || it->first != key) return false;
  all.erase(it);
  *this = fromSorted(all);
  return true;
}

nlohmann::json StringMap::toJson() const {
  nlohmann::json out = nlohmann::json::object();
  EntryCursor cursor(encoded());
  for (Entry e; cursor.next(e);) out[std::string(e.first)] = std::string(e.second);
  return out;
}

bool StringMap::containsAll(const StringMap& selector) const {
  EntryCursor cursor(selector.encoded());
  for (Entry e; cursor.next(e);) {
    const auto mine = find(e.first);
    if (!mine || *mine != e.second) return false;
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
  meta.owners.shrink_to_fit();
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

std::string compactText(const nlohmann::json& value) {
  std::string text = value.dump();
  text.shrink_to_fit();
  return text;
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
