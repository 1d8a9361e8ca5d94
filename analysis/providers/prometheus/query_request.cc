#include "analysis/providers/prometheus/query_request.h"

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "analysis/providers/body_excerpt.h"
#include "common/strings.h"

namespace serin::analysis::prometheus {

using providers::bodyExcerpt;

namespace {

// RFC 7230 token characters: what a header name may be made of.
bool isTokenChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

absl::Status checkHeader(const Header& header, size_t index) {
  const std::string where = strCat("provider.prometheus.headers[", index, "]");
  if (header.key.empty()) return absl::InvalidArgumentError(strCat(where, ": the key is empty"));
  for (char c : header.key) {
    if (!isTokenChar(c)) {
      // The name is not a secret; quote it bounded, in case it is long.
      return absl::InvalidArgumentError(
          strCat(where, ": \"", bodyExcerpt(header.key, 64), "\" is not a valid header name"));
    }
  }
  for (char c : header.value) {
    if (c == '\r' || c == '\n') {
      return absl::InvalidArgumentError(
          strCat(where, " (\"", header.key, "\"): the value contains a line break"));
    }
    if (c == '\0') {
      return absl::InvalidArgumentError(
          strCat(where, " (\"", header.key, "\"): the value contains a NUL character"));
    }
  }
  return absl::OkStatus();
}

bool hasHeader(const std::vector<Header>& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (absl::EqualsIgnoreCase(toAbsl(h.key), toAbsl(name))) return true;
  }
  return false;
}

}  // namespace

std::string urlEncodeComponent(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 2);
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (std::isalnum(b) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    }
  }
  return out;
}

absl::StatusOr<kube::HttpRequest> buildQueryRequest(const PrometheusAddress& address,
                                                    std::string_view query, int64_t timeout_seconds,
                                                    const std::vector<Header>& headers) {
  kube::HttpRequest request;
  request.method = "GET";
  request.target = strCat(address.path_prefix, "/api/v1/query?");
  if (!address.query.empty()) strAppend(&request.target, address.query, "&");
  strAppend(&request.target, "query=", urlEncodeComponent(query), "&timeout=", timeout_seconds,
            "s");
  request.timeout = absl::Seconds(timeout_seconds);
  for (size_t i = 0; i < headers.size(); ++i) {
    if (absl::Status s = checkHeader(headers[i], i); !s.ok()) return s;
    request.headers.emplace_back(headers[i].key, headers[i].value);
  }
  // Go's HTTP client sends the address's userinfo as basic auth unless the request already
  // has an Authorization header; users moving from Argo Rollouts rely on it.
  if (address.credentials && !hasHeader(headers, "Authorization")) {
    const std::string pair =
        strCat(address.credentials->username, ":", address.credentials->password);
    request.headers.emplace_back("Authorization", strCat("Basic ", absl::Base64Escape(pair)));
  }
  return request;
}

}  // namespace serin::analysis::prometheus
