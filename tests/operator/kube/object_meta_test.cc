#include "operator/kube/object_meta.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace serin::kube {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

Entries entriesOf(const StringMap& m) {
  Entries out;
  for (const auto& [k, v] : m.entries()) out.emplace_back(k, v);
  return out;
}

TEST(StringMapTest, FromJsonKeepsStringMembersInKeyOrder) {
  auto m = StringMap::fromJson(nlohmann::json::parse(
      R"({"b":"2","a":"1","n":3,"o":{"x":"y"},"skip":"me","":"empty key"})"), "skip");
  EXPECT_EQ(entriesOf(m), (Entries{{"", "empty key"}, {"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(m.size(), 3u);
  EXPECT_FALSE(m.empty());
  EXPECT_TRUE(StringMap::fromJson(nlohmann::json::array()).empty());
  EXPECT_TRUE(StringMap::fromJson(nlohmann::json::parse(R"({"n":1})")).empty());
}

TEST(StringMapTest, LookupsOfEveryKindOfValue) {
  // Lengths past 127 take two bytes in the encoding; NULs are ordinary characters.
  const std::string long_value(300, 'v');
  const std::string with_nul("a\0b", 3);
  StringMap m;
  m.set("long", long_value);
  m.set("nul", with_nul);
  m.set("empty", "");
  m.set(std::string(200, 'k'), "long key");
  EXPECT_EQ(m.get("long"), long_value);
  EXPECT_EQ(m.get("nul"), with_nul);
  ASSERT_TRUE(m.find("empty").has_value());
  EXPECT_EQ(*m.find("empty"), "");
  EXPECT_EQ(m.get(std::string(200, 'k')), "long key");
  EXPECT_FALSE(m.find("missing").has_value());
  EXPECT_EQ(m.get("missing", "fallback"), "fallback");
  EXPECT_TRUE(m.contains("nul"));
  EXPECT_FALSE(m.contains("nu"));
  EXPECT_EQ(m.size(), 4u);
}

TEST(StringMapTest, SetReplacesAndEraseRemoves) {
  StringMap m;
  EXPECT_FALSE(m.erase("x"));
  m.set("b", "1");
  m.set("a", "2");
  m.set("b", "3");
  EXPECT_EQ(entriesOf(m), (Entries{{"a", "2"}, {"b", "3"}}));
  // A value taken from the map itself may be written back (the map re-encodes itself).
  m.set("c", *m.find("a"));
  EXPECT_EQ(m.get("c"), "2");
  EXPECT_TRUE(m.erase("a"));
  EXPECT_FALSE(m.erase("a"));
  EXPECT_TRUE(m.erase("b"));
  EXPECT_TRUE(m.erase("c"));
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.size(), 0u);
  EXPECT_EQ(m, StringMap());
}

TEST(StringMapTest, CopiesAreEqualAndIndependent) {
  StringMap a = StringMap::fromJson(nlohmann::json::parse(R"({"app":"web","tier":"front"})"));
  StringMap b = a;
  EXPECT_EQ(a, b);
  b.set("app", "db");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.get("app"), "web");
  StringMap c;
  c = a;
  EXPECT_EQ(c, a);
  c = c;  // self-assignment keeps the map
  EXPECT_EQ(c.get("tier"), "front");
  StringMap moved = std::move(c);
  EXPECT_EQ(moved, a);
  StringMap empty;
  StringMap copy_of_empty = empty;
  EXPECT_TRUE(copy_of_empty.empty());
  // Equality is by content, whatever order the entries were set in.
  StringMap d;
  d.set("tier", "front");
  d.set("app", "web");
  EXPECT_EQ(d, a);
}

TEST(StringMapTest, ContainsAllAndJson) {
  auto labels = StringMap::fromJson(nlohmann::json::parse(R"({"app":"web","hash":"abc"})"));
  EXPECT_TRUE(labels.containsAll(StringMap()));
  EXPECT_TRUE(labels.containsAll(StringMap::fromJson(nlohmann::json::parse(R"({"app":"web"})"))));
  EXPECT_FALSE(labels.containsAll(StringMap::fromJson(nlohmann::json::parse(R"({"app":"db"})"))));
  EXPECT_FALSE(labels.containsAll(StringMap::fromJson(nlohmann::json::parse(R"({"x":"web"})"))));
  EXPECT_EQ(labels.toJson(), nlohmann::json::parse(R"({"app":"web","hash":"abc"})"));
  EXPECT_EQ(StringMap().toJson(), nlohmann::json::object());
}

TEST(ObjectMetaTest, ProjectsWhatSerinReadsAndDropsLastApplied) {
  auto meta = ObjectMeta::fromJson(nlohmann::json::parse(R"({
    "name": "web-6f7d", "namespace": "shop", "uid": "u-1", "resourceVersion": "42",
    "generation": 3, "labels": {"app": "web"},
    "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "keep": "me"},
    "ownerReferences": [{"apiVersion": "serin.io/v1alpha1", "kind": "Rollout", "name": "web",
                         "uid": "u-ro", "controller": true}],
    "creationTimestamp": "2026-11-25T10:00:00Z"})"));
  EXPECT_EQ(meta.key(), (ObjectKey{"shop", "web-6f7d"}));
  EXPECT_EQ(meta.uid, "u-1");
  EXPECT_EQ(meta.resource_version, "42");
  EXPECT_EQ(meta.generation, 3);
  EXPECT_EQ(meta.labels.get("app"), "web");
  EXPECT_EQ(entriesOf(meta.annotations), (Entries{{"keep", "me"}}));
  ASSERT_NE(meta.controllerOwner(), nullptr);
  EXPECT_EQ(meta.controllerOwner()->uid, "u-ro");
  EXPECT_EQ(formatTime(meta.creation_timestamp), "2026-11-25T10:00:00Z");
  EXPECT_FALSE(meta.deletion_timestamp.has_value());
}

TEST(CompactTextTest, IsTheDumpWithNoSpareCapacity) {
  nlohmann::json spec;
  for (int i = 0; i < 50; ++i) spec["field" + std::to_string(i)] = std::string(40, 'x');
  const std::string text = compactText(spec);
  EXPECT_EQ(text, spec.dump());
  EXPECT_EQ(text.capacity(), text.size());
}

}  // namespace
}  // namespace serin::kube
