// What one measurement of one metric produced, as handed from a measurement thread to the
// reconcile that records it.
#ifndef SERIN_ANALYSIS_CONTROLLER_MEASUREMENT_OUTCOME_H_
#define SERIN_ANALYSIS_CONTROLLER_MEASUREMENT_OUTCOME_H_

#include <optional>
#include <string>

#include "analysis/model/status.h"

namespace serin::analysis {

struct MeasurementOutcome {
  std::string metric;
  // The finished measurement with every secret value already redacted. Absent when the
  // run turned out not to be measurable at all (see `invalid`).
  std::optional<Measurement> measurement;
  // Non-empty: the run's spec is invalid in a way only visible with its secrets resolved
  // (a condition using a secret argument that does not compile). Redacted; the run ends
  // Error with this message.
  std::string invalid;
};

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_CONTROLLER_MEASUREMENT_OUTCOME_H_
