// Reading `valueFrom.secretKeyRef` arguments from the Kubernetes API.
#ifndef SERIN_ANALYSIS_CONTROLLER_SECRET_LOOKUP_H_
#define SERIN_ANALYSIS_CONTROLLER_SECRET_LOOKUP_H_

#include <string>

#include "analysis/args.h"
#include "operator/kube/kube_client.h"

namespace serin::analysis {

// A SecretLookup that GETs the Secret from namespace `ns` on every call. Secrets are
// deliberately not cached: the controller keeps no secret value in memory longer than one
// measurement, and a rotated credential is used from the next measurement on. Errors say
// what is wrong with the Secret or key ("not found", "has no key", "is not valid base64")
// and never quote a value; resolveArgs prefixes them with the argument, Secret and key.
// The client must outlive the returned function.
SecretLookup kubeSecretLookup(kube::KubeClient& client, std::string ns);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_CONTROLLER_SECRET_LOOKUP_H_
