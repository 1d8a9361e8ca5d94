// Prometheus metrics of API requests, under the names Argo Rollouts users' dashboards use:
//   controller_clientset_k8s_request_total{kind, namespace, name, verb, status_code}
//   serin_k8s_request_duration_seconds{kind, verb, status_code} (histogram)
// `name` is always "N/A": a label per object would cost memory at every scale for little.
#ifndef SERIN_OPERATOR_KUBE_REQUEST_METRICS_H_
#define SERIN_OPERATOR_KUBE_REQUEST_METRICS_H_

#include <memory>
#include <string_view>

#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace serin::kube {

// Thread-safe. The registry must outlive this object.
class RequestMetrics {
 public:
  explicit RequestMetrics(prometheus::Registry& registry);

  // `verb` is Get, List, Watch, Create, Update, Patch or Delete; `status_code` the HTTP
  // code, or 0 when no answer came (reported as "error").
  void record(std::string_view kind, std::string_view ns, std::string_view verb, int status_code,
              absl::Duration latency);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
};

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_REQUEST_METRICS_H_
