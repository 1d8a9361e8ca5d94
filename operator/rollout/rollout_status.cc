#include "operator/rollout/rollout_status.h"

#include <algorithm>
#include <limits>

#include "common/json_fields.h"
#include "operator/kube/object_meta.h"

namespace serin::rollout {
namespace {

int32_t int32Of(const nlohmann::json& obj, std::string_view key) {
  const auto v = jsonInt(obj, key);
  if (!v || *v < 0 || *v > std::numeric_limits<int32_t>::max()) return 0;
  return static_cast<int32_t>(*v);
}

std::optional<absl::Time> timeOf(const nlohmann::json& obj, std::string_view key) {
  return kube::parseTime(jsonString(obj, key));
}

std::optional<RunStatusRef> runRef(const nlohmann::json& obj) {
  if (!obj.is_object() || jsonString(obj, "name").empty()) return std::nullopt;
  return RunStatusRef{jsonString(obj, "name"), jsonString(obj, "status"), jsonString(obj, "message")};
}

WeightDestination destination(const nlohmann::json& obj) {
  return {int32Of(obj, "weight"), jsonString(obj, "serviceName"), jsonString(obj, "podTemplateHash")};
}

nlohmann::json toJson(const WeightDestination& d) {
  nlohmann::json j = {{"weight", d.weight}};
  if (!d.service_name.empty()) j["serviceName"] = d.service_name;
  if (!d.pod_template_hash.empty()) j["podTemplateHash"] = d.pod_template_hash;
  return j;
}

nlohmann::json toJson(const RunStatusRef& r) {
  nlohmann::json j = {{"name", r.name}, {"status", r.status}};
  if (!r.message.empty()) j["message"] = r.message;
  return j;
}

}  // namespace

const Condition* RolloutStatus::findCondition(std::string_view type) const {
  for (const auto& c : conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

bool RolloutStatus::hasPause(std::string_view reason) const {
  return std::any_of(pause_conditions.begin(), pause_conditions.end(),
                     [&](const PauseCondition& p) { return p.reason == reason; });
}

RolloutStatus parseRolloutStatus(const nlohmann::json& s) {
  RolloutStatus st;
  if (!s.is_object()) return st;
  st.phase = jsonString(s, "phase");
  st.message = jsonString(s, "message");
  st.observed_generation = jsonString(s, "observedGeneration");
  st.current_pod_hash = jsonString(s, "currentPodHash");
  st.stable_rs = jsonString(s, "stableRS");
  if (auto i = jsonInt(s, "currentStepIndex"); i && *i >= 0 && *i <= 10000) {
    st.current_step_index = static_cast<int32_t>(*i);
  }
  st.current_step_hash = jsonString(s, "currentStepHash");
  for (const auto& p : jsonArray(s, "pauseConditions")) {
    PauseCondition pc;
    pc.reason = jsonString(p, "reason");
    pc.start_time = timeOf(p, "startTime").value_or(absl::InfinitePast());
    if (!pc.reason.empty()) st.pause_conditions.push_back(std::move(pc));
  }
  st.controller_pause = jsonBool(s, "controllerPause").value_or(false);
  st.abort = jsonBool(s, "abort").value_or(false);
  st.aborted_at = timeOf(s, "abortedAt");
  st.promote_full = jsonBool(s, "promoteFull").value_or(false);
  st.restarted_at = timeOf(s, "restartedAt");
  st.replicas = int32Of(s, "replicas");
  st.updated_replicas = int32Of(s, "updatedReplicas");
  st.ready_replicas = int32Of(s, "readyReplicas");
  st.available_replicas = int32Of(s, "availableReplicas");
  st.hpa_replicas = int32Of(s, "HPAReplicas");
  st.selector = jsonString(s, "selector");
  const nlohmann::json& canary = jsonObject(s, "canary");
  const nlohmann::json& weights = jsonObject(canary, "weights");
  if (!weights.empty()) {
    st.weights = TrafficWeights{destination(jsonObject(weights, "canary")),
                                destination(jsonObject(weights, "stable"))};
  }
  st.step_run = runRef(jsonObject(canary, "currentStepAnalysisRunStatus"));
  st.background_run = runRef(jsonObject(canary, "currentBackgroundAnalysisRunStatus"));
  for (const auto& c : jsonArray(s, "conditions")) {
    Condition cond;
    cond.type = jsonString(c, "type");
    cond.status = jsonString(c, "status");
    cond.reason = jsonString(c, "reason");
    cond.message = jsonString(c, "message");
    cond.last_transition_time = timeOf(c, "lastTransitionTime").value_or(absl::InfinitePast());
    cond.last_update_time = timeOf(c, "lastUpdateTime").value_or(cond.last_transition_time);
    if (!cond.type.empty()) st.conditions.push_back(std::move(cond));
  }
  return st;
}

nlohmann::json toJson(const RolloutStatus& st) {
  nlohmann::json j = nlohmann::json::object();
  if (!st.phase.empty()) j["phase"] = st.phase;
  if (!st.message.empty()) j["message"] = st.message;
  if (!st.observed_generation.empty()) j["observedGeneration"] = st.observed_generation;
  if (!st.current_pod_hash.empty()) j["currentPodHash"] = st.current_pod_hash;
  if (!st.stable_rs.empty()) j["stableRS"] = st.stable_rs;
  if (st.current_step_index) j["currentStepIndex"] = *st.current_step_index;
  if (!st.current_step_hash.empty()) j["currentStepHash"] = st.current_step_hash;
  if (!st.pause_conditions.empty()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& p : st.pause_conditions) {
      arr.push_back({{"reason", p.reason}, {"startTime", kube::formatTime(p.start_time)}});
    }
    j["pauseConditions"] = arr;
  }
  if (st.controller_pause) j["controllerPause"] = true;
  if (st.abort) j["abort"] = true;
  if (st.aborted_at) j["abortedAt"] = kube::formatTime(*st.aborted_at);
  if (st.promote_full) j["promoteFull"] = true;
  if (st.restarted_at) j["restartedAt"] = kube::formatTime(*st.restarted_at);
  j["replicas"] = st.replicas;
  j["updatedReplicas"] = st.updated_replicas;
  j["readyReplicas"] = st.ready_replicas;
  j["availableReplicas"] = st.available_replicas;
  j["HPAReplicas"] = st.hpa_replicas;
  if (!st.selector.empty()) j["selector"] = st.selector;
  nlohmann::json canary = nlohmann::json::object();
  if (st.weights) {
    canary["weights"] = {{"canary", toJson(st.weights->canary)}, {"stable", toJson(st.weights->stable)}};
  }
  if (st.step_run) canary["currentStepAnalysisRunStatus"] = toJson(*st.step_run);
  if (st.background_run) canary["currentBackgroundAnalysisRunStatus"] = toJson(*st.background_run);
  j["canary"] = canary;
  if (!st.conditions.empty()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& c : st.conditions) {
      arr.push_back({{"type", c.type},
                     {"status", c.status},
                     {"reason", c.reason},
                     {"message", c.message},
                     {"lastTransitionTime", kube::formatTime(c.last_transition_time)},
                     {"lastUpdateTime", kube::formatTime(c.last_update_time)}});
    }
    j["conditions"] = arr;
  }
  return j;
}

void setCondition(std::vector<Condition>& conditions, Condition c, absl::Time now) {
  for (auto& existing : conditions) {
    if (existing.type != c.type) continue;
    if (existing.status == c.status && existing.reason == c.reason && existing.message == c.message) {
      return;  // unchanged: keep both times
    }
    c.last_transition_time = existing.status == c.status ? existing.last_transition_time : now;
    c.last_update_time = now;
    existing = std::move(c);
    return;
  }
  c.last_transition_time = now;
  c.last_update_time = now;
  conditions.push_back(std::move(c));
}

void removeCondition(std::vector<Condition>& conditions, std::string_view type) {
  conditions.erase(std::remove_if(conditions.begin(), conditions.end(),
                                  [&](const Condition& c) { return c.type == type; }),
                   conditions.end());
}

}  // namespace serin::rollout
