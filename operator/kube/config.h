// Where the API server is and how to authenticate to it: from a kubeconfig file or from
// the pod's service account (in-cluster).
#ifndef SERIN_OPERATOR_KUBE_CONFIG_H_
#define SERIN_OPERATOR_KUBE_CONFIG_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace serin::kube {

struct TlsConfig {
  std::string ca_pem;           // empty: the system's trust store
  std::string client_cert_pem;  // empty: no client certificate
  std::string client_key_pem;
  bool insecure_skip_verify = false;  // only when the kubeconfig says so explicitly
  std::string server_name;            // overrides the name checked in the server certificate
};

struct ClusterConfig {
  std::string server;  // e.g. "https://127.0.0.1:6443", no trailing slash
  TlsConfig tls;
  std::string bearer_token;  // static token, or the last one read from token_file
  std::string token_file;    // re-read on rotation (service-account tokens); empty: none
  std::string source;        // where this came from, for messages: "kubeconfig /x (context c)"
};

// Reads the token of `config` again if it comes from a file (service-account tokens are
// rotated by the kubelet). Returns the current token; on a read error keeps the old one.
std::string currentBearerToken(ClusterConfig& config);

// Loads `path` (a kubeconfig YAML or JSON file) using `context` or, when empty, the file's
// current-context. Relative certificate/key/CA/token paths are taken relative to the file.
// Errors are InvalidArgument / NotFound naming the file and the field, e.g.
//   kubeconfig /home/a/.kube/config: users[0].user.client-certificate: cannot read
//   "/missing.crt": No such file or directory
absl::StatusOr<ClusterConfig> loadKubeconfig(std::string_view path, std::string_view context = "");

// Reads a file a kubeconfig names (certificate, key, CA, token): its contents, or NotFound
// with a message naming the path and the reason.
using KubeconfigFileReader = std::function<absl::StatusOr<std::string>(const std::string& path)>;

// loadKubeconfig on text already in memory: `file` is the name used in messages and the
// directory relative paths are resolved against; `read_file` reads the files the text
// names (null: the file system). Never throws, whatever `text` holds.
absl::StatusOr<ClusterConfig> parseKubeconfig(std::string_view text, std::string_view file,
                                              std::string_view context = "",
                                              const KubeconfigFileReader& read_file = nullptr);

// Environment and files of a pod: KUBERNETES_SERVICE_HOST/PORT and the service-account
// directory (default /var/run/secrets/kubernetes.io/serviceaccount). NotFound when not
// running in a cluster.
struct InClusterEnv {
  std::function<std::optional<std::string>(std::string_view)> getenv;
  std::string service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
};
InClusterEnv processInClusterEnv();
absl::StatusOr<ClusterConfig> loadInCluster(const InClusterEnv& env);

// The usual order: an explicit kubeconfig path; else $KUBECONFIG (first file of the
// list); else in-cluster; else ~/.kube/config.
absl::StatusOr<ClusterConfig> loadClusterConfig(std::string_view kubeconfig_flag,
                                                std::string_view context_flag,
                                                const InClusterEnv& env);

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_CONFIG_H_
