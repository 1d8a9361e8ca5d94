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

}  // namespace

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
  rs.template_text = compactText(jsonObject(spec, "template"));
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
