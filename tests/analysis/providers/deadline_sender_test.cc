#include "analysis/providers/deadline_sender.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "tests/fakes/fake_transport.h"

namespace serin::analysis::providers {
namespace {

using serin::testing::FakeTransport;

TEST(DeadlineSender, ReturnsTheTransportsAnswer) {
  auto fake = std::make_shared<FakeTransport>();
  fake->onSend(
      [](const kube::HttpRequest& r) { return serin::testing::jsonResponse(201, r.target); });
  DeadlineSender sender;
  kube::HttpRequest request;
  request.target = "/x";
  auto r = sender.send(fake, request, absl::Seconds(5));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "/x");

  fake->onSend([](const kube::HttpRequest&) -> absl::StatusOr<kube::HttpResponse> {
    return absl::UnavailableError("refused");
  });
  EXPECT_EQ(sender.send(fake, request, absl::Seconds(5)).status(),
            absl::UnavailableError("refused"));
}

TEST(DeadlineSender, ExceptionsBecomeErrors) {
  auto fake = std::make_shared<FakeTransport>();
  fake->onSend([](const kube::HttpRequest&) -> absl::StatusOr<kube::HttpResponse> {
    throw std::runtime_error("boom");
  });
  DeadlineSender sender;
  auto r = sender.send(fake, {}, absl::Seconds(5));
  EXPECT_EQ(r.status(), absl::InternalError("HTTP transport failed: boom"));
}

TEST(DeadlineSender, GivesUpAtTheDeadlineAndDrainsLater) {
  auto fake = std::make_shared<FakeTransport>();
  fake->onSend([](const kube::HttpRequest&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    return serin::testing::jsonResponse(200, "late");
  });
  DeadlineSender sender(2);
  const auto start = std::chrono::steady_clock::now();
  auto r = sender.send(fake, {}, absl::Milliseconds(100));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(350));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(sender.running(), 1u);
  EXPECT_EQ(sender.send(fake, {}, absl::Milliseconds(10)).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  auto full = sender.send(fake, {}, absl::Milliseconds(10));
  EXPECT_EQ(full.status().code(), absl::StatusCode::kResourceExhausted);
  for (int i = 0; i < 100 && sender.running() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(sender.running(), 0u);
}

TEST(DeadlineSender, DestructorWaitsForRunningRequests) {
  auto fake = std::make_shared<FakeTransport>();
  std::atomic<bool> finished{false};
  fake->onSend([&](const kube::HttpRequest&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    finished = true;
    return serin::testing::jsonResponse(200, "");
  });
  {
    DeadlineSender sender(4, absl::Seconds(5));
    EXPECT_FALSE(sender.send(fake, {}, absl::Milliseconds(10)).ok());
  }
  EXPECT_TRUE(finished.load());
}

}  // namespace
}  // namespace serin::analysis::providers
