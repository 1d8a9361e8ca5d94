#include "analysis/model/duration.h"

#include <gtest/gtest.h>

#include <string>

namespace serin::analysis {
namespace {

struct GoodCase {
  std::string text;
  absl::Duration want;
};

TEST(AnalysisParseDurationTest, AcceptsGoSyntax) {
  const GoodCase cases[] = {
      {"0", absl::ZeroDuration()},
      {"30s", absl::Seconds(30)},
      {"1m", absl::Minutes(1)},
      {"1h30m", absl::Hours(1) + absl::Minutes(30)},
      {"500ms", absl::Milliseconds(500)},
      {"1.5h", absl::Minutes(90)},
      {".5s", absl::Milliseconds(500)},
      {"1.s", absl::Seconds(1)},
      {"10us", absl::Microseconds(10)},
      {"10\xC2\xB5s", absl::Microseconds(10)},
      {"10\xCE\xBCs", absl::Microseconds(10)},
      {"7ns", absl::Nanoseconds(7)},
      {"1h1m1s1ms", absl::Hours(1) + absl::Minutes(1) + absl::Seconds(1) + absl::Milliseconds(1)},
      {"0s", absl::ZeroDuration()},
      {"2562047h", absl::Hours(2562047)},
      {"0.000000001s", absl::Nanoseconds(1)},
      {"1.0000000000000000000001s", absl::Seconds(1)},  // digits past nanoseconds are dropped
  };
  for (const GoodCase& c : cases) {
    absl::StatusOr<absl::Duration> d = parseDuration(c.text);
    ASSERT_TRUE(d.ok()) << c.text << ": " << d.status();
    EXPECT_EQ(*d, c.want) << c.text;
  }
}

struct BadCase {
  std::string text;
  std::string message;
};

TEST(AnalysisParseDurationTest, RejectsWithClearMessage) {
  const BadCase cases[] = {
      {"", "\"\" is not a duration"},
      {"5x", "\"5x\" is not a duration: unknown unit \"x\" (use ns, us, ms, s, m or h)"},
      {"30", "\"30\" is not a duration: missing unit (use ns, us, ms, s, m or h, e.g. \"30s\")"},
      {"-1s",
       "\"-1s\" is not a duration: a duration has no sign (negative durations are not "
       "allowed)"},
      {"+1s", "a duration has no sign"},
      {"s", "expected a number at position 1"},
      {"1m30", "missing unit"},
      {"1.5.5s", "missing unit"},
      {"1 m", "unknown unit \" m\""},
      {"3000000h", "out of range"},
      {"99999999999999999999s", "out of range"},
      {"1e9s", "unknown unit \"e\""},
      {"10S", "unknown unit \"S\""},
      {"{{args.interval}}", "expected a number at position 1"},
  };
  for (const BadCase& c : cases) {
    absl::StatusOr<absl::Duration> d = parseDuration(c.text);
    ASSERT_FALSE(d.ok()) << c.text;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(d.status().message()).find(c.message), std::string::npos)
        << c.text << " -> " << d.status().message();
  }
}

TEST(AnalysisParseDurationTest, LongInputIsQuotedShort) {
  const std::string text(10000, '9');
  absl::StatusOr<absl::Duration> d = parseDuration(text);
  ASSERT_FALSE(d.ok());
  EXPECT_LT(d.status().message().size(), 200u);
}

}  // namespace
}  // namespace serin::analysis
