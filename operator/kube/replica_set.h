// The projection of an apps/v1 ReplicaSet that the caches keep: what serin reads of it.
#ifndef SERIN_OPERATOR_KUBE_REPLICA_SET_H_
#define SERIN_OPERATOR_KUBE_REPLICA_SET_H_

#include <cstdint>
#include <string>

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
  std::string template_text;   // spec.template as compact JSON

  const ObjectMeta& meta() const { return meta_; }
  // True when the ReplicaSet controller has seen the latest spec (its counts are current).
  bool observed() const { return observed_generation >= meta_.generation; }
  static ReplicaSet fromJson(const nlohmann::json& object);
};

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
