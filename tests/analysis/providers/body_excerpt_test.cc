#include "analysis/providers/body_excerpt.h"

#include <gtest/gtest.h>

namespace serin::analysis::providers {
namespace {

TEST(BodyExcerpt, PlainTextIsKeptWithWhiteSpaceCollapsed) {
  EXPECT_EQ(bodyExcerpt("404 page not found\n"), "404 page not found");
  EXPECT_EQ(bodyExcerpt("  a \t\r\n  b  "), "a b");
  EXPECT_EQ(bodyExcerpt(""), "");
  EXPECT_EQ(bodyExcerpt("\n\n"), "");
  EXPECT_EQ(bodyExcerpt("a < b > c"), "a < b > c");  // not HTML: kept
}

TEST(BodyExcerpt, HtmlTagsAreRemoved) {
  EXPECT_EQ(bodyExcerpt("<html><head><title>502 Bad Gateway</title></head><body><h1>Bad "
                        "Gateway</h1></body></html>"),
            "502 Bad Gateway Bad Gateway");
}

TEST(BodyExcerpt, ControlCharactersAndInvalidUtf8) {
  EXPECT_EQ(bodyExcerpt("a\x01\x1b[0mb\x7f"
                        "c"),
            "a [0mb c");
  EXPECT_EQ(bodyExcerpt("caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac");
  EXPECT_EQ(bodyExcerpt("a\xff\xfe"
                        "b"),
            "a??b");
  EXPECT_EQ(bodyExcerpt("\xc3"), "?");                 // truncated sequence
  EXPECT_EQ(bodyExcerpt("\xc0\xaf"), "??");            // overlong '/'
  EXPECT_EQ(bodyExcerpt("\xed\xa0\x80"), "???");       // a surrogate
  EXPECT_EQ(bodyExcerpt("\xf4\x90\x80\x80"), "????");  // above U+10FFFF
  EXPECT_EQ(bodyExcerpt("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
}

TEST(BodyExcerpt, BoundedWithoutCuttingACharacter) {
  EXPECT_EQ(bodyExcerpt(std::string(300, 'x')), std::string(200, 'x') + "...");
  EXPECT_EQ(bodyExcerpt(std::string(200, 'x')), std::string(200, 'x'));
  EXPECT_EQ(bodyExcerpt(std::string(200, 'x') + "   "), std::string(200, 'x'));
  // 4 bytes do not fit after 198: the emoji is left out whole.
  EXPECT_EQ(bodyExcerpt(std::string(198, 'x') + "\xf0\x9f\x98\x80"), std::string(198, 'x') + "...");
  EXPECT_EQ(bodyExcerpt("abcdef", 3), "abc...");
}

}  // namespace
}  // namespace serin::analysis::providers
