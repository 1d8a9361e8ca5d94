// serin-controller: flags and wiring only.
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/strings.h"
#include "common/version.h"
#include "operator/kube/leader_elector.h"
#include "operator/wiring.h"

ABSL_FLAG(std::string, kubeconfig, "", "Path to a kubeconfig. Default: $KUBECONFIG, in-cluster, ~/.kube/config.");
ABSL_FLAG(std::string, context, "", "The kubeconfig context to use (default: its current-context).");
ABSL_FLAG(std::string, namespace, "", "Watch only this namespace (namespaced mode). Default: all namespaces.");
ABSL_FLAG(std::string, instance_id, "",
          "Handle only Rollouts labelled rollouts.<group>/controller-instance-id=<id>, so two "
          "controllers can share a cluster. Default: only unlabelled Rollouts.");
ABSL_FLAG(std::string, api_group, serin::kApiGroup, "API group of the Rollout custom resources.");
ABSL_FLAG(bool, leader_elect, true, "Elect a leader among replicas; only the leader writes.");
ABSL_FLAG(std::string, leader_election_namespace, "",
          "Namespace of the leader-election Lease (default: the pod's namespace, else kube-system).");
ABSL_FLAG(std::string, leader_election_name, "serin-controller", "Name of the leader-election Lease.");
ABSL_FLAG(absl::Duration, leader_election_lease_duration, absl::Seconds(15),
          "How long a standby waits after the last renewal before taking over.");
ABSL_FLAG(absl::Duration, leader_election_renew_deadline, absl::Seconds(10),
          "How long the leader keeps writing without a successful renewal (must be below the lease duration).");
ABSL_FLAG(absl::Duration, leader_election_retry_period, absl::Seconds(2), "How often the lease is renewed.");
ABSL_FLAG(double, qps, 40, "Kubernetes API requests per second (client-side limit).");
ABSL_FLAG(int, burst, 80, "Kubernetes API request burst.");
ABSL_FLAG(int, rollout_threads, 10, "Rollouts reconciled at once.");
ABSL_FLAG(int, analysis_threads, 30, "AnalysisRuns reconciled at once.");
ABSL_FLAG(int, http_threads, 16, "Threads of the HTTP client pool.");
ABSL_FLAG(absl::Duration, resync, absl::Minutes(15), "Re-check every Rollout this often.");
ABSL_FLAG(std::string, metrics_address, ":8090", "host:port of the Prometheus /metrics endpoint.");
ABSL_FLAG(std::string, health_address, ":8080", "host:port of /healthz and /readyz.");
ABSL_FLAG(std::string, prometheus_address, "",
          "Default Prometheus address for metrics without one (also $SERIN_PROMETHEUS_ADDRESS).");
ABSL_FLAG(std::string, loglevel, "info", "Minimum log level: debug, info, warn or error.");
ABSL_FLAG(std::string, logformat, "json", "Log line format: json (one object per line) or text.");

namespace {

using serin::Logger;

void configureFlags() {
  absl::FlagsUsageConfig config;
  // Show serin's own flags in --help, not abseil's internal ones.
  config.contains_help_flags = [](absl::string_view file) { return absl::StrContains(file, "operator/"); };
  config.contains_helpshort_flags = config.contains_help_flags;
  config.version_string = [] { return absl::StrCat("serin-controller ", serin::kVersion, "\n"); };
  config.normalize_filename = [](absl::string_view file) {
    const size_t at = file.rfind("operator/");
    return std::string(at == absl::string_view::npos ? file : file.substr(at));
  };
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(absl::StrCat(
      "the serin progressive-delivery controller for Rollouts in API group ", serin::kApiGroup,
      ".\nUsage: serin-controller [flags]   (flag names accept - or _, e.g. --leader-elect)"));
}

// Lets users write --leader-elect as well as --leader_elect (Argo's flags use dashes).
std::vector<char*> normalizeFlagNames(int argc, char** argv, std::vector<std::string>& storage) {
  storage.assign(argv, argv + argc);
  for (size_t i = 1; i < storage.size(); ++i) {
    std::string& a = storage[i];
    if (a == "--") break;
    if (a.rfind("--", 0) != 0) continue;
    const size_t end = std::min(a.find('='), a.size());
    for (size_t k = 2; k < end; ++k) {
      if (a[k] == '-') a[k] = '_';
    }
  }
  std::vector<char*> out;
  for (auto& s : storage) out.push_back(s.data());
  return out;
}

std::string podNamespace() {
  std::ifstream f("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
  std::string ns;
  if (f) std::getline(f, ns);
  return ns;
}

int fail(const std::string& what) {
  std::cerr << "serin-controller: " << what << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // glibc gives each thread that allocates its own arena (up to 8 per core), and memory a
  // list page left in one is kept there: with two arenas the process holds about 5 MB less
  // at the same caches (bench/results/cache-memory.md). MALLOC_ARENA_MAX still wins.
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 2);
  configureFlags();
  std::vector<std::string> storage;
  std::vector<char*> args = normalizeFlagNames(argc, argv, storage);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());

  auto level = serin::parseLogLevel(absl::GetFlag(FLAGS_loglevel));
  if (!level.ok()) return fail(std::string(level.status().message()));
  auto format = serin::parseLogFormat(absl::GetFlag(FLAGS_logformat));
  if (!format.ok()) return fail(std::string(format.status().message()));
  Logger log(std::cerr, *level, *format);

  // Block the stop signals before any thread starts: every thread inherits the mask and
  // main waits for them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  serin::WiringOptions options;
  options.kubeconfig = absl::GetFlag(FLAGS_kubeconfig);
  options.context = absl::GetFlag(FLAGS_context);
  options.ns = absl::GetFlag(FLAGS_namespace);
  options.instance_id = absl::GetFlag(FLAGS_instance_id);
  options.api_group = absl::GetFlag(FLAGS_api_group);
  options.leader_elect = absl::GetFlag(FLAGS_leader_elect);
  options.lease.ns = absl::GetFlag(FLAGS_leader_election_namespace);
  if (options.lease.ns.empty()) options.lease.ns = podNamespace();
  if (options.lease.ns.empty()) options.lease.ns = "kube-system";
  options.lease.name = absl::GetFlag(FLAGS_leader_election_name);
  options.lease.identity = serin::kube::defaultIdentity();
  options.lease.lease_duration = absl::GetFlag(FLAGS_leader_election_lease_duration);
  options.lease.renew_deadline = absl::GetFlag(FLAGS_leader_election_renew_deadline);
  options.lease.retry_period = absl::GetFlag(FLAGS_leader_election_retry_period);
  options.qps = absl::GetFlag(FLAGS_qps);
  options.burst = absl::GetFlag(FLAGS_burst);
  options.rollout_threads = absl::GetFlag(FLAGS_rollout_threads);
  options.analysis_threads = absl::GetFlag(FLAGS_analysis_threads);
  options.http_threads = absl::GetFlag(FLAGS_http_threads);
  options.resync = absl::GetFlag(FLAGS_resync);
  options.metrics_address = absl::GetFlag(FLAGS_metrics_address);
  options.health_address = absl::GetFlag(FLAGS_health_address);
  options.prometheus_address = absl::GetFlag(FLAGS_prometheus_address);
  if (options.prometheus_address.empty()) {
    if (const char* env = std::getenv("SERIN_PROMETHEUS_ADDRESS")) options.prometheus_address = env;
  }

  serin::Controller controller(options, log);
  // A thread waits for SIGTERM/SIGINT, so a stop also works while start() still waits to
  // become leader.
  std::atomic<bool> stop_requested{false};
  std::thread signals([&] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    stop_requested = true;
    log.info("stopping", {{"signal", signal_number}});
    controller.interrupt();
  });
  const absl::Status started = controller.start();
  if (!started.ok() && !stop_requested) {
    log.error("cannot start", {{"error", std::string(started.message())}});
    controller.stop();
    pthread_kill(signals.native_handle(), SIGTERM);  // wake the waiting thread
    signals.join();
    return 1;
  }
  signals.join();  // until a stop signal
  controller.stop();
  log.info("stopped");
  return 0;
}
