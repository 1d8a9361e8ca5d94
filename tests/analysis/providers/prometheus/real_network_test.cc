// The provider over the real cpprestsdk transport, against tiny HTTP servers on loopback:
// one that answers, one that never does, one that trickles its answer.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "analysis/providers/prometheus/prometheus_provider.h"

namespace serin::analysis::prometheus {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Listens on 127.0.0.1, port 0. For each connection it reads the request head, then
// answers with `response` at once (kAnswer), never (kSilent), or one byte every 200 ms
// (kTrickle). Connections stay open until the server is stopped.
class TinyServer {
 public:
  enum class Mode { kAnswer, kSilent, kTrickle };

  TinyServer(Mode mode, std::string response) : mode_(mode), response_(std::move(response)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(listener_, 16), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~TinyServer() { stop(); }

  void stop() {
    if (stopped_.exchange(true)) return;
    thread_.join();
    for (int fd : connections_) ::close(fd);
    ::close(listener_);
  }
  int port() const { return port_; }
  std::string firstRequest() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_.empty() ? "" : requests_[0];
  }

 private:
  bool waitReadable(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, ms) > 0;
  }

  void serve() {
    while (!stopped_) {
      if (!waitReadable(listener_, 50)) continue;
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) continue;
      connections_.push_back(fd);
      std::string head;
      char buf[4096];
      while (!stopped_ && head.find("\r\n\r\n") == std::string::npos) {
        if (!waitReadable(fd, 50)) continue;
        const ssize_t n = ::read(fd, buf, sizeof(buf));
        if (n <= 0) break;
        head.append(buf, static_cast<size_t>(n));
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(head);
      }
      if (mode_ == Mode::kAnswer) {
        (void)!::write(fd, response_.data(), response_.size());
      } else if (mode_ == Mode::kTrickle) {
        for (size_t i = 0; i < response_.size() && !stopped_; ++i) {
          if (::write(fd, &response_[i], 1) != 1) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
      }
    }
  }

  const Mode mode_;
  const std::string response_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopped_{false};
  std::thread thread_;
  std::vector<int> connections_;  // only the server thread touches it until stop()
  std::mutex mu_;
  std::vector<std::string> requests_;
};

std::string httpResponse(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

constexpr char kScalar[] =
    R"({"status":"success","data":{"resultType":"scalar","result":[1795574741.284,"0.95"]}})";

ResolvedMetric metric(const std::string& address, int64_t timeout_seconds) {
  ResolvedMetric m;
  m.name = "m";
  m.prometheus.address = address;
  m.prometheus.query = "sum(rate(x{a=~\"2..\"}[5m]))";
  m.prometheus.timeoutSeconds = timeout_seconds;
  m.prometheus.headers = {{"Authorization", "Bearer tok-123"}};
  return m;
}

TEST(PrometheusOverCpprest, ReadsAScalar) {
  PrometheusProvider provider;
  TinyServer server(TinyServer::Mode::kAnswer, httpResponse(kScalar));
  const std::string address = "http://127.0.0.1:" + std::to_string(server.port()) + "/prom/";
  providers::ProviderResult r = provider.measure(metric(address, 5));
  ASSERT_TRUE(r.value.ok()) << r.value.status();
  EXPECT_DOUBLE_EQ(r.value->asFloat(), 0.95);
  const std::string request = server.firstRequest();
  EXPECT_THAT(request, StartsWith("GET /prom/api/v1/query?query=sum%28rate%28x%7Ba%3D~%222..%22"
                                  "%7D%5B5m%5D%29%29&timeout=5s HTTP/1.1\r\n"));
  EXPECT_THAT(request, ::testing::ContainsRegex("Authorization: ?Bearer tok-123\r\n"));
}

TEST(PrometheusOverCpprest, ServerThatNeverAnswersTimesOut) {
  PrometheusProvider provider;
  TinyServer server(TinyServer::Mode::kSilent, "");
  const std::string address = "http://127.0.0.1:" + std::to_string(server.port());
  const auto start = std::chrono::steady_clock::now();
  providers::ProviderResult r = provider.measure(metric(address, 1));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.value.ok());
  EXPECT_EQ(r.value.status().message(), "Prometheus did not answer within 1s (" + address + ")");
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  server.stop();
}

TEST(PrometheusOverCpprest, ServerThatTricklesTimesOut) {
  PrometheusProvider provider;
  // cpprestsdk's own timeout restarts with every byte; the provider's deadline does not.
  TinyServer server(TinyServer::Mode::kTrickle, httpResponse(kScalar));
  const std::string address = "http://127.0.0.1:" + std::to_string(server.port());
  const auto start = std::chrono::steady_clock::now();
  providers::ProviderResult r = provider.measure(metric(address, 1));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.value.ok());
  EXPECT_EQ(r.value.status().message(), "Prometheus did not answer within 1s (" + address + ")");
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  server.stop();  // closes the connection, so the abandoned request ends now
}

TEST(PrometheusOverCpprest, ConnectionRefused) {
  // A port that was free a moment ago: nothing listens there.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  const std::string address = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  PrometheusProvider provider;
  providers::ProviderResult r = provider.measure(metric(address, 5));
  ASSERT_FALSE(r.value.ok());
  EXPECT_THAT(std::string(r.value.status().message()),
              StartsWith("cannot reach Prometheus at " + address + ": "));
  EXPECT_EQ(r.value.status().code(), absl::StatusCode::kUnavailable);
  std::cerr << "connection refused reads: " << r.value.status().message() << "\n";
}

}  // namespace
}  // namespace serin::analysis::prometheus
