#include "analysis/providers/prometheus/prometheus_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/fakes/fake_transport.h"

namespace serin::analysis::prometheus {
namespace {

using serin::testing::FakeTransport;
using serin::testing::jsonResponse;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kScalar[] =
    R"({"status":"success","data":{"resultType":"scalar","result":[1795574741.284,"0.95"]}})";

// The provider owns its transports; this one forwards to a FakeTransport the test keeps.
class ForwardingTransport final : public kube::HttpTransport {
 public:
  explicit ForwardingTransport(std::shared_ptr<FakeTransport> fake) : fake_(std::move(fake)) {}
  absl::StatusOr<kube::HttpResponse> send(const kube::HttpRequest& r) override {
    return fake_->send(r);
  }
  absl::StatusOr<kube::HttpResponse> stream(const kube::HttpRequest& r, const kube::LineHandler& h,
                                            kube::CancelToken& c) override {
    return fake_->stream(r, h, c);
  }

 private:
  std::shared_ptr<FakeTransport> fake_;
};

struct MadeTransport {
  std::string base_url;
  bool insecure;
};

class PrometheusProviderTest : public ::testing::Test {
 protected:
  std::unique_ptr<PrometheusProvider> makeProvider(std::string default_address = "",
                                                   size_t max_running = 64) {
    PrometheusProviderOptions options;
    options.default_address = std::move(default_address);
    options.max_running_requests = max_running;
    options.transport_factory =
        [this](const std::string& base_url,
               const kube::TlsConfig& tls) -> absl::StatusOr<std::unique_ptr<kube::HttpTransport>> {
      std::lock_guard<std::mutex> lock(mu_);
      made_.push_back({base_url, tls.insecure_skip_verify});
      if (!factory_error_.ok()) return factory_error_;
      return std::make_unique<ForwardingTransport>(fake_);
    };
    return std::make_unique<PrometheusProvider>(std::move(options));
  }

  static ResolvedMetric metric(std::string address, std::string query = "up") {
    ResolvedMetric m;
    m.name = "success-rate";
    m.prometheus.address = std::move(address);
    m.prometheus.query = std::move(query);
    return m;
  }

  std::vector<MadeTransport> made() {
    std::lock_guard<std::mutex> lock(mu_);
    return made_;
  }

  std::shared_ptr<FakeTransport> fake_ = std::make_shared<FakeTransport>();
  std::mutex mu_;
  std::vector<MadeTransport> made_;
  absl::Status factory_error_;
};

TEST_F(PrometheusProviderTest, ReadsAScalarAndReportsTheQuery) {
  fake_->onSend([](const kube::HttpRequest&) { return jsonResponse(200, kScalar); });
  auto provider = makeProvider();
  EXPECT_EQ(provider->type(), "Prometheus");
  providers::ProviderResult r = provider->measure(metric("http://prometheus.monitoring:9090"));
  ASSERT_TRUE(r.value.ok()) << r.value.status();
  EXPECT_DOUBLE_EQ(r.value->asFloat(), 0.95);
  EXPECT_EQ(r.metadata, (std::map<std::string, std::string>{{"resolvedQuery", "up"}}));
  ASSERT_EQ(made().size(), 1u);
  EXPECT_EQ(made()[0].base_url, "http://prometheus.monitoring:9090");
  EXPECT_FALSE(made()[0].insecure);
}

TEST_F(PrometheusProviderTest, BuildsTheRequest) {
  fake_->onSend([](const kube::HttpRequest&) { return jsonResponse(200, kScalar); });
  auto provider = makeProvider();
  ResolvedMetric m =
      metric("http://Prom.Example:9090/prometheus/",
             "sum(rate(http_requests_total{service=\"checkout\",status=~\"2..\"}[5m]))\n"
             "/ sum(rate(http_requests_total{service=\"checkout\"}[5m]))\n");
  m.prometheus.timeoutSeconds = 12;
  m.prometheus.headers = {{"Authorization", "Bearer abc.def"}, {"X-Scope-OrgID", "tenant-1"}};
  providers::ProviderResult r = provider->measure(m);
  ASSERT_TRUE(r.value.ok()) << r.value.status();
  auto requests = fake_->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target,
            "/prometheus/api/v1/query?query=sum%28rate%28http_requests_total%7Bservice%3D%22"
            "checkout%22%2Cstatus%3D~%222..%22%7D%5B5m%5D%29%29%0A%2F%20sum%28rate%28http_"
            "requests_total%7Bservice%3D%22checkout%22%7D%5B5m%5D%29%29%0A&timeout=12s");
  EXPECT_EQ(requests[0].timeout, absl::Seconds(12));
  EXPECT_EQ(requests[0].headers,
            (std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer abc.def"},
                                                              {"X-Scope-OrgID", "tenant-1"}}));
  EXPECT_EQ(made()[0].base_url, "http://prom.example:9090");
  EXPECT_EQ(r.metadata.at("resolvedQuery"), m.prometheus.query);
}

TEST_F(PrometheusProviderTest, DefaultTimeoutIs30Seconds) {
  fake_->onSend([](const kube::HttpRequest&) { return jsonResponse(200, kScalar); });
  auto provider = makeProvider();
  ASSERT_TRUE(provider->measure(metric("http://prom:9090")).value.ok());
  EXPECT_THAT(fake_->requests()[0].target, ::testing::EndsWith("&timeout=30s"));
  EXPECT_EQ(fake_->requests()[0].timeout, absl::Seconds(30));
}

TEST_F(PrometheusProviderTest, DefaultAddressAndMissingAddress) {
  fake_->onSend([](const kube::HttpRequest&) { return jsonResponse(200, kScalar); });
  auto with_default = makeProvider("http://default-prom:9090/");
  ASSERT_TRUE(with_default->measure(metric("")).value.ok());
  EXPECT_EQ(made().back().base_url, "http://default-prom:9090");
  EXPECT_EQ(fake_->requests().back().target, "/api/v1/query?query=up&timeout=30s");
  // The metric's own address wins over the default.
  ASSERT_TRUE(with_default->measure(metric("http://own:9090")).value.ok());
  EXPECT_EQ(made().back().base_url, "http://own:9090");

  auto without = makeProvider("");
  auto r = without->measure(metric(""));
  ASSERT_FALSE(r.value.ok());
  EXPECT_EQ(r.value.status().message(), "no Prometheus address: set provider.prometheus.address");
  EXPECT_EQ(r.value.status().code(), absl::StatusCode::kInvalidArgument);

  auto bad_default = makeProvider("prometheus:9090");
  auto b = bad_default->measure(metric(""));
  EXPECT_EQ(b.value.status().message(),
            "the controller's default Prometheus address is invalid: provider.prometheus.address "
            "\"prometheus:9090\" must start with http:// or https://");
}

TEST_F(PrometheusProviderTest, InvalidSpecsAreReportedBeforeAnyRequest) {
  auto provider = makeProvider();
  EXPECT_EQ(provider->measure(metric("prometheus:9090")).value.status().message(),
            "provider.prometheus.address \"prometheus:9090\" must start with http:// or https://");
  EXPECT_EQ(provider->measure(metric("http://prom:9090", "")).value.status().message(),
            "provider.prometheus.query is empty");
  ResolvedMetric zero = metric("http://prom:9090");
  zero.prometheus.timeoutSeconds = 0;
  EXPECT_EQ(provider->measure(zero).value.status().message(),
            "provider.prometheus.timeout must be at least 1 second (got 0)");
  ResolvedMetric bad_header = metric("http://prom:9090");
  bad_header.prometheus.headers = {{"Authorization", "Bearer tok\r\nX-Evil: 1"}};
  auto r = provider->measure(bad_header);
  EXPECT_EQ(r.value.status().message(),
            "provider.prometheus.headers[0] (\"Authorization\"): the value contains a line break");
  EXPECT_TRUE(fake_->requests().empty());
}

TEST_F(PrometheusProviderTest, TransportDeadlineIsATimeoutError) {
  fake_->onSend([](const kube::HttpRequest&) -> absl::StatusOr<kube::HttpResponse> {
    return absl::DeadlineExceededError("no answer in time: timed out");
  });
  auto provider = makeProvider();
  auto r = provider->measure(metric("http://prom:9090"));
  ASSERT_FALSE(r.value.ok());
  EXPECT_EQ(r.value.status().message(), "Prometheus did not answer within 30s (http://prom:9090)");
  EXPECT_EQ(r.value.status().code(), absl::StatusCode::kDeadlineExceeded);
}

// A transport that ignores its timeout: the provider must still return on time.
class HangingFake {
 public:
  explicit HangingFake(FakeTransport& fake) {
    fake.onSend([this](const kube::HttpRequest&) -> absl::StatusOr<kube::HttpResponse> {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(20), [&] { return released_; });
      return jsonResponse(200, kScalar);
    });
  }
  ~HangingFake() { release(); }
  void release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
};

TEST_F(PrometheusProviderTest, EnforcesTheDeadlineWhenTheTransportDoesNot) {
  HangingFake hang(*fake_);
  auto provider = makeProvider();
  ResolvedMetric m = metric("http://prom:9090");
  m.prometheus.timeoutSeconds = 1;
  const auto start = std::chrono::steady_clock::now();
  auto r = provider->measure(m);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.value.ok());
  EXPECT_EQ(r.value.status().message(), "Prometheus did not answer within 1s (http://prom:9090)");
  EXPECT_GE(elapsed, std::chrono::milliseconds(900));
  EXPECT_LT(elapsed, std::chrono::milliseconds(1500));
  hang.release();
}

TEST_F(PrometheusProviderTest, BoundsRequestsStillRunning) {
  HangingFake hang(*fake_);
  auto provider = makeProvider("", /*max_running=*/1);
  ResolvedMetric m = metric("http://prom:9090");
  m.prometheus.timeoutSeconds = 1;
  EXPECT_EQ(provider->measure(m).value.status().code(), absl::StatusCode::kDeadlineExceeded);
  auto r = provider->measure(m);  // the first one is still hanging
  EXPECT_EQ(r.value.status().message(),
            "too many requests to Prometheus at http://prom:9090 are still running: 1 earlier "
            "requests to this server are still running");
  EXPECT_EQ(r.value.status().code(), absl::StatusCode::kResourceExhausted);
  hang.release();
}

TEST_F(PrometheusProviderTest, ConnectionRefused) {
  fake_->onSend([](const kube::HttpRequest&) -> absl::StatusOr<kube::HttpResponse> {
    return absl::UnavailableError("connection failed: Connection refused");
  });
  auto provider = makeProvider();
  auto r = provider->measure(metric("http://host:9090/"));
  ASSERT_FALSE(r.value.ok());
  EXPECT_EQ(r.value.status().message(),
            "cannot reach Prometheus at http://host:9090: connection failed: Connection refused");
  EXPECT_EQ(r.value.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(PrometheusProviderTest, UntrustedCertificateGetsAHint) {
  fake_->onSend([](const kube::HttpRequest&) -> absl::StatusOr<kube::HttpResponse> {
    return absl::UnavailableError("connection failed: handshake: certificate verify failed");
  });
  auto provider = makeProvider();
  auto r = provider->measure(metric("https://prom.example"));
  EXPECT_THAT(std::string(r.value.status().message()), HasSubstr("system trust store"));
  EXPECT_EQ(made()[0].base_url, "https://prom.example:443");
}

TEST_F(PrometheusProviderTest, FactoryErrorNamesTheAddress) {
  factory_error_ = absl::InvalidArgumentError("\"http://x:1\" is not a valid URL");
  auto provider = makeProvider();
  auto r = provider->measure(metric("http://x:1"));
  EXPECT_EQ(r.value.status().message(),
            "invalid Prometheus address http://x:1: \"http://x:1\" is not a valid URL");
}

TEST_F(PrometheusProviderTest, ParsesErrorsFromTheServer) {
  fake_->onSend([](const kube::HttpRequest&) {
    return jsonResponse(400,
                        R"({"status":"error","errorType":"bad_data","error":"invalid )"
                        R"(parameter \"query\": 1:15: parse error: unclosed left parenthesis"})");
  });
  auto provider = makeProvider();
  auto r = provider->measure(metric("http://prom:9090", "sum(rate(x[5m]"));
  EXPECT_EQ(r.value.status().message(),
            "Prometheus: bad_data: invalid parameter \"query\": 1:15: parse error: unclosed left "
            "parenthesis");
  EXPECT_EQ(r.metadata.at("resolvedQuery"), "sum(rate(x[5m]");
}

TEST_F(PrometheusProviderTest, HeaderValuesNeverLeak) {
  const std::string token = "s3cr3t-t0ken-value";
  const std::string basic = "dXNlcjpodW50ZXIy";  // user:hunter2
  // A hostile or careless server that echoes the request's headers back in every answer.
  fake_->onSend([](const kube::HttpRequest& r) {
    std::string echo;
    for (const auto& [k, v] : r.headers) echo += k + ": " + v + "; ";
    return jsonResponse(401, "Unauthorized: " + echo);
  });
  auto provider = makeProvider();
  ResolvedMetric m = metric("http://prom:9090", "up{token=\"" + token + "\"}");
  m.prometheus.headers = {{"Authorization", "Bearer " + token}, {"X-Basic", "Basic " + basic}};
  auto r = provider->measure(m);
  ASSERT_FALSE(r.value.ok());
  const std::string msg(r.value.status().message());
  EXPECT_THAT(msg, Not(HasSubstr(token)));
  EXPECT_THAT(msg, Not(HasSubstr(basic)));
  EXPECT_THAT(msg, HasSubstr("Authorization: <redacted>"));
  for (const auto& [k, v] : r.metadata) {
    EXPECT_THAT(v, Not(HasSubstr(token)));
    EXPECT_THAT(v, Not(HasSubstr(basic)));
  }

  // Echoed in Prometheus' own error object, and in a transport error.
  fake_->onSend([token](const kube::HttpRequest&) {
    return jsonResponse(
        400, R"({"status":"error","errorType":"bad_data","error":"bad )" + token + "\"}");
  });
  EXPECT_THAT(std::string(provider->measure(m).value.status().message()), Not(HasSubstr(token)));
  fake_->onSend([token](const kube::HttpRequest&) -> absl::StatusOr<kube::HttpResponse> {
    return absl::UnavailableError("connection failed: " + token);
  });
  EXPECT_THAT(std::string(provider->measure(m).value.status().message()), Not(HasSubstr(token)));

  // And never in our own messages about a header.
  ResolvedMetric bad = m;
  bad.prometheus.headers.push_back({"Bad Name", token});
  bad.prometheus.headers.push_back({"X-Ok", token + "\n"});
  EXPECT_THAT(std::string(provider->measure(bad).value.status().message()), Not(HasSubstr(token)));
}

TEST_F(PrometheusProviderTest, CredentialsInTheAddressBecomeBasicAuthAndStayHidden) {
  fake_->onSend([](const kube::HttpRequest&) -> absl::StatusOr<kube::HttpResponse> {
    return absl::UnavailableError("connection failed: Connection refused");
  });
  auto provider = makeProvider();
  auto r = provider->measure(metric("https://alice:p%40ssw0rd@prom.example:9443/api/prom?x=1"));
  ASSERT_FALSE(r.value.ok());
  EXPECT_EQ(r.value.status().message(),
            "cannot reach Prometheus at https://prom.example:9443/api/prom: connection failed: "
            "Connection refused");
  auto requests = fake_->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/api/prom/api/v1/query?x=1&query=up&timeout=30s");
  EXPECT_EQ(requests[0].headers,
            (std::vector<std::pair<std::string, std::string>>{
                {"Authorization", "Basic YWxpY2U6cEBzc3cwcmQ="}}));  // alice:p@ssw0rd
  EXPECT_EQ(made()[0].base_url, "https://prom.example:9443");
}

TEST_F(PrometheusProviderTest, OneTransportPerServerAndTlsMode) {
  fake_->onSend([](const kube::HttpRequest&) { return jsonResponse(200, kScalar); });
  auto provider = makeProvider();
  for (const char* address :
       {"http://prom:9090", "http://prom:9090/", "http://PROM:9090/a/b", "http://prom:9090"}) {
    ASSERT_TRUE(provider->measure(metric(address)).value.ok()) << address;
  }
  EXPECT_EQ(made().size(), 1u);
  ResolvedMetric insecure_http = metric("http://prom:9090");
  insecure_http.prometheus.insecure = true;  // meaningless without TLS: same transport
  ASSERT_TRUE(provider->measure(insecure_http).value.ok());
  EXPECT_EQ(made().size(), 1u);

  ResolvedMetric secure = metric("https://prom:9090");
  ResolvedMetric insecure = metric("https://prom:9090");
  insecure.prometheus.insecure = true;
  ASSERT_TRUE(provider->measure(secure).value.ok());
  ASSERT_TRUE(provider->measure(insecure).value.ok());
  ASSERT_TRUE(provider->measure(insecure).value.ok());
  ASSERT_EQ(made().size(), 3u);
  EXPECT_FALSE(made()[1].insecure);
  EXPECT_TRUE(made()[2].insecure);
}

TEST_F(PrometheusProviderTest, ConcurrentMeasurements) {
  fake_->onSend([](const kube::HttpRequest& r) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return jsonResponse(200, kScalar);
  });
  auto provider = makeProvider();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto r = provider->measure(metric("http://prom-" + std::to_string(t % 3) + ":9090"));
        if (r.value.ok()) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 80);
  EXPECT_EQ(made().size(), 3u);
}

TEST_F(PrometheusProviderTest, HostileTenMegabyteBody) {
  fake_->onSend([](const kube::HttpRequest&) {
    std::string body(10 * 1024 * 1024, 'A');
    body[0] = '{';
    return jsonResponse(200, body);
  });
  auto provider = makeProvider();
  auto r = provider->measure(metric("http://prom:9090"));
  ASSERT_FALSE(r.value.ok());
  EXPECT_THAT(std::string(r.value.status().message()),
              ::testing::StartsWith("Prometheus answered HTTP 200 with a body that is not JSON"));
  EXPECT_LT(r.value.status().message().size(), 400u);
}

}  // namespace
}  // namespace serin::analysis::prometheus
