// A scripted MetricProvider for the controller tests: answers from a script (then a
// default), remembers what it was asked, and can be held inside measure() to prove that
// nothing waits for it.
#ifndef SERIN_TESTS_ANALYSIS_CONTROLLER_FAKE_METRIC_PROVIDER_H_
#define SERIN_TESTS_ANALYSIS_CONTROLLER_FAKE_METRIC_PROVIDER_H_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "analysis/providers/metric_provider.h"

namespace serin::analysis::testing {

class FakeMetricProvider final : public providers::MetricProvider {
 public:
  std::string_view type() const override { return "Prometheus"; }

  providers::ProviderResult measure(const ResolvedMetric& metric) override {
    std::unique_lock<std::mutex> lock(mu_);
    queries_.push_back(metric.prometheus.query);
    ++calls_;
    ++inside_;
    changed_.notify_all();
    const bool held_here = hold_query_.empty() || hold_query_ == metric.prometheus.query;
    changed_.wait(lock, [&] { return !held_ || !held_here; });
    --inside_;
    providers::ProviderResult r;
    r.metadata["resolvedQuery"] = metric.prometheus.query;
    if (!script_.empty()) {
      r.value = script_.front();
      script_.pop_front();
    } else {
      r.value = default_;
    }
    if (echo_query_ && r.value.ok())
      r.value = absl::UnavailableError("echo: " + metric.prometheus.query);
    return r;
  }

  // Answers in order, then `always` for good.
  void script(std::vector<absl::StatusOr<expr::Value>> answers) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.assign(answers.begin(), answers.end());
  }
  void always(absl::StatusOr<expr::Value> answer) {
    std::lock_guard<std::mutex> lock(mu_);
    default_ = std::move(answer);
  }
  // Answers with an error quoting the query as sent (as a server's error page might).
  void echoQuery() {
    std::lock_guard<std::mutex> lock(mu_);
    echo_query_ = true;
  }
  // While held, measure() waits inside (only for `query` when one is given).
  void hold(std::string query = "") {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = true;
    hold_query_ = std::move(query);
  }
  void release() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = false;
    changed_.notify_all();
  }
  // Waits until a measure() call is inside (held); false after 10 s.
  bool waitInside() {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [this] { return inside_ > 0; });
  }
  int calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  std::vector<std::string> queries() const {
    std::lock_guard<std::mutex> lock(mu_);
    return queries_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<absl::StatusOr<expr::Value>> script_;
  absl::StatusOr<expr::Value> default_ = expr::Value(expr::Value::List{expr::Value(1.0)});
  std::vector<std::string> queries_;
  int calls_ = 0;
  int inside_ = 0;
  bool held_ = false;
  std::string hold_query_;
  bool echo_query_ = false;
};

inline expr::Value vec(std::vector<double> values) {
  expr::Value::List l;
  for (double v : values) l.push_back(expr::Value(v));
  return expr::Value(std::move(l));
}

}  // namespace serin::analysis::testing

#endif  // SERIN_TESTS_ANALYSIS_CONTROLLER_FAKE_METRIC_PROVIDER_H_
