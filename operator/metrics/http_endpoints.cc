#include <utility>  // before any cpprest header (C++20 pitfall)

#include "operator/metrics/http_endpoints.h"

#include <algorithm>

#include <cpprest/http_listener.h>

#include "common/strings.h"

namespace serin::metrics {
namespace {

namespace http = web::http;

class CpprestEndpoints final : public HttpEndpoints {
 public:
  CpprestEndpoints(const std::string& url, std::vector<std::string> paths, EndpointHandlers handlers)
      : listener_(web::uri(url)), paths_(std::move(paths)), handlers_(std::move(handlers)) {
    listener_.support(http::methods::GET, [this](http::http_request request) { serve(request); });
  }
  ~CpprestEndpoints() override { stop(); }

  absl::Status open() {
    try {
      listener_.open().wait();
      open_ = true;
      return absl::OkStatus();
    } catch (const std::exception& e) {
      return absl::UnavailableError(strCat("cannot listen on ", listener_.uri().to_string(), ": ", e.what()));
    }
  }

  void stop() override {
    if (!open_) return;
    open_ = false;
    try {
      listener_.close().wait();
    } catch (const std::exception&) {
    }
  }

 private:
  void serve(http::http_request& request) {
    const std::string path = request.relative_uri().path();
    auto reply = [&](http::status_code code, const std::string& body, const std::string& type) {
      request.reply(code, body, type).then([](pplx::task<void> t) {
        try {
          t.get();
        } catch (const std::exception&) {  // the client went away
        }
      });
    };
    if (std::find(paths_.begin(), paths_.end(), path) == paths_.end()) {
      reply(http::status_codes::NotFound, "not found\n", "text/plain");
    } else if (path == "/metrics") {
      reply(http::status_codes::OK, handlers_.metrics ? handlers_.metrics() : "",
            "text/plain; version=0.0.4; charset=utf-8");
    } else {
      const bool ok = path == "/healthz" ? (!handlers_.healthy || handlers_.healthy())
                                         : (!handlers_.ready || handlers_.ready());
      reply(ok ? http::status_codes::OK : http::status_codes::ServiceUnavailable, ok ? "ok\n" : "not ready\n",
            "text/plain");
    }
  }

  http::experimental::listener::http_listener listener_;
  std::vector<std::string> paths_;
  EndpointHandlers handlers_;
  bool open_ = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<HttpEndpoints>> HttpEndpoints::start(const std::string& address,
                                                                     std::vector<std::string> paths,
                                                                     EndpointHandlers handlers) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 >= address.size()) {
    return absl::InvalidArgumentError(strCat("address \"", address, "\" is not host:port"));
  }
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (!std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      port.size() > 5 || std::stoi(port) > 65535) {
    return absl::InvalidArgumentError(strCat("address \"", address, "\": bad port"));
  }
  if (host.empty()) host = "0.0.0.0";
  const std::string url = strCat("http://", host, ":", port, "/");
  if (!web::uri::validate(url)) return absl::InvalidArgumentError(strCat("address \"", address, "\" is invalid"));
  auto endpoints = std::make_unique<CpprestEndpoints>(url, std::move(paths), std::move(handlers));
  if (absl::Status s = endpoints->open(); !s.ok()) return s;
  return std::unique_ptr<HttpEndpoints>(std::move(endpoints));
}

}  // namespace serin::metrics
