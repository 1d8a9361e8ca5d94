// Leader election on a coordination.k8s.io/v1 Lease, with fencing.
//
// One process holds the lease and renews it every retry period; others wait until they
// have seen the lease unchanged for a whole lease duration before taking it over (they
// judge by their own observation time, never by the timestamps in the lease, so clocks
// need not agree).
//
// Fencing: the elector is also the WriteFence of the controller's client. A write may be
// sent only while monotonic-now < (send time of the last successful renewal) +
// renew_deadline. Since renew_deadline < lease_duration, and no other process can take
// over earlier than lease_duration after it last saw our renewal change (which it cannot
// have seen before we sent it), a paused or partitioned old leader stops writing before
// anyone else may start. Once the fence closes the process has lost leadership for good:
// on_lost runs (serin exits; its pod restarts as a candidate).
#ifndef SERIN_OPERATOR_KUBE_LEADER_ELECTOR_H_
#define SERIN_OPERATOR_KUBE_LEADER_ELECTOR_H_

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/log.h"
#include "operator/kube/kube_client.h"
#include "operator/kube/write_fence.h"

namespace serin::kube {

struct LeaderElectionOptions {
  std::string ns = "default";
  std::string name = "serin-controller";
  std::string identity;  // host + pid by default (see defaultIdentity)
  absl::Duration lease_duration = absl::Seconds(15);
  absl::Duration renew_deadline = absl::Seconds(10);
  absl::Duration retry_period = absl::Seconds(2);
};

// "<hostname>_<pid>".
std::string defaultIdentity();

// Checks lease_duration > renew_deadline > retry_period > 0.
absl::Status validate(const LeaderElectionOptions& options);

// Thread-safe. `client` must be a client WITHOUT this elector as its fence (the lease
// writes have their own guard); it, the clocks and the logger must outlive the elector.
class LeaderElector final : public WriteFence {
 public:
  LeaderElector(KubeClient& client, LeaderElectionOptions options, const Clock& wall,
                const Clock& monotonic, const Logger& log);
  ~LeaderElector() override;

  // Tries every retry period until this process holds the lease (true) or stop() (false).
  bool acquire();
  // Renews in a background thread until stop(); `on_lost` runs once, on that thread, when
  // the renew deadline passes without a successful renewal.
  void startRenewing(std::function<void()> on_lost);
  // Stops renewing; if still leader, gives the lease up so a successor need not wait.
  void stop();
  // Makes a waiting acquire() return false soon (from any thread, e.g. a signal handler
  // thread); stop() must still be called.
  void interrupt();

  bool isLeader() const;
  absl::Status checkWrite() const override;

  // One acquire-or-renew attempt (exposed for tests). True when we hold the lease after it.
  bool tryAcquireOrRenew();

 private:
  void renewLoop();
  absl::Status release();

  KubeClient& client_;
  const LeaderElectionOptions options_;
  const Clock& wall_;
  const Clock& monotonic_;
  Logger log_;

  mutable std::mutex mu_;
  // Monotonic send time of the last renewal the server accepted; InfinitePast: never.
  absl::Time renewed_at_ = absl::InfinitePast();
  bool lost_ = false;
  std::string observed_record_;   // the lease spec last seen, as text
  absl::Time observed_at_ = absl::InfinitePast();  // monotonic
  std::string acquire_time_;       // acquireTime of our tenure

  std::mutex stop_mu_;
  absl::Notification stopping_;  // notified once, under stop_mu_
  std::thread renewer_;
  std::function<void()> on_lost_;
};

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_LEADER_ELECTOR_H_
