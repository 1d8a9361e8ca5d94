// The conditions Argo Rollouts users write in AnalysisTemplates (Prometheus, web, Datadog,
// New Relic and job metrics), each against the results a provider really returns.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/analysis/expr/test_util.h"

namespace serin::expr {
namespace {

using testing_util::checkOutcome;
using testing_util::Err;
using testing_util::Expect;
using testing_util::kInf;
using testing_util::kNaN;
using testing_util::list;
using testing_util::map;

struct Idiom {
  std::string condition;
  Value result;
  Expect expected;
};

void runIdioms(const std::vector<Idiom>& idioms) {
  for (const Idiom& idiom : idioms) {
    SCOPED_TRACE(idiom.condition + "  with result = " + idiom.result.debugString());
    absl::StatusOr<Program> program = Program::compile(idiom.condition);
    ASSERT_TRUE(program.ok()) << program.status().message();
    absl::StatusOr<bool> verdict = program->evaluateBool({{"result", idiom.result}});
    absl::StatusOr<Value> as_value =
        verdict.ok() ? absl::StatusOr<Value>(Value(*verdict)) : verdict.status();
    checkOutcome(as_value, idiom.expected);
  }
}

TEST(ExprArgoIdiomsTest, PrometheusVector) {
  const Value healthy = list({0.995});
  const Value failing = list({0.93});
  const Value no_data = list({});
  const Value no_traffic = list({kNaN});
  runIdioms({
      {"result[0] >= 0.99", healthy, true},
      {"result[0] >= 0.99", failing, false},
      {"result[0] >= 0.99", no_traffic, false},
      {"result[0] >= 0.99", no_data, Err{"column 7: index 0 out of range for list of length 0"}},
      {"result[0] > 0.05", no_traffic, false},  // a failureCondition misses NaN too
      {"result[0] >= 0.95", list({1}), true},   // vector(1) comes back as an int
      {"result[0] <= 10", list({3.0}), true},
      {"result[0] * 100 >= 99", healthy, true},
      {"len(result) == 0 || result[0] < 0.05", no_data, true},
      {"len(result) == 0 || result[0] < 0.05", list({0.2}), false},
      {"len(result) > 0 && result[0] < 0.05", no_data, false},
      {"len(result) > 0 && result[0] < 0.05", list({0.01}), true},
      {"len(result) == 0 || result[0] >= 0.5", no_data, true},
      {"len(result) == 1 && result[0] >= 1", list({2}), true},
      {"len(result) == 1 && !isNaN(result[0]) && !isInf(result[0]) && result[0] >= 20",
       list({25.0}), true},
      {"len(result) == 1 && !isNaN(result[0]) && !isInf(result[0]) && result[0] >= 20", no_traffic,
       false},
      {"len(result) == 1 && !isNaN(result[0]) && !isInf(result[0]) && result[0] >= 20",
       list({kInf}), false},
      {"len(result) == 0 || isNaN(result[0]) || result[0] < 0.02", no_traffic, true},
      {"len(result) == 0 || isNaN(result[0]) || result[0] <= 0", list({0.0}), true},
      {"isNaN(result[0]) || result[0] >= 0.95", no_traffic, true},
      {"not isNaN(result[0]) and result[0] >= 0.99", no_traffic, false},
      {"default(result[0], 0) >= 1", no_traffic, false},
      {"default(result[0], 1) >= 1", no_traffic, true},
      {"all(result, {# >= 0.9})", list({0.95, 0.99}), true},
      {"all(result, # < 0.05)", list({0.01, 0.2}), false},
      {"any(result, {# > 0.05})", list({0.01, 0.2}), true},
      {"none(result, {isNaN(#)})", list({0.01, kNaN}), false},
      {"count(result, {# > 0.05}) > 1", list({0.06, 0.2, 0.01}), true},
      {"sum(result) / len(result) >= 0.9", list({0.95, 0.85, 1.0}), true},
      {"mean(result) >= 0.9", list({0.95, 0.85, 1.0}), true},
      {"max(result) < 0.5", list({0.1, 0.4}), true},
      {"min(result) >= 0.99", list({0.995, 0.99}), true},
      {"len(result) > 0 ? result[0] >= 0.95 : false", no_data, false},
      {"len(result) > 0 ? result[0] >= 0.95 : false", healthy, true},
      {"first(result) ?? 0 >= 0.95", no_data, false},
      {"last(result) >= 0.95", healthy, true},
  });
}

TEST(ExprArgoIdiomsTest, PrometheusScalar) {
  runIdioms({
      {"result >= 0.95", Value(0.97), true},
      {"result < 0.05", Value(0.01), true},
      {"isNaN(result) || result >= 0.95", Value(kNaN), true},
      {"!isNaN(result) && result >= 0.95", Value(kNaN), false},
      {"isInf(result)", Value(kInf), true},
      {"default(result, 0) >= 1", Value(kNaN), false},
      {"default(result, 0) >= 1", Value(), false},
      {"default(result, 0) >= 1", Value(3), true},
      {"result in [1, 2]", Value(2), true},
      {"result in [1, 2]", Value(2.0), true},
      {"result in [1, 2]", Value(3), false},
      {"result not in [0]", Value(1), true},
      {"isNaN(result)", list({kNaN}),
       Err{"column 1: isNaN expects a number, got list ([NaN])"}},  // a vector needs [0]
      {"result >= 0.95", list({0.97}), Err{"operator >= not defined on list and float"}},
  });
}

TEST(ExprArgoIdiomsTest, WebMetricJson) {
  Value body = Value::fromJson(nlohmann::json::parse(R"({
      "ok": true, "latency": 120, "status": "ok", "successPercent": 0.97,
      "errors": 3, "count": "42", "rate": "0.995", "data": {"items": [{"healthy": true}]}
  })"));
  runIdioms({
      {"result.ok == true", body, true},
      {"result.ok", body, true},
      {"result.ok == true && result.latency < 500", body, true},
      {"result.status == 'ok'", body, true},
      {"result.status == \"ok\" and result.errors < 10", body, true},
      {"result.successPercent >= 0.95", body, true},
      {"asInt(result.count) > 5", body, true},
      {"asFloat(result.rate) >= 0.99", body, true},
      {"int(result.count) == 42", body, true},
      {"result != nil", body, true},
      {"result.missing == nil", body, true},
      {"result?.data?.items?.[0]?.healthy == true", body, true},
      {"all(result.data.items, {.healthy})", body, true},
      {"result.missing.deeper", body, Err{"cannot read field 'deeper' of nil"}},
      {"result.latency", body, Err{"condition must evaluate to a boolean, got int (120)"}},
  });
}

TEST(ExprArgoIdiomsTest, WebMetricPlainValues) {
  // A web metric's jsonPath often selects one value, which arrives as a string.
  runIdioms({
      {"asInt(result) > 5", Value("42"), true},
      {"asInt(result) > 5", Value(7), true},
      {"asInt(result) > 5", Value("4.9"), false},
      {"asFloat(result) >= 0.99", Value("0.995"), true},
      {"result == 'success'", Value("success"), true},
      {"result == \"true\"", Value("true"), true},
      {"result == true", Value("true"), false},
      {"asInt(result) > 5", Value("n/a"), Err{"cannot convert string (\"n/a\") to int"}},
      {"isNil(result) || result < 5", Value(), true},
  });
}

TEST(ExprArgoIdiomsTest, DatadogAndNewRelic) {
  runIdioms({
      {"default(result, 0) < 0.05", Value(), true},  // Datadog: no data points -> nil
      {"default(result, 0) < 0.05", Value(0.2), false},
      {"result < 0.05", Value(0.01), true},
      {"result.successRate >= 0.95", map({{"successRate", 0.99}}), true},
      {"result.errorRate < 0.05 && result.requestCount > 100",
       map({{"errorRate", 0.01}, {"requestCount", 1000}}), true},
  });
}

}  // namespace
}  // namespace serin::expr
