#include "operator/wiring.h"

#include <cstdlib>

#include "analysis/controller/analysis_run_controller.h"
#include "analysis/providers/prometheus/prometheus_provider.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "common/version.h"
#include "operator/kube/config.h"
#include "operator/kube/cpprest_transport.h"
#include "operator/kube/event_recorder.h"
#include "operator/kube/request_metrics.h"
#include "operator/kube/rest_client.h"
#include "operator/metrics/controller_metrics.h"
#include "operator/metrics/http_endpoints.h"
#include "operator/rollout/rollout_controller.h"
#include "operator/traffic/istio/istio_router.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace serin {

struct Controller::Parts {
  RealClock wall;
  MonotonicClock mono;
  prometheus::Registry registry;
  std::unique_ptr<kube::RequestMetrics> request_metrics;
  std::unique_ptr<metrics::ControllerMetrics> controller_metrics;
  std::unique_ptr<kube::RestClient> lease_client;
  std::unique_ptr<kube::RestClient> client;
  std::unique_ptr<kube::LeaderElector> elector;
  std::unique_ptr<kube::EventRecorder> events;
  std::unique_ptr<traffic::istio::IstioRouter> router;
  std::unique_ptr<rollout::RolloutController> rollouts;
  // The provider before the controller that measures with it: destroyed after it.
  std::unique_ptr<analysis::prometheus::PrometheusProvider> prometheus_provider;
  std::unique_ptr<analysis::AnalysisRunController> analysis_runs;
  std::unique_ptr<metrics::HttpEndpoints> metrics_endpoint;
  std::unique_ptr<metrics::HttpEndpoints> health_endpoint;
  std::atomic<bool> ready{false};
  std::atomic<bool> started{false};
};

Controller::Controller(WiringOptions options, const Logger& log)
    : options_(std::move(options)), log_(log), parts_(std::make_unique<Parts>()) {}

Controller::~Controller() { stop(); }

namespace {

absl::StatusOr<std::unique_ptr<kube::RestClient>> makeClient(const kube::ClusterConfig& config,
                                                             const kube::RestClientOptions& options,
                                                             const Clock& clock,
                                                             kube::RequestMetrics* metrics) {
  auto transport = kube::makeCpprestTransport(config.server, config.tls);
  if (!transport.ok()) return transport.status();
  auto watch_transport = kube::makeCpprestTransport(config.server, config.tls);
  if (!watch_transport.ok()) return watch_transport.status();
  return std::make_unique<kube::RestClient>(std::move(*transport), std::move(*watch_transport), config,
                                            options, clock, nullptr, metrics);
}

}  // namespace

absl::Status Controller::start() {
  Parts& p = *parts_;
  kube::initHttpThreads(static_cast<size_t>(std::max(options_.http_threads, 2)));
  auto config = kube::loadClusterConfig(options_.kubeconfig, options_.context, kube::processInClusterEnv());
  if (!config.ok()) return config.status();
  log_.info("starting", {{"version", kVersion}, {"server", config->server}, {"config", config->source},
                         {"namespace", options_.ns.empty() ? "(all)" : options_.ns},
                         {"instance_id", options_.instance_id}, {"identity", options_.lease.identity}});

  p.request_metrics = std::make_unique<kube::RequestMetrics>(p.registry);
  p.controller_metrics = std::make_unique<metrics::ControllerMetrics>(p.registry, kVersion);
  const std::string agent = strCat("serin-controller/", kVersion, " (", options_.lease.identity, ")");
  kube::RestClientOptions client_options;
  client_options.qps = options_.qps;
  client_options.burst = options_.burst;
  client_options.user_agent = agent;
  auto client = makeClient(*config, client_options, p.wall, p.request_metrics.get());
  if (!client.ok()) return client.status();
  p.client = std::move(*client);

  // /healthz answers as soon as the process runs; /readyz once this replica leads with
  // synced caches (a standby is alive but not ready).
  metrics::EndpointHandlers handlers;
  handlers.metrics = [&p] {
    return prometheus::TextSerializer().Serialize(p.registry.Collect());
  };
  handlers.healthy = [] { return true; };
  handlers.ready = [&p] { return p.ready.load(); };
  if (options_.metrics_address == options_.health_address) {
    auto both = metrics::HttpEndpoints::start(options_.metrics_address, {"/metrics", "/healthz", "/readyz"}, handlers);
    if (!both.ok()) return both.status();
    p.metrics_endpoint = std::move(*both);
  } else {
    auto m = metrics::HttpEndpoints::start(options_.metrics_address, {"/metrics"}, handlers);
    if (!m.ok()) return m.status();
    p.metrics_endpoint = std::move(*m);
    auto h = metrics::HttpEndpoints::start(options_.health_address, {"/healthz", "/readyz"}, handlers);
    if (!h.ok()) return h.status();
    p.health_endpoint = std::move(*h);
  }

  if (options_.leader_elect) {
    RETURN_IF_ERROR(kube::validate(options_.lease));
    kube::RestClientOptions lease_options = client_options;
    lease_options.request_timeout = std::max(absl::Seconds(1), options_.lease.renew_deadline / 2);
    lease_options.max_retries = 0;  // the elector retries on its own schedule
    auto lease_client = makeClient(*config, lease_options, p.wall, p.request_metrics.get());
    if (!lease_client.ok()) return lease_client.status();
    p.lease_client = std::move(*lease_client);
    p.elector = std::make_unique<kube::LeaderElector>(*p.lease_client, options_.lease, p.wall, p.mono, log_);
    p.client->setFence(p.elector.get());
    if (!p.elector->acquire()) return absl::CancelledError("stopped before becoming leader");
    Logger lost_log = log_;
    p.elector->startRenewing([lost_log] {
      lost_log.error("lost leadership; exiting so that only the new leader writes");
      std::_Exit(1);
    });
  }

  kube::EventRecorderOptions event_options;
  event_options.instance = options_.lease.identity;
  p.events = std::make_unique<kube::EventRecorder>(*p.client, event_options, p.wall, log_);
  metrics::ControllerMetrics* cm = p.controller_metrics.get();
  p.events->setObserver([cm](const kube::InvolvedObject& o, kube::EventType type, std::string_view reason) {
    if (o.kind == "Rollout") cm->countEvent({o.ns, o.name}, kube::eventTypeName(type), reason);
  });
  p.events->start();

  rollout::RolloutControllerOptions ro_options;
  ro_options.api_group = options_.api_group;
  ro_options.ns = options_.ns;
  ro_options.instance_id = options_.instance_id;
  ro_options.workers = options_.rollout_threads;
  ro_options.resync = options_.resync;
  p.rollouts = std::make_unique<rollout::RolloutController>(*p.client, *p.events, p.wall, log_, ro_options);
  traffic::istio::IstioRouterOptions router_options;
  router_options.ns = options_.ns;
  router_options.keys = rollout::Keys(options_.api_group);
  p.router = std::make_unique<traffic::istio::IstioRouter>(*p.client, router_options, log_);
  rollout::RolloutController* rc = p.rollouts.get();
  // Drift correction: an edit of a VirtualService or DestinationRule re-queues its Rollouts.
  p.router->onReferencedObjectChange([rc](const kube::ObjectKey& key) { rc->enqueue(key); });
  p.rollouts->setTrafficRouter(p.router.get());
  p.rollouts->setReconcileObserver([cm](const rollout::RolloutObject& ro, const rollout::Plan& plan) {
    metrics::RolloutSnapshot snap;
    snap.key = ro.meta().key();
    snap.status = plan.status;
    auto spec = ro.spec();
    const bool routed = spec.is_object() && spec.contains("strategy") && spec["strategy"].is_object() &&
                        spec["strategy"].contains("canary") && spec["strategy"]["canary"].is_object() &&
                        spec["strategy"]["canary"].contains("trafficRouting");
    snap.traffic_router = routed ? "Istio" : "";
    snap.desired = spec.is_object() && spec.contains("replicas") && spec["replicas"].is_number_integer()
                       ? spec["replicas"].get<int32_t>()
                       : 1;
    cm->observeRollout(snap);
  });
  traffic::istio::IstioRouter* router = p.router.get();
  p.rollouts->rollouts().addHandlers({nullptr, nullptr, [cm, router](const auto& ro) {
                                        cm->forgetRollout(ro->meta().key());
                                        router->forget(ro->meta().key());
                                      }});
  p.rollouts->setReconcileTiming([cm](const kube::ObjectKey& key, absl::Duration took, bool failed) {
    cm->observeReconcile(key, took, failed);
  });
  p.router->start();
  if (!p.rollouts->startCaches(absl::Minutes(5)) || !p.router->waitForSync(absl::Minutes(5))) {
    return absl::DeadlineExceededError("caches did not sync within 5 minutes");
  }
  p.rollouts->startWorkers();

  // AnalysisRuns, the Rollouts' and those users apply themselves.
  analysis::AnalysisRunControllerOptions ar_options;
  ar_options.api_group = options_.api_group;
  ar_options.ns = options_.ns;
  ar_options.instance_id = options_.instance_id;
  ar_options.workers = options_.analysis_threads;
  ar_options.measurement_threads = options_.analysis_threads;
  ar_options.resync = options_.resync;
  analysis::prometheus::PrometheusProviderOptions prom_options;
  prom_options.default_address = options_.prometheus_address;
  p.prometheus_provider = std::make_unique<analysis::prometheus::PrometheusProvider>(prom_options);
  p.analysis_runs = std::make_unique<analysis::AnalysisRunController>(*p.client, *p.events, p.wall, log_,
                                                                      ar_options, &p.registry);
  p.analysis_runs->addProvider(*p.prometheus_provider);
  if (!p.analysis_runs->startCaches(absl::Minutes(5))) {
    return absl::DeadlineExceededError("the AnalysisRun cache did not sync within 5 minutes");
  }
  p.analysis_runs->startWorkers();
  p.ready = true;
  p.started = true;
  log_.info("controller started", {{"rollout_threads", options_.rollout_threads}});
  return absl::OkStatus();
}

void Controller::stop() {
  Parts& p = *parts_;
  p.ready = false;
  if (p.elector) p.elector->interrupt();
  if (p.rollouts) p.rollouts->stop();
  if (p.router) p.router->stop();
  if (p.analysis_runs) p.analysis_runs->stop();
  if (p.events) p.events->stop();
  if (p.elector) p.elector->stop();
  if (p.metrics_endpoint) p.metrics_endpoint->stop();
  if (p.health_endpoint) p.health_endpoint->stop();
}

void Controller::interrupt() {
  if (parts_->elector) parts_->elector->interrupt();
}

}  // namespace serin
