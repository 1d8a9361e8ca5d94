// RolloutReconciler: the thin I/O shell around the planner. For one Rollout it reads the
// caches, asks the planner for a Plan, and applies it through the KubeClient and the
// TrafficRouter in a fixed order:
//   create ReplicaSet -> scale ups -> Service selectors -> traffic -> (only if all of that
//   worked) scale downs -> ReplicaSet deletions -> AnalysisRuns -> status -> events.
// It writes only what differs from the cache, so a reconcile with nothing to do makes no
// API write at all.
#ifndef SERIN_OPERATOR_ROLLOUT_ROLLOUT_RECONCILER_H_
#define SERIN_OPERATOR_ROLLOUT_ROLLOUT_RECONCILER_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "common/log.h"
#include "operator/kube/event_recorder.h"
#include "operator/kube/informer.h"
#include "operator/kube/kube_client.h"
#include "operator/kube/replica_set.h"
#include "operator/rollout/plan.h"
#include "operator/rollout/rollout_object.h"
#include "operator/traffic/traffic_router.h"

namespace serin::rollout {

// The caches the reconciler reads. All must be synced before the first reconcile.
struct RolloutCaches {
  kube::Informer<RolloutObject>* rollouts = nullptr;
  kube::Informer<kube::ReplicaSet>* replica_sets = nullptr;
  kube::Informer<kube::Service>* services = nullptr;
  kube::Informer<AnalysisRunObject>* runs = nullptr;
  kube::Informer<kube::SpecObject>* templates = nullptr;
  kube::Informer<kube::SpecObject>* cluster_templates = nullptr;
};

struct ReconcilerOptions {
  std::string api_group = "serin.io";
  std::string instance_id;
  // Status changes nobody acts on (replica counts, weights, messages) are written at most
  // this often per Rollout; they ride along with the next significant change instead.
  absl::Duration status_coalesce = absl::Seconds(2);
};

// True when `next` differs from `current` in something a human, a tool or a restart relies
// on (step, pauses, abort, stable version, phase, condition statuses...), not only in
// replica counts, weights, messages or condition times.
bool significantStatusChange(const RolloutStatus& current, const RolloutStatus& next);

// Called after each reconcile with the Rollout as planned (for metrics).
using ReconcileObserver = std::function<void(const RolloutObject&, const Plan&)>;

// Thread-safe for distinct keys (the work queue never hands one key to two workers).
// Everything passed in must outlive the reconciler.
class RolloutReconciler {
 public:
  RolloutReconciler(RolloutCaches caches, kube::KubeClient& client, traffic::TrafficRouter* router,
                    kube::EventRecorder& events, const Clock& clock, const Logger& log,
                    ReconcilerOptions options);

  void setObserver(ReconcileObserver observer) { observer_ = std::move(observer); }

  // Reconciles the Rollout `key`. OK with the delay after which to look again (nullopt:
  // when something changes); an error means retry with backoff. Aborted means a write lost
  // an optimistic-concurrency race: re-read and re-plan soon.
  absl::StatusOr<std::optional<absl::Duration>> reconcile(const kube::ObjectKey& key);

 private:
  // Applies every write of `plan` but the status, in the safe order.
  absl::Status applyWrites(const RolloutObject& ro, const Plan& plan,
                           const traffic::RoutedRollout* routed, const Logger& log);
  // Writes the status (unless only insignificant fields changed within the coalescing
  // window: then sets `*deferred`), then records the events.
  absl::Status finish(const RolloutObject& ro, const Plan& plan,
                      std::optional<absl::Duration>* deferred);
  absl::Status writeStatus(const RolloutObject& ro, const RolloutStatus& status);
  absl::Status scale(const RolloutObject& ro, const ReplicaSetScale& s, const Logger& log);
  void event(const RolloutObject& ro, kube::EventType type, const std::string& reason,
             const std::string& message);

  // Read-your-writes: after writing an object, the next reconcile of the Rollout waits
  // (briefly) until the caches show that write, instead of planning from stale state and
  // repeating or undoing it.
  enum class CachedKind { kRollout, kReplicaSet, kService, kRun };
  struct Expectation {
    CachedKind kind;
    std::string name;
    std::string stale_version;  // the version the write replaced; "" when it created
  };
  struct Pending {
    absl::Time deadline;
    std::vector<Expectation> items;
  };
  void expect(const kube::ObjectKey& rollout, CachedKind kind, const std::string& name,
              const std::string& stale_version);
  bool cachesLag(const kube::ObjectKey& rollout);

  // When each Rollout's status was last written (for coalescing).
  std::mutex mu_;
  std::map<kube::ObjectKey, absl::Time> last_status_write_;  // guarded by mu_
  std::map<kube::ObjectKey, Pending> pending_;               // guarded by mu_

  RolloutCaches caches_;
  kube::KubeClient& client_;
  traffic::TrafficRouter* router_;
  kube::EventRecorder& events_;
  const Clock& clock_;
  Logger log_;
  const ReconcilerOptions options_;
  ReconcileObserver observer_;
};

}  // namespace serin::rollout

#endif  // SERIN_OPERATOR_ROLLOUT_ROLLOUT_RECONCILER_H_
