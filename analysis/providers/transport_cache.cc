#include "analysis/providers/transport_cache.h"

#include <utility>

#include "operator/kube/cpprest_transport.h"

namespace serin::analysis::providers {

TransportFactory defaultTransportFactory() {
  return [](const std::string& base_url, const kube::TlsConfig& tls) {
    return kube::makeCpprestTransport(base_url, tls);
  };
}

TransportCache::TransportCache(TransportFactory factory, size_t capacity)
    : factory_(factory ? std::move(factory) : defaultTransportFactory()),
      capacity_(capacity == 0 ? 1 : capacity) {}

absl::StatusOr<std::shared_ptr<kube::HttpTransport>> TransportCache::get(
    const std::string& base_url, bool insecure) {
  std::string key = base_url;
  if (insecure) key += " insecure";  // a space cannot occur in a URL
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = entries_.find(key); it != entries_.end()) {
    uses_.splice(uses_.begin(), uses_, it->second.use);
    return it->second.transport;
  }
  kube::TlsConfig tls;
  tls.insecure_skip_verify = insecure;
  // Made under the lock: making a transport opens no connection, and two threads asking
  // for the same new server must not each make one.
  absl::StatusOr<std::unique_ptr<kube::HttpTransport>> made = factory_(base_url, tls);
  if (!made.ok()) return made.status();
  if (*made == nullptr) return absl::InternalError("the transport factory returned nothing");
  std::shared_ptr<kube::HttpTransport> transport = std::move(*made);
  if (entries_.size() >= capacity_) {
    entries_.erase(uses_.back());
    uses_.pop_back();
  }
  uses_.push_front(key);
  entries_.emplace(std::move(key), Entry{transport, uses_.begin()});
  return transport;
}

size_t TransportCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace serin::analysis::providers
