#include "analysis/controller/run_object.h"

#include "common/json_fields.h"

namespace serin::analysis {
namespace {

// kube::compactText's dump() throws on invalid UTF-8; a projection must never throw.
std::string safeText(const nlohmann::json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.shrink_to_fit();
  return text;
}

}  // namespace

nlohmann::json RunObject::spec() const {
  return nlohmann::json::parse(spec_text, nullptr, /*allow_exceptions=*/false);
}

nlohmann::json RunObject::status() const {
  return nlohmann::json::parse(status_text, nullptr, /*allow_exceptions=*/false);
}

RunObject RunObject::fromJson(const nlohmann::json& object) {
  RunObject run;
  run.meta_ = kube::ObjectMeta::fromJson(jsonObject(object, "metadata"));
  const nlohmann::json* spec = jsonMember(object, "spec");
  run.spec_text = spec != nullptr ? safeText(*spec) : "null";
  const nlohmann::json* status = jsonMember(object, "status");
  run.status_text = status != nullptr ? safeText(*status) : "null";
  run.phase = jsonString(jsonObject(object, "status"), "phase");
  return run;
}

}  // namespace serin::analysis
