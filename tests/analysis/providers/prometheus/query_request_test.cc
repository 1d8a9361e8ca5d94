#include "analysis/providers/prometheus/query_request.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace serin::analysis::prometheus {
namespace {

PrometheusAddress address(std::string_view text) {
  auto a = parsePrometheusAddress(text);
  EXPECT_TRUE(a.ok()) << a.status();
  return *a;
}

TEST(QueryRequest, UrlEncodeComponent) {
  EXPECT_EQ(urlEncodeComponent("up"), "up");
  EXPECT_EQ(urlEncodeComponent("a-b.c_d~e"), "a-b.c_d~e");
  EXPECT_EQ(urlEncodeComponent("x{a=~\"2..\"} + 1 & y/z\n\t%#?"),
            "x%7Ba%3D~%222..%22%7D%20%2B%201%20%26%20y%2Fz%0A%09%25%23%3F");
  EXPECT_EQ(urlEncodeComponent("é"), "%C3%A9");
  EXPECT_EQ(urlEncodeComponent(std::string("a\0b", 3)), "a%00b");
}

TEST(QueryRequest, TargetTimeoutAndHeaders) {
  auto r = buildQueryRequest(address("http://h:9090/prom/"), "sum(x)", 7,
                             {{"Authorization", "Basic dXNlcjpwYXNz"}, {"X-A", ""}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->target, "/prom/api/v1/query?query=sum%28x%29&timeout=7s");
  EXPECT_EQ(r->timeout, absl::Seconds(7));
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(r->headers, (std::vector<std::pair<std::string, std::string>>{
                            {"Authorization", "Basic dXNlcjpwYXNz"}, {"X-A", ""}}));
}

TEST(QueryRequest, AddressCredentialsYieldToAnExplicitAuthorizationHeader) {
  auto with_header =
      buildQueryRequest(address("http://u:p@h:1"), "up", 30, {{"authorization", "Bearer t"}});
  ASSERT_TRUE(with_header.ok());
  EXPECT_EQ(with_header->headers,
            (std::vector<std::pair<std::string, std::string>>{{"authorization", "Bearer t"}}));
  auto without = buildQueryRequest(address("http://u:p@h:1"), "up", 30, {});
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without->headers,
            (std::vector<std::pair<std::string, std::string>>{{"Authorization", "Basic dTpw"}}));
}

TEST(QueryRequest, BadHeadersNameThePositionNotTheValue) {
  const std::pair<Header, std::string> cases[] = {
      {{"", "v"}, "provider.prometheus.headers[0]: the key is empty"},
      {{"Bad Name", "secret-value"},
       "provider.prometheus.headers[0]: \"Bad Name\" is not a valid header name"},
      {{"X-Ok:", "secret-value"},
       "provider.prometheus.headers[0]: \"X-Ok:\" is not a valid header name"},
      {{"X-Token", "secret\nvalue"},
       "provider.prometheus.headers[0] (\"X-Token\"): the value contains a line break"},
      {{"X-Token", "secret\rvalue"},
       "provider.prometheus.headers[0] (\"X-Token\"): the value contains a line break"},
      {{"X-Token", std::string("secret\0value", 12)},
       "provider.prometheus.headers[0] (\"X-Token\"): the value contains a NUL character"},
  };
  for (const auto& [header, message] : cases) {
    auto r = buildQueryRequest(address("http://h:1"), "up", 30, {header});
    ASSERT_FALSE(r.ok()) << header.key;
    EXPECT_EQ(r.status().message(), message);
  }
}

}  // namespace
}  // namespace serin::analysis::prometheus
