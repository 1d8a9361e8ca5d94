#include "operator/kube/request_metrics.h"

#include <string>

#include "prometheus/counter.h"
#include "prometheus/histogram.h"

namespace serin::kube {

RequestMetrics::RequestMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("controller_clientset_k8s_request_total")
                    .Help("Number of Kubernetes API requests executed by the controller")
                    .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("serin_k8s_request_duration_seconds")
                   .Help("Latency of Kubernetes API requests (watches: until the stream opened)")
                   .Register(registry)) {}

void RequestMetrics::record(std::string_view kind, std::string_view ns, std::string_view verb,
                            int status_code, absl::Duration latency) {
  const std::string code = status_code == 0 ? "error" : std::to_string(status_code);
  requests_
      .Add({{"kind", std::string(kind)},
            {"namespace", std::string(ns)},
            {"name", "N/A"},
            {"verb", std::string(verb)},
            {"status_code", code}})
      .Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1,
                                                                   0.25, 0.5, 1, 2.5, 5, 10};
  latency_.Add({{"kind", std::string(kind)}, {"verb", std::string(verb)}, {"status_code", code}},
               kBuckets)
      .Observe(absl::ToDoubleSeconds(latency));
}

}  // namespace serin::kube
