#include "operator/kube/replica_set.h"

#include <limits>

#include "common/json_fields.h"

namespace serin::kube {
namespace {

int32_t int32Of(const nlohmann::json& obj, std::string_view key, int32_t fallback) {
  const auto v = jsonInt(obj, key);
  if (!v || *v < 0 || *v > std::numeric_limits<int32_t>::max()) return fallback;
  return static_cast<int32_t>(*v);
}

uint64_t fnv1a64(std::string_view text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

uint64_t podTemplateDigest(const nlohmann::json& pod_template) {
  if (!pod_template.is_object() || pod_template.empty()) return 0;
  nlohmann::json t = pod_template;
  auto meta = t.find("metadata");
  if (meta != t.end() && meta->is_object()) {
    auto labels = meta->find("labels");
    if (labels != meta->end() && labels->is_object()) {
      labels->erase(std::string(kPodTemplateHashLabel));
      if (labels->empty()) meta->erase(labels);
    }
    auto created = meta->find("creationTimestamp");
    if (created != meta->end() && created->is_null()) meta->erase(created);
    if (meta->empty()) t.erase(meta);
  }
  // dump() of an object is canonical: nlohmann::json keeps object keys sorted.
  return fnv1a64(t.dump());
}

ReplicaSet ReplicaSet::fromJson(const nlohmann::json& object) {
  ReplicaSet rs;
  rs.meta_ = ObjectMeta::fromJson(jsonObject(object, "metadata"));
  const nlohmann::json& spec = jsonObject(object, "spec");
  const nlohmann::json& status = jsonObject(object, "status");
  rs.spec_replicas = int32Of(spec, "replicas", 1);
  rs.replicas = int32Of(status, "replicas", 0);
  rs.ready_replicas = int32Of(status, "readyReplicas", 0);
  rs.available_replicas = int32Of(status, "availableReplicas", 0);
  rs.observed_generation = jsonInt(status, "observedGeneration").value_or(0);
  rs.selector = StringMap::fromJson(jsonObject(jsonObject(spec, "selector"), "matchLabels"));
  rs.template_digest = podTemplateDigest(jsonObject(spec, "template"));
  return rs;
}

Service Service::fromJson(const nlohmann::json& object) {
  Service svc;
  svc.meta_ = ObjectMeta::fromJson(jsonObject(object, "metadata"));
  svc.selector = StringMap::fromJson(jsonObject(jsonObject(object, "spec"), "selector"));
  return svc;
}

nlohmann::json SpecObject::spec() const {
  auto j = nlohmann::json::parse(spec_text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : nlohmann::json::object();
}

SpecObject SpecObject::fromJson(const nlohmann::json& object) {
  SpecObject o;
  o.meta_ = ObjectMeta::fromJson(jsonObject(object, "metadata"));
  o.spec_text = compactText(jsonObject(object, "spec"));
  return o;
}

}  // namespace serin::kube
