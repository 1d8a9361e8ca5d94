#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "operator/kube/http_transport.h"

namespace serin::kube {
namespace {

TEST(CancelTokenTest, HookRunsOnCancelOrAtOnceWhenAlreadyCancelled) {
  CancelToken token;
  int runs = 0;
  token.onCancel([&] { ++runs; });
  EXPECT_FALSE(token.cancelled());
  token.cancel();
  EXPECT_TRUE(token.cancelled());
  EXPECT_EQ(runs, 1);
  token.onCancel([&] { runs += 10; });
  EXPECT_EQ(runs, 11);
  token.clearHook();
  token.cancel();
  EXPECT_EQ(runs, 11);
}

// RestClient::watch hooks a token to a CancelToken of its own stack frame and clears the hook
// before returning: a cancel() from another thread that is running the hook at that moment
// must finish before the frame goes away.
TEST(CancelTokenTest, ClearHookWaitsForTheHookACancelIsRunning) {
  CancelToken token;
  auto target = std::make_unique<CancelToken>();
  std::atomic<bool> in_hook{false};
  std::atomic<bool> release{false};
  token.onCancel([&, t = target.get()] {
    in_hook = true;
    while (!release) std::this_thread::yield();
    t->cancel();
  });
  std::thread canceller([&] { token.cancel(); });
  while (!in_hook) std::this_thread::yield();
  std::atomic<bool> cleared{false};
  std::thread owner([&] {
    token.clearHook();
    cleared = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(cleared) << "clearHook() returned while the hook was still running";
  release = true;
  owner.join();
  canceller.join();
  EXPECT_TRUE(cleared);
  EXPECT_TRUE(target->cancelled());
  target.reset();  // what the hook referred to may go now
}

}  // namespace
}  // namespace serin::kube
