#include "operator/kube/reconcile_loop.h"

#include <string>

namespace serin::kube {

void runReconcileLoop(WorkQueue& queue, const Reconcile& reconcile, const Clock& clock,
                      const Logger& log, const ReconcileTiming& timing) {
  while (std::optional<std::string> key = queue.get()) {
    const absl::Time start = clock.now();
    const ObjectKey object = ObjectKey::parse(*key);
    absl::StatusOr<std::optional<absl::Duration>> result = reconcile(object);
    if (timing) timing(object, clock.now() - start, !result.ok());
    if (result.ok()) {
      queue.forget(*key);
      if (*result) queue.addAfter(*key, **result);
    } else if (absl::IsAborted(result.status())) {
      // Lost a race with another writer: the cache catches up within moments.
      queue.addAfter(*key, absl::Milliseconds(50));
    } else {
      log.warn("reconcile failed", {{"key", *key}, {"error", std::string(result.status().message())}});
      queue.addRateLimited(*key);
    }
    queue.done(*key);
  }
}

}  // namespace serin::kube
