// Taking one measurement of one metric of a run: the blocking half of a reconcile, run on
// a MeasurementPool thread. It is the only place that sees secret argument values: it
// reads the Secrets, substitutes them, asks the provider, judges the answer and redacts
// every secret value from what it returns.
#ifndef SERIN_ANALYSIS_CONTROLLER_MEASUREMENT_JOB_H_
#define SERIN_ANALYSIS_CONTROLLER_MEASUREMENT_JOB_H_

#include <string_view>

#include "analysis/args.h"
#include "analysis/controller/measurement_outcome.h"
#include "analysis/controller/provider_set.h"
#include "analysis/model/spec.h"
#include "common/clock.h"

namespace serin::analysis {

// Measures metric `metric` of a run with `spec`. Always returns a finished measurement,
// an Error one when something other than the provider's answer went wrong:
//   - an argument cannot be resolved (a Secret or key missing, the API unavailable): a
//     retry may succeed once the Secret exists, so it counts as a consecutive error;
//   - no provider of the metric's type is registered.
// Returns `invalid` instead when, with secrets substituted, the metric no longer resolves
// or its conditions do not compile: no retry can fix that. Never blocks longer than the
// provider does (bounded by the metric's timeout); never throws.
MeasurementOutcome takeMeasurement(const AnalysisRunSpec& spec, std::string_view metric,
                                   const SecretLookup& secrets, const ProviderSet& providers,
                                   const Clock& clock);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_CONTROLLER_MEASUREMENT_JOB_H_
