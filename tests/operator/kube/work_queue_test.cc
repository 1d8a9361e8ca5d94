#include "operator/kube/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "operator/kube/rate_limiter.h"
#include "tests/fake_clock.h"

namespace serin::kube {
namespace {

using serin::testing::FakeClock;

TEST(WorkQueueTest, DeduplicatesQueuedKeys) {
  FakeClock clock;
  WorkQueue q(clock);
  q.add("a/x");
  q.add("a/x");
  q.add("a/y");
  EXPECT_EQ(q.len(), 2u);
  EXPECT_EQ(*q.get(), "a/x");
  EXPECT_EQ(*q.get(), "a/y");
}

TEST(WorkQueueTest, KeyAddedWhileProcessingIsRequeuedAtDone) {
  FakeClock clock;
  WorkQueue q(clock);
  q.add("k");
  auto k = q.get();
  q.add("k");
  EXPECT_EQ(q.len(), 0u);  // not handed to a second worker while the first holds it
  q.done(*k);
  EXPECT_EQ(q.len(), 1u);
  EXPECT_EQ(*q.get(), "k");
}

TEST(WorkQueueTest, OneWorkerPerKeyUnderConcurrency) {
  RealClock clock;
  WorkQueue q(clock);
  std::atomic<int> in_flight{0}, max_in_flight{0}, processed{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (auto key = q.get()) {
        const int now = ++in_flight;
        int seen = max_in_flight.load();
        while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {
        }
        absl::SleepFor(absl::Microseconds(200));
        --in_flight;
        ++processed;
        q.done(*key);
      }
    });
  }
  for (int i = 0; i < 300; ++i) q.add("same");
  absl::SleepFor(absl::Milliseconds(50));
  q.shutDown();
  for (auto& t : workers) t.join();
  EXPECT_EQ(max_in_flight.load(), 1);
  EXPECT_GE(processed.load(), 1);
}

TEST(WorkQueueTest, AddAfterWaitsForTheClockAndKeepsTheEarliest) {
  FakeClock clock;
  WorkQueue q(clock);
  q.addAfter("k", absl::Seconds(10));
  q.addAfter("k", absl::Seconds(5));
  q.addAfter("k", absl::Seconds(30));
  std::optional<std::string> got;
  std::thread worker([&] { got = q.get(); });
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_FALSE(got.has_value());
  clock.advance(absl::Seconds(5));
  q.poke();
  worker.join();
  EXPECT_EQ(got, "k");
}

TEST(WorkQueueTest, AddAfterIgnoredWhenAlreadyQueued) {
  FakeClock clock;
  WorkQueue q(clock);
  q.add("k");
  q.addAfter("k", absl::Hours(1));
  EXPECT_EQ(*q.get(), "k");
  q.done("k");
  clock.advance(absl::Hours(2));
  q.shutDown();
  EXPECT_FALSE(q.get().has_value());
}

TEST(WorkQueueTest, RateLimitedBackoffGrowsPerKeyAndForgetResets) {
  FakeClock clock;
  WorkQueueOptions options;
  options.base_delay = absl::Seconds(1);
  options.max_delay = absl::Seconds(8);
  WorkQueue q(clock, options);
  std::vector<absl::Duration> delays;
  for (int i = 0; i < 6; ++i) {
    const absl::Time before = clock.now();
    q.addRateLimited("k");
    std::optional<std::string> got;
    for (int step = 0; step < 30 && !(got = q.tryGet()); ++step) clock.advance(absl::Seconds(1));
    ASSERT_EQ(got, "k");
    q.done(*got);
    delays.push_back(clock.now() - before);
  }
  EXPECT_EQ(q.failures("k"), 6);
  EXPECT_EQ(delays, (std::vector<absl::Duration>{absl::Seconds(1), absl::Seconds(2),
                                                 absl::Seconds(4), absl::Seconds(8),
                                                 absl::Seconds(8), absl::Seconds(8)}));
  EXPECT_EQ(q.failures("other"), 0);  // per key
  q.forget("k");
  EXPECT_EQ(q.failures("k"), 0);
  q.addRateLimited("k");
  clock.advance(absl::Seconds(1));
  EXPECT_EQ(q.tryGet(), "k");
}

TEST(WorkQueueTest, ShutDownDrainsQueuedKeysThenStopsWorkers) {
  FakeClock clock;
  WorkQueue q(clock);
  q.add("a");
  q.add("b");
  q.addAfter("later", absl::Hours(1));
  q.shutDown();
  q.add("ignored");
  std::set<std::string> got;
  while (auto k = q.get()) {
    got.insert(*k);
    q.done(*k);
  }
  EXPECT_EQ(got, (std::set<std::string>{"a", "b"}));
  q.waitIdle();
  EXPECT_TRUE(q.shuttingDown());
}

TEST(WorkQueueTest, WaitIdleWaitsForInFlightWork) {
  RealClock clock;
  WorkQueue q(clock);
  q.add("k");
  auto k = q.get();
  std::atomic<bool> idle{false};
  std::thread waiter([&] {
    q.waitIdle();
    idle = true;
  });
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_FALSE(idle.load());
  q.done(*k);
  waiter.join();
  EXPECT_TRUE(idle.load());
}

TEST(TokenBucketTest, BurstThenSteadyRate) {
  FakeClock clock;
  TokenBucket bucket(10, 3, clock);  // 10 qps, burst 3
  EXPECT_EQ(bucket.reserve(), absl::ZeroDuration());
  EXPECT_EQ(bucket.reserve(), absl::ZeroDuration());
  EXPECT_EQ(bucket.reserve(), absl::ZeroDuration());
  EXPECT_EQ(bucket.reserve(), absl::Milliseconds(100));
  EXPECT_EQ(bucket.reserve(), absl::Milliseconds(200));  // queued behind the previous one
  clock.advance(absl::Seconds(10));
  // Refills to the burst, never beyond it.
  EXPECT_EQ(bucket.reserve(), absl::ZeroDuration());
  EXPECT_EQ(bucket.reserve(), absl::ZeroDuration());
  EXPECT_EQ(bucket.reserve(), absl::ZeroDuration());
  EXPECT_GT(bucket.reserve(), absl::ZeroDuration());
}

TEST(TokenBucketTest, ZeroQpsMeansUnlimited) {
  FakeClock clock;
  TokenBucket bucket(0, 1, clock);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(bucket.reserve(), absl::ZeroDuration());
}

}  // namespace
}  // namespace serin::kube
