// Argument values of a run, their {{args.x}} substitution and the redaction of secrets.
//
// Arguments come from the templates (defaults), from the Rollout (analysis.args) and from
// Secrets (valueFrom.secretKeyRef). A secret's value may end up in a query, a header or a
// condition, and therefore in a provider's error message: every text that goes to status,
// an event or a log passes through ResolvedArgs::redact first.
#ifndef SERIN_ANALYSIS_ARGS_H_
#define SERIN_ANALYSIS_ARGS_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/model/spec.h"

namespace serin::analysis {

inline constexpr std::string_view kRedacted = "*****";

struct ArgValue {
  std::string value;
  bool secret = false;
};

class ResolvedArgs {
 public:
  // Adds or replaces argument `name`.
  void set(std::string name, std::string value, bool secret = false);
  // Null when there is no argument `name`.
  const ArgValue* find(std::string_view name) const;

  // `text` with every {{args.name}} (or {{ args.name }}) replaced by the argument's value.
  // InvalidArgument for an unknown argument (naming it) or a malformed reference.
  absl::StatusOr<std::string> substitute(std::string_view text) const;

  // `text` with every occurrence of a secret value replaced by "*****". Longer secrets are
  // replaced first, so a secret containing another never leaks a remainder.
  std::string redact(std::string_view text) const;

 private:
  std::map<std::string, ArgValue, std::less<>> values_;
};

// Reads key `key` of Secret `secretName` in the run's namespace. The I/O shell supplies it;
// its errors should name the Secret and key, never a value.
using SecretLookup =
    std::function<absl::StatusOr<std::string>(std::string_view secretName, std::string_view key)>;

// The values of a run's arguments: `value` as given; `valueFrom.secretKeyRef` through
// `lookup`, marked secret. InvalidArgument naming the argument when it has no value, or
// still has a fieldRef (those are resolved when the run is created: run_spec_builder.h);
// a lookup error is returned with the argument, Secret and key prefixed.
absl::StatusOr<ResolvedArgs> resolveArgs(const std::vector<Argument>& args,
                                         const SecretLookup& lookup);

// The same without reading Secrets, for scheduling: a secret argument gets the value
// "*****". Enough to read intervals, counts and limits, which never come from Secrets.
absl::StatusOr<ResolvedArgs> resolveArgsWithoutSecrets(const std::vector<Argument>& args);

}  // namespace serin::analysis

#endif  // SERIN_ANALYSIS_ARGS_H_
