// Drives an AnalysisRunReconciler over FakeKubeClient, a real informer, a real
// MeasurementPool and a FakeClock, the way the controller's workers would, but moving the
// clock instead of waiting for it.
#ifndef SERIN_TESTS_ANALYSIS_CONTROLLER_RUN_HARNESS_H_
#define SERIN_TESTS_ANALYSIS_CONTROLLER_RUN_HARNESS_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/controller/analysis_run_metrics.h"
#include "analysis/controller/analysis_run_reconciler.h"
#include "common/json_fields.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "tests/analysis/controller/fake_metric_provider.h"
#include "tests/eventually.h"
#include "tests/fake_clock.h"
#include "tests/fakes/fake_kube_client.h"

namespace serin::analysis::testing {

using nlohmann::json;

using serin::testing::eventually;

// A Prometheus metric as users write it; `extra` is merged over it.
inline json promMetricJson(const std::string& name, const std::string& success,
                           json extra = json::object()) {
  json m = {
      {"name", name},
      {"successCondition", success},
      {"provider", {{"prometheus", {{"address", "http://prometheus:9090"}, {"query", "up"}}}}}};
  m.merge_patch(extra);
  return m;
}

inline bool terminalPhase(const json& run) {
  const std::string phase = jsonString(jsonObject(run, "status"), "phase");
  return phase == "Successful" || phase == "Failed" || phase == "Error" || phase == "Inconclusive";
}

class RunHarness {
 public:
  static constexpr const char* kNs = "shop";

  RunHarness() : pool_(std::make_unique<MeasurementPool>(2)) {
    pool_->start();
    providers_.add(provider_);
    rebuild();
  }
  ~RunHarness() {
    pool_->stop();
    if (runs_) runs_->stop();
  }

  // A new informer and reconciler over the same API, pool and clock, as after a restart of
  // the process (tests replace pool_ first to lose what it held).
  void rebuild() {
    reconciler_.reset();
    if (runs_) runs_->stop();
    runs_ = std::make_unique<kube::Informer<RunObject>>(
        api_, kube::resources::analysisRuns("serin.io"), kube::InformerOptions{}, log_);
    runs_->start();
    EXPECT_TRUE(runs_->waitForSync(absl::Seconds(10)));
    reconciler_ = std::make_unique<AnalysisRunReconciler>(
        *runs_, api_, *pool_, providers_, recorder_, clock_, log_, RunReconcilerOptions{});
    reconciler_->setObserver([this](const RunSnapshot& s) { metrics_.observe(s); });
  }

  json seedRun(const std::string& name, json spec, json labels = json::object()) {
    return api_.seed(kube::resources::analysisRuns("serin.io"),
                     {{"apiVersion", "serin.io/v1alpha1"},
                      {"kind", "AnalysisRun"},
                      {"metadata", {{"name", name}, {"namespace", kNs}, {"labels", labels}}},
                      {"spec", std::move(spec)}});
  }
  json object(const std::string& name) const {
    return api_.object(kube::resources::analysisRuns("serin.io"), kNs, name);
  }
  json status(const std::string& name) const { return jsonObject(object(name), "status"); }

  // Waits until the informer shows what the API holds.
  void waitCache(const std::string& name) {
    const std::string want = jsonString(jsonObject(object(name), "metadata"), "resourceVersion");
    ASSERT_TRUE(eventually([&] {
      auto cached = runs_->get(kNs, name);
      return cached != nullptr && cached->meta().resource_version == want;
    })) << "cache never caught up with "
        << want;
  }
  absl::StatusOr<std::optional<absl::Duration>> reconcile(const std::string& name) {
    waitCache(name);
    return reconciler_->reconcile({kNs, name});
  }
  // Waits until no measurement is queued or running.
  void waitMeasured() {
    ASSERT_TRUE(eventually([&] { return pool_->measuring() == 0; }));
  }

  // Reconciles, waits for measurements and moves the clock to each requeue time until the
  // run has a verdict (or nothing more happens); returns the run.
  json drive(const std::string& name, int max_steps = 200) {
    for (int i = 0; i < max_steps; ++i) {
      waitCache(name);
      if (terminalPhase(object(name))) return object(name);
      auto r = reconciler_->reconcile({kNs, name});
      EXPECT_TRUE(r.ok()) << r.status();
      if (!r.ok()) return object(name);
      if (pool_->measuring() > 0 || !pool_->finished(uidOf(name)).empty()) {
        waitMeasured();
        continue;
      }
      if (!r->has_value()) break;  // waiting for nothing: stuck, which the test will show
      clock_.advance(std::max(**r, absl::Milliseconds(1)));
    }
    waitCache(name);
    return object(name);
  }

  std::string uidOf(const std::string& name) const {
    return jsonString(jsonObject(object(name), "metadata"), "uid");
  }
  // Status writes (PUT of the status subresource) to run `name`.
  int statusWrites(const std::string& name) const {
    int n = 0;
    for (const auto& a : api_.actions()) {
      n += a.resource == "analysisruns" && a.name == name && a.subresource == "status";
    }
    return n;
  }
  std::vector<json> events() {
    recorder_.flushForTest();
    return api_.objects(kube::resources::events());
  }
  // "reason|type|message" of every event, in creation order of their names.
  std::vector<std::string> eventLines() {
    std::vector<std::string> out;
    for (const json& e : events()) {
      out.push_back(jsonString(e, "reason") + "|" + jsonString(e, "type") + "|" +
                    jsonString(e, "message"));
    }
    return out;
  }
  std::string metricsText() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  serin::testing::FakeKubeClient api_;
  serin::testing::FakeClock clock_;
  std::ostringstream logs_;
  Logger log_{logs_, LogLevel::kDebug, LogFormat::kJson};
  kube::EventRecorder recorder_{api_, {}, clock_, log_};
  prometheus::Registry registry_;
  AnalysisRunMetrics metrics_{registry_};
  FakeMetricProvider provider_;
  ProviderSet providers_;
  std::unique_ptr<MeasurementPool> pool_;
  std::unique_ptr<kube::Informer<RunObject>> runs_;
  std::unique_ptr<AnalysisRunReconciler> reconciler_;
};

}  // namespace serin::analysis::testing

#endif  // SERIN_TESTS_ANALYSIS_CONTROLLER_RUN_HARNESS_H_
