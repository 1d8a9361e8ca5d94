#include "analysis/providers/prometheus/answer_json.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace serin::analysis::prometheus {
namespace {

using Outcome = AnswerJson::Outcome;

TEST(AnswerJson, BuildsTheTreeWithoutSampleLabels) {
  AnswerJson a = readAnswerJson(
      R"({"status":"success","data":{"resultType":"vector","result":[)"
      R"({"metric":{"a":"x","nested":{"deep":[1,2]}},"value":[1.5,"1"]},)"
      R"({"value":[2,"0.5"],"metric":{}}]},"metric":"kept","n":[null,true,-3,18446744073709551615]})");
  ASSERT_EQ(a.outcome, Outcome::kOk);
  EXPECT_EQ(a.doc,
            nlohmann::json::parse(R"({"status":"success","data":{"resultType":"vector","result":[)"
                                  R"({"value":[1.5,"1"]},{"value":[2,"0.5"]}]},"metric":"kept",)"
                                  R"("n":[null,true,-3,18446744073709551615]})"));
}

TEST(AnswerJson, ScalarsAndEmptyContainers) {
  EXPECT_EQ(readAnswerJson("7").doc, nlohmann::json(7));
  EXPECT_EQ(readAnswerJson(R"("s")").doc, nlohmann::json("s"));
  EXPECT_EQ(readAnswerJson("[]").doc, nlohmann::json::array());
  EXPECT_EQ(readAnswerJson("{}").doc, nlohmann::json::object());
  EXPECT_EQ(readAnswerJson(R"([[],{},[[]]])").doc, nlohmann::json::parse(R"([[],{},[[]]])"));
}

TEST(AnswerJson, SyntaxErrors) {
  for (const char* text : {"", "{", R"({"a":})", "[1,]", "nul", "{\"a\":1}x", "<html>"}) {
    AnswerJson a = readAnswerJson(text);
    EXPECT_EQ(a.outcome, Outcome::kSyntaxError) << text;
    EXPECT_TRUE(a.doc.is_null()) << text;
  }
  EXPECT_EQ(readAnswerJson(R"({"a":tru})").error_byte, 9u);
}

TEST(AnswerJson, Depth) {
  AnswerJsonLimits limits;
  limits.max_depth = 3;
  EXPECT_EQ(readAnswerJson("[[[1]]]", limits).outcome, Outcome::kOk);
  EXPECT_EQ(readAnswerJson("[[[[1]]]]", limits).outcome, Outcome::kTooDeep);
  // Skipped labels count too.
  limits.max_depth = 5;
  EXPECT_EQ(readAnswerJson(R"({"data":{"result":[{"metric":{"a":[[1]]}}]}})", limits).outcome,
            Outcome::kTooDeep);
  EXPECT_EQ(readAnswerJson(std::string(1000000, '[')).outcome, Outcome::kTooDeep);
}

TEST(AnswerJson, LongArraysStopTheParseEarly) {
  AnswerJsonLimits limits;
  limits.max_array_elements = 3;
  EXPECT_EQ(readAnswerJson("[1,2,3]", limits).outcome, Outcome::kOk);
  AnswerJson root = readAnswerJson("[1,2,3,4]", limits);
  EXPECT_EQ(root.outcome, Outcome::kTooLong);
  EXPECT_EQ(root.long_array, "the document");
  AnswerJson nested = readAnswerJson(R"({"data":{"result":[{"values":[1,2,3,4]}]}})", limits);
  EXPECT_EQ(nested.outcome, Outcome::kTooLong);
  EXPECT_EQ(nested.long_array, "data.result[0].values");

  std::string big = R"({"data":{"result":[)";
  for (int i = 0; i < 1000000; ++i) big += R"({"metric":{"pod":"p"},"value":[1,"1"]},)";
  big += "{}]}}";
  const auto start = std::chrono::steady_clock::now();
  AnswerJson a = readAnswerJson(big);  // default limit: 10000
  EXPECT_EQ(a.outcome, Outcome::kTooLong);
  EXPECT_EQ(a.long_array, "data.result");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(AnswerJson, TenThousandSeriesParseInLinearTime) {
  std::string body = R"({"status":"success","data":{"resultType":"vector","result":[)";
  for (int i = 0; i < 10000; ++i) {
    if (i > 0) body += ',';
    body += R"({"metric":{"__name__":"http_requests_total","pod":"checkout-)" + std::to_string(i) +
            R"("},"value":[1795574741.3,"0.5"]})";
  }
  body += "]}}";
  const auto start = std::chrono::steady_clock::now();
  AnswerJson a = readAnswerJson(body);
  ASSERT_EQ(a.outcome, Outcome::kOk);
  EXPECT_EQ(a.doc["data"]["result"].size(), 10000u);
  EXPECT_FALSE(a.doc["data"]["result"][9999].contains("metric"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
}

}  // namespace
}  // namespace serin::analysis::prometheus
