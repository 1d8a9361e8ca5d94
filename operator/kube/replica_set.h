// The projection of an apps/v1 ReplicaSet that the caches keep: what serin reads of it.
#ifndef SERIN_OPERATOR_KUBE_REPLICA_SET_H_
#define SERIN_OPERATOR_KUBE_REPLICA_SET_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"
#include "operator/kube/object_meta.h"

namespace serin::kube {

struct ReplicaSet {
  ObjectMeta meta_;
  int32_t spec_replicas = 1;  // spec.replicas (absent means 1)
  int32_t replicas = 0;       // status.replicas: pods that exist
  int32_t ready_replicas = 0;
  int32_t available_replicas = 0;
  int64_t observed_generation = 0;
  StringMap selector;          // spec.selector.matchLabels
  // podTemplateDigest(spec.template): enough to recognise the template (after an undo
  // copied it back into a Rollout) at 8 bytes instead of ~2 KB of text.
  uint64_t template_digest = 0;

  const ObjectMeta& meta() const { return meta_; }
  // True when the ReplicaSet controller has seen the latest spec (its counts are current).
  bool observed() const { return observed_generation >= meta_.generation; }
  static ReplicaSet fromJson(const nlohmann::json& object);
};

// The label a Rollout's controller adds to the pod template of each ReplicaSet it makes
// (serin::rollout::kPodTemplateHashLabel).
inline constexpr std::string_view kPodTemplateHashLabel = "rollouts-pod-template-hash";

// A 64-bit digest (FNV-1a) of a pod template's canonical JSON (object keys sorted), made
// after removing what is added on the way into a ReplicaSet: the kPodTemplateHashLabel
// label and a null metadata.creationTimestamp (then an empty labels map and an empty
// metadata). Equal templates, in that sense, have equal digests. 0 when `pod_template` is
// not an object or is empty.
uint64_t podTemplateDigest(const nlohmann::json& pod_template);

// A Service: its selector is what serin changes.
struct Service {
  ObjectMeta meta_;
  StringMap selector;
  const ObjectMeta& meta() const { return meta_; }
  static Service fromJson(const nlohmann::json& object);
};

// Any object kept as metadata plus the compact text of its spec (VirtualServices,
// DestinationRules, AnalysisTemplates): parsed again on demand, which costs far less memory
// than a JSON tree.
struct SpecObject {
  ObjectMeta meta_;
  std::string spec_text;
  const ObjectMeta& meta() const { return meta_; }
  nlohmann::json spec() const;  // parses spec_text; an empty object when it does not parse
  static SpecObject fromJson(const nlohmann::json& object);
};

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_REPLICA_SET_H_
