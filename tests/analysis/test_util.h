// Helpers shared by the analysis core tests.
#ifndef SERIN_TESTS_ANALYSIS_TEST_UTIL_H_
#define SERIN_TESTS_ANALYSIS_TEST_UTIL_H_

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "analysis/model/metric.h"
#include "analysis/resolved_metric.h"
#include "nlohmann/json.hpp"

namespace serin::analysis::testing {

// The start of every test timeline.
inline const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

inline nlohmann::json json(std::string_view text) { return nlohmann::json::parse(text); }

// A resolved Prometheus metric with the given conditions and default settings.
inline ResolvedMetric promMetric(std::string name, std::string success, std::string failure = "") {
  ResolvedMetric m;
  m.name = std::move(name);
  m.successCondition = std::move(success);
  m.failureCondition = std::move(failure);
  m.prometheus.query = "up";
  m.settings.count = 1;
  return m;
}

}  // namespace serin::analysis::testing

#endif  // SERIN_TESTS_ANALYSIS_TEST_UTIL_H_
