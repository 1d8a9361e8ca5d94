// Cache projections of serin's own kinds: a Rollout (its spec kept as compact text and
// parsed at reconcile time; its status parsed) and an AnalysisRun (what a Rollout reads of
// it).
#ifndef SERIN_OPERATOR_ROLLOUT_ROLLOUT_OBJECT_H_
#define SERIN_OPERATOR_ROLLOUT_ROLLOUT_OBJECT_H_

#include <string>

#include "nlohmann/json.hpp"
#include "operator/kube/object_meta.h"
#include "operator/rollout/rollout_status.h"

namespace serin::rollout {

struct RolloutObject {
  kube::ObjectMeta meta_;
  std::string spec_text;
  RolloutStatus status;

  const kube::ObjectMeta& meta() const { return meta_; }
  nlohmann::json spec() const;  // parses spec_text; null when it does not parse
  // The object as JSON without status, for argument fieldRefs (metadata.labels[...], spec...).
  nlohmann::json toJsonWithoutStatus() const;
  static RolloutObject fromJson(const nlohmann::json& object);
};

struct AnalysisRunObject {
  kube::ObjectMeta meta_;
  std::string phase;    // status.phase ("" until the run starts)
  std::string message;  // status.message
  bool terminate = false;

  const kube::ObjectMeta& meta() const { return meta_; }
  bool terminal() const {
    return phase == "Successful" || phase == "Failed" || phase == "Error" || phase == "Inconclusive";
  }
  static AnalysisRunObject fromJson(const nlohmann::json& object);
};

}  // namespace serin::rollout

#endif  // SERIN_OPERATOR_ROLLOUT_ROLLOUT_OBJECT_H_
