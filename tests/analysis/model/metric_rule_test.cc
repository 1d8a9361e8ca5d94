#include "analysis/model/metric_rule.h"

#include <gtest/gtest.h>

#include <string>

namespace serin::analysis {
namespace {

struct Case {
  std::string pattern;
  std::string name;
  bool want;
};

TEST(AnalysisMetricRuleTest, MatchesLikeArgoRegexSearch) {
  const Case cases[] = {
      {"*", "anything", true},
      {".*", "total-5xx-errors", true},
      {"total-5xx-errors", "total-5xx-errors", true},
      {"test.*", "test-latency", true},
      {"test.*", "latency", false},
      {"error", "error-rate", true},  // Go's MatchString finds the pattern anywhere
      {"error", "5xx-error", true},
      {"^error$", "error-rate", false},
      {"^error$", "error", true},
      {"^err", "5xx-error", false},
      {"rate$", "error-rate", true},
      {"rate$", "rate-of-errors", false},
      {"p9[59]", "latency-p95", true},
      {"p9[59]", "latency-p90", false},
      {"p9[^5]", "latency-p90", true},
      {"a+b", "xaaab", true},
      {"a+b", "xb", false},
      {"colou?r", "color", true},
      {"colou?r", "colour", true},
      {"x\\.y", "x.y", true},
      {"x\\.y", "xzy", false},
      {"[a-c]+-[0-9]", "abc-7", true},
  };
  for (const Case& c : cases) {
    absl::StatusOr<bool> got = metricRuleMatches(c.pattern, c.name);
    ASSERT_TRUE(got.ok()) << c.pattern << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.pattern << " vs " << c.name;
  }
}

TEST(AnalysisMetricRuleTest, RejectsWhatItCannotReadSafely) {
  for (const char* pattern : {"", "(a|b)", "a{3}", "a**", "[abc", "x\\", "\\d", "a^b", "+a"}) {
    EXPECT_FALSE(checkMetricRule(pattern).ok()) << pattern;
  }
  EXPECT_FALSE(checkMetricRule(std::string(300, 'a')).ok());
}

TEST(AnalysisMetricRuleTest, HostilePatternRunsInLinearTime) {
  // (a*)*b style blow-ups cannot be written; the closest, many stars, stays linear.
  std::string pattern;
  for (int i = 0; i < 60; ++i) pattern += "a*";
  pattern += "b";
  const std::string name(250, 'a');
  absl::StatusOr<bool> got = metricRuleMatches(pattern, name);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(*got);
}

}  // namespace
}  // namespace serin::analysis
