#include "operator/kube/watch_event.h"

#include <gtest/gtest.h>

#include <string>

namespace serin::kube {
namespace {

TEST(WatchEventTest, DecodesEachEventType) {
  for (const auto& [text, type] : std::vector<std::pair<std::string, WatchEvent::Type>>{
           {"ADDED", WatchEvent::Type::kAdded},
           {"MODIFIED", WatchEvent::Type::kModified},
           {"DELETED", WatchEvent::Type::kDeleted},
           {"BOOKMARK", WatchEvent::Type::kBookmark}}) {
    auto event = decodeWatchEvent(
        R"({"type":")" + text + R"(","object":{"metadata":{"name":"web","resourceVersion":"7"}}})");
    ASSERT_TRUE(event.ok()) << text << ": " << event.status();
    EXPECT_EQ(event->type, type);
    EXPECT_EQ(event->object["metadata"]["name"], "web");
  }
}

TEST(WatchEventTest, ErrorEventKeepsTheServersStatusWhateverItIs) {
  auto event = decodeWatchEvent(
      R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired"}})");
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->type, WatchEvent::Type::kError);
  EXPECT_EQ(event->object["code"], 410);
  auto bare = decodeWatchEvent(R"({"type":"ERROR"})");
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_TRUE(bare->object.is_null());
}

TEST(WatchEventTest, RejectsWhatIsNotAWatchEvent) {
  for (const auto& [line, want] : std::vector<std::pair<std::string, std::string>>{
           {"", "not JSON"},
           {"{\"type\":\"ADDED\",", "not JSON"},
           {"[1,2]", "not a JSON object"},
           {"\"ADDED\"", "not a JSON object"},
           {R"({"object":{}})", "unknown event type \"\""},
           {R"({"type":"added","object":{}})", "unknown event type \"added\""},
           {R"({"type":7,"object":{}})", "unknown event type"},
           {R"({"type":"ADDED"})", "ADDED event without an object"},
           {R"({"type":"MODIFIED","object":[1]})", "MODIFIED event without an object"},
           {R"({"type":"DELETED","object":"web"})", "DELETED event without an object"}}) {
    auto event = decodeWatchEvent(line);
    ASSERT_FALSE(event.ok()) << line;
    EXPECT_TRUE(absl::IsInvalidArgument(event.status())) << line;
    EXPECT_NE(std::string(event.status().message()).find(want), std::string::npos)
        << line << ": " << event.status();
  }
}

}  // namespace
}  // namespace serin::kube
