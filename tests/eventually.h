// Polls a condition that another thread (an informer, a worker) makes true: for tests of
// code with threads, where a fake clock cannot stand in for waiting.
#ifndef SERIN_TESTS_EVENTUALLY_H_
#define SERIN_TESTS_EVENTUALLY_H_

#include <functional>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace serin::testing {

// True as soon as `pred` is; false if it still is not after `timeout`.
inline bool eventually(const std::function<bool()>& pred, absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (pred()) return true;
    absl::SleepFor(absl::Milliseconds(2));
  }
  return pred();
}

}  // namespace serin::testing

#endif  // SERIN_TESTS_EVENTUALLY_H_
