#include "analysis/model/spec_json.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/analysis/test_util.h"

namespace serin::analysis {
namespace {

using testing::json;

// A valid spec with one metric; tests edit it into malformed ones.
nlohmann::json validSpec() {
  return json(R"json({
    "args": [{"name": "service-name"}, {"name": "threshold", "value": "0.99"},
             {"name": "token", "valueFrom": {"secretKeyRef": {"name": "prom", "key": "token"}}}],
    "metrics": [{
      "name": "success-rate",
      "interval": "1m",
      "initialDelay": "30s",
      "count": 5,
      "successCondition": "result[0] >= {{args.threshold}}",
      "failureLimit": "{{args.limit}}",
      "inconclusiveLimit": "2",
      "consecutiveErrorLimit": 3,
      "provider": {"prometheus": {
        "address": "http://prometheus:9090",
        "query": "sum(rate(x{service=\"{{args.service-name}}\"}[5m]))",
        "timeout": 10,
        "insecure": true,
        "headers": [{"key": "Authorization", "value": "Bearer {{ args.token }}"}]
      }}
    }],
    "dryRun": [{"metricName": "other.*"}],
    "measurementRetention": [{"metricName": "success-rate", "limit": 20}]
  })json");
}

TEST(AnalysisSpecJsonTest, ParsesAValidTemplate) {
  absl::StatusOr<AnalysisTemplateSpec> spec = parseAnalysisTemplateSpec(validSpec());
  ASSERT_TRUE(spec.ok()) << spec.status();
  ASSERT_EQ(spec->metrics.size(), 1u);
  const Metric& m = spec->metrics[0];
  EXPECT_EQ(m.name, "success-rate");
  EXPECT_EQ(m.interval, "1m");
  EXPECT_EQ(m.initialDelay, "30s");
  EXPECT_EQ(m.count, (IntOrString{int64_t{5}}));
  EXPECT_EQ(m.failureLimit, (IntOrString{std::string("{{args.limit}}")}));
  EXPECT_EQ(m.inconclusiveLimit, (IntOrString{std::string("2")}));
  ASSERT_TRUE(m.provider.prometheus.has_value());
  EXPECT_EQ(m.provider.prometheus->timeoutSeconds, 10);
  EXPECT_TRUE(m.provider.prometheus->insecure);
  ASSERT_EQ(m.provider.prometheus->headers.size(), 1u);
  EXPECT_EQ(m.provider.prometheus->headers[0].value, "Bearer {{ args.token }}");
  ASSERT_EQ(spec->args.size(), 3u);
  EXPECT_FALSE(spec->args[0].value.has_value());
  EXPECT_EQ(spec->args[1].value, "0.99");
  EXPECT_EQ(spec->args[2].valueFrom->secretKeyRef->key, "token");
  EXPECT_EQ(spec->dryRun[0].metricName, "other.*");  // may name another template's metric
  EXPECT_EQ(spec->measurementRetention[0].limit, 20);
}

TEST(AnalysisSpecJsonTest, AcceptsGoWrittenEmptyAuthenticationAndNulls) {
  nlohmann::json spec = validSpec();
  spec["metrics"][0]["provider"]["prometheus"]["authentication"] =
      json(R"({"sigv4": {}, "oauth2": {}})");
  spec["metrics"][0]["failureCondition"] = nullptr;  // null is absent, as in Kubernetes
  spec["dryRun"] = nullptr;
  absl::StatusOr<AnalysisTemplateSpec> parsed = parseAnalysisTemplateSpec(spec);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->dryRun.empty());
}

struct BadSpec {
  std::string name;
  nlohmann::json spec;
  std::string error;  // the whole message, or its start when it ends with "..."
};

nlohmann::json edit(const std::function<void(nlohmann::json&)>& fn) {
  nlohmann::json spec = validSpec();
  fn(spec);
  return spec;
}

nlohmann::json& metric0(nlohmann::json& spec) { return spec["metrics"][0]; }
nlohmann::json& prom0(nlohmann::json& spec) { return spec["metrics"][0]["provider"]["prometheus"]; }

std::string deepArray(int depth) {
  return std::string(static_cast<size_t>(depth), '[') +
         std::string(static_cast<size_t>(depth), ']');
}

TEST(AnalysisSpecJsonTest, MalformedSpecsNameTheField) {
  const BadSpec cases[] = {
      {"spec not an object", json("3"), "spec: must be an object, not an integer"},
      {"no metrics", json("{}"), "spec.metrics: at least one metric is required"},
      {"metrics not a list", json(R"({"metrics": {"name": "x"}})"),
       "spec.metrics: must be a list, not an object"},
      {"null metric", json(R"({"metrics": [null]})"),
       "spec.metrics[0]: must be an object, not null"},
      {"missing name", edit([](auto& s) { metric0(s).erase("name"); }),
       "spec.metrics[0].name: is required"},
      {"name of wrong type", edit([](auto& s) { metric0(s)["name"] = 5; }),
       "spec.metrics[0].name: must be a string, not an integer"},
      {"bad interval", edit([](auto& s) { metric0(s)["interval"] = "5x"; }),
       "spec.metrics[0].interval: \"5x\" is not a duration: unknown unit \"x\" (use ns, us, ms, "
       "s, m or h)"},
      {"interval as number", edit([](auto& s) { metric0(s)["interval"] = 30; }),
       "spec.metrics[0].interval: must be a string, not an integer"},
      {"zero interval", edit([](auto& s) { metric0(s)["interval"] = "0s"; }),
       "spec.metrics[0].interval: must be greater than 0 (omit it to measure once)"},
      {"negative initialDelay", edit([](auto& s) { metric0(s)["initialDelay"] = "-5s"; }),
       "spec.metrics[0].initialDelay: \"-5s\" is not a duration: ..."},
      {"count without interval", edit([](auto& s) { metric0(s).erase("interval"); }),
       "spec.metrics[0].count: count 5 needs an interval"},
      {"failureLimit below -1", edit([](auto& s) { metric0(s)["failureLimit"] = -2; }),
       "spec.metrics[0].failureLimit: must be -1 (off) or more, not -2"},
      {"failureLimit -1 alone", edit([](auto& s) { metric0(s)["failureLimit"] = -1; }),
       "spec.metrics[0].failureLimit: -1 turns failing off, which needs a "
       "consecutiveSuccessLimit above 0"},
      {"negative inconclusiveLimit", edit([](auto& s) { metric0(s)["inconclusiveLimit"] = "-1"; }),
       "spec.metrics[0].inconclusiveLimit: must be 0 or more, not -1"},
      {"negative consecutiveErrorLimit",
       edit([](auto& s) { metric0(s)["consecutiveErrorLimit"] = -3; }),
       "spec.metrics[0].consecutiveErrorLimit: must be 0 or more, not -3"},
      {"count below limits", edit([](auto& s) { metric0(s)["failureLimit"] = 7; }),
       "spec.metrics[0].count: count (5) must be at least failureLimit + "
       "consecutiveSuccessLimit (7 + 0)"},
      {"huge float limit", edit([](auto& s) { metric0(s)["failureLimit"] = 1e300; }),
       "spec.metrics[0].failureLimit: must be an integer or a string holding one, not a number"},
      {"count beyond int32", edit([](auto& s) { metric0(s)["count"] = 99999999999; }),
       "spec.metrics[0].count: above 2147483647, the range of a 32-bit integer"},
      {"count beyond int64",
       edit([](auto& s) { metric0(s)["count"] = json("18446744073709551615"); }),
       "spec.metrics[0].count: is far out of range"},
      {"count as huge string",
       edit([](auto& s) { metric0(s)["count"] = "999999999999999999999999"; }),
       "spec.metrics[0].count: above 2147483647, the range of a 32-bit integer"},
      {"limit not a number", edit([](auto& s) { metric0(s)["inconclusiveLimit"] = "abc"; }),
       "spec.metrics[0].inconclusiveLimit: \"abc\" is not an integer"},
      {"limit as boolean", edit([](auto& s) { metric0(s)["consecutiveErrorLimit"] = true; }),
       "spec.metrics[0].consecutiveErrorLimit: must be an integer or a string holding one, not a "
       "boolean"},
      {"duplicate metric", edit([](auto& s) { s["metrics"].push_back(metric0(s)); }),
       "spec.metrics[1].name: duplicate metric name \"success-rate\" (also spec.metrics[0])"},
      {"datadog provider", edit([](auto& s) {
         nlohmann::json m = metric0(s);
         m["name"] = "errors";
         m["provider"] = json(R"({"datadog": {"query": "x"}})");
         s["metrics"].push_back(m);
       }),
       "spec.metrics[1].provider.datadog: provider not supported by serin"},
      {"web provider beside prometheus",
       edit([](auto& s) { metric0(s)["provider"]["web"] = json(R"({"url": "http://x"})"); }),
       "spec.metrics[0].provider.web: provider not supported by serin"},
      {"no provider", edit([](auto& s) { metric0(s).erase("provider"); }),
       "spec.metrics[0].provider: is required (serin supports prometheus)"},
      {"empty provider", edit([](auto& s) { metric0(s)["provider"] = json("{}"); }),
       "spec.metrics[0].provider: a metric needs exactly one provider (serin supports "
       "prometheus)"},
      {"unknown provider", edit([](auto& s) { metric0(s)["provider"]["carrier-pigeon"] = 1; }),
       "spec.metrics[0].provider.carrier-pigeon: unknown field"},
      {"rangeQuery", edit([](auto& s) { prom0(s)["rangeQuery"] = json(R"({"step": "1m"})"); }),
       "spec.metrics[0].provider.prometheus.rangeQuery: not supported by serin (instant queries "
       "only)"},
      {"sigv4",
       edit([](auto& s) { prom0(s)["authentication"] = json(R"({"sigv4": {"region": "x"}})"); }),
       "spec.metrics[0].provider.prometheus.authentication.sigv4: not supported by serin (send "
       "credentials in headers, e.g. an Authorization header whose value is a secret argument)"},
      {"oauth2",
       edit([](auto& s) { prom0(s)["authentication"] = json(R"({"oauth2": {"clientId": "x"}})"); }),
       "spec.metrics[0].provider.prometheus.authentication.oauth2: not supported by serin ..."},
      {"missing query", edit([](auto& s) { prom0(s).erase("query"); }),
       "spec.metrics[0].provider.prometheus.query: is required"},
      {"zero timeout", edit([](auto& s) { prom0(s)["timeout"] = 0; }),
       "spec.metrics[0].provider.prometheus.timeout: must be an integer from 1 to 3600, not 0"},
      {"timeout as string", edit([](auto& s) { prom0(s)["timeout"] = "30s"; }),
       "spec.metrics[0].provider.prometheus.timeout: must be an integer from 1 to 3600, not a "
       "string"},
      {"header without key",
       edit([](auto& s) { prom0(s)["headers"] = json(R"([{"value": "x"}])"); }),
       "spec.metrics[0].provider.prometheus.headers[0].key: is required"},
      {"insecure as string", edit([](auto& s) { prom0(s)["insecure"] = "yes"; }),
       "spec.metrics[0].provider.prometheus.insecure: must be true or false, not a string"},
      {"typo in field", edit([](auto& s) { metric0(s)["succesCondition"] = "true"; }),
       "spec.metrics[0].succesCondition: unknown field"},
      {"no condition", edit([](auto& s) { metric0(s).erase("successCondition"); }),
       "spec.metrics[0]: metric \"success-rate\" has neither successCondition nor "
       "failureCondition; serin never invents a verdict (InvalidSpec)"},
      {"condition syntax error",
       edit([](auto& s) { metric0(s)["failureCondition"] = "result[0] >"; }),
       "spec.metrics[0].failureCondition: metric \"success-rate\": failureCondition \"result[0] "
       ">\": line 1, column ..."},
      {"unclosed reference", edit([](auto& s) { prom0(s)["query"] = "up{x=\"{{args.a\"}"; }),
       "spec.metrics[0].provider.prometheus.query: \"{{\" at offset 6 has no closing \"}}\""},
      {"not an args reference", edit([](auto& s) { prom0(s)["address"] = "http://{{host}}"; }),
       "spec.metrics[0].provider.prometheus.address: {{host}} is not an argument reference "
       "(write {{args.<name>}})"},
      {"duplicate argument", edit([](auto& s) { s["args"].push_back(s["args"][0]); }),
       "spec.args[3].name: duplicate argument \"service-name\" (also spec.args[0])"},
      {"value and valueFrom", edit([](auto& s) { s["args"][2]["value"] = "x"; }),
       "spec.args[2]: set value or valueFrom, not both"},
      {"empty valueFrom", edit([](auto& s) { s["args"][2]["valueFrom"] = json("{}"); }),
       "spec.args[2].valueFrom: needs exactly one of secretKeyRef or fieldRef"},
      {"secretKeyRef without key",
       edit([](auto& s) { s["args"][2]["valueFrom"]["secretKeyRef"].erase("key"); }),
       "spec.args[2].valueFrom.secretKeyRef.key: is required"},
      {"bad dryRun pattern", edit([](auto& s) { s["dryRun"][0]["metricName"] = "(a|b)"; }),
       "spec.dryRun[0].metricName: not a metric name pattern serin supports: '(' ..."},
      {"negative retention", edit([](auto& s) { s["measurementRetention"][0]["limit"] = -1; }),
       "spec.measurementRetention[0].limit: must be an integer from 0 to 1000, not -1"},
      {"nested templates",
       edit([](auto& s) { s["templates"] = json(R"([{"templateName": "x"}])"); }),
       "spec.templates: templates (nested analysis templates) is not supported by serin"},
      {"too many metrics", edit([](auto& s) {
         for (int i = 0; i < 100; ++i) {
           nlohmann::json m = metric0(s);
           m["name"] = "m" + std::to_string(i);
           s["metrics"].push_back(m);
         }
       }),
       "spec.metrics: has 101 items; at most 100 are allowed"},
      {"deeply nested headers", edit([](auto& s) { prom0(s)["headers"] = json(deepArray(5000)); }),
       "spec.metrics[0].provider.prometheus.headers[0]: must be an object, not an array"},
      {"deeply nested unknown field",
       edit([](auto& s) { metric0(s)["extra"] = json(deepArray(5000)); }),
       "spec.metrics[0].extra: unknown field"},
      {"hostile long key", edit([](auto& s) { metric0(s)[std::string(5000, 'k')] = 1; }),
       "spec.metrics[0]." + std::string(64, 'k') + "...: unknown field"},
      {"control characters in key", edit([](auto& s) { metric0(s)["a\nb"] = 1; }),
       "spec.metrics[0].\"a\\nb\": unknown field"},
  };
  for (const BadSpec& c : cases) {
    absl::StatusOr<AnalysisTemplateSpec> spec = parseAnalysisTemplateSpec(c.spec);
    ASSERT_FALSE(spec.ok()) << c.name;
    EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    const std::string message(spec.status().message());
    if (c.error.size() > 3 && c.error.substr(c.error.size() - 3) == "...") {
      const std::string prefix = c.error.substr(0, c.error.size() - 3);
      EXPECT_EQ(message.substr(0, prefix.size()), prefix) << c.name << ": " << message;
    } else {
      EXPECT_EQ(message, c.error) << c.name;
    }
  }
}

TEST(AnalysisSpecJsonTest, ConditionSyntaxErrorNamesMetricExpressionAndColumn) {
  nlohmann::json spec = validSpec();
  metric0(spec)["successCondition"] = "result[0] >= = 0.99";
  absl::StatusOr<AnalysisTemplateSpec> parsed = parseAnalysisTemplateSpec(spec);
  ASSERT_FALSE(parsed.ok());
  const std::string message(parsed.status().message());
  EXPECT_NE(message.find("spec.metrics[0].successCondition"), std::string::npos) << message;
  EXPECT_NE(message.find("metric \"success-rate\""), std::string::npos) << message;
  EXPECT_NE(message.find("\"result[0] >= = 0.99\""), std::string::npos) << message;
  EXPECT_NE(message.find("column 14"), std::string::npos) << message;
}

TEST(AnalysisSpecJsonTest, RunSpecChecksRulesAndTerminate) {
  nlohmann::json spec = validSpec();
  spec["terminate"] = true;
  absl::StatusOr<AnalysisRunSpec> run = parseAnalysisRunSpec(spec);
  ASSERT_FALSE(run.ok());  // the dryRun rule "other.*" matches no metric of this run
  EXPECT_EQ(run.status().message(),
            "spec.dryRun[0].metricName: \"other.*\" matches no metric of the run");

  spec["dryRun"] = json(R"([{"metricName": "success-.*"}])");
  run = parseAnalysisRunSpec(spec);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_TRUE(run->terminate);

  spec["ttlStrategy"] = json(R"({"secondsAfterCompletion": 60})");
  run = parseAnalysisRunSpec(spec);
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().message(),
            "spec.ttlStrategy: ttlStrategy is not supported by serin (the Rollout's run history "
            "limits prune runs)");
  spec.erase("ttlStrategy");
  spec["terminate"] = "yes";
  EXPECT_EQ(parseAnalysisRunSpec(spec).status().message(),
            "spec.terminate: must be true or false, not a string");
}

TEST(AnalysisSpecJsonTest, RunSpecRoundTrips) {
  nlohmann::json spec = validSpec();
  spec["dryRun"] = json(R"([{"metricName": "*"}])");
  spec["terminate"] = true;
  absl::StatusOr<AnalysisRunSpec> run = parseAnalysisRunSpec(spec);
  ASSERT_TRUE(run.ok()) << run.status();
  const nlohmann::json written = toJson(*run);
  EXPECT_EQ(written, spec);  // same fields, same int-or-string forms
  absl::StatusOr<AnalysisRunSpec> again = parseAnalysisRunSpec(written);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *run);
}

}  // namespace
}  // namespace serin::analysis
