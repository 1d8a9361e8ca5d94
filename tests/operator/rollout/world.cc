#include "tests/operator/rollout/world.h"

#include <algorithm>

#include "analysis/model/spec_json.h"
#include "common/strings.h"
#include "operator/rollout/keys.h"
#include "operator/rollout/pod_template_hash.h"
#include "operator/rollout/rollout_spec.h"

namespace serin::rollout::testing {

nlohmann::json rolloutSpec(nlohmann::json steps, int replicas, std::string image) {
  return {{"replicas", replicas},
          {"selector", {{"matchLabels", {{"app", "web"}}}}},
          {"template",
           {{"metadata", {{"labels", {{"app", "web"}}}}},
            {"spec", {{"containers", {{{"name", "app"}, {"image", image}}}}}}}},
          {"strategy",
           {{"canary",
             {{"canaryService", "web-canary"},
              {"stableService", "web-stable"},
              {"trafficRouting", {{"istio", {{"virtualService", {{"name", "web"}, {"routes", {"primary"}}}}}}}},
              {"steps", steps}}}}}};
}

World::World() : now(absl::FromUnixSeconds(1'800'000'000)) {
  for (const char* name : {"web-canary", "web-stable"}) {
    kube::Service svc;
    svc.meta_.ns = "shop";
    svc.meta_.name = name;
    svc.selector.set("app", "web");
    services[name] = svc;
  }
}

RolloutObject World::rolloutObject() const {
  RolloutObject ro;
  ro.meta_.ns = "shop";
  ro.meta_.name = "web";
  ro.meta_.uid = "uid-ro";
  ro.meta_.generation = generation;
  ro.meta_.resource_version = "1";
  ro.spec_text = spec.dump();
  ro.status = status;
  return ro;
}

Plan World::plan() const {
  const RolloutObject ro = rolloutObject();
  auto parsed = parseRolloutSpec(spec);
  if (!parsed.ok()) return planInvalidSpec(ro, parsed.status(), now);
  RolloutInputs in;
  in.rollout = &ro;
  in.spec = &*parsed;
  for (const auto& [name, r] : rs) in.replica_sets.push_back(&r);
  auto svc = [&](const std::string& name) -> const kube::Service* {
    auto it = services.find(name);
    return it == services.end() ? nullptr : &it->second;
  };
  in.canary_service = svc(parsed->canary.canary_service);
  in.stable_service = svc(parsed->canary.stable_service);
  if (parsed->canary.istio) {
    TrafficObservation t;
    t.error = traffic_error;
    t.canary_weight = weight;
    t.uniform = uniform;
    in.traffic = t;
  }
  for (const auto& [name, run] : runs) in.runs.push_back(&run);
  in.templates = [this](const std::string& name, bool) -> absl::StatusOr<analysis::NamedTemplate> {
    auto it = templates.find(name);
    if (it == templates.end()) return absl::NotFoundError(name);
    auto spec = analysis::parseAnalysisTemplateSpec(it->second);
    if (!spec.ok()) return spec.status();
    return analysis::NamedTemplate{name, *spec};
  };
  in.now = now;
  return planRollout(in);
}

Plan World::step() {
  Plan p = plan();
  apply(p);
  return p;
}

std::string World::canarySelector() const {
  auto it = services.find("web-canary");
  return it == services.end() ? "" : it->second.selector.get(kPodTemplateHashLabel);
}

std::string World::stableSelector() const {
  auto it = services.find("web-stable");
  return it == services.end() ? "" : it->second.selector.get(kPodTemplateHashLabel);
}

kube::ReplicaSet* World::rsOf(const std::string& hash) {
  for (auto& [name, r] : rs) {
    if (r.meta_.labels.get(kPodTemplateHashLabel) == hash) return &r;
  }
  return nullptr;
}

std::string World::hashOf(const std::string& image) const {
  nlohmann::json s = spec;
  s["template"]["spec"]["containers"][0]["image"] = image;
  return podTemplateHash(s["template"]);
}

void World::setImage(const std::string& image) {
  spec["template"]["spec"]["containers"][0]["image"] = image;
  ++generation;
}

void World::podsBecomeAvailable(int n) {
  for (auto& [name, r] : rs) {
    r.replicas = r.spec_replicas;
    r.available_replicas = n < 0 ? r.spec_replicas : std::min(r.spec_replicas, r.available_replicas + n);
    r.ready_replicas = r.available_replicas;
  }
}

void World::setAvailable(const std::string& hash, int32_t available) {
  kube::ReplicaSet* r = rsOf(hash);
  if (r == nullptr) return;
  r->available_replicas = std::min(available, r->spec_replicas);
  r->ready_replicas = r->available_replicas;
}

void World::setStatusCounts(const std::string& hash, int32_t pods) {
  kube::ReplicaSet* r = rsOf(hash);
  if (r == nullptr) return;
  r->replicas = r->ready_replicas = r->available_replicas = pods;
  r->observed_generation = r->meta_.generation;
}

void World::setRunPhase(const std::string& name, const std::string& phase, const std::string& message) {
  auto it = runs.find(name);
  if (it == runs.end()) return;
  it->second.phase = phase;
  it->second.message = message;
}

void World::settle(int max) {
  for (int i = 0; i < max; ++i) {
    const RolloutStatus before = status;
    Plan p = step();
    podsBecomeAvailable();
    if (!p.hasWrites() && status == before) return;
  }
}

void World::apply(const Plan& p) {
  const int32_t replicas = spec.value("replicas", 1);
  auto parsed = parseRolloutSpec(spec);
  const bool scale_override = parsed.ok() && std::any_of(parsed->canary.steps.begin(), parsed->canary.steps.end(),
                                                         [](const CanaryStep& s) {
                                                           return std::holds_alternative<SetCanaryScaleStep>(s);
                                                         });
  if (p.create_replica_set) {
    kube::ReplicaSet r = kube::ReplicaSet::fromJson(*p.create_replica_set);
    r.meta_.creation_timestamp = now + absl::Nanoseconds(++next_revision_time);
    r.meta_.uid = "uid-" + r.meta_.name;
    r.replicas = r.spec_replicas;
    if (rs.count(r.meta_.name)) violations.push_back("created an existing ReplicaSet " + r.meta_.name);
    rs[r.meta_.name] = r;
  }
  auto scaleOne = [&](const ReplicaSetScale& s) {
    auto it = rs.find(s.name);
    if (it == rs.end()) {
      violations.push_back("scaled a missing ReplicaSet " + s.name);
      return;
    }
    kube::ReplicaSet& r = it->second;
    if (s.to < r.spec_replicas && istio) {
      // A ReplicaSet traffic flows to must keep the pods that carry it.
      const std::string h = r.meta_.labels.get(kPodTemplateHashLabel);
      if (weight > 0 && h == canarySelector() && !scale_override &&
          static_cast<int64_t>(s.to) * 100 < static_cast<int64_t>(weight) * replicas) {
        violations.push_back(strCat("scaled canary ", s.name, " to ", s.to, " while weight ", weight, " flows to it"));
      }
      if (weight < 100 && h == stableSelector() &&
          static_cast<int64_t>(s.to) * 100 < static_cast<int64_t>(100 - weight) * replicas) {
        violations.push_back(strCat("scaled stable ", s.name, " to ", s.to, " while weight ", 100 - weight,
                                    " flows to it"));
      }
    }
    r.spec_replicas = s.to;
    r.replicas = s.to;
    r.available_replicas = std::min(r.available_replicas, s.to);
    r.ready_replicas = r.available_replicas;
    if (s.scale_down_deadline) {
      r.meta_.annotations.set(kScaleDownDeadlineAnnotation, kube::formatTime(*s.scale_down_deadline));
    } else if (s.clear_deadline) {
      r.meta_.annotations.erase(kScaleDownDeadlineAnnotation);
    }
  };
  for (const auto& s : p.scale_up) scaleOne(s);
  for (const auto& sel : p.selectors) {
    auto it = services.find(sel.service);
    if (it == services.end()) {
      violations.push_back("selector of a missing Service " + sel.service);
      continue;
    }
    // Moving a destination: the pods it now selects must carry what flows to it.
    if (istio && sel.service == "web-canary" && weight > 0 && !scale_override) {
      kube::ReplicaSet* r = rsOf(sel.pod_hash);
      const int64_t a = r ? r->available_replicas : 0;
      if (a * 100 < static_cast<int64_t>(weight) * replicas) {
        violations.push_back(strCat("canary Service moved to ", sel.pod_hash, " with ", a,
                                    " pods available while weight ", weight, " flows to it"));
      }
    }
    it->second.selector.set(kPodTemplateHashLabel, sel.pod_hash);
  }
  if (p.traffic) {
    const int32_t w = p.traffic->canary_weight;
    if (w < 0 || w > 100) violations.push_back(strCat("weight ", w, " out of range"));
    if (!scale_override && w > 0) {
      kube::ReplicaSet* r = rsOf(canarySelector());
      const int64_t a = r ? r->available_replicas : 0;
      if (a * 100 < static_cast<int64_t>(w) * replicas) {
        violations.push_back(strCat("weight ", w, " written with ", a, " canary pods available of ", replicas));
      }
    }
    weight = w;
    uniform = true;
  }
  for (const auto& s : p.scale_down) scaleOne(s);
  for (const auto& name : p.delete_replica_sets) {
    auto it = rs.find(name);
    if (it != rs.end() && it->second.spec_replicas > 0) violations.push_back("deleted a scaled ReplicaSet " + name);
    rs.erase(name);
  }
  for (const auto& run : p.create_runs) {
    AnalysisRunObject r = AnalysisRunObject::fromJson(run);
    r.meta_.uid = "uid-" + r.meta_.name;
    r.meta_.creation_timestamp = now + absl::Nanoseconds(++next_revision_time);
    if (runs.count(r.meta_.name)) violations.push_back("created an existing run " + r.meta_.name);
    runs[r.meta_.name] = r;
  }
  for (const auto& name : p.terminate_runs) {
    auto it = runs.find(name);
    if (it == runs.end()) continue;
    it->second.terminate = true;
    if (!it->second.terminal()) it->second.phase = "Successful";
  }
  for (const auto& name : p.delete_runs) runs.erase(name);
  status = p.status;
  history.push_back(p);
}

}  // namespace serin::rollout::testing
