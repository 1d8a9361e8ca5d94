#include "analysis/run_spec_builder.h"

#include <gtest/gtest.h>

#include "analysis/model/spec_json.h"
#include "tests/analysis/test_util.h"

namespace serin::analysis {
namespace {

using testing::json;

NamedTemplate templateOf(std::string name, const char* spec) {
  absl::StatusOr<AnalysisTemplateSpec> parsed = parseAnalysisTemplateSpec(json(spec));
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return NamedTemplate{std::move(name), parsed.ok() ? *parsed : AnalysisTemplateSpec{}};
}

NamedTemplate successRate() {
  return templateOf("success-rate", R"({
    "args": [{"name": "service-name"}, {"name": "threshold", "value": "0.99"}],
    "metrics": [{"name": "success-rate", "successCondition": "result[0] >= {{args.threshold}}",
                 "provider": {"prometheus": {"query": "x{s=\"{{args.service-name}}\"}"}}}]
  })");
}

NamedTemplate latency() {
  return templateOf("latency", R"({
    "args": [{"name": "service-name"},
             {"name": "team", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['team']"}}},
             {"name": "token", "valueFrom": {"secretKeyRef": {"name": "prom", "key": "t"}}}],
    "metrics": [{"name": "latency", "failureCondition": "result[0] > 0.5",
                 "provider": {"prometheus": {
                   "query": "y{s=\"{{args.service-name}}\",t=\"{{args.team}}\"}",
                   "headers": [{"key": "Authorization", "value": "Bearer {{args.token}}"}]}}}],
    "dryRun": [{"metricName": "latency"}]
  })");
}

nlohmann::json rolloutJson() {
  return json(R"({"metadata": {"name": "checkout", "labels": {"team": "payments"}}})");
}

const Argument* findArg(const AnalysisRunSpec& spec, std::string_view name) {
  for (const Argument& a : spec.args) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

TEST(AnalysisRunSpecBuilderTest, MergesTemplatesAndArguments) {
  const std::vector<Argument> caller = {Argument{"service-name", "checkout-canary", std::nullopt},
                                        Argument{"threshold", "0.95", std::nullopt},
                                        Argument{"not-declared", "ignored", std::nullopt}};
  absl::StatusOr<AnalysisRunSpec> spec =
      buildRunSpec({successRate(), latency()}, caller, {},
                   {MeasurementRetention{"success-rate", 3}}, rolloutJson());
  ASSERT_TRUE(spec.ok()) << spec.status();
  ASSERT_EQ(spec->metrics.size(), 2u);
  EXPECT_EQ(spec->metrics[0].name, "success-rate");
  EXPECT_EQ(spec->metrics[1].name, "latency");
  ASSERT_EQ(spec->args.size(), 4u);
  EXPECT_EQ(findArg(*spec, "service-name")->value, "checkout-canary");
  EXPECT_EQ(findArg(*spec, "threshold")->value, "0.95");  // the caller overrides a default
  EXPECT_EQ(findArg(*spec, "team")->value, "payments");   // fieldRef read from the Rollout
  EXPECT_FALSE(findArg(*spec, "team")->valueFrom.has_value());
  EXPECT_EQ(findArg(*spec, "token")->valueFrom->secretKeyRef->name, "prom");
  EXPECT_EQ(findArg(*spec, "not-declared"), nullptr);
  ASSERT_EQ(spec->dryRun.size(), 1u);
  ASSERT_EQ(spec->measurementRetention.size(), 1u);
  EXPECT_EQ(spec->measurementRetention[0].limit, 3);
  // What is built parses back as a run.
  EXPECT_TRUE(parseAnalysisRunSpec(toJson(*spec)).ok());
}

struct BadBuild {
  std::string name;
  std::vector<NamedTemplate> templates;
  std::vector<Argument> caller;
  std::vector<DryRun> dryRun;
  std::string error;
};

TEST(AnalysisRunSpecBuilderTest, Errors) {
  const std::vector<Argument> service = {Argument{"service-name", "svc", std::nullopt}};
  const BadBuild cases[] = {
      {"missing argument",
       {successRate()},
       {},
       {},
       "argument \"service-name\" has no value: the template declares it without a default and "
       "the Rollout does not pass it"},
      {"metric defined twice",
       {successRate(), successRate()},
       service,
       {},
       "metric \"success-rate\" is defined by both template \"success-rate\" and template "
       "\"success-rate\""},
      {"conflicting argument values",
       {successRate(), templateOf("other", R"({"args": [{"name": "threshold", "value": "0.5"}],
          "metrics": [{"name": "m2", "successCondition": "true",
                       "provider": {"prometheus": {"query": "q"}}}]})")},
       service,
       {},
       "argument \"threshold\" has two different values: \"0.99\" and \"0.5\" (template "
       "\"other\")"},
      {"reference to an undeclared argument",
       {templateOf("typo", R"({"metrics": [{"name": "m", "successCondition": "true",
          "provider": {"prometheus": {"query": "x{s=\"{{args.servce}}\"}"}}}]})")},
       {},
       {},
       "metric \"m\" provider.prometheus.query: unknown argument \"servce\" (template \"typo\" "
       "declares no such argument)"},
      {"fieldRef to a missing label",
       {latency()},
       service,
       {},
       "argument \"team\": fieldPath \"metadata.labels['team']\": not found in the Rollout"},
      {"dryRun rule matching nothing",
       {successRate()},
       service,
       {DryRun{"nope"}},
       "dryRun: \"nope\" matches no metric of the run"},
      {"dryRun rule twice",
       {successRate()},
       service,
       {DryRun{"success-rate"}, DryRun{"success-rate"}},
       "dryRun: two rules for metric \"success-rate\""},
      {"no templates", {}, service, {}, "the templates define no metric"},
  };
  for (const BadBuild& c : cases) {
    const nlohmann::json rollout =
        c.name == "fieldRef to a missing label" ? json(R"({"metadata": {}})") : rolloutJson();
    absl::StatusOr<AnalysisRunSpec> spec =
        buildRunSpec(c.templates, c.caller, c.dryRun, {}, rollout);
    ASSERT_FALSE(spec.ok()) << c.name;
    EXPECT_EQ(spec.status().message(), c.error) << c.name;
  }
}

TEST(AnalysisRunSpecBuilderTest, RolloutArguments) {
  std::vector<RolloutArgument> args;
  const char* items[] = {
      R"({"name": "service-name", "value": "checkout-canary"})",
      R"({"name": "app", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}})",
      R"({"name": "stable", "valueFrom": {"podTemplateHashValue": "Stable"}})",
      R"({"name": "latest", "valueFrom": {"podTemplateHashValue": "Latest"}})",
  };
  for (size_t i = 0; i < 4; ++i) {
    absl::StatusOr<RolloutArgument> a = parseRolloutArgument(json(items[i]), "spec.args[0]");
    ASSERT_TRUE(a.ok()) << a.status();
    args.push_back(*a);
  }
  const nlohmann::json rollout = json(R"({"metadata": {"labels": {"app": "checkout"}}})");
  absl::StatusOr<std::vector<Argument>> resolved =
      resolveRolloutArguments(args, RolloutContext{rollout, "6d5f", "7c9a"});
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  ASSERT_EQ(resolved->size(), 4u);
  EXPECT_EQ((*resolved)[0].value, "checkout-canary");
  EXPECT_EQ((*resolved)[1].value, "checkout");
  EXPECT_EQ((*resolved)[2].value, "6d5f");
  EXPECT_EQ((*resolved)[3].value, "7c9a");

  EXPECT_EQ(resolveRolloutArguments(args, RolloutContext{rollout, "", "7c9a"}).status().message(),
            "argument \"stable\": the stable pod-template hash is not known yet");
  EXPECT_EQ(
      parseRolloutArgument(json(R"({"name": "x", "valueFrom": {"podTemplateHashValue": "Old"}})"),
                           "spec.strategy.canary.analysis.args[2]")
          .status()
          .message(),
      "spec.strategy.canary.analysis.args[2].valueFrom.podTemplateHashValue: must be Stable "
      "or Latest");
}

}  // namespace
}  // namespace serin::analysis
