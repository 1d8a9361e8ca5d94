// A metric's successCondition and failureCondition, compiled once per template so that a
// syntax error is reported when the template is read, not at the first measurement.
#ifndef SERIN_ANALYSIS_CONDITIONS_H_
#define SERIN_ANALYSIS_CONDITIONS_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "analysis/expr/program.h"

namespace serin::analysis {

class CompiledConditions {
 public:
  // Compiles the non-empty conditions of metric `metricName`. InvalidArgument
  //   metric "success-rate": successCondition "result[0] >=": line 1, column 13: ...
  // naming the metric, the condition, its text and the column, on a syntax error.
  static absl::StatusOr<CompiledConditions> compile(std::string_view metricName,
                                                    std::string_view successCondition,
                                                    std::string_view failureCondition);

  const std::string& metricName() const { return metricName_; }
  const std::optional<expr::Program>& success() const { return success_; }
  const std::optional<expr::Program>& failure() const { return failure_; }

  // True when a condition calls isNaN or default: it then decides itself what a NaN result
  // means. Otherwise a NaN result is "no data" and never reaches the conditions.
  bool handlesNaN() const { return handlesNaN_; }
  // True when a condition calls isNil or default: the same for a nil result.
  bool handlesNil() const { return handlesNil_; }

 private:
  std::string metricName_;
  std::optional<expr::Program> success_;
  std::optional<expr::Program> failure_;
  bool handlesNaN_ = false;
  bool handlesNil_ = false;
};

// `text` quoted for a message, cut after 200 bytes: conditions may be long.
std::string quoteCondition(std::string_view text);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_CONDITIONS_H_
