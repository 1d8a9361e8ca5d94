#include "common/json_text.h"

#include <gtest/gtest.h>

namespace serin {
namespace {

struct Case {
  std::string in;
  std::string want;
};

class JsonQuoteTest : public ::testing::TestWithParam<Case> {};

TEST_P(JsonQuoteTest, Quotes) { EXPECT_EQ(jsonQuote(GetParam().in), GetParam().want); }

INSTANTIATE_TEST_SUITE_P(
    Table, JsonQuoteTest,
    ::testing::Values(Case{"", R"("")"}, Case{"plain", R"("plain")"},
                      Case{"a\"b\\c", R"("a\"b\\c")"}, Case{"l1\nl2\tx\r", R"("l1\nl2\tx\r")"},
                      Case{std::string("nul\0x", 5), R"("nul\u0000x")"},
                      Case{"\x1f\x7f", R"("\u001f\u007f")"},
                      Case{"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80\""},
                      // Invalid UTF-8: lone continuation, truncated sequence, overlong, surrogate.
                      Case{"a\x80z", R"("a\ufffdz")"}, Case{"\xe2\x82", R"("\ufffd\ufffd")"},
                      Case{"\xc0\xaf", R"("\ufffd\ufffd")"},
                      Case{"\xed\xa0\x80", R"("\ufffd\ufffd\ufffd")"}));

}  // namespace
}  // namespace serin
