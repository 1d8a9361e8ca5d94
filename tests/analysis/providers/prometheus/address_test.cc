#include "analysis/providers/prometheus/address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace serin::analysis::prometheus {
namespace {

TEST(PrometheusAddress, Forms) {
  struct Case {
    std::string address, base_url, prefix, query, display;
  };
  const Case cases[] = {
      {"http://prometheus.monitoring:9090", "http://prometheus.monitoring:9090", "", "",
       "http://prometheus.monitoring:9090"},
      {"http://host:9090/", "http://host:9090", "", "", "http://host:9090"},
      {"http://host:9090/prometheus", "http://host:9090", "/prometheus", "",
       "http://host:9090/prometheus"},
      {"http://host:9090/prometheus/", "http://host:9090", "/prometheus", "",
       "http://host:9090/prometheus"},
      {"http://host:9090//a//b/./c/../", "http://host:9090", "/a/b", "", "http://host:9090/a/b"},
      {"HTTPS://Prom.Example.COM", "https://prom.example.com:443", "", "",
       "https://prom.example.com"},
      {"http://prom", "http://prom:80", "", "", "http://prom"},
      {"http://prom:", "http://prom:80", "", "", "http://prom"},
      {"  http://prom:9090\n", "http://prom:9090", "", "", "http://prom:9090"},
      {"http://[::1]:9090/x", "http://[::1]:9090", "/x", "", "http://[::1]:9090/x"},
      {"http://10.0.0.7:9090", "http://10.0.0.7:9090", "", "", "http://10.0.0.7:9090"},
      {"http://thanos:10902/?dedup=true&partial_response=1#frag", "http://thanos:10902", "",
       "dedup=true&partial_response=1", "http://thanos:10902"},
  };
  for (const Case& c : cases) {
    auto a = parsePrometheusAddress(c.address);
    ASSERT_TRUE(a.ok()) << c.address << ": " << a.status();
    EXPECT_EQ(a->baseUrl(), c.base_url) << c.address;
    EXPECT_EQ(a->path_prefix, c.prefix) << c.address;
    EXPECT_EQ(a->query, c.query) << c.address;
    EXPECT_EQ(a->display(), c.display) << c.address;
    EXPECT_FALSE(a->credentials.has_value());
  }
}

TEST(PrometheusAddress, PathCharactersAreEncoded) {
  auto a = parsePrometheusAddress("http://h:1/pr{o}m%2Fx");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->path_prefix, "/pr%7Bo%7Dm%2Fx");
}

TEST(PrometheusAddress, Credentials) {
  auto a = parsePrometheusAddress("https://al%69ce:p%40ss:word@prom:9443/x");
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(a->credentials.has_value());
  EXPECT_EQ(a->credentials->username, "alice");
  EXPECT_EQ(a->credentials->password, "p@ss:word");
  EXPECT_EQ(a->display(), "https://prom:9443/x");
  EXPECT_EQ(a->host, "prom");
}

TEST(PrometheusAddress, Errors) {
  const std::pair<std::string, std::string> cases[] = {
      {"prometheus:9090",
       R"(provider.prometheus.address "prometheus:9090" must start with http:// or https://)"},
      {"ftp://x", R"(provider.prometheus.address "ftp://x" must start with http:// or https://)"},
      {"http://", R"(provider.prometheus.address "http://" has no host)"},
      {"http:///path", R"(provider.prometheus.address "http:///path" has no host)"},
      {"http://h:port", R"(provider.prometheus.address "http://h:port" has an invalid port)"},
      {"http://h:0", R"(provider.prometheus.address "http://h:0" has an invalid port)"},
      {"http://h:65536", R"(provider.prometheus.address "http://h:65536" has an invalid port)"},
      {"http://h:99999999999999999999",
       R"(provider.prometheus.address "http://h:99999999999999999999" has an invalid port)"},
      {"http://h!x:1", R"(provider.prometheus.address "http://h!x:1" has an invalid host)"},
      {"http://::1:9090", R"(provider.prometheus.address "http://::1:9090" has an invalid host)"},
      {"http://[zz]:1", R"(provider.prometheus.address "http://[zz]:1" has an invalid host)"},
      {"http://h:1/a b",
       R"(provider.prometheus.address "http://h:1/a b" contains a space or a control character)"},
      {"http://h:1/%zz",
       R"(provider.prometheus.address "http://h:1/%zz" has a malformed %-escape)"},
      {"http://u:p%4@h:1",
       R"(provider.prometheus.address "http://***@h:1" has malformed credentials)"},
      {"http://user:secret@h:port",
       R"(provider.prometheus.address "http://***@h:port" has an invalid port)"},
      {"", "provider.prometheus.address is empty"},
  };
  for (const auto& [address, message] : cases) {
    auto a = parsePrometheusAddress(address);
    ASSERT_FALSE(a.ok()) << address;
    EXPECT_EQ(a.status().message(), message);
    EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(PrometheusAddress, Redact) {
  EXPECT_EQ(redactAddress("http://u:p@h:1/x@y"), "http://***@h:1/x@y");
  EXPECT_EQ(redactAddress("u:p@h:1"), "***@h:1");
  EXPECT_EQ(redactAddress("http://h:1/x@y"), "http://h:1/x@y");
}

}  // namespace
}  // namespace serin::analysis::prometheus
