#include <utility>  // before any cpprest header (C++20 pitfall)

#include "operator/kube/cpprest_transport.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <system_error>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cpprest/http_client.h>
#include <pplx/threadpool.h>

#include "common/strings.h"

namespace serin::kube {
namespace {

namespace http = web::http;
using http::client::http_client;
using http::client::http_client_config;

// Checks that `pem` holds what it claims, so a bad kubeconfig fails at start with a clear
// message instead of at the first TLS handshake.
absl::Status checkPem(const std::string& pem, bool is_key, std::string_view what) {
  if (pem.empty()) return absl::OkStatus();
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return absl::ResourceExhaustedError("out of memory reading PEM");
  bool ok;
  if (is_key) {
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    ok = key != nullptr;
    EVP_PKEY_free(key);
  } else {
    X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    ok = cert != nullptr;
    X509_free(cert);
  }
  BIO_free(bio);
  ERR_clear_error();
  if (!ok) return absl::InvalidArgumentError(strCat(what, " is not a valid PEM ",
                                                    is_key ? "private key" : "certificate"));
  return absl::OkStatus();
}

// holdsTheException: a failed request's task holds the exception it failed with, and
// task::get() rethrows that very object, which a cpprestsdk pool thread may release at any
// time. libstdc++ keeps a caught exception alive until its handler ends, but through a
// reference count in uninstrumented code, so ThreadSanitizer reports the pool thread's
// free as racing with errorFromException's reads. send() and stream() keep the task until
// the handler has returned: the last release then goes through the task's shared_ptr,
// which TSan sees.
absl::Status errorFromException(const std::exception& e) {
  if (const auto* he = dynamic_cast<const http::http_exception*>(&e)) {
    const std::error_code code = he->error_code();
    if (code == std::errc::timed_out) {
      return absl::DeadlineExceededError(strCat("no answer in time: ", he->what()));
    }
    return absl::UnavailableError(strCat("connection failed: ", he->what()));
  }
  return absl::UnavailableError(strCat("request failed: ", e.what()));
}

class CpprestTransport final : public HttpTransport {
 public:
  CpprestTransport(std::string base_url, TlsConfig tls)
      : base_url_(std::move(base_url)), tls_(std::move(tls)) {}

  absl::StatusOr<HttpResponse> send(const HttpRequest& request) override {
    pplx::cancellation_token_source cts;
    pplx::task<http::http_response> pending;  // see holdsTheException
    try {
      pending = clientFor(request.timeout).request(toMessage(request), cts.get_token());
      http::http_response response = pending.get();
      HttpResponse out = headersOf(response);
      readBody(response, out.body);
      return out;
    } catch (const pplx::task_canceled&) {
      return absl::CancelledError("request cancelled");
    } catch (const std::exception& e) {
      return errorFromException(e);
    }
  }

  absl::StatusOr<HttpResponse> stream(const HttpRequest& request, const LineHandler& on_line,
                                      CancelToken& cancel) override {
    pplx::cancellation_token_source cts;
    pplx::task<http::http_response> pending;  // see holdsTheException
    try {
      pending = clientFor(request.timeout).request(toMessage(request), cts.get_token());
      http::http_response response = pending.get();
      HttpResponse out = headersOf(response);
      if (out.status < 200 || out.status >= 300) {
        readBody(response, out.body);
        return out;
      }
      auto buf = response.body().streambuf();
      // Cancelling closes the body buffer, which wakes a reader blocked on it.
      cancel.onCancel([cts, buf]() mutable {
        cts.cancel();
        buf.close(std::ios_base::in).wait();
      });
      struct Unhook {
        CancelToken& token;
        ~Unhook() { token.clearHook(); }
      } unhook{cancel};
      using traits = concurrency::streams::streambuf<uint8_t>::traits;
      std::string pending;
      // Kept for the life of the stream (a watch: minutes), so modest: one TLS record.
      std::vector<uint8_t> chunk(16 * 1024);
      for (;;) {
        if (cancel.cancelled()) return absl::CancelledError("stream cancelled");
        // Wait for one byte, then take whatever else has already arrived.
        const auto first = buf.bumpc().get();
        if (first == traits::eof()) break;
        pending.push_back(static_cast<char>(first));
        const size_t avail = std::min(buf.in_avail(), chunk.size());
        if (avail > 0) {
          const size_t n = buf.getn(chunk.data(), avail).get();
          pending.append(reinterpret_cast<const char*>(chunk.data()), n);
        }
        size_t start = 0;
        for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
          std::string_view line(pending.data() + start, nl - start);
          if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
          if (line.empty()) continue;
          if (!on_line(line)) {
            cts.cancel();
            return out;
          }
        }
        pending.erase(0, start);
      }
      if (cancel.cancelled()) return absl::CancelledError("stream cancelled");
      if (!pending.empty()) on_line(pending);
      return out;
    } catch (const pplx::task_canceled&) {
      return absl::CancelledError("stream cancelled");
    } catch (const std::exception& e) {
      if (cancel.cancelled()) return absl::CancelledError("stream cancelled");
      return errorFromException(e);
    }
  }

 private:
  http_client& clientFor(absl::Duration timeout) {
    // One http_client (with its own pool of TLS connections) per timeout. Watches ask for
    // randomized timeouts, so above a minute they are rounded up to whole minutes: a handful
    // of clients instead of a new one for every watch ever made.
    int64_t seconds = std::max<int64_t>(1, absl::ToInt64Seconds(timeout));
    if (seconds > 60) seconds = (seconds + 59) / 60 * 60;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = clients_.find(seconds);
    if (it != clients_.end()) return *it->second;
    http_client_config config;
    config.set_timeout(std::chrono::seconds(seconds));
    config.set_validate_certificates(!tls_.insecure_skip_verify);
    config.set_max_redirects(0);
    const TlsConfig tls = tls_;
    config.set_ssl_context_callback([tls](boost::asio::ssl::context& ctx) {
      // A watch's connection idles between events: give its TLS buffers back meanwhile.
      SSL_CTX_set_mode(ctx.native_handle(), SSL_MODE_RELEASE_BUFFERS);
      if (!tls.ca_pem.empty()) {
        // cpprestsdk has already loaded the system's trust store into this connection's
        // context: about 1 MB of parsed certificates held for as long as the connection
        // lives. A configured CA is the only one to trust (as kubectl does), so it replaces
        // that store.
        SSL_CTX_set_cert_store(ctx.native_handle(), X509_STORE_new());
        ctx.add_certificate_authority(boost::asio::buffer(tls.ca_pem.data(), tls.ca_pem.size()));
      }
      if (!tls.client_cert_pem.empty()) {
        ctx.use_certificate_chain(
            boost::asio::buffer(tls.client_cert_pem.data(), tls.client_cert_pem.size()));
        ctx.use_private_key(
            boost::asio::buffer(tls.client_key_pem.data(), tls.client_key_pem.size()),
            boost::asio::ssl::context::pem);
      }
    });
    auto client = std::make_unique<http_client>(web::uri(base_url_), config);
    return *clients_.emplace(seconds, std::move(client)).first->second;
  }

  static http::http_request toMessage(const HttpRequest& request) {
    http::http_request msg(request.method);
    msg.set_request_uri(request.target);
    std::string content_type;
    for (const auto& [name, value] : request.headers) {
      if (name == "Content-Type") {
        content_type = value;
      } else {
        msg.headers().add(name, value);
      }
    }
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
      msg.set_body(request.body, content_type.empty() ? "application/json" : content_type);
    }
    return msg;
  }

  // Waits for the whole body and copies it once, straight into `body` (extract_vector()
  // would make a vector first: a third copy of a list page at the peak of a relist).
  static void readBody(const http::http_response& response, std::string& body) {
    http::http_response ready = response.content_ready().get();
    concurrency::streams::istream stream = ready.body();
    if (!stream.is_valid()) return;
    auto buf = stream.streambuf();
    body.resize(static_cast<size_t>(buf.in_avail()));
    if (!body.empty()) {
      const size_t n = buf.getn(reinterpret_cast<uint8_t*>(body.data()), body.size()).get();
      body.resize(n);
    }
  }

  static HttpResponse headersOf(const http::http_response& response) {
    HttpResponse out;
    out.status = response.status_code();
    for (const auto& [name, value] : response.headers()) {
      std::string key = name;
      std::transform(key.begin(), key.end(), key.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      out.headers[key] = value;
    }
    return out;
  }

  const std::string base_url_;
  const TlsConfig tls_;
  std::mutex mu_;
  std::map<int64_t, std::unique_ptr<http_client>> clients_;
};

}  // namespace

void initHttpThreads(size_t threads) {
  static std::once_flag once;
  std::call_once(once, [threads] { crossplat::threadpool::initialize_with_threads(threads); });
}

absl::StatusOr<std::unique_ptr<HttpTransport>> makeCpprestTransport(const std::string& base_url,
                                                                    const TlsConfig& tls) {
  if (base_url.rfind("https://", 0) != 0 && base_url.rfind("http://", 0) != 0) {
    return absl::InvalidArgumentError(strCat("\"", base_url, "\" is not an http(s) URL"));
  }
  if (!web::uri::validate(base_url)) {
    return absl::InvalidArgumentError(strCat("\"", base_url, "\" is not a valid URL"));
  }
  if (!tls.server_name.empty()) {
    return absl::InvalidArgumentError("tls-server-name is not supported");
  }
  if (tls.client_cert_pem.empty() != tls.client_key_pem.empty()) {
    return absl::InvalidArgumentError("a client certificate needs both certificate and key");
  }
  if (auto s = checkPem(tls.ca_pem, false, "the certificate authority"); !s.ok()) return s;
  if (auto s = checkPem(tls.client_cert_pem, false, "the client certificate"); !s.ok()) return s;
  if (auto s = checkPem(tls.client_key_pem, true, "the client key"); !s.ok()) return s;
  return std::unique_ptr<HttpTransport>(new CpprestTransport(base_url, tls));
}

}  // namespace serin::kube
