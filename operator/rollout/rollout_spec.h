// The Rollout's spec as serin reads it: Argo Rollouts' v1alpha1 field names for everything
// serin supports. parseRolloutSpec checks what the CRD schema cannot (cross-field rules)
// and what a schemaless or Argo CRD would let through, so a bad spec is always reported as
// InvalidSpec with its field path, never silently defaulted.
#ifndef SERIN_OPERATOR_ROLLOUT_ROLLOUT_SPEC_H_
#define SERIN_OPERATOR_ROLLOUT_ROLLOUT_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "operator/kube/object_meta.h"

namespace serin::rollout {

// A label selector: matchLabels plus matchExpressions (In, NotIn, Exists, DoesNotExist).
struct LabelSelector {
  struct Requirement {
    std::string key;
    std::string op;  // In, NotIn, Exists, DoesNotExist
    std::vector<std::string> values;
    friend bool operator==(const Requirement&, const Requirement&) = default;
  };
  kube::StringMap match_labels;
  std::vector<Requirement> match_expressions;

  bool matches(const kube::StringMap& labels) const;
  bool empty() const { return match_labels.empty() && match_expressions.empty(); }
  // The query form, e.g. "app=checkout,tier in (web)", for status.selector and lists.
  std::string toString() const;
  friend bool operator==(const LabelSelector&, const LabelSelector&) = default;
};

struct AnalysisTemplateRef {
  std::string template_name;
  bool cluster_scope = false;
  friend bool operator==(const AnalysisTemplateRef&, const AnalysisTemplateRef&) = default;
};

// A Rollout's analysis reference (a step's or the background one): templates plus the
// arguments, dryRun and measurementRetention rules passed to the run, kept as JSON because
// they go into the AnalysisRun as they are.
struct RolloutAnalysis {
  std::vector<AnalysisTemplateRef> templates;
  nlohmann::json args = nlohmann::json::array();
  nlohmann::json dry_run = nlohmann::json::array();
  nlohmann::json measurement_retention = nlohmann::json::array();
  int32_t starting_step = 0;  // background analysis only
  friend bool operator==(const RolloutAnalysis&, const RolloutAnalysis&) = default;
};

struct SetWeightStep {
  int32_t weight;
};
struct PauseStep {
  std::optional<absl::Duration> duration;  // none: until promoted
};
struct SetCanaryScaleStep {
  std::optional<int32_t> weight;
  std::optional<int32_t> replicas;
  bool match_traffic_weight = false;
};
struct AnalysisStep {
  RolloutAnalysis analysis;
};
using CanaryStep = std::variant<SetWeightStep, PauseStep, SetCanaryScaleStep, AnalysisStep>;

struct IstioVirtualService {
  std::string name;
  std::string ns;  // empty: the Rollout's namespace ("name.ns" form)
  std::vector<std::string> routes;
  struct TlsRoute {
    int64_t port = 0;
    std::vector<std::string> sni_hosts;
  };
  struct TcpRoute {
    int64_t port = 0;
  };
  std::vector<TlsRoute> tls_routes;
  std::vector<TcpRoute> tcp_routes;
};

struct IstioDestinationRule {
  std::string name;
  std::string canary_subset;
  std::string stable_subset;
};

struct IstioRouting {
  std::vector<IstioVirtualService> virtual_services;
  std::optional<IstioDestinationRule> destination_rule;
};

struct PodMetadata {
  kube::StringMap labels;
  kube::StringMap annotations;
};

struct CanaryStrategy {
  std::string canary_service;
  std::string stable_service;
  std::vector<CanaryStep> steps;
  std::optional<IstioRouting> istio;  // none: basic canary (replica-based)
  std::optional<RolloutAnalysis> background_analysis;
  std::string max_surge = "25%";
  std::string max_unavailable = "25%";
  std::optional<int32_t> scale_down_delay_seconds;
  std::optional<int32_t> abort_scale_down_delay_seconds;
  std::optional<PodMetadata> canary_metadata;
  std::optional<PodMetadata> stable_metadata;
};

struct RolloutSpec {
  int32_t replicas = 1;
  LabelSelector selector;
  nlohmann::json template_ = nlohmann::json::object();  // spec.template, as given
  int32_t min_ready_seconds = 0;
  int32_t revision_history_limit = 10;
  bool paused = false;
  int32_t progress_deadline_seconds = 600;
  bool progress_deadline_abort = false;
  std::optional<absl::Time> restart_at;
  std::optional<int32_t> rollback_window_revisions;
  int32_t successful_run_history_limit = 5;
  int32_t unsuccessful_run_history_limit = 5;
  CanaryStrategy canary;

  // Default delays per argo-compat: 30 s with traffic routing.
  absl::Duration scaleDownDelay() const;
  absl::Duration abortScaleDownDelay() const;  // zero: never scale the canary down
  bool abortScaleDownNever() const;
};

// Parses and validates `spec` (the Rollout's .spec). InvalidArgument with the first
// problem as "<field path>: <what>", e.g.
//   spec.strategy.canary.steps[2].setWeight: 150 is not between 0 and 100
absl::StatusOr<RolloutSpec> parseRolloutSpec(const nlohmann::json& spec);

// Parses a pause duration as Argo accepts it: whole seconds (30 or "30") or a Go duration
// string ("30s", "1m30s", "1h").
absl::StatusOr<absl::Duration> parsePauseDuration(const nlohmann::json& value);

// The weight in effect at step `index`: the last setWeight at or before it (0 if none).
int32_t setWeightAt(const std::vector<CanaryStep>& steps, int32_t index);

}  // namespace serin::rollout

#endif  // SERIN_OPERATOR_ROLLOUT_ROLLOUT_SPEC_H_
