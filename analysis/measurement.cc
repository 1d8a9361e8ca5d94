#include "analysis/measurement.h"

#include <charconv>
#include <cmath>

#include "analysis/expr/environment.h"
#include "common/strings.h"

namespace serin::analysis {
namespace {

constexpr size_t kMaxValueBytes = 512;
constexpr int kMaxNestingChecked = 16;

void appendNumber(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "NaN";
  } else if (std::isinf(d)) {
    out += d > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[400];  // the longest fixed-notation double has about 330 characters
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed);
    if (ec == std::errc()) {
      out.append(buf, ptr);
    } else {
      out += expr::Value(d).debugString();
    }
  }
}

void appendValue(std::string& out, const expr::Value& v, int depth) {
  if (out.size() > kMaxValueBytes) return;
  switch (v.kind()) {
    case expr::Value::Kind::kInt:
      out += std::to_string(v.asInt());
      return;
    case expr::Value::Kind::kFloat:
      appendNumber(out, v.asFloat());
      return;
    case expr::Value::Kind::kList:
      if (depth < kMaxNestingChecked) {
        out += '[';
        bool first = true;
        for (const expr::Value& e : v.asList()) {
          if (!first) out += ',';
          first = false;
          appendValue(out, e, depth + 1);
          if (out.size() > kMaxValueBytes) return;
        }
        out += ']';
        return;
      }
      [[fallthrough]];
    default:
      out += v.debugString();
      return;
  }
}

// NaN anywhere in a scalar or (nested) list: what 0/0 over no traffic looks like.
bool containsNaN(const expr::Value& v, int depth = 0) {
  if (v.kind() == expr::Value::Kind::kFloat) return std::isnan(v.asFloat());
  if (v.kind() != expr::Value::Kind::kList || depth >= kMaxNestingChecked) return false;
  for (const expr::Value& e : v.asList()) {
    if (containsNaN(e, depth + 1)) return true;
  }
  return false;
}

Measurement withPhase(Measurement m, AnalysisPhase phase, std::string message = "") {
  m.phase = phase;
  m.message = std::move(message);
  return m;
}

}  // namespace

std::string formatResultValue(const expr::Value& value) {
  std::string out;
  appendValue(out, value, 0);
  if (out.size() > kMaxValueBytes) {
    out.resize(kMaxValueBytes);
    out += "...";
  }
  return out;
}

Measurement assessMeasurement(const ResolvedMetric& metric, const CompiledConditions& conditions,
                              const absl::StatusOr<expr::Value>& result, absl::Time started,
                              absl::Time finished) {
  Measurement m;
  m.startedAt = started;
  m.finishedAt = finished;
  if (!result.ok()) {
    std::string message(result.status().message());
    if (message.empty()) message = strCat("provider error (", result.status().ToString(), ")");
    return withPhase(std::move(m), AnalysisPhase::kError, std::move(message));
  }
  const expr::Value& value = *result;
  m.value = formatResultValue(value);
  if (value.kind() == expr::Value::Kind::kList && value.asList().empty()) {
    return withPhase(std::move(m), AnalysisPhase::kError, "query returned no data");
  }
  if (value.isNil() && !conditions.handlesNil()) {
    return withPhase(std::move(m), AnalysisPhase::kError, "query returned no data");
  }
  if (containsNaN(value) && !conditions.handlesNaN()) {
    return withPhase(std::move(m), AnalysisPhase::kError, "query returned NaN");
  }

  const expr::Environment env = {{"result", value}};
  struct Verdict {
    bool set = false;
    bool holds = false;
  };
  Verdict success, failure;
  for (auto [field, program, out] :
       {std::tuple{"successCondition", &conditions.success(), &success},
        std::tuple{"failureCondition", &conditions.failure(), &failure}}) {
    if (!program->has_value()) continue;
    absl::StatusOr<bool> holds = (*program)->evaluateBool(env);
    if (!holds.ok()) {
      return withPhase(
          std::move(m), AnalysisPhase::kError,
          strCat("could not evaluate ", field, " ", quoteCondition((*program)->source()), ": ",
                 holds.status().message()));
    }
    *out = Verdict{true, *holds};
  }
  if (!success.set && !failure.set) {
    // Parsing rejects such metrics; should one get here, no verdict is invented.
    return withPhase(std::move(m), AnalysisPhase::kError,
                     strCat("metric \"", metric.name, "\" has no condition to judge by"));
  }
  if (failure.set && failure.holds) return withPhase(std::move(m), AnalysisPhase::kFailed);
  if (success.set && success.holds) return withPhase(std::move(m), AnalysisPhase::kSuccessful);
  if (success.set && failure.set) return withPhase(std::move(m), AnalysisPhase::kInconclusive);
  // Exactly one condition is set and it decided against itself.
  return withPhase(std::move(m), success.set ? AnalysisPhase::kFailed : AnalysisPhase::kSuccessful);
}

}  // namespace serin::analysis
