#include "operator/kube/config.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "yaml-cpp/yaml.h"

namespace serin::kube {
namespace {

absl::StatusOr<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(strCat("cannot read \"", path, "\": ", std::strerror(errno)));
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string dirOf(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? "." : std::string(path.substr(0, slash));
}

std::string resolvePath(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  return base_dir + "/" + path;
}

// Reads a kubeconfig mapping field as a string; absent or null gives "".
class Fields {
 public:
  Fields(const YAML::Node& node, std::string path, std::string file,
         const KubeconfigFileReader& read_file)
      : node_(node), path_(std::move(path)), file_(std::move(file)), read_file_(read_file) {}

  absl::Status error(std::string_view field, std::string_view what) const {
    return absl::InvalidArgumentError(
        strCat("kubeconfig ", file_, ": ", path_, ".", field, ": ", what));
  }

  absl::StatusOr<std::string> str(std::string_view field) const {
    const YAML::Node v = node_[std::string(field)];
    if (!v || v.IsNull()) return std::string();
    if (!v.IsScalar()) return error(field, "must be a string");
    return v.as<std::string>();
  }

  absl::StatusOr<bool> boolean(std::string_view field) const {
    const YAML::Node v = node_[std::string(field)];
    if (!v || v.IsNull()) return false;
    const std::string s = v.IsScalar() ? v.as<std::string>() : "";
    if (s == "true") return true;
    if (s == "false") return false;
    return error(field, strCat("must be true or false, not \"", s, "\""));
  }

  bool has(std::string_view field) const {
    const YAML::Node v = node_[std::string(field)];
    return v && !v.IsNull();
  }

  // PEM data from `<field>-data` (base64) or `<field>` (a file path).
  absl::StatusOr<std::string> pem(std::string_view field, const std::string& base_dir) const {
    ASSIGN_OR_RETURN(std::string data, str(strCat(field, "-data")));
    if (!data.empty()) {
      std::string decoded;
      if (!absl::Base64Unescape(data, &decoded)) {
        return error(strCat(field, "-data"), "is not valid base64");
      }
      if (decoded.find("-----BEGIN") == std::string::npos) {
        return error(strCat(field, "-data"), "does not hold PEM data");
      }
      return decoded;
    }
    ASSIGN_OR_RETURN(std::string file, str(field));
    if (file.empty()) return std::string();
    auto content = read_file_(resolvePath(base_dir, file));
    if (!content.ok()) return error(field, fromAbsl(content.status().message()));
    if (content->find("-----BEGIN") == std::string::npos) {
      return error(field, strCat("\"", file, "\" does not hold PEM data"));
    }
    return *content;
  }

 private:
  YAML::Node node_;
  std::string path_;
  std::string file_;
  const KubeconfigFileReader& read_file_;
};

// Finds the entry named `name` in a kubeconfig list (clusters, users, contexts).
absl::StatusOr<std::pair<YAML::Node, std::string>> findNamed(const YAML::Node& root,
                                                             const std::string& list,
                                                             const std::string& inner,
                                                             const std::string& name,
                                                             const std::string& file) {
  const YAML::Node items = root[list];
  if (items && !items.IsNull() && !items.IsSequence()) {
    return absl::InvalidArgumentError(strCat("kubeconfig ", file, ": ", list, " must be a list"));
  }
  if (items) {
    for (size_t i = 0; i < items.size(); ++i) {
      const YAML::Node item = items[i];
      if (!item.IsMap()) continue;
      const YAML::Node n = item["name"];
      if (n && n.IsScalar() && n.as<std::string>() == name) {
        const YAML::Node body = item[inner];
        if (!body || !body.IsMap()) {
          return absl::InvalidArgumentError(strCat("kubeconfig ", file, ": ", list, "[", i, "].",
                                                   inner, " is missing or not a mapping"));
        }
        return std::make_pair(body, strCat(list, "[", i, "].", inner));
      }
    }
  }
  return absl::InvalidArgumentError(
      strCat("kubeconfig ", file, ": ", list, " has no entry named \"", name, "\""));
}

absl::StatusOr<ClusterConfig> configFromYaml(const YAML::Node& root, const std::string& file,
                                             std::string_view context_override,
                                             const KubeconfigFileReader& read_file) {
  if (!root.IsMap()) {
    return absl::InvalidArgumentError(strCat("kubeconfig ", file, ": not a mapping"));
  }
  const std::string base_dir = dirOf(file);
  Fields top(root, "", file, read_file);
  std::string context_name(context_override);
  if (context_name.empty()) {
    ASSIGN_OR_RETURN(context_name, top.str("current-context"));
    if (context_name.empty()) {
      return absl::InvalidArgumentError(
          strCat("kubeconfig ", file, ": current-context is not set and no context was given"));
    }
  }
  ASSIGN_OR_RETURN(auto ctx, findNamed(root, "contexts", "context", context_name, file));
  Fields context(ctx.first, ctx.second, file, read_file);
  ASSIGN_OR_RETURN(std::string cluster_name, context.str("cluster"));
  ASSIGN_OR_RETURN(std::string user_name, context.str("user"));
  if (cluster_name.empty()) return context.error("cluster", "is empty");

  ClusterConfig config;
  config.source = strCat("kubeconfig ", file, " (context ", context_name, ")");

  ASSIGN_OR_RETURN(auto cl, findNamed(root, "clusters", "cluster", cluster_name, file));
  Fields cluster(cl.first, cl.second, file, read_file);
  ASSIGN_OR_RETURN(config.server, cluster.str("server"));
  if (config.server.empty()) return cluster.error("server", "is empty");
  if (config.server.rfind("https://", 0) != 0 && config.server.rfind("http://", 0) != 0) {
    return cluster.error("server", strCat("\"", config.server, "\" is not an http(s) URL"));
  }
  while (!config.server.empty() && config.server.back() == '/') config.server.pop_back();
  ASSIGN_OR_RETURN(config.tls.ca_pem, cluster.pem("certificate-authority", base_dir));
  ASSIGN_OR_RETURN(config.tls.insecure_skip_verify, cluster.boolean("insecure-skip-tls-verify"));
  ASSIGN_OR_RETURN(config.tls.server_name, cluster.str("tls-server-name"));
  if (cluster.has("proxy-url")) return cluster.error("proxy-url", "proxies are not supported");

  if (!user_name.empty()) {
    ASSIGN_OR_RETURN(auto us, findNamed(root, "users", "user", user_name, file));
    Fields user(us.first, us.second, file, read_file);
    for (const char* unsupported : {"exec", "auth-provider", "username", "password"}) {
      if (user.has(unsupported)) {
        return user.error(unsupported, "is not supported; use a client certificate or a token");
      }
    }
    ASSIGN_OR_RETURN(config.tls.client_cert_pem, user.pem("client-certificate", base_dir));
    ASSIGN_OR_RETURN(config.tls.client_key_pem, user.pem("client-key", base_dir));
    if (config.tls.client_cert_pem.empty() != config.tls.client_key_pem.empty()) {
      return user.error(config.tls.client_cert_pem.empty() ? "client-certificate" : "client-key",
                        "is missing: a client certificate needs both certificate and key");
    }
    ASSIGN_OR_RETURN(config.bearer_token, user.str("token"));
    ASSIGN_OR_RETURN(std::string token_file, user.str("tokenFile"));
    if (config.bearer_token.empty() && !token_file.empty()) {
      config.token_file = resolvePath(base_dir, token_file);
      auto token = read_file(config.token_file);
      if (!token.ok()) return user.error("tokenFile", fromAbsl(token.status().message()));
      config.bearer_token = std::string(absl::StripAsciiWhitespace(*token));
    }
  }
  return config;
}

}  // namespace

std::string currentBearerToken(ClusterConfig& config) {
  if (!config.token_file.empty()) {
    auto token = readFile(config.token_file);
    if (token.ok()) {
      std::string stripped(absl::StripAsciiWhitespace(*token));
      if (!stripped.empty()) config.bearer_token = std::move(stripped);
    }
  }
  return config.bearer_token;
}

absl::StatusOr<ClusterConfig> loadKubeconfig(std::string_view path, std::string_view context) {
  auto text = readFile(std::string(path));
  if (!text.ok()) {
    return absl::Status(text.status().code(), strCat("kubeconfig: ", text.status().message()));
  }
  return parseKubeconfig(*text, path, context);
}

absl::StatusOr<ClusterConfig> parseKubeconfig(std::string_view text, std::string_view file_name,
                                              std::string_view context,
                                              const KubeconfigFileReader& read_file) {
  const std::string file(file_name);
  const KubeconfigFileReader reader = read_file ? read_file : KubeconfigFileReader(readFile);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        strCat("kubeconfig ", file, ": not valid YAML: line ", e.mark.line + 1, ", column ",
               e.mark.column + 1, ": ", e.msg));
  }
  try {
    return configFromYaml(root, file, context, reader);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(strCat("kubeconfig ", file, ": ", e.what()));
  }
}

InClusterEnv processInClusterEnv() {
  InClusterEnv env;
  env.getenv = [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  return env;
}

absl::StatusOr<ClusterConfig> loadInCluster(const InClusterEnv& env) {
  const auto host = env.getenv("KUBERNETES_SERVICE_HOST");
  const auto port = env.getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !port || host->empty() || port->empty()) {
    return absl::NotFoundError(
        "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
  }
  ClusterConfig config;
  const bool ipv6 = host->find(':') != std::string::npos;
  config.server = strCat("https://", ipv6 ? "[" : "", *host, ipv6 ? "]" : "", ":", *port);
  config.source = strCat("in-cluster service account ", env.service_account_dir);
  config.token_file = env.service_account_dir + "/token";
  auto token = readFile(config.token_file);
  if (!token.ok()) {
    return absl::NotFoundError(strCat("in-cluster: service-account token: ", token.status().message()));
  }
  config.bearer_token = std::string(absl::StripAsciiWhitespace(*token));
  auto ca = readFile(env.service_account_dir + "/ca.crt");
  if (!ca.ok()) {
    return absl::NotFoundError(strCat("in-cluster: service-account CA: ", ca.status().message()));
  }
  config.tls.ca_pem = std::move(*ca);
  return config;
}

absl::StatusOr<ClusterConfig> loadClusterConfig(std::string_view kubeconfig_flag,
                                                std::string_view context_flag,
                                                const InClusterEnv& env) {
  if (!kubeconfig_flag.empty()) return loadKubeconfig(kubeconfig_flag, context_flag);
  if (auto list = env.getenv("KUBECONFIG"); list && !list->empty()) {
    const std::string first = list->substr(0, list->find(':'));
    return loadKubeconfig(first, context_flag);
  }
  auto in_cluster = loadInCluster(env);
  if (in_cluster.ok() || !absl::IsNotFound(in_cluster.status()) ||
      env.getenv("KUBERNETES_SERVICE_HOST").has_value()) {
    return in_cluster;
  }
  const auto home = env.getenv("HOME");
  if (!home) {
    return absl::NotFoundError("no kubeconfig: give --kubeconfig, set KUBECONFIG or run in a cluster");
  }
  return loadKubeconfig(*home + "/.kube/config", context_flag);
}

}  // namespace serin::kube
