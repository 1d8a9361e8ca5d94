// kube-probe: drives serin's Kubernetes client against a real API server for the
// end-to-end tests of the client (e2e/tests/test_kube_client.py).
//
//   kube-probe mirror --kubeconfig K --namespace NS --out FILE
//       Keeps an informer of the ConfigMaps in NS and rewrites FILE (JSON: name ->
//       resourceVersion, plus the number of full lists made) whenever the cache changes.
//   kube-probe elect --kubeconfig K --identity ID --lease-namespace NS --write-namespace NS2
//       Takes part in leader election; while leader, patches ConfigMap `leader-writes` in
//       NS2 every 100 ms through the fenced client. Prints "leader ID" when it leads, exits 3
//       when it loses leadership.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/strings.h"
#include "operator/kube/config.h"
#include "operator/kube/cpprest_transport.h"
#include "operator/kube/informer.h"
#include "operator/kube/leader_elector.h"
#include "operator/kube/rest_client.h"

namespace {

using namespace serin;
using namespace serin::kube;

volatile std::sig_atomic_t g_stop = 0;
void onSignal(int) { g_stop = 1; }

struct Generic {
  ObjectMeta meta_;
  const ObjectMeta& meta() const { return meta_; }
  static Generic fromJson(const nlohmann::json& j) {
    Generic g;
    auto it = j.find("metadata");
    if (it != j.end()) g.meta_ = ObjectMeta::fromJson(*it);
    return g;
  }
};

std::map<std::string, std::string> parseFlags(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k.rfind("--", 0) == 0) flags[k.substr(2)] = argv[i + 1];
  }
  return flags;
}

absl::StatusOr<std::unique_ptr<RestClient>> makeClient(const std::string& kubeconfig,
                                                       const std::string& agent,
                                                       const Clock& clock) {
  auto config = loadKubeconfig(kubeconfig);
  if (!config.ok()) return config.status();
  auto t = makeCpprestTransport(config->server, config->tls);
  if (!t.ok()) return t.status();
  auto w = makeCpprestTransport(config->server, config->tls);
  if (!w.ok()) return w.status();
  RestClientOptions options;
  options.user_agent = agent;
  options.qps = 100;
  options.burst = 200;
  return std::make_unique<RestClient>(std::move(*t), std::move(*w), *config, options, clock);
}

int mirror(std::map<std::string, std::string>& flags, const Logger& log) {
  RealClock clock;
  auto client = makeClient(flags["kubeconfig"], "serin-kube-probe/mirror", clock);
  if (!client.ok()) {
    std::cerr << client.status() << "\n";
    return 2;
  }
  InformerOptions options;
  options.reflector.ns = flags["namespace"];
  options.reflector.min_watch_timeout = absl::Seconds(30);
  options.reflector.backoff_initial = absl::Milliseconds(100);
  options.reflector.backoff_max = absl::Seconds(1);
  Informer<Generic> informer(**client, resources::configMaps(), options, log);
  std::atomic<bool> dirty{true};
  auto mark = [&dirty](const auto&...) { dirty = true; };
  informer.addHandlers({mark, mark, mark});
  informer.start();
  const std::string out = flags["out"];
  while (!g_stop) {
    if (dirty.exchange(false) && informer.hasSynced()) {
      nlohmann::json snapshot = {{"lists", informer.reflector().listCount()},
                                 {"objects", nlohmann::json::object()}};
      for (const auto& obj : informer.list()) {
        snapshot["objects"][obj->meta().name] = obj->meta().resource_version;
      }
      {
        std::ofstream f(out + ".tmp");
        f << snapshot.dump();
      }
      std::rename((out + ".tmp").c_str(), out.c_str());
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  informer.stop();
  return 0;
}

int elect(std::map<std::string, std::string>& flags, const Logger& log) {
  RealClock wall;
  MonotonicClock mono;
  const std::string id = flags["identity"];
  const std::string agent = "serin-kube-probe/" + id;
  auto lease_client = makeClient(flags["kubeconfig"], agent, wall);
  auto client = makeClient(flags["kubeconfig"], agent, wall);
  if (!lease_client.ok() || !client.ok()) {
    std::cerr << "cannot make a client\n";
    return 2;
  }
  LeaderElectionOptions o;
  o.ns = flags["lease-namespace"];
  o.name = "probe-lease";
  o.identity = id;
  o.lease_duration = absl::Seconds(4);
  o.renew_deadline = absl::Seconds(3);
  o.retry_period = absl::Milliseconds(500);
  LeaderElector elector(**lease_client, o, wall, mono, log);
  (*client)->setFence(&elector);
  if (!elector.acquire()) return 1;
  std::cout << "leader " << id << std::endl;
  std::atomic<bool> lost{false};
  elector.startRenewing([&lost] { lost = true; });
  const std::string ns = flags["write-namespace"];
  int64_t n = 0;
  while (!g_stop && !lost) {
    nlohmann::json patch = {
        {"data", {{"writer", id}, {"count", std::to_string(++n)}}}};
    auto r = (*client)->patch(resources::configMaps(), ns, "leader-writes", PatchType::kMerge, patch);
    if (!r.ok() && absl::IsNotFound(r.status())) {
      nlohmann::json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                           {"metadata", {{"name", "leader-writes"}}}, {"data", patch["data"]}};
      (void)(*client)->create(resources::configMaps(), ns, cm);
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  if (lost) {
    std::cout << "lost " << id << std::endl;
    std::_Exit(3);
  }
  elector.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGTERM, onSignal);
  std::signal(SIGINT, onSignal);
  if (argc < 2) {
    std::cerr << "usage: kube-probe mirror|elect --flag value ...\n";
    return 2;
  }
  initHttpThreads(8);
  auto flags = parseFlags(argc, argv);
  Logger log(std::cerr, LogLevel::kInfo, LogFormat::kJson);
  const std::string verb = argv[1];
  if (verb == "mirror") return mirror(flags, log);
  if (verb == "elect") return elect(flags, log);
  std::cerr << "unknown verb " << verb << "\n";
  return 2;
}
