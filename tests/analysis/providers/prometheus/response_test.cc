// Answers recorded from Debian's Prometheus 2.42 (curl .../api/v1/query), and what proxies
// and broken servers send.
#include "analysis/providers/prometheus/response.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>

namespace serin::analysis::prometheus {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<double> listOf(const expr::Value& v) {
  std::vector<double> out;
  for (const expr::Value& e : v.asList()) out.push_back(e.toDouble());
  return out;
}

TEST(PrometheusResponse, Scalar) {
  auto v = parsePrometheusResponse(
      200,
      R"({"status":"success","data":{"resultType":"scalar","result":[1795574741.284,"0.95"]}})");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(v->kind(), expr::Value::Kind::kFloat);
  EXPECT_DOUBLE_EQ(v->asFloat(), 0.95);
}

TEST(PrometheusResponse, VectorOfOneSeries) {
  auto v =
      parsePrometheusResponse(200, R"({"status":"success","data":{"resultType":"vector",)"
                                   R"("result":[{"metric":{},"value":[1795574741.310,"0.99"]}]}})");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(v->kind(), expr::Value::Kind::kList);
  EXPECT_EQ(listOf(*v), std::vector<double>({0.99}));
  EXPECT_EQ(v->asList()[0].kind(), expr::Value::Kind::kFloat);
}

TEST(PrometheusResponse, VectorOfThreeSeriesKeepsPrometheusOrder) {
  auto v = parsePrometheusResponse(
      200, R"({"status":"success","data":{"resultType":"vector","result":[)"
           R"({"metric":{"a":"x","b":"1"},"value":[1795574741.321,"1"]},)"
           R"({"metric":{"a":"y","b":"1"},"value":[1795574741.321,"0.5"]},)"
           R"({"metric":{"a":"z","b":"1"},"value":[1795574741.321,"0"]}]}})");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(listOf(*v), std::vector<double>({1, 0.5, 0}));
}

TEST(PrometheusResponse, EmptyVectorIsAnEmptyListNotAnError) {
  auto v = parsePrometheusResponse(
      200, R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(v->kind(), expr::Value::Kind::kList);
  EXPECT_TRUE(v->asList().empty());
}

TEST(PrometheusResponse, NaNAndInfinitiesPassThroughUnjudged) {
  const auto sample = [](std::string_view text) {
    return parsePrometheusResponse(
        200, std::string(R"({"status":"success","data":{"resultType":"vector","result":[)"
                         R"({"metric":{},"value":[1795574741.352,")") +
                 std::string(text) + R"("]}]}})");
  };
  auto nan = sample("NaN");
  ASSERT_TRUE(nan.ok()) << nan.status();
  EXPECT_TRUE(std::isnan(nan->asList()[0].asFloat()));
  auto inf = sample("+Inf");
  ASSERT_TRUE(inf.ok()) << inf.status();
  EXPECT_EQ(inf->asList()[0].asFloat(), INFINITY);
  auto ninf = sample("-Inf");
  ASSERT_TRUE(ninf.ok()) << ninf.status();
  EXPECT_EQ(ninf->asList()[0].asFloat(), -INFINITY);
  auto exp = sample("1.5e-7");
  ASSERT_TRUE(exp.ok()) << exp.status();
  EXPECT_DOUBLE_EQ(exp->asList()[0].asFloat(), 1.5e-7);

  auto scalar_nan = parsePrometheusResponse(
      200,
      R"({"status":"success","data":{"resultType":"scalar","result":[1795574741.404,"NaN"]}})");
  ASSERT_TRUE(scalar_nan.ok()) << scalar_nan.status();
  EXPECT_TRUE(std::isnan(scalar_nan->asFloat()));
}

TEST(PrometheusResponse, MatrixIsRefusedWithAHint) {
  auto v = parsePrometheusResponse(
      200, R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":)"
           R"({"__name__":"up","instance":"127.0.0.1:19099","job":"self"},"values":)"
           R"([[1795574737.326,"1"],[1795574738.326,"1"]]}]}})");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(),
            "range vector results are not supported: use an instant vector (e.g. wrap the query "
            "in sum())");
}

TEST(PrometheusResponse, StringIsRefused) {
  auto v = parsePrometheusResponse(
      200,
      R"({"status":"success","data":{"resultType":"string","result":[1795574741.42,"hello"]}})");
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(std::string(v.status().message()), StartsWith("string results are not supported"));
}

TEST(PrometheusResponse, PrometheusErrorsAtAnyStatus) {
  struct Case {
    int status;
    std::string body;
    std::string message;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {400,
       R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:15: parse error: unclosed left parenthesis"})",
       R"(Prometheus: bad_data: invalid parameter "query": 1:15: parse error: unclosed left parenthesis)",
       absl::StatusCode::kInvalidArgument},
      {422,
       R"({"status":"error","errorType":"execution","error":"found duplicate series for the match group {} on the right hand-side of the operation: [{a=\"y\"}, {a=\"x\"}];many-to-many matching not allowed: matching labels must be unique on one side"})",
       R"(Prometheus: execution: found duplicate series for the match group {} on the right hand-side of the operation: [{a="y"}, {a="x"}];many-to-many matching not allowed: matching labels must be unique on one side)",
       absl::StatusCode::kUnknown},
      {503,
       R"({"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"})",
       "Prometheus: timeout: query timed out in expression evaluation",
       absl::StatusCode::kDeadlineExceeded},
      // A proxy that relays the error with another status.
      {200, R"({"status":"error","errorType":"unavailable","error":"store\nunreachable"})",
       "Prometheus: unavailable: store unreachable", absl::StatusCode::kUnavailable},
      {500, R"({"status":"error"})", "Prometheus: an error without a message",
       absl::StatusCode::kUnknown},
  };
  for (const Case& c : cases) {
    auto v = parsePrometheusResponse(c.status, c.body);
    ASSERT_FALSE(v.ok()) << c.body;
    EXPECT_EQ(v.status().message(), c.message);
    EXPECT_EQ(v.status().code(), c.code) << c.body;
  }
}

TEST(PrometheusResponse, ProxyHtmlPageShowsStatusAndText) {
  auto v = parsePrometheusResponse(
      502,
      "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad "
      "Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(),
            "Prometheus answered HTTP 502: 502 Bad Gateway 502 Bad Gateway nginx/1.22.1");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kUnavailable);
}

TEST(PrometheusResponse, PlainTextErrors) {
  auto v500 = parsePrometheusResponse(500, "internal error: boom\n");
  ASSERT_FALSE(v500.ok());
  EXPECT_EQ(v500.status().message(), "Prometheus answered HTTP 500: internal error: boom");
  EXPECT_EQ(v500.status().code(), absl::StatusCode::kUnavailable);

  auto v404 = parsePrometheusResponse(404, "404 page not found\n");
  EXPECT_EQ(v404.status().message(),
            "Prometheus answered HTTP 404 (check the path in provider.prometheus.address): 404 "
            "page not found");
  EXPECT_EQ(v404.status().code(), absl::StatusCode::kNotFound);

  auto v401 = parsePrometheusResponse(401, "Unauthorized");
  EXPECT_EQ(v401.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(v401.status().message()), HasSubstr("provider.prometheus.headers"));

  auto empty = parsePrometheusResponse(503, "");
  EXPECT_EQ(empty.status().message(), "Prometheus answered HTTP 503 with an empty body");

  // JSON that is not Prometheus' error object, at an error status.
  auto other = parsePrometheusResponse(504, R"({"message":"upstream timed out"})");
  EXPECT_EQ(other.status().message(),
            R"(Prometheus answered HTTP 504: {"message":"upstream timed out"})");
}

TEST(PrometheusResponse, ExcerptIsBoundedAndSanitized) {
  std::string body = "\x01\x02oops\x1b[31m";
  body += std::string(1000, 'x');
  auto v = parsePrometheusResponse(502, body);
  ASSERT_FALSE(v.ok());
  const std::string msg(v.status().message());
  EXPECT_THAT(msg, StartsWith("Prometheus answered HTTP 502: oops [31mxxx"));
  EXPECT_THAT(msg, ::testing::EndsWith("..."));
  EXPECT_LE(msg.size(), std::string("Prometheus answered HTTP 502: ").size() + 203);
  for (char c : msg) EXPECT_GE(static_cast<unsigned char>(c), 0x20);
}

TEST(PrometheusResponse, TruncatedJson) {
  auto v = parsePrometheusResponse(
      200, R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"val)");
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(std::string(v.status().message()),
              StartsWith("Prometheus answered HTTP 200 with a body that is not JSON (error at "
                         "byte "));
  EXPECT_THAT(std::string(v.status().message()), HasSubstr(R"({"status":"success")"));
}

TEST(PrometheusResponse, HtmlAtStatus200) {
  auto v = parsePrometheusResponse(200, "<!doctype html><html><title>Grafana</title></html>");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(),
            "Prometheus answered HTTP 200 with a body that is not JSON (error at byte 1): Grafana");
}

TEST(PrometheusResponse, WrongShapesGiveClearErrors) {
  const std::pair<std::string, std::string> cases[] = {
      {R"([1,2])", "the body is not a JSON object"},
      {R"("success")", "the body is not a JSON object"},
      {R"({})", R"(no "status")"},
      {R"({"status":7})", R"(no "status")"},
      {R"({"status":"weird"})", R"(status "weird")"},
      {R"({"status":"success"})", R"(no "data" object)"},
      {R"({"status":"success","data":[]})", R"(no "data" object)"},
      {R"({"status":"success","data":{"result":[]}})", "no data.resultType"},
      {R"({"status":"success","data":{"resultType":"vector"}})", "no data.result"},
      {R"({"status":"success","data":{"resultType":"vector","result":{}}})",
       "data.result of a vector is not a list"},
      {R"({"status":"success","data":{"resultType":"vector","result":[7]}})",
       "data.result[0] has no value"},
      {R"({"status":"success","data":{"resultType":"vector","result":[{"value":"1"}]}})",
       "data.result[0].value is not a [timestamp, value] pair"},
      {R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1]}]}})",
       "data.result[0].value is not a [timestamp, value] pair"},
      {R"({"status":"success","data":{"resultType":"vector","result":[{"value":["t","1"]}]}})",
       "data.result[0].value is not a [timestamp, value] pair"},
      {R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,"abc"]}]}})",
       R"(data.result[0].value "abc" is not a number)"},
      {R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,"1.5x"]}]}})",
       R"(data.result[0].value "1.5x" is not a number)"},
      {R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,""]}]}})",
       R"(data.result[0].value "" is not a number)"},
      {R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,null]}]}})",
       "data.result[0].value is not a number"},
      {R"({"status":"success","data":{"resultType":"scalar","result":"0.5"}})",
       "data.result is not a [timestamp, value] pair"},
      {R"({"status":"success","data":{"resultType":"scalar","result":[1,2,3]}})",
       "data.result is not a [timestamp, value] pair"},
      {R"({"status":"success","data":{"resultType":"table","result":[]}})",
       R"(unknown result type "table")"},
  };
  for (const auto& [body, what] : cases) {
    auto v = parsePrometheusResponse(200, body);
    ASSERT_FALSE(v.ok()) << body;
    EXPECT_EQ(v.status().message(), "Prometheus answered an unexpected response: " + what) << body;
  }
}

TEST(PrometheusResponse, AcceptsABareNumberAndIgnoresWarnings) {
  auto v = parsePrometheusResponse(
      200, R"({"status":"success","warnings":["PromQL info: metric might not be a counter"],)"
           R"("data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[1,0.25]}]}})");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(listOf(*v), std::vector<double>({0.25}));
}

TEST(PrometheusResponse, NativeHistogramsAreRefused) {
  auto v = parsePrometheusResponse(
      200, R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},)"
           R"("histogram":[1,{"count":"3","sum":"4","buckets":[]}]}]}})");
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(std::string(v.status().message()),
              StartsWith("native histogram samples are not supported"));
}

TEST(PrometheusResponse, DeepNestingIsRefusedBeforeParsing) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto v = parsePrometheusResponse(200, deep);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(),
            "Prometheus answered an unexpected response: JSON nested deeper than 32 levels");
  // Brackets inside strings do not count.
  auto in_string =
      parsePrometheusResponse(200, R"({"status":"success","warnings":[")" + std::string(1000, '[') +
                                       R"("],"data":{"resultType":"scalar","result":[1,"2"]}})");
  ASSERT_TRUE(in_string.ok()) << in_string.status();
  EXPECT_DOUBLE_EQ(in_string->asFloat(), 2);
}

TEST(PrometheusResponse, TooManySeries) {
  std::string body = R"({"status":"success","data":{"resultType":"vector","result":[)";
  for (size_t i = 0; i <= kMaxSeries; ++i) {
    if (i > 0) body += ',';
    body += R"({"metric":{"pod":"p)" + std::to_string(i) + R"("},"value":[1,"1"]})";
  }
  body += "]}}";
  auto v = parsePrometheusResponse(200, body);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(),
            "Prometheus returned more than 10000 series: aggregate the query (e.g. with sum() or "
            "topk())");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(PrometheusResponse, HostileTenMegabyteBodies) {
  const size_t ten_mb = 10 * 1024 * 1024;
  // Garbage, unclosed nesting, one enormous string, a huge vector of unlabelled samples.
  std::string garbage(ten_mb, '\0');
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 7919) % 251);
  EXPECT_FALSE(parsePrometheusResponse(200, garbage).ok());
  EXPECT_FALSE(parsePrometheusResponse(502, garbage).ok());
  EXPECT_FALSE(parsePrometheusResponse(200, std::string(ten_mb, '{')).ok());
  std::string huge_string = R"({"status":"error","errorType":"bad_data","error":")";
  huge_string += std::string(ten_mb, 'e') + "\"}";
  auto s = parsePrometheusResponse(400, huge_string);
  ASSERT_FALSE(s.ok());
  EXPECT_LT(s.status().message().size(), 1100u);
  std::string vec = R"({"status":"success","data":{"resultType":"vector","result":[)";
  while (vec.size() < ten_mb) vec += R"({"value":[1,"1"]},)";
  vec += R"({"value":[1,"1"]}]}})";
  const auto start = std::chrono::steady_clock::now();
  auto v = parsePrometheusResponse(200, vec);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  // A long range vector is refused as fast.
  std::string matrix = R"({"status":"success","data":{"resultType":"matrix","result":[{"values":[)";
  while (matrix.size() < ten_mb) matrix += R"([1,"1"],)";
  matrix += R"([1,"1"]]}]}})";
  auto m = parsePrometheusResponse(200, matrix);
  EXPECT_EQ(std::string(m.status().message()),
            "Prometheus answered more than 10000 elements in data.result[0].values: aggregate the "
            "query (e.g. with sum() or topk())");

  auto too_big = parsePrometheusResponse(200, std::string(kMaxResponseBytes + 1, ' '));
  ASSERT_FALSE(too_big.ok());
  EXPECT_THAT(std::string(too_big.status().message()),
              HasSubstr("more than the 16777216 serin reads"));
}

}  // namespace
}  // namespace serin::analysis::prometheus
