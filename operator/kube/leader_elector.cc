#include "operator/kube/leader_elector.h"

#include <unistd.h>

#include <climits>
#include <random>

#include "common/json_fields.h"
#include "common/strings.h"

namespace serin::kube {
namespace {

// metav1.MicroTime as the API server expects it.
std::string microTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

}  // namespace

std::string defaultIdentity() {
  char host[HOST_NAME_MAX + 1] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return strCat(host[0] ? host : "unknown", "_", getpid());
}

absl::Status validate(const LeaderElectionOptions& o) {
  if (o.retry_period <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("leader election: retry period must be positive");
  }
  if (o.renew_deadline <= o.retry_period) {
    return absl::InvalidArgumentError(
        "leader election: renew deadline must be longer than the retry period");
  }
  if (o.lease_duration <= o.renew_deadline) {
    return absl::InvalidArgumentError(
        "leader election: lease duration must be longer than the renew deadline");
  }
  if (o.identity.empty() || o.name.empty() || o.ns.empty()) {
    return absl::InvalidArgumentError("leader election: identity, lease name and namespace are required");
  }
  return absl::OkStatus();
}

LeaderElector::LeaderElector(KubeClient& client, LeaderElectionOptions options, const Clock& wall,
                             const Clock& monotonic, const Logger& log)
    : client_(client),
      options_(std::move(options)),
      wall_(wall),
      monotonic_(monotonic),
      log_(log.with({{"lease", strCat(options_.ns, "/", options_.name)},
                     {"identity", options_.identity}})) {}

LeaderElector::~LeaderElector() { stop(); }

bool LeaderElector::isLeader() const { return checkWrite().ok(); }

absl::Status LeaderElector::checkWrite() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (lost_) return absl::FailedPreconditionError("leadership was lost");
  if (renewed_at_ == absl::InfinitePast()) {
    return absl::FailedPreconditionError("not the leader");
  }
  if (monotonic_.now() >= renewed_at_ + options_.renew_deadline) {
    return absl::FailedPreconditionError("the lease was not renewed within the renew deadline");
  }
  return absl::OkStatus();
}

bool LeaderElector::tryAcquireOrRenew() {
  const Resource leases = resources::leases();
  auto current = client_.get(leases, options_.ns, options_.name);
  const absl::Time seen = monotonic_.now();
  const int lease_seconds = static_cast<int>(absl::ToInt64Seconds(options_.lease_duration));

  if (!current.ok() && !absl::IsNotFound(current.status())) {
    log_.warn("reading the lease failed", {{"error", std::string(current.status().message())}});
    return false;
  }
  if (!current.ok()) {
    const absl::Time now = wall_.now();
    nlohmann::json lease = {
        {"apiVersion", "coordination.k8s.io/v1"},
        {"kind", "Lease"},
        {"metadata", {{"name", options_.name}, {"namespace", options_.ns}}},
        {"spec",
         {{"holderIdentity", options_.identity},
          {"leaseDurationSeconds", lease_seconds},
          {"acquireTime", microTime(now)},
          {"renewTime", microTime(now)},
          {"leaseTransitions", 0}}}};
    const absl::Time sent = monotonic_.now();
    auto created = client_.create(leases, options_.ns, lease);
    if (!created.ok()) return false;
    std::lock_guard<std::mutex> lock(mu_);
    if (lost_) return false;
    renewed_at_ = sent;
    acquire_time_ = microTime(now);
    observed_record_ = (*created)["spec"].dump();
    observed_at_ = sent;
    return true;
  }

  nlohmann::json lease = std::move(*current);
  const nlohmann::json& spec = jsonObject(lease, "spec");
  const std::string holder = jsonString(spec, "holderIdentity");
  const bool mine = holder == options_.identity;
  absl::Duration their_duration =
      absl::Seconds(jsonInt(spec, "leaseDurationSeconds").value_or(lease_seconds));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (lost_) return false;
    const std::string record = spec.dump();
    if (record != observed_record_) {
      observed_record_ = record;
      observed_at_ = seen;
    }
    if (mine && renewed_at_ != absl::InfinitePast() &&
        monotonic_.now() >= renewed_at_ + options_.renew_deadline) {
      // Our renewals stopped for a whole renew deadline (a pause, a partition): someone
      // else may already hold the lease even if this read raced their write. Leadership
      // is over; no write may follow.
      return false;
    }
    if (!mine && !holder.empty() && observed_at_ + their_duration > seen) {
      return false;  // someone else holds it and has renewed recently
    }
  }

  const absl::Time now = wall_.now();
  const int64_t transitions = jsonInt(spec, "leaseTransitions").value_or(0);
  nlohmann::json& out_spec = lease["spec"];
  out_spec["holderIdentity"] = options_.identity;
  out_spec["leaseDurationSeconds"] = lease_seconds;
  out_spec["renewTime"] = microTime(now);
  if (!mine || acquire_time_.empty()) {
    out_spec["acquireTime"] = microTime(now);
    if (!mine) out_spec["leaseTransitions"] = transitions + 1;
  }
  const absl::Time sent = monotonic_.now();
  auto updated = client_.update(leases, lease);
  if (!updated.ok()) {
    if (!absl::IsAborted(updated.status())) {
      log_.warn("writing the lease failed", {{"error", std::string(updated.status().message())}});
    }
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (lost_) return false;
  renewed_at_ = sent;
  if (!mine || acquire_time_.empty()) acquire_time_ = out_spec["acquireTime"].get<std::string>();
  observed_record_ = jsonObject(*updated, "spec").dump();
  observed_at_ = sent;
  return true;
}

bool LeaderElector::acquire() {
  std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(1.0, 1.2);
  log_.info("waiting to become leader");
  while (!stopping_.HasBeenNotified()) {
    if (tryAcquireOrRenew()) {
      log_.info("became leader");
      return true;
    }
    stopping_.WaitForNotificationWithTimeout(options_.retry_period * jitter(rng));
  }
  return false;
}

void LeaderElector::startRenewing(std::function<void()> on_lost) {
  on_lost_ = std::move(on_lost);
  renewer_ = std::thread([this] { renewLoop(); });
}

void LeaderElector::renewLoop() {
  while (!stopping_.WaitForNotificationWithTimeout(options_.retry_period)) {
    // Check the deadline before trying: after a long pause the fence is already closed
    // and nothing, not even a lease read, should go out as if we were still leader.
    if (!checkWrite().ok() || !tryAcquireOrRenew()) {
      if (checkWrite().ok()) continue;  // a failed attempt, but still within the deadline
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (lost_) return;
        lost_ = true;
      }
      log_.error("lost leadership: the lease was not renewed within the renew deadline");
      if (on_lost_) on_lost_();
      return;
    }
  }
}

absl::Status LeaderElector::release() {
  if (!checkWrite().ok()) return absl::OkStatus();
  auto current = client_.get(resources::leases(), options_.ns, options_.name);
  if (!current.ok()) return current.status();
  nlohmann::json lease = std::move(*current);
  if (jsonString(jsonObject(lease, "spec"), "holderIdentity") != options_.identity) {
    return absl::OkStatus();
  }
  lease["spec"]["holderIdentity"] = "";
  lease["spec"]["leaseDurationSeconds"] = 1;
  lease["spec"]["renewTime"] = microTime(wall_.now());
  if (!checkWrite().ok()) return absl::OkStatus();
  auto updated = client_.update(resources::leases(), lease);
  if (!updated.ok()) return updated.status();
  log_.info("released the lease");
  return absl::OkStatus();
}

void LeaderElector::interrupt() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (!stopping_.HasBeenNotified()) stopping_.Notify();
}

void LeaderElector::stop() {
  interrupt();
  if (renewer_.joinable()) renewer_.join();
  bool release_it;
  {
    std::lock_guard<std::mutex> lock(mu_);
    release_it = !lost_ && renewed_at_ != absl::InfinitePast();
  }
  if (release_it) {
    if (absl::Status s = release(); !s.ok()) {
      log_.warn("releasing the lease failed", {{"error", std::string(s.message())}});
    }
    std::lock_guard<std::mutex> lock(mu_);
    lost_ = true;  // closes the fence for good
  }
}

}  // namespace serin::kube
