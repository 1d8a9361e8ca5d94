// Which API resource a request is about, and how its URL paths are built.
#ifndef SERIN_OPERATOR_KUBE_RESOURCE_H_
#define SERIN_OPERATOR_KUBE_RESOURCE_H_

#include <string>
#include <string_view>

namespace serin::kube {

struct Resource {
  std::string group;     // "" for the core group
  std::string version;   // "v1"
  std::string plural;    // "replicasets"
  std::string kind;      // "ReplicaSet"
  bool namespaced = true;

  std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }
  // "/api/v1" or "/apis/<group>/<version>".
  std::string basePath() const;
  // The collection path, e.g. /apis/apps/v1/namespaces/shop/replicasets; an empty namespace
  // gives the all-namespaces path.
  std::string collectionPath(std::string_view ns) const;
  // The object path, plus "/<subresource>" when given.
  std::string objectPath(std::string_view ns, std::string_view name,
                         std::string_view subresource = "") const;
};

// The resources serin reads and writes. Custom resources of serin's own group are made
// with the group the controller was configured with.
namespace resources {
Resource pods();
Resource services();
Resource secrets();
Resource events();
Resource namespaces();
Resource configMaps();
Resource replicaSets();
Resource leases();
Resource virtualServices();
Resource destinationRules();
Resource rollouts(std::string_view group);
Resource analysisRuns(std::string_view group);
Resource analysisTemplates(std::string_view group);
Resource clusterAnalysisTemplates(std::string_view group);
}  // namespace resources

// The namespace/name pair that identifies an object, and its "namespace/name" key form.
struct ObjectKey {
  std::string ns;
  std::string name;
  std::string str() const { return ns.empty() ? name : ns + "/" + name; }
  static ObjectKey parse(std::string_view key);
  friend bool operator==(const ObjectKey&, const ObjectKey&) = default;
  friend auto operator<=>(const ObjectKey&, const ObjectKey&) = default;
};

// Percent-encodes a query parameter value.
std::string urlEncode(std::string_view value);

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_RESOURCE_H_
