#include "common/status_macros.h"

#include <gtest/gtest.h>

#include <memory>

namespace serin {
namespace {

absl::StatusOr<int> parsePositive(int v) {
  if (v <= 0) return absl::InvalidArgumentError("not positive");
  return v;
}

absl::Status check(int v, int* calls) {
  ++*calls;
  return v > 0 ? absl::OkStatus() : absl::FailedPreconditionError("bad");
}

absl::StatusOr<int> doubled(int v) {
  ASSIGN_OR_RETURN(int x, parsePositive(v));
  return 2 * x;
}

absl::Status twoChecks(int a, int b, int* calls) {
  RETURN_IF_ERROR(check(a, calls));
  RETURN_IF_ERROR(check(b, calls));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<int>> makeBox(int v) {
  if (v < 0) return absl::OutOfRangeError("negative");
  return std::make_unique<int>(v);
}

absl::StatusOr<int> unbox(int v) {
  ASSIGN_OR_RETURN(std::unique_ptr<int> box, makeBox(v));  // move-only values work
  ASSIGN_OR_RETURN(auto again, makeBox(*box + 1));          // twice in one scope
  return *again;
}

TEST(StatusMacrosTest, AssignOrReturnPassesValueOrError) {
  EXPECT_EQ(*doubled(21), 42);
  auto err = doubled(0);
  EXPECT_EQ(err.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(err.status().message(), "not positive");
}

TEST(StatusMacrosTest, ReturnIfErrorStopsAtFirstError) {
  int calls = 0;
  EXPECT_TRUE(twoChecks(1, 1, &calls).ok());
  EXPECT_EQ(calls, 2);
  calls = 0;
  EXPECT_EQ(twoChecks(0, 1, &calls).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(calls, 1);
}

TEST(StatusMacrosTest, MoveOnlyValues) {
  EXPECT_EQ(*unbox(1), 2);
  EXPECT_EQ(unbox(-1).status().code(), absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace serin
