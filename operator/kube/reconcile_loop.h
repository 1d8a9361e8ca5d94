// The worker loop every controller runs: take a key, reconcile it, and requeue it as the
// result says. Reconcilers return when to look again (nullopt: on the next change) or an
// error: Aborted (a lost optimistic-concurrency race) is retried at once, others with the
// queue's per-key exponential backoff.
#ifndef SERIN_OPERATOR_KUBE_RECONCILE_LOOP_H_
#define SERIN_OPERATOR_KUBE_RECONCILE_LOOP_H_

#include <functional>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/log.h"
#include "operator/kube/resource.h"
#include "operator/kube/work_queue.h"

namespace serin::kube {

using Reconcile = std::function<absl::StatusOr<std::optional<absl::Duration>>(const ObjectKey&)>;
// Called after each reconcile with how long it took and whether it failed (for metrics).
using ReconcileTiming = std::function<void(const ObjectKey&, absl::Duration, bool failed)>;

// Runs until the queue is shut down and drained. Call on each worker thread.
void runReconcileLoop(WorkQueue& queue, const Reconcile& reconcile, const Clock& clock,
                      const Logger& log, const ReconcileTiming& timing = nullptr);

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_RECONCILE_LOOP_H_
