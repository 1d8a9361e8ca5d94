// A gate every write passes just before it is sent. Leader election closes it when the
// lease can no longer be trusted, so a paused or partitioned old leader cannot write after
// another process has taken over.
#ifndef SERIN_OPERATOR_KUBE_WRITE_FENCE_H_
#define SERIN_OPERATOR_KUBE_WRITE_FENCE_H_

#include "absl/status/status.h"

namespace serin::kube {

class WriteFence {
 public:
  virtual ~WriteFence() = default;
  // OK when a write may be sent now; FailedPrecondition saying why not otherwise.
  // Thread-safe and cheap (called for every write).
  virtual absl::Status checkWrite() const = 0;
};

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_WRITE_FENCE_H_
