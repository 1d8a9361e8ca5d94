#include "operator/kube/resource.h"

#include <cctype>

namespace serin::kube {

std::string Resource::basePath() const {
  return group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
}

std::string Resource::collectionPath(std::string_view ns) const {
  std::string path = basePath();
  if (namespaced && !ns.empty()) {
    path += "/namespaces/";
    path += ns;
  }
  path += "/";
  path += plural;
  return path;
}

std::string Resource::objectPath(std::string_view ns, std::string_view name,
                                 std::string_view subresource) const {
  std::string path = collectionPath(ns);
  path += "/";
  path += name;
  if (!subresource.empty()) {
    path += "/";
    path += subresource;
  }
  return path;
}

namespace resources {
Resource pods() { return {"", "v1", "pods", "Pod", true}; }
Resource services() { return {"", "v1", "services", "Service", true}; }
Resource secrets() { return {"", "v1", "secrets", "Secret", true}; }
Resource events() { return {"", "v1", "events", "Event", true}; }
Resource namespaces() { return {"", "v1", "namespaces", "Namespace", false}; }
Resource configMaps() { return {"", "v1", "configmaps", "ConfigMap", true}; }
Resource replicaSets() { return {"apps", "v1", "replicasets", "ReplicaSet", true}; }
Resource leases() { return {"coordination.k8s.io", "v1", "leases", "Lease", true}; }
Resource virtualServices() {
  return {"networking.istio.io", "v1alpha3", "virtualservices", "VirtualService", true};
}
Resource destinationRules() {
  return {"networking.istio.io", "v1alpha3", "destinationrules", "DestinationRule", true};
}
Resource rollouts(std::string_view group) {
  return {std::string(group), "v1alpha1", "rollouts", "Rollout", true};
}
Resource analysisRuns(std::string_view group) {
  return {std::string(group), "v1alpha1", "analysisruns", "AnalysisRun", true};
}
Resource analysisTemplates(std::string_view group) {
  return {std::string(group), "v1alpha1", "analysistemplates", "AnalysisTemplate", true};
}
Resource clusterAnalysisTemplates(std::string_view group) {
  return {std::string(group), "v1alpha1", "clusteranalysistemplates", "ClusterAnalysisTemplate",
          false};
}
}  // namespace resources

ObjectKey ObjectKey::parse(std::string_view key) {
  const size_t slash = key.find('/');
  if (slash == std::string_view::npos) return {"", std::string(key)};
  return {std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

std::string urlEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace serin::kube
