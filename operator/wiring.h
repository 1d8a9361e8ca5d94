// The controller process assembled: clients, leader election, caches, controllers, metrics
// and health endpoints. main.cc parses flags into WiringOptions and runs a Controller; the
// end-to-end tests run the same binary.
#ifndef SERIN_OPERATOR_WIRING_H_
#define SERIN_OPERATOR_WIRING_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/log.h"
#include "operator/kube/leader_elector.h"

namespace serin {

struct WiringOptions {
  std::string kubeconfig;
  std::string context;
  std::string ns;
  std::string instance_id;
  std::string api_group = "serin.io";
  bool leader_elect = true;
  kube::LeaderElectionOptions lease;
  double qps = 40;
  int burst = 80;
  int rollout_threads = 10;
  int analysis_threads = 30;
  int http_threads = 16;
  absl::Duration resync = absl::Minutes(15);
  std::string metrics_address = ":8090";
  std::string health_address = ":8080";
  std::string prometheus_address;
};

class Controller {
 public:
  Controller(WiringOptions options, const Logger& log);
  ~Controller();

  // Connects, waits to lead (when electing), syncs the caches and starts the workers.
  // Returns once it leads and works, or with the reason it cannot.
  absl::Status start();
  // Graceful stop: finishes in-flight reconciles, stops watching, releases the lease.
  void stop();
  // Makes a start() that waits for leadership return soon (from another thread).
  void interrupt();

 private:
  struct Parts;
  WiringOptions options_;
  Logger log_;
  std::unique_ptr<Parts> parts_;
};

}  // namespace serin

#endif  // SERIN_OPERATOR_WIRING_H_
