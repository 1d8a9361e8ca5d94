#include "analysis/providers/prometheus/prometheus_provider.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "analysis/providers/prometheus/address.h"
#include "analysis/providers/prometheus/query_request.h"
#include "analysis/providers/prometheus/response.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace serin::analysis::prometheus {
namespace {

constexpr std::string_view kRedacted = "<redacted>";
// Shorter values are not secrets worth hiding, and replacing them would garble messages.
constexpr size_t kMinSecretLength = 4;

// Texts that must not leave the provider: every header value (and the credentials part of
// "Bearer xyz"/"Basic xyz"), and the password in the address. Our own messages never
// include them; this catches a server that echoes them back in an error page.
std::vector<std::string> secretsOf(const PrometheusMetric& metric, std::string_view address) {
  std::vector<std::string> secrets;
  const auto add = [&](std::string_view s) {
    s = fromAbsl(absl::StripAsciiWhitespace(toAbsl(s)));
    if (s.size() >= kMinSecretLength) secrets.emplace_back(s);
  };
  for (const Header& h : metric.headers) {
    add(h.value);
    if (const size_t space = h.value.find(' '); space != std::string::npos) {
      add(std::string_view(h.value).substr(space + 1));
    }
  }
  if (absl::StatusOr<PrometheusAddress> a = parsePrometheusAddress(address);
      a.ok() && a->credentials) {
    add(a->credentials->password);
  }
  // Longest first, so a value is not left half-replaced by a secret inside it.
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return secrets;
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (text.find(secret) == std::string::npos) continue;
    text = absl::StrReplaceAll(text, {{toAbsl(secret), toAbsl(kRedacted)}});
  }
  return text;
}

// The transport's failure, in terms of the server the user named.
absl::Status transportError(const absl::Status& status, const PrometheusAddress& address,
                            int64_t timeout_seconds) {
  const std::string where = address.display();
  const std::string_view reason = fromAbsl(status.message());
  switch (status.code()) {
    case absl::StatusCode::kDeadlineExceeded:
      return absl::DeadlineExceededError(
          strCat("Prometheus did not answer within ", timeout_seconds, "s (", where, ")"));
    case absl::StatusCode::kResourceExhausted:
      return absl::ResourceExhaustedError(
          strCat("too many requests to Prometheus at ", where, " are still running: ", reason));
    case absl::StatusCode::kUnavailable: {
      std::string msg = strCat("cannot reach Prometheus at ", where, ": ", reason);
      const std::string lower = absl::AsciiStrToLower(toAbsl(reason));
      if (address.scheme == "https" &&
          (absl::StrContains(lower, "certificate") || absl::StrContains(lower, "handshake"))) {
        msg += " (does it serve https, with a certificate from a CA in the system trust store?)";
      }
      return absl::UnavailableError(msg);
    }
    default:
      return absl::Status(status.code(),
                          strCat("request to Prometheus at ", where, " failed: ", reason));
  }
}

absl::StatusOr<int64_t> timeoutSecondsOf(const PrometheusMetric& metric) {
  const int64_t seconds = metric.timeoutSeconds.value_or(kDefaultPrometheusTimeoutSeconds);
  if (seconds < 1) {
    return absl::InvalidArgumentError(
        strCat("provider.prometheus.timeout must be at least 1 second (got ", seconds, ")"));
  }
  if (seconds > kMaxPrometheusTimeoutSeconds) {
    return absl::InvalidArgumentError(strCat("provider.prometheus.timeout must be at most ",
                                             kMaxPrometheusTimeoutSeconds, " seconds (got ",
                                             seconds, ")"));
  }
  return seconds;
}

}  // namespace

PrometheusProvider::PrometheusProvider(PrometheusProviderOptions options)
    : default_address_(std::move(options.default_address)),
      transports_(std::move(options.transport_factory), options.max_transports),
      sender_(options.max_running_requests) {}

providers::ProviderResult PrometheusProvider::measure(const ResolvedMetric& metric) {
  const PrometheusMetric& prom = metric.prometheus;
  const std::string_view address = prom.address.empty() ? default_address_ : prom.address;
  const std::vector<std::string> secrets = secretsOf(prom, address);
  providers::ProviderResult out;
  out.value = query(prom);
  if (!out.value.ok()) {
    const absl::Status& s = out.value.status();
    out.value = absl::Status(s.code(), redact(std::string(fromAbsl(s.message())), secrets));
  }
  if (!prom.query.empty()) {
    out.metadata[std::string(kResolvedQueryKey)] = redact(prom.query, secrets);
  }
  return out;
}

absl::StatusOr<expr::Value> PrometheusProvider::query(const PrometheusMetric& metric) {
  const bool from_default = metric.address.empty();
  const std::string_view raw = from_default ? default_address_ : metric.address;
  if (absl::StripAsciiWhitespace(toAbsl(raw)).empty()) {
    return absl::InvalidArgumentError("no Prometheus address: set provider.prometheus.address");
  }
  absl::StatusOr<PrometheusAddress> address = parsePrometheusAddress(raw);
  if (!address.ok()) {
    if (!from_default) return address.status();
    return absl::InvalidArgumentError(strCat("the controller's default Prometheus address is ",
                                             "invalid: ", fromAbsl(address.status().message())));
  }
  if (metric.query.empty()) return absl::InvalidArgumentError("provider.prometheus.query is empty");
  ASSIGN_OR_RETURN(const int64_t timeout_seconds, timeoutSecondsOf(metric));
  ASSIGN_OR_RETURN(kube::HttpRequest request,
                   buildQueryRequest(*address, metric.query, timeout_seconds, metric.headers));

  // insecure only means something for https; http servers share one transport either way.
  const bool insecure = metric.insecure && address->scheme == "https";
  absl::StatusOr<std::shared_ptr<kube::HttpTransport>> transport =
      transports_.get(address->baseUrl(), insecure);
  if (!transport.ok()) {
    return absl::InvalidArgumentError(strCat("invalid Prometheus address ", address->display(),
                                             ": ", fromAbsl(transport.status().message())));
  }
  absl::StatusOr<kube::HttpResponse> response =
      sender_.send(*std::move(transport), std::move(request), absl::Seconds(timeout_seconds));
  if (!response.ok()) return transportError(response.status(), *address, timeout_seconds);
  return parsePrometheusResponse(response->status, response->body);
}

}  // namespace serin::analysis::prometheus
