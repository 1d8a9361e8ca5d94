// A small simulated cluster for planner tests: ReplicaSets whose pods become available when
// the test says so, Services, one VirtualService route, AnalysisRuns and the Rollout. It
// turns a World into RolloutInputs and applies a Plan the way the reconciler does, checking
// the safety rules at the moment each write would happen.
#ifndef SERIN_TESTS_OPERATOR_ROLLOUT_WORLD_H_
#define SERIN_TESTS_OPERATOR_ROLLOUT_WORLD_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "operator/rollout/plan.h"
#include "operator/rollout/rollout_inputs.h"
#include "operator/rollout/rollout_planner.h"

namespace serin::rollout::testing {

// A Rollout spec with handy defaults: 4 replicas, app=web, image web:v1, Istio host split
// over web-canary/web-stable through VirtualService "web" route "primary".
nlohmann::json rolloutSpec(nlohmann::json steps, int replicas = 4, std::string image = "web:v1");

struct World {
  World();

  absl::Time now;
  nlohmann::json spec;  // the Rollout's spec
  RolloutStatus status;
  int64_t generation = 1;
  std::map<std::string, kube::ReplicaSet> rs;  // by name
  std::map<std::string, kube::Service> services;
  bool istio = true;
  int32_t weight = 0;  // the route's canary weight
  bool uniform = true;
  absl::Status traffic_error;
  std::map<std::string, AnalysisRunObject> runs;
  std::map<std::string, nlohmann::json> templates;  // AnalysisTemplate specs by name
  int64_t next_revision_time = 0;

  // Safety checks made while applying plans; each failure is described here.
  std::vector<std::string> violations;
  // Every plan applied, in order.
  std::vector<Plan> history;

  // Runs the planner on the current state.
  Plan plan() const;
  // plan(), then apply(); returns the plan.
  Plan step();
  // Applies `plan` like the reconciler (create, scale ups, selectors, traffic, scale downs,
  // deletions, runs, status), checking the rules at each write.
  void apply(const Plan& plan);

  // ---- test controls ----
  void setImage(const std::string& image);
  // Makes `n` more pods of every ReplicaSet available (up to its spec), or all with -1.
  void podsBecomeAvailable(int n = -1);
  void setAvailable(const std::string& hash, int32_t available);
  // The ReplicaSet controller's status as written, right or stale: `pods` pods, all
  // available, observed at the current generation (whatever spec.replicas says).
  void setStatusCounts(const std::string& hash, int32_t pods);
  kube::ReplicaSet* rsOf(const std::string& hash);
  std::string hashOf(const std::string& image) const;
  std::string canarySelector() const;
  std::string stableSelector() const;
  void setRunPhase(const std::string& name, const std::string& phase, const std::string& message = "");
  void advance(absl::Duration d) { now += d; }
  // Runs step() + pods available until nothing changes (at most `max` rounds).
  void settle(int max = 50);

 private:
  RolloutObject rolloutObject() const;
  mutable std::vector<std::string> run_names_;
};

}  // namespace serin::rollout::testing

#endif  // SERIN_TESTS_OPERATOR_ROLLOUT_WORLD_H_
