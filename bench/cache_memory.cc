// cache_memory: how much memory serin's informer caches hold, measured on a real API server.
//
//   cache_memory --kubeconfig K --namespace NS [--group serin.io] [--idle-seconds 10]
//                [--page-size N] [--malloc-info FILE]
//
// Starts one informer each for the Rollouts, ReplicaSets and Services of NS, one after the
// other, and prints one JSON object (stdout) with, per kind:
//   heap_bytes   glibc heap in use (mallinfo2: uordblks + hblkhd) after the informer has
//                synced and opened its watch, minus the same just before it was started:
//                what the cache and its informer really hold, allocator overhead included.
//   fixed_bytes  the same for an informer of that kind on an empty namespace (thread state,
//                watch buffers, connection): the part that does not grow with the objects.
//   json_bytes   sum of the compact JSON sizes (dump()) of the listed objects after
//                stripNoise (no managedFields, no last-applied annotation): the text the
//                cache stands for. json_bytes_raw: the same as the server sent them.
//   tree_bytes   heap held by the same objects kept as nlohmann::json trees, for scale.
// and the process's VmRSS / VmHWM with every watch open, right after the last sync and
// again after --idle-seconds.
//
// The order matters: caches are measured first (nothing else allocated yet), then RSS, and
// only then the comparison lists and trees, so those never inflate the RSS figures.
#include <malloc.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/strings.h"
#include "operator/kube/config.h"
#include "operator/kube/cpprest_transport.h"
#include "operator/kube/informer.h"
#include "operator/kube/object_meta.h"
#include "operator/kube/replica_set.h"
#include "operator/kube/rest_client.h"
#include "operator/rollout/rollout_object.h"

namespace {

using serin::kube::Informer;
using serin::kube::InformerOptions;
using serin::kube::ReflectorOptions;
using serin::kube::Resource;
using serin::kube::RestClient;

// Time for an informer's watch to open after its list: the watch's buffers are part of
// what an informer holds.
constexpr absl::Duration kWatchSettle = absl::Seconds(1);
constexpr absl::Duration kSyncTimeout = absl::Minutes(2);

int64_t heapInUse() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<int64_t>(m.uordblks + m.hblkhd);
}

// VmRSS, VmHWM, ... of this process in kB, from /proc/self/status.
std::map<std::string, int64_t> procStatus() {
  std::map<std::string, int64_t> out;
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, colon);
    if (key != "VmRSS" && key != "VmHWM" && key != "RssAnon" && key != "RssFile" &&
        key != "Threads") {
      continue;
    }
    out[key] = std::strtoll(line.c_str() + colon + 1, nullptr, 10);
  }
  return out;
}

nlohmann::json rssJson() {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : procStatus()) j[k == "Threads" ? "threads" : k + "_kb"] = v;
  return j;
}

std::map<std::string, std::string> parseFlags(int argc, char** argv) {
  std::map<std::string, std::string> flags = {{"group", "serin.io"}, {"idle-seconds", "10"}};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k.rfind("--", 0) == 0) flags[k.substr(2)] = argv[i + 1];
  }
  return flags;
}

absl::StatusOr<std::unique_ptr<RestClient>> makeClient(const std::string& kubeconfig,
                                                       const serin::Clock& clock) {
  auto config = serin::kube::loadKubeconfig(kubeconfig);
  if (!config.ok()) return config.status();
  auto t = serin::kube::makeCpprestTransport(config->server, config->tls);
  if (!t.ok()) return t.status();
  auto w = serin::kube::makeCpprestTransport(config->server, config->tls);
  if (!w.ok()) return w.status();
  serin::kube::RestClientOptions options;
  options.user_agent = "serin-bench/cache-memory";
  return std::make_unique<RestClient>(std::move(*t), std::move(*w), *config, options, clock);
}

// One kind under measurement: starts an informer of T on a namespace and reports the heap it
// added once synced with its watch open. The informer stays alive until `stop`.
class CacheProbe {
 public:
  virtual ~CacheProbe() = default;
  virtual absl::StatusOr<int64_t> start(std::string_view ns) = 0;
  virtual size_t size() const = 0;
  virtual void stop() = 0;
};

template <typename T>
class TypedProbe final : public CacheProbe {
 public:
  TypedProbe(RestClient& client, Resource resource, int64_t page_size, const serin::Logger& log)
      : client_(client), resource_(std::move(resource)), page_size_(page_size), log_(log) {}

  absl::StatusOr<int64_t> start(std::string_view ns) override {
    InformerOptions options;
    options.reflector.ns = std::string(ns);
    if (page_size_ > 0) options.reflector.page_size = page_size_;
    const int64_t before = heapInUse();
    informer_ = std::make_unique<Informer<T>>(client_, resource_, options, log_);
    informer_->start();
    if (!informer_->waitForSync(kSyncTimeout)) {
      return absl::DeadlineExceededError(serin::strCat(resource_.plural, ": no sync"));
    }
    absl::SleepFor(kWatchSettle);
    return heapInUse() - before;
  }
  size_t size() const override { return informer_ ? informer_->size() : 0; }
  void stop() override { informer_.reset(); }

 private:
  RestClient& client_;
  const Resource resource_;
  const int64_t page_size_;  // 0: the reflector's default
  const serin::Logger& log_;
  std::unique_ptr<Informer<T>> informer_;
};

struct KindReport {
  std::string kind;
  Resource resource;
  std::unique_ptr<CacheProbe> probe;
  size_t count = 0;
  int64_t heap_bytes = 0;
  int64_t fixed_bytes = 0;
  int64_t json_bytes = 0;
  int64_t json_bytes_raw = 0;
  int64_t tree_bytes = 0;
  size_t listed = 0;
};

// Lists `resource` in `ns` and adds up the compact JSON sizes; then keeps the stripped
// objects as trees to see what a JSON-tree cache would hold.
absl::Status measureJson(RestClient& client, const std::string& ns, KindReport& r) {
  serin::kube::ListOptions options;
  options.ns = ns;
  std::vector<nlohmann::json> trees;
  trees.reserve(r.count);
  const int64_t before = heapInUse();
  auto rv = client.listEach(r.resource, options, [&](nlohmann::json&& object) {
    r.json_bytes_raw += static_cast<int64_t>(object.dump().size());
    serin::kube::stripNoise(object);
    r.json_bytes += static_cast<int64_t>(object.dump().size());
    ++r.listed;
    trees.push_back(std::move(object));
  });
  if (!rv.ok()) return rv.status();
  r.tree_bytes = heapInUse() - before;
  return absl::OkStatus();
}

int run(std::map<std::string, std::string>& flags) {
  const std::string ns = flags["namespace"];
  const int idle_seconds = std::stoi(flags["idle-seconds"]);
  const int64_t page_size = flags["page-size"].empty() ? 0 : std::stoll(flags["page-size"]);
  if (flags["kubeconfig"].empty() || ns.empty()) {
    std::cerr << "usage: cache_memory --kubeconfig K --namespace NS [--group serin.io] "
                 "[--idle-seconds 10]\n";
    return 2;
  }
  serin::Logger log(std::cerr, serin::LogLevel::kWarn, serin::LogFormat::kJson);
  serin::RealClock clock;
  auto client = makeClient(flags["kubeconfig"], clock);
  if (!client.ok()) {
    std::cerr << "cache_memory: " << client.status() << "\n";
    return 1;
  }
  RestClient& c = **client;

  std::vector<KindReport> kinds;
  kinds.push_back({"Rollout", serin::kube::resources::rollouts(flags["group"]), nullptr});
  kinds.push_back({"ReplicaSet", serin::kube::resources::replicaSets(), nullptr});
  kinds.push_back({"Service", serin::kube::resources::services(), nullptr});
  auto makeProbe = [&](const KindReport& k) -> std::unique_ptr<CacheProbe> {
    using serin::kube::ReplicaSet;
    using serin::kube::Service;
    using serin::rollout::RolloutObject;
    if (k.kind == "Rollout") {
      return std::make_unique<TypedProbe<RolloutObject>>(c, k.resource, page_size, log);
    }
    if (k.kind == "ReplicaSet") {
      return std::make_unique<TypedProbe<ReplicaSet>>(c, k.resource, page_size, log);
    }
    return std::make_unique<TypedProbe<Service>>(c, k.resource, page_size, log);
  };

  // Warm up the transport (TLS contexts, connection pool, thread pool) so the first
  // informer is not charged for them.
  for (const auto& k : kinds) {
    serin::kube::ListOptions o;
    o.ns = ns;
    o.page_size = 1;
    o.label_selector = "serin-bench/none=1";
    if (auto rv = c.listEach(k.resource, o, [](nlohmann::json&&) {}); !rv.ok()) {
      std::cerr << "cache_memory: " << rv.status() << "\n";
      return 1;
    }
  }
  malloc_trim(0);
  nlohmann::json out = {{"namespace", ns},
                        {"page_size", page_size > 0 ? page_size : ReflectorOptions().page_size},
                        {"rss_before_caches", rssJson()}};

  // 1. The caches, one kind after the other; all stay open.
  const absl::Time sync_start = absl::Now();
  for (auto& k : kinds) {
    k.probe = makeProbe(k);
    auto heap = k.probe->start(ns);
    if (!heap.ok()) {
      std::cerr << "cache_memory: " << heap.status() << "\n";
      return 1;
    }
    k.heap_bytes = *heap;
    k.count = k.probe->size();
  }
  out["sync_seconds"] = absl::ToDoubleSeconds(absl::Now() - sync_start);

  // 2. RSS with every watch open: right away, after idling, and after handing free pages
  // back to the kernel (what malloc_trim after the first sync would give).
  out["rss_after_sync"] = rssJson();
  absl::SleepFor(absl::Seconds(idle_seconds));
  out["rss_idle"] = rssJson();
  out["idle_seconds"] = idle_seconds;
  if (!flags["malloc-info"].empty()) {
    // Per-arena detail (glibc's XML): where resident memory that is not in use sits.
    if (FILE* f = std::fopen(flags["malloc-info"].c_str(), "w")) {
      malloc_info(0, f);
      std::fclose(f);
    }
  }
  malloc_trim(0);
  out["rss_idle_trimmed"] = rssJson();
  int64_t total_heap = 0;
  for (const auto& k : kinds) total_heap += k.heap_bytes;
  out["heap_caches_bytes"] = total_heap;

  // 3. The part of each informer that does not grow with the objects: an informer of the
  // same kind on a namespace with nothing in it.
  const std::string empty_ns = "serin-bench-empty-namespace";
  for (auto& k : kinds) {
    std::unique_ptr<CacheProbe> empty = makeProbe(k);
    auto heap = empty->start(empty_ns);
    if (!heap.ok()) {
      std::cerr << "cache_memory: " << heap.status() << "\n";
      return 1;
    }
    k.fixed_bytes = *heap;
    empty->stop();
  }

  // 4. What the objects are as text and as trees.
  for (auto& k : kinds) {
    if (auto s = measureJson(c, ns, k); !s.ok()) {
      std::cerr << "cache_memory: " << s << "\n";
      return 1;
    }
  }

  nlohmann::json report = nlohmann::json::array();
  for (const auto& k : kinds) {
    report.push_back({{"kind", k.kind},
                      {"count", k.count},
                      {"listed", k.listed},
                      {"heap_bytes", k.heap_bytes},
                      {"fixed_bytes", k.fixed_bytes},
                      {"json_bytes", k.json_bytes},
                      {"json_bytes_raw", k.json_bytes_raw},
                      {"tree_bytes", k.tree_bytes}});
  }
  out["kinds"] = report;
  for (auto& k : kinds) k.probe->stop();
  std::cout << out.dump() << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  serin::kube::initHttpThreads(4);
  auto flags = parseFlags(argc, argv);
  return run(flags);
}
