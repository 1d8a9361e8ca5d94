// HTTP transports for metric providers, one per server, so that measurements taken every
// minute against the same Prometheus reuse its connections instead of opening new ones.
#ifndef SERIN_ANALYSIS_PROVIDERS_TRANSPORT_CACHE_H_
#define SERIN_ANALYSIS_PROVIDERS_TRANSPORT_CACHE_H_

#include <cstddef>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "operator/kube/config.h"
#include "operator/kube/http_transport.h"

namespace serin::analysis::providers {

// Makes a transport bound to `base_url` ("scheme://host:port"). Tests inject fakes here.
using TransportFactory = std::function<absl::StatusOr<std::unique_ptr<kube::HttpTransport>>(
    const std::string& base_url, const kube::TlsConfig& tls)>;

// kube::makeCpprestTransport.
TransportFactory defaultTransportFactory();

// Thread-safe. Holds at most `capacity` transports; the least recently used one is dropped
// to make room (requests still running on it keep it alive until they end).
class TransportCache {
 public:
  explicit TransportCache(TransportFactory factory, size_t capacity = 64);

  // The transport for `base_url` (already normalized: lower-case scheme and host, explicit
  // port) with TLS verification against the system trust store, or none at all when
  // `insecure`. Errors are the factory's (InvalidArgument for a malformed URL).
  absl::StatusOr<std::shared_ptr<kube::HttpTransport>> get(const std::string& base_url,
                                                           bool insecure);

  size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<kube::HttpTransport> transport;
    std::list<std::string>::iterator use;  // position in `uses_`
  };

  const TransportFactory factory_;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
  std::list<std::string> uses_;  // keys, most recently used first
};

}  // namespace serin::analysis::providers

#endif  // SERIN_ANALYSIS_PROVIDERS_TRANSPORT_CACHE_H_
