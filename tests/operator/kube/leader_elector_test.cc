#include "operator/kube/leader_elector.h"

#include <gtest/gtest.h>

#include <atomic>
#include <sstream>

#include "tests/fake_clock.h"
#include "tests/fakes/fake_kube_client.h"

namespace serin::kube {
namespace {

using serin::testing::FakeClock;
using serin::testing::FakeKubeClient;

LeaderElectionOptions opts(const std::string& identity) {
  LeaderElectionOptions o;
  o.ns = "serin-system";
  o.name = "serin-controller";
  o.identity = identity;
  o.lease_duration = absl::Seconds(15);
  o.renew_deadline = absl::Seconds(10);
  o.retry_period = absl::Seconds(2);
  return o;
}

class LeaderElectorTest : public ::testing::Test {
 protected:
  int leaseWrites() {
    int n = 0;
    for (const auto& a : api_.actions()) n += a.resource == "leases";
    return n;
  }
  std::string holder() {
    return api_.object(resources::leases(), "serin-system", "serin-controller")["spec"]
        .value("holderIdentity", "");
  }

  FakeKubeClient api_;
  FakeClock wall_a_, mono_a_, wall_b_, mono_b_;
  std::ostringstream logs_;
  Logger log_{logs_, LogLevel::kError, LogFormat::kJson};
};

TEST_F(LeaderElectorTest, FirstCandidateCreatesTheLeaseAndMayWrite) {
  LeaderElector a(api_, opts("a"), wall_a_, mono_a_, log_);
  EXPECT_FALSE(a.isLeader());
  EXPECT_TRUE(absl::IsFailedPrecondition(a.checkWrite()));
  ASSERT_TRUE(a.tryAcquireOrRenew());
  EXPECT_TRUE(a.isLeader());
  EXPECT_EQ(holder(), "a");
  auto lease = api_.object(resources::leases(), "serin-system", "serin-controller");
  EXPECT_EQ(lease["spec"]["leaseDurationSeconds"], 15);
  // MicroTime format: microseconds and a Z.
  EXPECT_EQ(lease["spec"]["renewTime"].get<std::string>().size(), 27u);
}

TEST_F(LeaderElectorTest, OthersWaitAWholeLeaseDurationOfSilence) {
  LeaderElector a(api_, opts("a"), wall_a_, mono_a_, log_);
  LeaderElector b(api_, opts("b"), wall_b_, mono_b_, log_);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  EXPECT_FALSE(b.tryAcquireOrRenew());  // first sight of a's lease
  for (int i = 0; i < 10; ++i) {
    // a renews every 2 s; b never sees 15 s without a change.
    mono_a_.advance(absl::Seconds(2));
    wall_a_.advance(absl::Seconds(2));
    mono_b_.advance(absl::Seconds(2));
    ASSERT_TRUE(a.tryAcquireOrRenew());
    EXPECT_FALSE(b.tryAcquireOrRenew());
  }
  EXPECT_EQ(holder(), "a");
  // a stops renewing (paused). b takes over once 15 s have passed since it last saw a change.
  mono_b_.advance(absl::Seconds(14));
  EXPECT_FALSE(b.tryAcquireOrRenew());
  mono_b_.advance(absl::Seconds(2));
  EXPECT_TRUE(b.tryAcquireOrRenew());
  EXPECT_EQ(holder(), "b");
  auto lease = api_.object(resources::leases(), "serin-system", "serin-controller");
  EXPECT_EQ(lease["spec"]["leaseTransitions"], 1);
}

TEST_F(LeaderElectorTest, FenceClosesBeforeAnyoneElseCanTakeOver) {
  LeaderElector a(api_, opts("a"), wall_a_, mono_a_, log_);
  LeaderElector b(api_, opts("b"), wall_b_, mono_b_, log_);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  ASSERT_FALSE(b.tryAcquireOrRenew());  // b's observation starts no earlier than a's renewal
  // Time passes equally for both while a is frozen.
  for (int s = 1; s <= 20; ++s) {
    mono_a_.advance(absl::Seconds(1));
    mono_b_.advance(absl::Seconds(1));
    const bool a_may_write = a.checkWrite().ok();
    const bool b_leads = b.tryAcquireOrRenew();
    EXPECT_FALSE(a_may_write && b_leads) << "both at second " << s;
    if (s < 10) {
      EXPECT_TRUE(a_may_write) << s;
    } else {
      EXPECT_FALSE(a_may_write) << s;
    }
    if (s >= 15) {
      EXPECT_TRUE(b_leads) << s;
    }
  }
  // a wakes up: it must not write anything, not even its lease.
  const int writes_before = leaseWrites();
  EXPECT_FALSE(a.tryAcquireOrRenew());
  EXPECT_FALSE(a.isLeader());
  EXPECT_EQ(leaseWrites(), writes_before);
  EXPECT_EQ(holder(), "b");
}

TEST_F(LeaderElectorTest, ReleaseLetsASuccessorTakeOverAtOnce) {
  auto a = std::make_unique<LeaderElector>(api_, opts("a"), wall_a_, mono_a_, log_);
  LeaderElector b(api_, opts("b"), wall_b_, mono_b_, log_);
  ASSERT_TRUE(a->tryAcquireOrRenew());
  EXPECT_FALSE(b.tryAcquireOrRenew());
  a->stop();
  EXPECT_FALSE(a->isLeader());  // the fence stays closed after stop()
  EXPECT_EQ(holder(), "");
  EXPECT_TRUE(b.tryAcquireOrRenew());
}

TEST_F(LeaderElectorTest, ConflictingWritesLoseTheRace) {
  LeaderElector a(api_, opts("a"), wall_a_, mono_a_, log_);
  ASSERT_TRUE(a.tryAcquireOrRenew());
  api_.failNext("update", "leases", absl::AbortedError("conflict"));
  mono_a_.advance(absl::Seconds(2));
  EXPECT_FALSE(a.tryAcquireOrRenew());
  EXPECT_TRUE(a.isLeader());  // still within the renew deadline
  mono_a_.advance(absl::Seconds(2));
  EXPECT_TRUE(a.tryAcquireOrRenew());
}

TEST_F(LeaderElectorTest, RenewLoopReportsLossWhenTheServerIsUnreachable) {
  RealClock wall;
  MonotonicClock mono;
  LeaderElectionOptions o = opts("a");
  o.lease_duration = absl::Milliseconds(600);
  o.renew_deadline = absl::Milliseconds(400);
  o.retry_period = absl::Milliseconds(50);
  LeaderElector a(api_, o, wall, mono, log_);
  ASSERT_TRUE(a.acquire());
  std::atomic<bool> lost{false};
  a.startRenewing([&] { lost = true; });
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_FALSE(lost.load());  // renewals succeed
  EXPECT_TRUE(a.isLeader());
  api_.failNext("get", "leases", absl::UnavailableError("partitioned"), 1000000);
  const absl::Time start = absl::Now();
  while (!lost.load() && absl::Now() - start < absl::Seconds(5)) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_TRUE(lost.load());
  EXPECT_FALSE(a.isLeader());
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(600));  // before the lease could expire
}

TEST(LeaderElectionOptionsTest, Validation) {
  LeaderElectionOptions o = opts("x");
  EXPECT_TRUE(validate(o).ok());
  o.renew_deadline = absl::Seconds(20);
  EXPECT_FALSE(validate(o).ok());
  o = opts("x");
  o.retry_period = absl::Seconds(10);
  EXPECT_FALSE(validate(o).ok());
  o = opts("");
  EXPECT_FALSE(validate(o).ok());
  EXPECT_NE(defaultIdentity().find('_'), std::string::npos);
}

}  // namespace
}  // namespace serin::kube
