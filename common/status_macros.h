// Early-return helpers for absl::Status and absl::StatusOr.
//
//   RETURN_IF_ERROR(writeStatus(rollout));
//   ASSIGN_OR_RETURN(auto rs, client.get(ref));
//
// Both evaluate their argument exactly once. abseil 20220623 ships no such macros.
#ifndef SERIN_COMMON_STATUS_MACROS_H_
#define SERIN_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SERIN_STATUS_CONCAT_INNER_(a, b) a##b
#define SERIN_STATUS_CONCAT_(a, b) SERIN_STATUS_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                                                   \
  do {                                                                          \
    ::absl::Status serin_status_ = (expr);                                      \
    if (!serin_status_.ok()) return serin_status_;                              \
  } while (0)

#define SERIN_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();     \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  SERIN_ASSIGN_OR_RETURN_IMPL_(SERIN_STATUS_CONCAT_(serin_statusor_, __LINE__), lhs, expr)

#endif  // SERIN_COMMON_STATUS_MACROS_H_
