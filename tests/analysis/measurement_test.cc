#include "analysis/measurement.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "tests/analysis/test_util.h"

namespace serin::analysis {
namespace {

using expr::Value;
using testing::kT0;
using testing::promMetric;
using P = AnalysisPhase;

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

Value vec(std::initializer_list<double> xs) {
  Value::List list;
  for (double x : xs) list.emplace_back(x);
  return Value(std::move(list));
}

struct Case {
  std::string name;
  std::string success;
  std::string failure;
  absl::StatusOr<Value> result;
  P phase;
  std::string message;  // exact, or a prefix when it ends with "..."
  std::string value;
};

TEST(AnalysisAssessMeasurementTest, Table) {
  const Case cases[] = {
      // Plain results.
      {"scalar success", "result >= 0.99", "", Value(0.995), P::kSuccessful, "", "0.995"},
      {"scalar below", "result >= 0.99", "", Value(0.5), P::kFailed, "", "0.5"},
      {"vector success", "result[0] >= 0.99", "", vec({0.995}), P::kSuccessful, "", "[0.995]"},
      {"vector of two", "all(result, {# >= 0.99})", "", vec({0.5, 0.999}), P::kFailed, "",
       "[0.5,0.999]"},
      {"integer result", "result == 3", "", Value(3), P::kSuccessful, "", "3"},
      {"whole float", "result == 1", "", Value(1.0), P::kSuccessful, "", "1"},
      {"huge float has no exponent", "result > 0", "", Value(1e21), P::kSuccessful, "",
       "1000000000000000000000"},
      // Missing data is an Error, never a success.
      {"empty vector", "result[0] >= 0.99", "", vec({}), P::kError, "query returned no data", "[]"},
      {"empty vector with only failureCondition", "", "len(result) > 0 && result[0] > 0.05",
       vec({}), P::kError, "query returned no data", "[]"},
      {"empty vector even with default", "default(result[0], 1) >= 0.99", "", vec({}), P::kError,
       "query returned no data", "[]"},
      {"nil result", "result >= 0.99", "", Value(), P::kError, "query returned no data", "nil"},
      {"nil handled by isNil", "", "isNil(result)", Value(), P::kFailed, "", "nil"},
      {"NaN scalar", "result >= 0.99", "", Value(kNaN), P::kError, "query returned NaN", "NaN"},
      {"NaN in vector", "result[0] >= 0.99", "", vec({kNaN}), P::kError, "query returned NaN",
       "[NaN]"},
      {"NaN with only failureCondition is never a success", "", "result[0] > 0.05", vec({kNaN}),
       P::kError, "query returned NaN", "[NaN]"},
      {"NaN among numbers", "all(result, {# >= 0.9})", "", vec({0.95, kNaN}), P::kError,
       "query returned NaN", "[0.95,NaN]"},
      {"NaN with both conditions", "result[0] >= 0.99", "result[0] < 0.9", vec({kNaN}), P::kError,
       "query returned NaN", "[NaN]"},
      // A condition that tests for NaN decides.
      {"isNaN in failureCondition", "", "isNaN(result[0]) || result[0] > 0.05", vec({kNaN}),
       P::kFailed, "", "[NaN]"},
      {"isNaN guard in successCondition", "!isNaN(result[0]) && result[0] >= 0.99", "", vec({kNaN}),
       P::kFailed, "", "[NaN]"},
      {"default in successCondition", "default(result[0], 0) >= 0.99", "", vec({kNaN}), P::kFailed,
       "", "[NaN]"},
      {"default in failureCondition", "", "default(result[0], 1) > 0.05", vec({kNaN}), P::kFailed,
       "", "[NaN]"},
      {"user explicitly accepts NaN", "isNaN(result[0]) || result[0] >= 0.99", "", vec({kNaN}),
       P::kSuccessful, "", "[NaN]"},
      {"isNaN handles a normal value too", "", "isNaN(result[0]) || result[0] > 0.05", vec({0.01}),
       P::kSuccessful, "", "[0.01]"},
      // Infinity is data: IEEE comparisons decide.
      {"+Inf against success", "result < 0.05", "", Value(kInf), P::kFailed, "", "+Inf"},
      {"+Inf against failure", "", "result[0] > 0.05", vec({kInf}), P::kFailed, "", "[+Inf]"},
      {"-Inf", "result[0] >= 0", "", vec({-kInf}), P::kFailed, "", "[-Inf]"},
      {"isInf guard", "!isInf(result[0]) && result[0] >= 0.99", "", vec({kInf}), P::kFailed, "",
       "[+Inf]"},
      // Provider errors.
      {"provider error", "result >= 0.99", "", absl::UnavailableError("connection refused"),
       P::kError, "connection refused", ""},
      {"provider error without message", "result >= 0.99", "", absl::UnavailableError(""),
       P::kError, "provider error (UNAVAILABLE...", ""},
      // Both conditions.
      {"both: success holds", "result[0] >= 0.99", "result[0] < 0.9", vec({0.995}), P::kSuccessful,
       "", "[0.995]"},
      {"both: failure holds", "result[0] >= 0.99", "result[0] < 0.9", vec({0.5}), P::kFailed, "",
       "[0.5]"},
      {"both: both hold, failure wins", "result[0] > 0", "result[0] < 1", vec({0.5}), P::kFailed,
       "", "[0.5]"},
      {"both: neither holds", "result[0] >= 0.99", "result[0] < 0.9", vec({0.95}), P::kInconclusive,
       "", "[0.95]"},
      // Only one condition.
      {"only failure, false", "", "result[0] > 0.05", vec({0.01}), P::kSuccessful, "", "[0.01]"},
      {"only failure, true", "", "result[0] > 0.05", vec({0.2}), P::kFailed, "", "[0.2]"},
      // Conditions that cannot be evaluated.
      {"index out of range", "result[5] >= 0.99", "", vec({0.995}), P::kError,
       "could not evaluate successCondition \"result[5] >= 0.99\": column ...", "[0.995]"},
      {"not a boolean", "", "result[0]", vec({0.9}), P::kError,
       "could not evaluate failureCondition \"result[0]\": condition must evaluate to a boolean, "
       "got float (0.9)",
       "[0.9]"},
  };
  for (const Case& c : cases) {
    const ResolvedMetric metric = promMetric("m", c.success, c.failure);
    absl::StatusOr<CompiledConditions> conditions = compileConditions(metric);
    ASSERT_TRUE(conditions.ok()) << c.name << ": " << conditions.status();
    const Measurement m =
        assessMeasurement(metric, *conditions, c.result, kT0, kT0 + absl::Seconds(2));
    EXPECT_EQ(phaseName(m.phase), phaseName(c.phase)) << c.name;
    if (c.message.size() > 3 && c.message.substr(c.message.size() - 3) == "...") {
      const std::string prefix = c.message.substr(0, c.message.size() - 3);
      EXPECT_EQ(m.message.substr(0, prefix.size()), prefix) << c.name << ": " << m.message;
    } else {
      EXPECT_EQ(m.message, c.message) << c.name;
    }
    EXPECT_EQ(m.value, c.value) << c.name;
    EXPECT_EQ(m.startedAt, kT0) << c.name;
    EXPECT_EQ(m.finishedAt, kT0 + absl::Seconds(2)) << c.name;
  }
}

TEST(AnalysisAssessMeasurementTest, NoPathTurnsMissingDataIntoSuccess) {
  // Every pairing of a condition shape with a no-data result: never Successful.
  const std::pair<std::string, std::string> conditions[] = {
      {"result[0] >= 0.99", ""},
      {"", "result[0] > 0.05"},
      {"result[0] >= 0.99", "result[0] < 0.9"},
      {"result >= 0.99", ""},
      {"", "result > 0.05"},
      {"", "result[0] < 0"},
      {"result[0] != 5", ""},
      {"!(result[0] < 0.99)", ""},
  };
  const absl::StatusOr<Value> noData[] = {vec({}),
                                          vec({kNaN}),
                                          Value(kNaN),
                                          Value(),
                                          vec({kNaN, kNaN}),
                                          absl::DeadlineExceededError("timeout"),
                                          absl::InternalError("bad response")};
  for (const auto& [success, failure] : conditions) {
    const ResolvedMetric metric = promMetric("m", success, failure);
    absl::StatusOr<CompiledConditions> compiled = compileConditions(metric);
    ASSERT_TRUE(compiled.ok()) << compiled.status();
    for (const absl::StatusOr<Value>& r : noData) {
      const Measurement m = assessMeasurement(metric, *compiled, r, kT0, kT0);
      EXPECT_NE(m.phase, P::kSuccessful) << success << " / " << failure << " / " << m.value;
    }
  }
}

TEST(AnalysisAssessMeasurementTest, LongValueIsCut) {
  Value::List list(1000, Value(0.123456789));
  const std::string v = formatResultValue(Value(std::move(list)));
  EXPECT_LE(v.size(), 515u);
  EXPECT_EQ(v.substr(v.size() - 3), "...");
}

}  // namespace
}  // namespace serin::analysis
