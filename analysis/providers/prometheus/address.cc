#include "analysis/providers/prometheus/address.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "absl/strings/ascii.h"
#include "analysis/providers/body_excerpt.h"
#include "common/strings.h"

namespace serin::analysis::prometheus {

using providers::bodyExcerpt;

namespace {

constexpr std::string_view kField = "provider.prometheus.address";

absl::Status addressError(std::string_view address, std::string_view problem) {
  return absl::InvalidArgumentError(
      strCat(kField, " \"", bodyExcerpt(redactAddress(address)), "\" ", problem));
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes userinfo; nullopt on a malformed escape.
std::optional<std::string> percentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hexValue(s[i + 1]), lo = hexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// Characters allowed as they are in a path segment or a query (RFC 3986 pchar, plus '/'
// and '?' for the query). Anything else is percent-encoded, as Go's URL parser does.
bool allowedInUrl(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("-._~!$&'()*+,;=:@/?").find(c) != std::string_view::npos;
}

// Percent-encodes what may not appear in a URL, keeping valid escapes; nullopt on a
// malformed escape ("%zz"), which Go rejects too.
std::optional<std::string> encodeUrlPart(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || hexValue(s[i + 1]) < 0 || hexValue(s[i + 2]) < 0) {
        return std::nullopt;
      }
      out.append(s.substr(i, 3));
      i += 2;
    } else if (allowedInUrl(c)) {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    }
  }
  return out;
}

// Like Go's path.Clean of the prefix: no empty or "." segments, ".." removes its parent,
// no trailing slash. "" for the root.
std::string cleanPath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view seg = path.substr(start, end - start);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    start = end + 1;
  }
  std::string out;
  for (std::string_view seg : segments) strAppend(&out, "/", seg);
  return out;
}

bool validHostName(std::string_view host) {
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') {
      return false;
    }
  }
  return !host.empty();
}

bool validIpv6Literal(std::string_view inner) {
  for (char c : inner) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
  }
  return inner.find(':') != std::string_view::npos;
}

}  // namespace

std::string PrometheusAddress::baseUrl() const { return strCat(scheme, "://", host, ":", port); }

std::string PrometheusAddress::display() const {
  std::string out = strCat(scheme, "://", host);
  if (port_written) strAppend(&out, ":", port);
  out += path_prefix;
  return out;
}

std::string redactAddress(std::string_view address) {
  size_t start = address.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  size_t end = address.find_first_of("/?#", start);
  if (end == std::string_view::npos) end = address.size();
  const size_t at = address.substr(start, end - start).rfind('@');
  if (at == std::string_view::npos) return std::string(address);
  return strCat(address.substr(0, start), "***", address.substr(start + at));
}

absl::StatusOr<PrometheusAddress> parsePrometheusAddress(std::string_view raw) {
  // A YAML block scalar (`address: |`) leaves a newline behind; nothing else is trimmed.
  const std::string_view address = fromAbsl(absl::StripAsciiWhitespace(toAbsl(raw)));
  if (address.empty()) return absl::InvalidArgumentError(strCat(kField, " is empty"));
  for (char c : address) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b == 0x7F) {
      return addressError(address, "contains a space or a control character");
    }
  }
  PrometheusAddress out;
  const size_t scheme_end = address.find("://");
  if (scheme_end != std::string_view::npos) {
    out.scheme = absl::AsciiStrToLower(toAbsl(address.substr(0, scheme_end)));
  }
  if (out.scheme != "http" && out.scheme != "https") {
    return addressError(address, "must start with http:// or https://");
  }
  const std::string_view rest = address.substr(scheme_end + 3);
  const size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view hostport = rest.substr(0, authority_end);
  std::string_view tail = rest.substr(authority_end);

  if (const size_t at = hostport.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = hostport.substr(0, at);
    hostport = hostport.substr(at + 1);
    const size_t colon = userinfo.find(':');
    std::optional<std::string> user = percentDecode(userinfo.substr(0, colon));
    std::optional<std::string> pass =
        colon == std::string_view::npos ? std::string() : percentDecode(userinfo.substr(colon + 1));
    if (!user || !pass) return addressError(address, "has malformed credentials");
    out.credentials = PrometheusAddress::Credentials{std::move(*user), std::move(*pass)};
  }
  if (hostport.empty()) return addressError(address, "has no host");

  std::string_view host, port;
  bool has_port = false;
  if (hostport.front() == '[') {
    const size_t close = hostport.find(']');
    if (close == std::string_view::npos || !validIpv6Literal(hostport.substr(1, close - 1))) {
      return addressError(address, "has an invalid host");
    }
    host = hostport.substr(0, close + 1);
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty() && after.front() != ':') return addressError(address, "has an invalid host");
    has_port = !after.empty();
    if (has_port) port = after.substr(1);
  } else {
    const size_t colon = hostport.find(':');
    host = hostport.substr(0, colon);
    has_port = colon != std::string_view::npos;
    if (has_port) port = hostport.substr(colon + 1);
    if (!validHostName(host)) return addressError(address, "has an invalid host");
  }
  out.host = absl::AsciiStrToLower(toAbsl(host));

  out.port = out.scheme == "https" ? 443 : 80;
  if (has_port && !port.empty()) {  // "host:" means the default port, as in Go
    int value = 0;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || value > 65535) {
        return addressError(address, "has an invalid port");
      }
      value = value * 10 + (c - '0');
    }
    if (value < 1 || value > 65535) return addressError(address, "has an invalid port");
    out.port = value;
    out.port_written = true;
  }

  // The fragment is never sent; the path becomes the prefix of every API path.
  tail = tail.substr(0, std::min(tail.find('#'), tail.size()));
  const size_t query_start = std::min(tail.find('?'), tail.size());
  std::optional<std::string> path = encodeUrlPart(cleanPath(tail.substr(0, query_start)));
  std::optional<std::string> query =
      encodeUrlPart(query_start < tail.size() ? tail.substr(query_start + 1) : "");
  if (!path || !query) return addressError(address, "has a malformed %-escape");
  out.path_prefix = std::move(*path);
  out.query = std::move(*query);
  return out;
}

}  // namespace serin::analysis::prometheus
