// The AnalysisTemplate of seed 004 (a user's Argo Rollouts manifest), copied here as JSON so
// the test needs nothing outside the repository, parses and runs unchanged.
#include <gtest/gtest.h>

#include <limits>

#include "analysis/assessment.h"
#include "analysis/model/spec_json.h"
#include "analysis/run_planner.h"
#include "analysis/run_spec_builder.h"
#include "tests/analysis/test_util.h"

namespace serin::analysis {
namespace {

// metadata.name: success-rate; apiVersion was argoproj.io/v1alpha1.
constexpr const char* kSeed004Spec = R"json({
  "args": [{"name": "service-name"}],
  "metrics": [{
    "name": "success-rate",
    "interval": "1m",
    "successCondition": "result[0] >= 0.99",
    "failureLimit": 3,
    "provider": {"prometheus": {
      "address": "http://prometheus:9090",
      "query": "sum(rate(http_requests_total{\n  service=\"{{args.service-name}}\",\n  )json"
              R"json(status=~\"2..\"\n}[5m])) /\nsum(rate(http_requests_total{\n  )json"
              R"json(service=\"{{args.service-name}}\"\n}[5m]))\n"
    }}
  }]
})json";

TEST(AnalysisSeed004Test, TemplateParsesAndRuns) {
  absl::StatusOr<AnalysisTemplateSpec> spec =
      parseAnalysisTemplateSpec(testing::json(kSeed004Spec));
  ASSERT_TRUE(spec.ok()) << spec.status();
  ASSERT_EQ(spec->metrics.size(), 1u);
  EXPECT_EQ(spec->metrics[0].failureLimit, (IntOrString{int64_t{3}}));

  // The Rollout passes `service-name: production-app`.
  absl::StatusOr<AnalysisRunSpec> run =
      buildRunSpec({NamedTemplate{"success-rate", *spec}},
                   {Argument{"service-name", "production-app", std::nullopt}}, {}, {},
                   testing::json(R"({"metadata": {"name": "production-app"}})"));
  ASSERT_TRUE(run.ok()) << run.status();

  absl::StatusOr<ResolvedArgs> args = resolveArgsWithoutSecrets(run->args);
  ASSERT_TRUE(args.ok());
  absl::StatusOr<std::vector<ResolvedMetric>> metrics = resolveRunMetrics(*run, *args);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  const ResolvedMetric& m = (*metrics)[0];
  EXPECT_EQ(m.prometheus.query,
            "sum(rate(http_requests_total{\n  service=\"production-app\",\n  status=~\"2..\"\n}"
            "[5m])) /\nsum(rate(http_requests_total{\n  service=\"production-app\"\n}[5m]))\n");
  EXPECT_EQ(m.prometheus.address, "http://prometheus:9090");
  EXPECT_EQ(m.settings.interval, absl::Minutes(1));
  EXPECT_FALSE(m.settings.count.has_value());  // interval only: until the run ends
  EXPECT_EQ(m.settings.failureLimit, 3);
  EXPECT_EQ(m.settings.consecutiveErrorLimit, 4);

  const RunPlan plan = planRun(*run, AnalysisRunStatus{}, testing::kT0);
  ASSERT_EQ(plan.due.size(), 1u);
  EXPECT_EQ(plan.due[0].metric, "success-rate");

  absl::StatusOr<CompiledConditions> conditions = compileConditions(m);
  ASSERT_TRUE(conditions.ok());
  const expr::Value nan(expr::Value::List{expr::Value(std::numeric_limits<double>::quiet_NaN())});
  const expr::Value good(expr::Value::List{expr::Value(0.995)});
  EXPECT_EQ(assessMeasurement(m, *conditions, nan, testing::kT0, testing::kT0).phase,
            AnalysisPhase::kError);  // no canary traffic: 0/0 is no data, not a pass
  EXPECT_EQ(assessMeasurement(m, *conditions, good, testing::kT0, testing::kT0).phase,
            AnalysisPhase::kSuccessful);
}

}  // namespace
}  // namespace serin::analysis
