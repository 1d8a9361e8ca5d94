// The reconciler shell over the in-memory API server and real informers: it plans only
// from caches that hold its own last writes (read-your-writes), and it writes nothing from
// a stale snapshot.
#include "operator/rollout/rollout_reconciler.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include "nlohmann/json.hpp"
#include "operator/kube/event_recorder.h"
#include "operator/kube/informer.h"
#include "operator/kube/replica_set.h"
#include "operator/kube/resource.h"
#include "operator/rollout/rollout_object.h"
#include "tests/eventually.h"
#include "tests/fake_clock.h"
#include "tests/fakes/fake_kube_client.h"

namespace serin::rollout {
namespace {

using json = nlohmann::json;
using serin::testing::FakeClock;
using serin::testing::FakeKubeClient;

constexpr char kGroup[] = "serin.io";

using serin::testing::eventually;

json rollout(const std::string& image) {
  return {{"apiVersion", "serin.io/v1alpha1"},
          {"kind", "Rollout"},
          {"metadata", {{"name", "web"}, {"namespace", "a"}}},
          {"spec",
           {{"replicas", 2},
            {"selector", {{"matchLabels", {{"app", "web"}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", "web"}}}}},
              {"spec", {{"containers", json::array({{{"name", "app"}, {"image", image}}})}}}}},
            {"strategy", {{"canary", {{"steps", json::array({{{"setWeight", 50}}, {{"pause", json::object()}}})}}}}}}}};
}

class RolloutReconcilerTest : public ::testing::Test {
 protected:
  RolloutReconcilerTest() {
    kube::InformerOptions fast;
    fast.reflector.backoff_initial = absl::Milliseconds(1);
    fast.reflector.backoff_max = absl::Milliseconds(5);
    rollouts_ = std::make_unique<kube::Informer<RolloutObject>>(api_, kube::resources::rollouts(kGroup), fast, log_);
    replica_sets_ = std::make_unique<kube::Informer<kube::ReplicaSet>>(api_, kube::resources::replicaSets(), fast, log_);
    services_ = std::make_unique<kube::Informer<kube::Service>>(api_, kube::resources::services(), fast, log_);
    runs_ = std::make_unique<kube::Informer<AnalysisRunObject>>(api_, kube::resources::analysisRuns(kGroup), fast, log_);
    events_ = std::make_unique<kube::EventRecorder>(api_, kube::EventRecorderOptions{}, clock_, log_);
    reconciler_ = std::make_unique<RolloutReconciler>(
        RolloutCaches{rollouts_.get(), replica_sets_.get(), services_.get(), runs_.get(), nullptr, nullptr}, api_,
        nullptr, *events_, clock_, log_, ReconcilerOptions{});
  }
  ~RolloutReconcilerTest() override {
    rollouts_->stop();
    replica_sets_->stop();
    services_->stop();
    runs_->stop();
  }

  void start() {
    rollouts_->start();
    replica_sets_->start();
    services_->start();
    runs_->start();
    ASSERT_TRUE(rollouts_->waitForSync(absl::Seconds(5)));
    ASSERT_TRUE(replica_sets_->waitForSync(absl::Seconds(5)));
    ASSERT_TRUE(services_->waitForSync(absl::Seconds(5)));
    ASSERT_TRUE(runs_->waitForSync(absl::Seconds(5)));
  }

  // The cached Rollout is the stored one (every write has arrived through the watch).
  bool rolloutCached() {
    auto cached = rollouts_->get("a", "web");
    const json stored = api_.object(kube::resources::rollouts(kGroup), "a", "web");
    return cached != nullptr && cached->meta().resource_version == stored["metadata"]["resourceVersion"];
  }

  size_t writes() {
    size_t n = 0;
    for (const auto& a : api_.actions()) n += a.resource != "events";
    return n;
  }

  FakeKubeClient api_;
  FakeClock clock_;
  std::ostringstream logs_;
  Logger log_{logs_, LogLevel::kError, LogFormat::kJson};
  std::unique_ptr<kube::Informer<RolloutObject>> rollouts_;
  std::unique_ptr<kube::Informer<kube::ReplicaSet>> replica_sets_;
  std::unique_ptr<kube::Informer<kube::Service>> services_;
  std::unique_ptr<kube::Informer<AnalysisRunObject>> runs_;
  std::unique_ptr<kube::EventRecorder> events_;
  std::unique_ptr<RolloutReconciler> reconciler_;
  const kube::ObjectKey key_{"a", "web"};
};

TEST_F(RolloutReconcilerTest, PlansNothingUntilItsOwnWritesAreCached) {
  api_.seed(kube::resources::rollouts(kGroup), rollout("web:v1"));
  start();
  // The watches break: nothing written from here on reaches the caches.
  api_.blockWatches(true);
  ASSERT_TRUE(reconciler_->reconcile(key_).ok());
  const size_t first = writes();
  ASSERT_GT(first, 0u) << "the first reconcile makes the ReplicaSet and writes the status";

  // The caches still show the Rollout before those writes: a reconcile now would create the
  // ReplicaSet again and PUT the status over a stale resourceVersion. It waits instead.
  for (int i = 0; i < 3; ++i) {
    auto again = reconciler_->reconcile(key_);
    ASSERT_TRUE(again.ok()) << again.status();
    ASSERT_TRUE(again->has_value());
    EXPECT_LE(**again, absl::Milliseconds(100));
  }
  EXPECT_EQ(writes(), first);

  // Once the watches bring the writes in, it goes on, and no write of it was refused.
  api_.blockWatches(false);
  ASSERT_TRUE(eventually([&] { return rolloutCached() && !replica_sets_->list("a").empty(); }));
  for (int i = 0; i < 5; ++i) {
    auto next = reconciler_->reconcile(key_);
    ASSERT_TRUE(next.ok()) << next.status();
    ASSERT_TRUE(eventually([&] { return rolloutCached(); }));
  }
  const json status = api_.object(kube::resources::rollouts(kGroup), "a", "web")["status"];
  EXPECT_FALSE(status.value("stableRS", "").empty()) << status.dump();
  EXPECT_EQ(api_.objects(kube::resources::replicaSets()).size(), 1u);
}

TEST_F(RolloutReconcilerTest, AWatchThatLagsTooLongIsNotWaitedForForever) {
  api_.seed(kube::resources::rollouts(kGroup), rollout("web:v1"));
  start();
  api_.blockWatches(true);
  ASSERT_TRUE(reconciler_->reconcile(key_).ok());
  auto waiting = reconciler_->reconcile(key_);
  ASSERT_TRUE(waiting.ok() && waiting->has_value());
  const json stored = api_.object(kube::resources::rollouts(kGroup), "a", "web");
  // Past the wait it plans from what is cached. The API server refuses what that stale
  // view would write (the ReplicaSet exists; the status PUT carries an old
  // resourceVersion), so nothing written before is lost.
  clock_.advance(absl::Seconds(10));
  auto late = reconciler_->reconcile(key_);
  EXPECT_TRUE(absl::IsAborted(late.status())) << "a stale write must be refused, got: " << late.status();
  EXPECT_EQ(api_.object(kube::resources::rollouts(kGroup), "a", "web"), stored);
  EXPECT_EQ(api_.objects(kube::resources::replicaSets()).size(), 1u);
}

}  // namespace
}  // namespace serin::rollout
