// The AnalysisRun as the controller's cache keeps it: metadata, and spec and status as
// compact JSON text parsed at reconcile time. A run's status grows with its measurements,
// and a JSON tree costs several times its text (DESIGN §3).
#ifndef SERIN_ANALYSIS_CONTROLLER_RUN_OBJECT_H_
#define SERIN_ANALYSIS_CONTROLLER_RUN_OBJECT_H_

#include <string>

#include "nlohmann/json.hpp"
#include "operator/kube/object_meta.h"

namespace serin::analysis {

struct RunObject {
  kube::ObjectMeta meta_;
  std::string spec_text;    // "null" when the object has no spec
  std::string status_text;  // "null" when the object has no status yet
  std::string phase;        // status.phase as stored ("" before the first write)

  const kube::ObjectMeta& meta() const { return meta_; }
  // The parsed spec / status; a discarded value when the text does not parse (it always
  // does for text made by fromJson).
  nlohmann::json spec() const;
  nlohmann::json status() const;

  // Never fails: missing or odd members read as absent.
  static RunObject fromJson(const nlohmann::json& object);
};

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_CONTROLLER_RUN_OBJECT_H_
