#include "operator/rollout/rollout_object.h"

#include "common/json_fields.h"

namespace serin::rollout {

nlohmann::json RolloutObject::spec() const {
  return nlohmann::json::parse(spec_text, nullptr, /*allow_exceptions=*/false);
}

nlohmann::json RolloutObject::toJsonWithoutStatus() const {
  nlohmann::json metadata = {{"name", meta_.name},
                             {"namespace", meta_.ns},
                             {"uid", meta_.uid},
                             {"labels", meta_.labels.toJson()},
                             {"annotations", meta_.annotations.toJson()}};
  nlohmann::json spec_json = spec();
  if (spec_json.is_discarded()) spec_json = nlohmann::json::object();
  return {{"metadata", metadata}, {"spec", spec_json}};
}

RolloutObject RolloutObject::fromJson(const nlohmann::json& object) {
  RolloutObject ro;
  ro.meta_ = kube::ObjectMeta::fromJson(jsonObject(object, "metadata"));
  const nlohmann::json* spec = jsonMember(object, "spec");
  ro.spec_text = spec != nullptr ? kube::compactText(*spec) : "null";
  ro.status = parseRolloutStatus(jsonObject(object, "status"));
  return ro;
}

AnalysisRunObject AnalysisRunObject::fromJson(const nlohmann::json& object) {
  AnalysisRunObject run;
  run.meta_ = kube::ObjectMeta::fromJson(jsonObject(object, "metadata"));
  const nlohmann::json& status = jsonObject(object, "status");
  run.phase = jsonString(status, "phase");
  run.message = jsonString(status, "message");
  run.terminate = jsonBool(jsonObject(object, "spec"), "terminate").value_or(false);
  return run;
}

}  // namespace serin::rollout
