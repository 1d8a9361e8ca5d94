// Runs that cannot be measured end as Error with a message naming what is wrong — never a
// crash and never a retry loop — and secret argument values never leave the measurement.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "tests/analysis/controller/run_harness.h"

namespace serin::analysis {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::promMetricJson;
using testing::RunHarness;
using testing::vec;
using json = nlohmann::json;

struct InvalidCase {
  std::string name;
  json spec;
  json status;  // seeded status, null for none
  std::vector<std::string> message_parts;
};

TEST(AnalysisRunSpecErrorsTest, InvalidRunsEndAsErrorOnceWithTheReason) {
  json no_condition = promMetricJson("m", "");
  no_condition.erase("successCondition");
  const InvalidCase cases[] = {
      {"syntax",
       {{"metrics", {promMetricJson("success-rate", "result[0] >=")}}},
       nullptr,
       {"Analysis spec invalid: ", "metric \"success-rate\"", "successCondition", "column 13"}},
      {"unclosed",
       {{"metrics", {promMetricJson("m", "ok", {{"failureCondition", "len(result) > (1"}})}}},
       nullptr,
       {"metric \"m\"", "failureCondition", "column"}},
      {"unknown-arg",
       {{"metrics",
         {promMetricJson(
             "m", "true",
             {{"provider", {{"prometheus", {{"query", "up{svc=\"{{args.service}}\"}"}}}}}})}}},
       nullptr,
       {"Analysis spec invalid: ", "query", "unknown argument \"service\""}},
      {"arg-without-value",
       {{"args", {{{"name", "service"}}}},
        {"metrics",
         {promMetricJson("m", "true",
                         {{"provider", {{"prometheus", {{"query", "{{args.service}}"}}}}}})}}},
       nullptr,
       {"Unable to resolve metric arguments: ", "argument \"service\" has no value"}},
      {"bad-interval",
       {{"metrics", {promMetricJson("m", "true", {{"interval", "soon"}})}}},
       nullptr,
       {"Analysis spec invalid: ", "metrics[0].interval"}},
      {"no-condition",
       {{"metrics", {no_condition}}},
       nullptr,
       {"Analysis spec invalid: ", "metrics[0]"}},
      {"no-metrics", {{"metrics", json::array()}}, nullptr, {"Analysis spec invalid: ", "metrics"}},
      {"bad-status",
       {{"metrics", {promMetricJson("m", "true")}}},
       {{"phase", "Bogus"}},
       {"Unable to read status: ", "status.phase"}},
  };
  for (const InvalidCase& c : cases) {
    SCOPED_TRACE(c.name);
    RunHarness h;
    json run = h.seedRun(c.name, c.spec);
    if (!c.status.is_null()) {
      run["status"] = c.status;
      h.api_.seed(kube::resources::analysisRuns("serin.io"), run);
    }
    auto r = h.reconcile(c.name);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_FALSE(r->has_value());
    json st = h.status(c.name);
    EXPECT_EQ(st["phase"], "Error");
    for (const std::string& part : c.message_parts) {
      EXPECT_THAT(st["message"].get<std::string>(), HasSubstr(part));
    }
    EXPECT_TRUE(st.contains("completedAt"));
    EXPECT_EQ(h.statusWrites(c.name), 1);
    for (int i = 0; i < 3; ++i) {
      h.clock_.advance(absl::Minutes(1));
      ASSERT_TRUE(h.reconcile(c.name).ok());
    }
    EXPECT_EQ(h.statusWrites(c.name), 1);  // no retry loop
    h.waitMeasured();
    EXPECT_EQ(h.provider_.calls(), 0);
    auto events = h.eventLines();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_THAT(events[0], ::testing::StartsWith(
                               "AnalysisRunError|Warning|Analysis Completed. Result: Error: "));
  }
}

class SecretArgumentTest : public ::testing::Test {
 protected:
  static constexpr const char* kSecret = "s3cr3t-t0ken";

  void seedSecret(const std::string& name, const std::string& key, const std::string& value) {
    std::string encoded;
    absl::Base64Escape(value, &encoded);
    h_.api_.seed(kube::resources::secrets(),
                 {{"apiVersion", "v1"},
                  {"kind", "Secret"},
                  {"metadata", {{"name", name}, {"namespace", RunHarness::kNs}}},
                  {"data", {{key, encoded}}}});
  }
  static json secretArg(const std::string& arg, const std::string& secret, const std::string& key) {
    return {{"name", arg}, {"valueFrom", {{"secretKeyRef", {{"name", secret}, {"key", key}}}}}};
  }
  static json tokenMetric(json extra = json::object()) {
    json prometheus = {
        {"query", "up{auth=\"{{args.token}}\"}"},
        {"headers", {{{"key", "Authorization"}, {"value", "Bearer {{args.token}}"}}}}};
    json m = promMetricJson("m", "result[0] >= 0.9", {{"provider", {{"prometheus", prometheus}}}});
    m.merge_patch(extra);
    return m;
  }
  // Everything serin wrote or logged, as one text.
  std::string everythingWritten() {
    std::string out = h_.logs_.str();
    for (const json& e : h_.events()) out += e.dump();
    for (const json& r : h_.api_.objects(kube::resources::analysisRuns("serin.io"))) {
      out += r["status"].dump();
    }
    return out;
  }

  RunHarness h_;
};

TEST_F(SecretArgumentTest, SecretValueReachesTheProviderButNeverStatusEventsOrLogs) {
  seedSecret("prom-auth", "token", kSecret);
  h_.provider_.echoQuery();  // the server quotes the query back in its error
  h_.seedRun("secret", {{"args", {secretArg("token", "prom-auth", "token")}},
                        {"metrics", {tokenMetric({{"consecutiveErrorLimit", 0}})}}});
  json run = h_.drive("secret");
  EXPECT_EQ(run["status"]["phase"], "Error");
  ASSERT_EQ(h_.provider_.queries().size(), 1u);
  EXPECT_EQ(h_.provider_.queries()[0], "up{auth=\"s3cr3t-t0ken\"}");
  const json& m = run["status"]["metricResults"][0]["measurements"][0];
  EXPECT_EQ(m["message"], "echo: up{auth=\"*****\"}");
  EXPECT_EQ(m["metadata"]["resolvedQuery"], "up{auth=\"*****\"}");
  EXPECT_THAT(run["status"]["message"].get<std::string>(), HasSubstr("*****"));
  EXPECT_THAT(everythingWritten(), Not(HasSubstr(kSecret)));
  EXPECT_THAT(h_.eventLines(), ::testing::Contains(HasSubstr("*****")));
}

TEST_F(SecretArgumentTest, MissingSecretOrKeyIsAnErrorMeasurementNamingThem) {
  seedSecret("prom-auth", "other", kSecret);
  h_.seedRun("no-secret", {{"args", {secretArg("token", "nope", "token")}},
                           {"metrics", {tokenMetric({{"consecutiveErrorLimit", 0}})}}});
  h_.seedRun("no-key", {{"args", {secretArg("token", "prom-auth", "token")}},
                        {"metrics", {tokenMetric({{"consecutiveErrorLimit", 0}})}}});
  json a = h_.drive("no-secret");
  EXPECT_EQ(a["status"]["phase"], "Error");
  EXPECT_EQ(
      a["status"]["metricResults"][0]["measurements"][0]["message"],
      "Unable to resolve metric arguments: argument \"token\": secret \"nope\" key \"token\": "
      "Secret not found in namespace shop");
  json b = h_.drive("no-key");
  EXPECT_EQ(b["status"]["metricResults"][0]["measurements"][0]["message"],
            "Unable to resolve metric arguments: argument \"token\": secret \"prom-auth\" key "
            "\"token\": the Secret has no such key");
  EXPECT_EQ(h_.provider_.calls(), 0);
  EXPECT_THAT(everythingWritten(), Not(HasSubstr(kSecret)));
}

TEST_F(SecretArgumentTest, ConditionWithASecretIsCheckedAtMeasurementAndRedacted) {
  seedSecret("limits", "good", "0.9");
  seedSecret("bad-limits", "broken", "0.9 >=");
  json good = promMetricJson("m", "result[0] >= {{args.limit}}");
  h_.seedRun("good", {{"args", {secretArg("limit", "limits", "good")}}, {"metrics", {good}}});
  h_.seedRun("broken",
             {{"args", {secretArg("limit", "bad-limits", "broken")}}, {"metrics", {good}}});
  EXPECT_EQ(h_.drive("good")["status"]["phase"], "Successful");
  json broken = h_.drive("broken");
  EXPECT_EQ(broken["status"]["phase"], "Error");
  const std::string message = broken["status"]["message"];
  EXPECT_THAT(message, HasSubstr("Analysis spec invalid: metric \"m\": successCondition"));
  EXPECT_THAT(message, HasSubstr("*****"));
  EXPECT_THAT(message, Not(HasSubstr("0.9 >=")));
}

TEST(AnalysisRunUtf8Test, InvalidUtf8FromAProviderIsWrittenReplacedNotThrown) {
  RunHarness h;
  h.provider_.always(absl::UnavailableError("bad \xff\xfe bytes"));
  h.seedRun("utf8", {{"metrics", {promMetricJson("m", "true", {{"consecutiveErrorLimit", 0}})}}});
  json run = h.drive("utf8");
  EXPECT_EQ(run["status"]["phase"], "Error");
  EXPECT_THAT(run["status"]["metricResults"][0]["measurements"][0]["message"].get<std::string>(),
              HasSubstr("bad \xef\xbf\xbd"));
}

}  // namespace
}  // namespace serin::analysis
