#include "operator/kube/informer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <sstream>

#include "operator/kube/api_status.h"
#include "tests/fakes/fake_kube_client.h"
#include "tests/eventually.h"

namespace serin::kube {
namespace {

using serin::testing::FakeKubeClient;

// A minimal projection: metadata and the replica count.
struct ReplicaSetLite {
  ObjectMeta meta_;
  int64_t replicas = 0;
  const ObjectMeta& meta() const { return meta_; }
  static ReplicaSetLite fromJson(const nlohmann::json& j) {
    ReplicaSetLite rs;
    rs.meta_ = ObjectMeta::fromJson(j.value("metadata", nlohmann::json::object()));
    if (j.contains("spec") && j["spec"].is_object() && j["spec"].contains("replicas") &&
        j["spec"]["replicas"].is_number_integer()) {
      rs.replicas = j["spec"]["replicas"].get<int64_t>();
    }
    return rs;
  }
};

nlohmann::json rs(const std::string& ns, const std::string& name, int replicas,
                  const std::string& owner_uid = "") {
  nlohmann::json j = {{"apiVersion", "apps/v1"},
                      {"kind", "ReplicaSet"},
                      {"metadata",
                       {{"name", name},
                        {"namespace", ns},
                        {"labels", {{"app", name}}},
                        {"managedFields", nlohmann::json::array({{{"manager", "kubectl"}}})},
                        {"annotations",
                         {{"kubectl.kubernetes.io/last-applied-configuration", "{huge}"},
                          {"keep", "me"}}}}},
                      {"spec", {{"replicas", replicas}}}};
  if (!owner_uid.empty()) {
    j["metadata"]["ownerReferences"] = {
        {{"apiVersion", "serin.io/v1alpha1"}, {"kind", "Rollout"}, {"name", "ro"},
         {"uid", owner_uid}, {"controller", true}}};
  }
  return j;
}

class Recorder {
 public:
  void attach(Informer<ReplicaSetLite>& inf) {
    inf.addHandlers({[this](const auto& o) { add("add " + o->meta().key().str()); },
                     [this](const auto&, const auto& n) { add("update " + n->meta().key().str()); },
                     [this](const auto& o) { add("delete " + o->meta().key().str()); }});
  }
  void add(std::string s) {
    std::lock_guard<std::mutex> lock(mu_);
    log_.push_back(std::move(s));
  }
  std::vector<std::string> log() {
    std::lock_guard<std::mutex> lock(mu_);
    return log_;
  }
  bool saw(const std::string& s) {
    auto l = log();
    return std::find(l.begin(), l.end(), s) != l.end();
  }

 private:
  std::mutex mu_;
  std::vector<std::string> log_;
};

using serin::testing::eventually;

class InformerTest : public ::testing::Test {
 protected:
  InformerOptions fastOptions() {
    InformerOptions o;
    o.reflector.backoff_initial = absl::Milliseconds(1);
    o.reflector.backoff_max = absl::Milliseconds(5);
    return o;
  }
  FakeKubeClient api_;
  std::ostringstream logs_;
  Logger log_{logs_, LogLevel::kError, LogFormat::kJson};
  const Resource res_ = resources::replicaSets();
};

TEST_F(InformerTest, ListsThenWatchesAndStripsNoise) {
  api_.seed(res_, rs("a", "one", 1));
  Informer<ReplicaSetLite> inf(api_, res_, fastOptions(), log_);
  Recorder rec;
  rec.attach(inf);
  inf.start();
  ASSERT_TRUE(inf.waitForSync(absl::Seconds(5)));
  EXPECT_TRUE(rec.saw("add a/one"));
  auto one = inf.get("a", "one");
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(one->meta().annotations.get("keep"), "me");
  EXPECT_FALSE(one->meta().annotations.contains("kubectl.kubernetes.io/last-applied-configuration"));

  api_.seed(res_, rs("a", "two", 2));
  api_.seed(res_, rs("a", "one", 5));
  ASSERT_TRUE(api_.remove(res_, "a", "two").ok());
  ASSERT_TRUE(eventually([&] { return rec.saw("delete a/two"); }));
  EXPECT_EQ(inf.get("a", "one")->replicas, 5);
  EXPECT_EQ(inf.get("a", "two"), nullptr);
  EXPECT_EQ(rec.log(), (std::vector<std::string>{"add a/one", "add a/two", "update a/one",
                                                 "delete a/two"}));
  inf.stop();
}

TEST_F(InformerTest, ResumesAfterTheServerEndsTheWatchWithoutRelisting) {
  Informer<ReplicaSetLite> inf(api_, res_, fastOptions(), log_);
  inf.start();
  ASSERT_TRUE(inf.waitForSync(absl::Seconds(5)));
  for (int i = 0; i < 5; ++i) {
    api_.closeWatches();  // e.g. an API server restart or a server-side timeout
    api_.seed(res_, rs("a", "o" + std::to_string(i), i));
  }
  ASSERT_TRUE(eventually([&] { return inf.size() == 5; }));
  EXPECT_EQ(inf.reflector().listCount(), 1);  // resumed from the resource version each time
}

TEST_F(InformerTest, GoneRelistsAndDeliversDeletionsThatHappenedMeanwhile) {
  api_.seed(res_, rs("a", "keep", 1));
  api_.seed(res_, rs("a", "doomed", 1));
  Informer<ReplicaSetLite> inf(api_, res_, fastOptions(), log_);
  Recorder rec;
  rec.attach(inf);
  // Watches fail while the changes below happen, so they are not seen live; then the server
  // forgets its history, so resuming from the old version gets 410 and only a new list can
  // catch up.
  api_.blockWatches(true);
  inf.start();
  ASSERT_TRUE(inf.waitForSync(absl::Seconds(5)));
  ASSERT_TRUE(api_.remove(res_, "a", "doomed").ok());
  api_.seed(res_, rs("a", "keep", 9));
  api_.seed(res_, rs("a", "new", 1));
  api_.compact();
  api_.blockWatches(false);
  ASSERT_TRUE(eventually([&] { return rec.saw("delete a/doomed"); }));
  EXPECT_EQ(inf.reflector().listCount(), 2);
  EXPECT_TRUE(rec.saw("update a/keep"));
  EXPECT_TRUE(rec.saw("add a/new"));
  EXPECT_EQ(inf.get("a", "keep")->replicas, 9);
  EXPECT_EQ(inf.size(), 2u);
  // And it watches again afterwards.
  api_.seed(res_, rs("a", "after", 1));
  ASSERT_TRUE(eventually([&] { return rec.saw("add a/after"); }));
  inf.stop();
}

TEST_F(InformerTest, OwnerIndexAndNamespaces) {
  api_.seed(res_, rs("a", "r1", 1, "uid-ro"));
  api_.seed(res_, rs("a", "r2", 1, "uid-ro"));
  api_.seed(res_, rs("b", "r3", 1, "uid-other"));
  Informer<ReplicaSetLite> inf(api_, res_, fastOptions(), log_);
  inf.start();
  ASSERT_TRUE(inf.waitForSync(absl::Seconds(5)));
  EXPECT_EQ(inf.listByOwner("uid-ro").size(), 2u);
  EXPECT_EQ(inf.list("a").size(), 2u);
  EXPECT_EQ(inf.list("b").size(), 1u);
  EXPECT_EQ(inf.list().size(), 3u);
  ASSERT_TRUE(api_.remove(res_, "a", "r1").ok());
  ASSERT_TRUE(eventually([&] { return inf.listByOwner("uid-ro").size() == 1; }));
  inf.stop();
}

TEST_F(InformerTest, KeysFollowTheObjectsThatReplaceThem) {
  // The cache's keys view the cached objects' own names: every replacement (a watch update,
  // a relist that changes some objects and keeps others) must leave lookups, lists and the
  // owner index working once the replaced objects are gone.
  api_.seed(res_, rs("a", "changes-by-watch-and-then-some", 1, "uid-ro"));
  api_.seed(res_, rs("a", "unchanged-across-the-relist-xx", 1, "uid-ro"));
  api_.seed(res_, rs("a", "changes-during-the-relist-xxxx", 1, "uid-ro"));
  Informer<ReplicaSetLite> inf(api_, res_, fastOptions(), log_);
  inf.start();
  ASSERT_TRUE(inf.waitForSync(absl::Seconds(5)));
  api_.seed(res_, rs("a", "changes-by-watch-and-then-some", 2, "uid-ro"));
  ASSERT_TRUE(eventually([&] {
    auto o = inf.get("a", "changes-by-watch-and-then-some");
    return o != nullptr && o->replicas == 2;
  }));
  api_.blockWatches(true);
  api_.closeWatches();
  api_.seed(res_, rs("a", "changes-during-the-relist-xxxx", 3, "uid-other"));
  api_.compact();
  api_.blockWatches(false);
  ASSERT_TRUE(eventually([&] { return inf.reflector().listCount() == 2; }));
  ASSERT_TRUE(eventually([&] { return inf.listByOwner("uid-other").size() == 1; }));
  EXPECT_EQ(inf.get("a", "changes-during-the-relist-xxxx")->replicas, 3);
  EXPECT_EQ(inf.get("a", "unchanged-across-the-relist-xx")->replicas, 1);
  EXPECT_EQ(inf.get("a", "changes-by-watch-and-then-some")->replicas, 2);
  std::vector<std::string> names;
  for (const auto& o : inf.listByOwner("uid-ro")) names.push_back(o->meta().name);
  EXPECT_EQ(names, (std::vector<std::string>{"changes-by-watch-and-then-some",
                                             "unchanged-across-the-relist-xx"}));
  ASSERT_EQ(inf.list("a").size(), 3u);
  EXPECT_EQ(inf.list("a")[2]->meta().name, "unchanged-across-the-relist-xx");
  // A watch delete after all that still finds and unindexes the right entry.
  ASSERT_TRUE(api_.remove(res_, "a", "unchanged-across-the-relist-xx").ok());
  ASSERT_TRUE(eventually([&] { return inf.listByOwner("uid-ro").size() == 1; }));
  EXPECT_EQ(inf.get("a", "unchanged-across-the-relist-xx"), nullptr);
  inf.stop();
}

TEST_F(InformerTest, ResyncRedeliversEveryObject) {
  api_.seed(res_, rs("a", "one", 1));
  InformerOptions o = fastOptions();
  o.resync = absl::Milliseconds(20);
  Informer<ReplicaSetLite> inf(api_, res_, o, log_);
  std::atomic<int> updates{0};
  inf.addHandlers({nullptr, [&](const auto&, const auto&) { ++updates; }, nullptr});
  inf.start();
  ASSERT_TRUE(eventually([&] { return updates.load() >= 3; }));
  inf.stop();
}

TEST_F(InformerTest, FailedListIsRetriedAndNeverReadsAsDeletions) {
  api_.seed(res_, rs("a", "one", 1));
  api_.failNext("list", "replicasets", absl::UnavailableError("etcd down"), 3);
  Informer<ReplicaSetLite> inf(api_, res_, fastOptions(), log_);
  Recorder rec;
  rec.attach(inf);
  inf.start();
  ASSERT_TRUE(inf.waitForSync(absl::Seconds(5)));
  EXPECT_EQ(rec.log(), (std::vector<std::string>{"add a/one"}));
  inf.stop();
}

}  // namespace
}  // namespace serin::kube
