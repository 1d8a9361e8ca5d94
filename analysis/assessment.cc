#include "analysis/assessment.h"

#include <optional>

#include "common/strings.h"

namespace serin::analysis {
namespace {

// A limit that has tripped, or Pending with no reason.
MetricAssessment limitBreach(const MetricSettings& s, const MetricResult& r) {
  MetricAssessment out;
  auto trip = [&](AnalysisPhase phase, std::string reason) {
    if (out.reason.empty() || phaseRank(phase) > phaseRank(out.phase)) {
      out.phase = phase;
      out.reason = std::move(reason);
    }
  };
  if (s.failureLimit >= 0 && r.failed > s.failureLimit) {
    trip(AnalysisPhase::kFailed,
         strCat("failed (", r.failed, ") > failureLimit (", s.failureLimit, ")"));
  }
  if (r.inconclusive > s.inconclusiveLimit) {
    trip(AnalysisPhase::kInconclusive, strCat("inconclusive (", r.inconclusive,
                                              ") > inconclusiveLimit (", s.inconclusiveLimit, ")"));
  }
  if (r.consecutiveError > s.consecutiveErrorLimit) {
    trip(AnalysisPhase::kError,
         strCat("consecutiveErrors (", r.consecutiveError, ") > consecutiveErrorLimit (",
                s.consecutiveErrorLimit, ")"));
  }
  return out;
}

bool countReached(const MetricSettings& s, const MetricResult& r) {
  return s.count.has_value() && r.count >= *s.count;
}

// The verdict once `count` measurements are in, when consecutiveSuccessLimit was not met.
MetricAssessment successLimitMissed(const MetricSettings& s, const MetricResult& r) {
  return {s.failureLimit >= 0 ? AnalysisPhase::kInconclusive : AnalysisPhase::kFailed,
          strCat("consecutiveSuccess (", r.consecutiveSuccess, ") < consecutiveSuccessLimit (",
                 s.consecutiveSuccessLimit, ") after count (", *s.count, ")")};
}

}  // namespace

MetricAssessment assessMetric(const ResolvedMetric& metric, const MetricResult& result,
                              bool terminating) {
  const MetricSettings& s = metric.settings;
  if (isTerminal(result.phase)) {
    MetricAssessment out = limitBreach(s, result);
    if (out.reason.empty() && result.phase != AnalysisPhase::kSuccessful &&
        s.consecutiveSuccessLimit > 0 && countReached(s, result)) {
      out = successLimitMissed(s, result);
    }
    out.phase = result.phase;
    return out;
  }
  if (result.measurements.empty()) {
    return {terminating ? AnalysisPhase::kSuccessful : AnalysisPhase::kPending, ""};
  }
  if (!result.measurements.back().finishedAt.has_value() ||
      !isTerminal(result.measurements.back().phase)) {
    return {AnalysisPhase::kRunning, ""};
  }
  MetricAssessment breach = limitBreach(s, result);
  if (!breach.reason.empty()) return breach;
  if (s.consecutiveSuccessLimit > 0 && result.consecutiveSuccess >= s.consecutiveSuccessLimit) {
    return {AnalysisPhase::kSuccessful, ""};
  }
  if (countReached(s, result)) {
    if (s.consecutiveSuccessLimit > 0) return successLimitMissed(s, result);
    return {AnalysisPhase::kSuccessful, ""};
  }
  return {terminating ? AnalysisPhase::kSuccessful : AnalysisPhase::kRunning, ""};
}

RunAssessment assessRun(const std::vector<ResolvedMetric>& metrics, bool terminate,
                        AnalysisRunStatus& status) {
  auto assessAll = [&](bool terminating) {
    std::vector<std::optional<MetricAssessment>> out;
    for (const ResolvedMetric& m : metrics) {
      const MetricResult* r = status.findResult(m.name);
      out.push_back(r == nullptr ? std::nullopt : std::optional(assessMetric(m, *r, terminating)));
    }
    return out;
  };
  RunAssessment run;
  run.terminating = terminate;
  std::vector<std::optional<MetricAssessment>> phases = assessAll(terminate);
  for (size_t i = 0; i < metrics.size() && !run.terminating; ++i) {
    const AnalysisPhase p = phases[i].has_value() ? phases[i]->phase : AnalysisPhase::kPending;
    run.terminating =
        !metrics[i].dryRun && (p == AnalysisPhase::kFailed || p == AnalysisPhase::kError ||
                               p == AnalysisPhase::kInconclusive);
  }
  // One metric ending the run ends the others now, not at the next reconcile.
  if (run.terminating && !terminate) phases = assessAll(true);

  RunSummary summary, drySummary;
  bool everythingFinished = true;
  std::optional<AnalysisPhase> worstPhase;
  std::string worstMessage;
  for (size_t i = 0; i < metrics.size(); ++i) {
    const ResolvedMetric& m = metrics[i];
    RunSummary& sum = m.dryRun ? drySummary : summary;
    ++sum.count;
    MetricResult* r = status.findResult(m.name);
    if (r == nullptr || !phases[i].has_value()) {
      everythingFinished = false;
      continue;
    }
    const MetricAssessment& a = *phases[i];
    if (a.phase != r->phase) {
      run.transitions.push_back({m.name, r->phase, a.phase, m.dryRun});
      if (!r->measurements.empty()) r->message = r->measurements.back().message;
      r->phase = a.phase;
    }
    if (!isTerminal(a.phase)) {
      everythingFinished = false;
      continue;
    }
    switch (a.phase) {
      case AnalysisPhase::kSuccessful:
        ++sum.successful;
        break;
      case AnalysisPhase::kFailed:
        ++sum.failed;
        break;
      case AnalysisPhase::kInconclusive:
        ++sum.inconclusive;
        break;
      case AnalysisPhase::kError:
        ++sum.error;
        break;
      default:
        break;
    }
    if (m.dryRun) {
      if (!a.reason.empty()) {
        r->message = strCat("Metric assessed ", phaseName(a.phase), " due to ", a.reason);
      }
      continue;
    }
    if (!worstPhase.has_value() || phaseRank(a.phase) > phaseRank(*worstPhase)) {
      worstPhase = a.phase;
      worstMessage.clear();
      if (!a.reason.empty()) {
        worstMessage =
            strCat("Metric \"", m.name, "\" assessed ", phaseName(a.phase), " due to ", a.reason);
        if (!r->message.empty()) strAppend(&worstMessage, ": \"Error Message: ", r->message, "\"");
      }
    }
  }
  status.runSummary = summary;
  status.dryRunSummary = drySummary;

  if (run.terminating) {
    run.phase = worstPhase.value_or(AnalysisPhase::kSuccessful);
    run.message = worstMessage.empty() && terminate ? "Run Terminated" : worstMessage;
  } else if (!everythingFinished) {
    run.phase = AnalysisPhase::kRunning;
  } else {
    run.phase = worstPhase.value_or(AnalysisPhase::kSuccessful);
    run.message = worstMessage;
  }
  status.phase = run.phase;
  status.message = run.message;
  return run;
}

}  // namespace serin::analysis
