// HttpTransport over cpprestsdk (the HTTP library the project uses), with TLS from PEM
// data: server verification against a CA, client certificates, or no verification only
// when explicitly asked.
#ifndef SERIN_OPERATOR_KUBE_CPPREST_TRANSPORT_H_
#define SERIN_OPERATOR_KUBE_CPPREST_TRANSPORT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "operator/kube/config.h"
#include "operator/kube/http_transport.h"

namespace serin::kube {

// Sizes cpprestsdk's shared thread pool (40 threads by default). Call once, before the
// first transport is made; later calls do nothing.
void initHttpThreads(size_t threads);

// A transport for `base_url` ("https://host:port" or "http://host:port[/prefix]").
// InvalidArgument when the URL or the PEM data is malformed (the message names which).
absl::StatusOr<std::unique_ptr<HttpTransport>> makeCpprestTransport(const std::string& base_url,
                                                                    const TlsConfig& tls);

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_CPPREST_TRANSPORT_H_
