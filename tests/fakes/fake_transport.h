// A scripted HttpTransport: tests decide each answer, and see every request sent.
#ifndef SERIN_TESTS_FAKES_FAKE_TRANSPORT_H_
#define SERIN_TESTS_FAKES_FAKE_TRANSPORT_H_

#include <functional>
#include <mutex>
#include <vector>

#include "operator/kube/http_transport.h"

namespace serin::testing {

class FakeTransport final : public kube::HttpTransport {
 public:
  using SendHandler = std::function<absl::StatusOr<kube::HttpResponse>(const kube::HttpRequest&)>;
  using StreamHandler = std::function<absl::StatusOr<kube::HttpResponse>(
      const kube::HttpRequest&, const kube::LineHandler&, kube::CancelToken&)>;

  void onSend(SendHandler h) {
    std::lock_guard<std::mutex> lock(mu_);
    send_ = std::move(h);
  }
  void onStream(StreamHandler h) {
    std::lock_guard<std::mutex> lock(mu_);
    stream_ = std::move(h);
  }
  std::vector<kube::HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  absl::StatusOr<kube::HttpResponse> send(const kube::HttpRequest& request) override {
    SendHandler h;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request);
      h = send_;
    }
    if (!h) return absl::UnavailableError("no handler");
    return h(request);
  }

  absl::StatusOr<kube::HttpResponse> stream(const kube::HttpRequest& request,
                                            const kube::LineHandler& on_line,
                                            kube::CancelToken& cancel) override {
    StreamHandler h;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request);
      h = stream_;
    }
    if (!h) return absl::UnavailableError("no handler");
    return h(request, on_line, cancel);
  }

 private:
  mutable std::mutex mu_;
  SendHandler send_;
  StreamHandler stream_;
  std::vector<kube::HttpRequest> requests_;
};

inline kube::HttpResponse jsonResponse(int status, const std::string& body) {
  kube::HttpResponse r;
  r.status = status;
  r.body = body;
  return r;
}

}  // namespace serin::testing

#endif  // SERIN_TESTS_FAKES_FAKE_TRANSPORT_H_
