#include "common/log.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <thread>
#include <vector>

#include "nlohmann/json.hpp"
#include "tests/fake_clock.h"

namespace serin {
namespace {

using nlohmann::json;

class LogTest : public ::testing::Test {
 protected:
  testing::FakeClock clock_{absl::FromUnixMillis(1'795'600'000'123)};
  std::ostringstream out_;
};

std::vector<json> lines(const std::string& text) {
  std::vector<json> result;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) result.push_back(json::parse(line));
  return result;
}

TEST_F(LogTest, WritesOneJsonObjectPerLine) {
  Logger log(out_, LogLevel::kInfo, LogFormat::kJson, &clock_);
  log.info("step completed", {{"namespace", "shop"}, {"rollout", "checkout"}, {"step", 2}});
  log.warn("weight held", {{"weight", 10.5}, {"ready", false}});
  auto got = lines(out_.str());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["ts"], "2026-11-25T09:46:40.123Z");
  EXPECT_EQ(got[0]["level"], "info");
  EXPECT_EQ(got[0]["msg"], "step completed");
  EXPECT_EQ(got[0]["namespace"], "shop");
  EXPECT_EQ(got[0]["rollout"], "checkout");
  EXPECT_EQ(got[0]["step"], 2);
  EXPECT_EQ(got[1]["level"], "warn");
  EXPECT_EQ(got[1]["weight"], 10.5);
  EXPECT_EQ(got[1]["ready"], false);
}

TEST_F(LogTest, DropsLinesBelowTheMinimumLevel) {
  Logger log(out_, LogLevel::kWarn, LogFormat::kJson, &clock_);
  log.debug("no");
  log.info("no");
  log.warn("yes");
  log.error("yes");
  EXPECT_EQ(lines(out_.str()).size(), 2u);
  EXPECT_FALSE(log.enabled(LogLevel::kInfo));
  EXPECT_TRUE(log.enabled(LogLevel::kError));
}

TEST_F(LogTest, WithAddsContextToEveryLine) {
  Logger base(out_, LogLevel::kDebug, LogFormat::kJson, &clock_);
  Logger scoped = base.with({{"namespace", "shop"}, {"rollout", "checkout"}});
  scoped.info("a");
  base.info("b");
  auto got = lines(out_.str());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]["rollout"], "checkout");
  EXPECT_FALSE(got[1].contains("rollout"));
}

TEST_F(LogTest, HostileTextStaysValidJson) {
  Logger log(out_, LogLevel::kInfo, LogFormat::kJson, &clock_);
  const std::string evil = "quote\" backslash\\ newline\n bad\xff utf8 \x01";
  log.error(evil, {{evil, evil}, {"nan", std::nan("")},
                   {"inf", std::numeric_limits<double>::infinity()}});
  auto got = lines(out_.str());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["nan"], "nan");
  EXPECT_EQ(got[0]["inf"], "inf");
  EXPECT_NE(got[0]["msg"].get<std::string>().find("newline\n"), std::string::npos);
}

TEST_F(LogTest, TextFormatIsReadable) {
  Logger log(out_, LogLevel::kInfo, LogFormat::kText, &clock_);
  log.info("started", {{"workers", 4}});
  EXPECT_EQ(out_.str(), "2026-11-25T09:46:40.123Z INFO started workers=4\n");
}

TEST_F(LogTest, ConcurrentLinesNeverInterleave) {
  Logger log(out_, LogLevel::kInfo, LogFormat::kJson, &clock_);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < 200; ++i) log.info("line", {{"thread", t}, {"i", i}});
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(lines(out_.str()).size(), 800u);  // json::parse throws on any torn line
}

TEST(LogParseTest, LevelsAndFormats) {
  EXPECT_EQ(*parseLogLevel("DEBUG"), LogLevel::kDebug);
  EXPECT_EQ(*parseLogLevel("warning"), LogLevel::kWarn);
  auto bad = parseLogLevel("verbose");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("verbose"), std::string_view::npos);
  EXPECT_EQ(*parseLogFormat("text"), LogFormat::kText);
  EXPECT_FALSE(parseLogFormat("xml").ok());
}

}  // namespace
}  // namespace serin
