#include "analysis/providers/transport_cache.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/fakes/fake_transport.h"

namespace serin::analysis::providers {
namespace {

class TransportCacheTest : public ::testing::Test {
 protected:
  TransportFactory factory() {
    return
        [this](const std::string& base_url,
               const kube::TlsConfig& tls) -> absl::StatusOr<std::unique_ptr<kube::HttpTransport>> {
          made_.push_back(base_url + (tls.insecure_skip_verify ? " insecure" : ""));
          if (base_url == "bad") return absl::InvalidArgumentError("\"bad\" is not an http(s) URL");
          return std::make_unique<serin::testing::FakeTransport>();
        };
  }
  std::vector<std::string> made_;
};

TEST_F(TransportCacheTest, ReusesPerUrlAndTlsMode) {
  TransportCache cache(factory());
  auto a = cache.get("http://a:1", false);
  auto a2 = cache.get("http://a:1", false);
  auto a_insecure = cache.get("http://a:1", true);
  ASSERT_TRUE(a.ok() && a2.ok() && a_insecure.ok());
  EXPECT_EQ(a->get(), a2->get());
  EXPECT_NE(a->get(), a_insecure->get());
  EXPECT_EQ(made_, (std::vector<std::string>{"http://a:1", "http://a:1 insecure"}));
  EXPECT_EQ(cache.size(), 2u);
}

TEST_F(TransportCacheTest, EvictsTheLeastRecentlyUsed) {
  TransportCache cache(factory(), 2);
  auto a = cache.get("http://a:1", false);
  ASSERT_TRUE(cache.get("http://b:1", false).ok());
  ASSERT_TRUE(cache.get("http://a:1", false).ok());  // a is now the most recent
  ASSERT_TRUE(cache.get("http://c:1", false).ok());  // evicts b
  EXPECT_EQ(cache.size(), 2u);
  ASSERT_TRUE(cache.get("http://a:1", false).ok());
  EXPECT_EQ(made_.size(), 3u);
  ASSERT_TRUE(cache.get("http://b:1", false).ok());  // made again
  EXPECT_EQ(made_.size(), 4u);
  // An evicted transport stays usable by whoever still holds it.
  ASSERT_TRUE(cache.get("http://d:1", false).ok());
  EXPECT_NE(a->get(), nullptr);
}

TEST_F(TransportCacheTest, FactoryErrorsPassThroughAndAreNotCached) {
  TransportCache cache(factory());
  auto bad = cache.get("bad", false);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "\"bad\" is not an http(s) URL");
  EXPECT_EQ(cache.size(), 0u);
}

TEST(DefaultTransportFactory, MakesCpprestTransports) {
  auto t = defaultTransportFactory()("http://127.0.0.1:9", kube::TlsConfig{});
  EXPECT_TRUE(t.ok()) << t.status();
  EXPECT_FALSE(defaultTransportFactory()("nope", kube::TlsConfig{}).ok());
}

}  // namespace
}  // namespace serin::analysis::providers
