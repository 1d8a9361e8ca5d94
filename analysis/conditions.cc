#include "analysis/conditions.h"

#include "common/json_text.h"
#include "common/strings.h"

namespace serin::analysis {

std::string quoteCondition(std::string_view text) {
  if (text.size() <= 200) return jsonQuote(text);
  return strCat(jsonQuote(text.substr(0, 200)), "...");
}

absl::StatusOr<CompiledConditions> CompiledConditions::compile(std::string_view metricName,
                                                               std::string_view successCondition,
                                                               std::string_view failureCondition) {
  CompiledConditions c;
  c.metricName_ = std::string(metricName);
  struct Source {
    std::string_view field;
    std::string_view text;
    std::optional<expr::Program>* out;
  };
  for (const Source& s : {Source{"successCondition", successCondition, &c.success_},
                          Source{"failureCondition", failureCondition, &c.failure_}}) {
    if (s.text.empty()) continue;
    absl::StatusOr<expr::Program> p = expr::Program::compile(s.text);
    if (!p.ok()) {
      return absl::InvalidArgumentError(strCat("metric ", jsonQuote(metricName), ": ", s.field, " ",
                                               quoteCondition(s.text), ": ", p.status().message()));
    }
    const bool callsDefault = p->calls("default");
    c.handlesNaN_ = c.handlesNaN_ || callsDefault || p->calls("isNaN");
    c.handlesNil_ = c.handlesNil_ || callsDefault || p->calls("isNil");
    *s.out = std::move(*p);
  }
  return c;
}

}  // namespace serin::analysis
