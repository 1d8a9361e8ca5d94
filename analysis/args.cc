#include "analysis/args.h"

#include <algorithm>

#include "analysis/model/placeholders.h"
#include "common/json_text.h"
#include "common/strings.h"

namespace serin::analysis {
namespace {

absl::StatusOr<ResolvedArgs> resolve(const std::vector<Argument>& args,
                                     const SecretLookup* lookup) {
  ResolvedArgs out;
  for (const Argument& a : args) {
    if (a.value.has_value()) {
      out.set(a.name, *a.value);
      continue;
    }
    if (a.valueFrom.has_value() && a.valueFrom->secretKeyRef.has_value()) {
      const SecretKeyRef& ref = *a.valueFrom->secretKeyRef;
      if (lookup == nullptr) {
        out.set(a.name, std::string(kRedacted), /*secret=*/true);
        continue;
      }
      absl::StatusOr<std::string> value = (*lookup)(ref.name, ref.key);
      if (!value.ok()) {
        return absl::Status(value.status().code(),
                            strCat("argument ", jsonQuote(a.name), ": secret ", jsonQuote(ref.name),
                                   " key ", jsonQuote(ref.key), ": ", value.status().message()));
      }
      out.set(a.name, *std::move(value), /*secret=*/true);
      continue;
    }
    if (a.valueFrom.has_value() && a.valueFrom->fieldRef.has_value()) {
      return absl::InvalidArgumentError(strCat("argument ", jsonQuote(a.name), ": fieldRef ",
                                               jsonQuote(a.valueFrom->fieldRef->fieldPath),
                                               " was not resolved when the run was created"));
    }
    return absl::InvalidArgumentError(strCat("argument ", jsonQuote(a.name), " has no value"));
  }
  return out;
}

}  // namespace

void ResolvedArgs::set(std::string name, std::string value, bool secret) {
  values_[std::move(name)] = ArgValue{std::move(value), secret};
}

const ArgValue* ResolvedArgs::find(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

absl::StatusOr<std::string> ResolvedArgs::substitute(std::string_view text) const {
  return expandPlaceholders(text, [this](std::string_view name) -> absl::StatusOr<std::string> {
    const ArgValue* v = find(name);
    if (v == nullptr) {
      return absl::InvalidArgumentError(strCat("unknown argument ", jsonQuote(name.substr(0, 64)),
                                               " in {{args.", name.substr(0, 64), "}}"));
    }
    return v->value;
  });
}

std::string ResolvedArgs::redact(std::string_view text) const {
  std::vector<std::string_view> secrets;
  for (const auto& [name, v] : values_) {
    if (v.secret && !v.value.empty()) secrets.push_back(v.value);
  }
  std::string out(text);
  if (secrets.empty()) return out;
  std::sort(secrets.begin(), secrets.end(),
            [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
  for (std::string_view secret : secrets) {
    std::string next;
    size_t pos = 0;
    while (true) {
      const size_t hit = out.find(secret, pos);
      if (hit == std::string::npos) break;
      next.append(out, pos, hit - pos);
      next.append(kRedacted);
      pos = hit + secret.size();
    }
    next.append(out, pos, std::string::npos);
    out = std::move(next);
  }
  return out;
}

absl::StatusOr<ResolvedArgs> resolveArgs(const std::vector<Argument>& args,
                                         const SecretLookup& lookup) {
  return resolve(args, &lookup);
}

absl::StatusOr<ResolvedArgs> resolveArgsWithoutSecrets(const std::vector<Argument>& args) {
  return resolve(args, nullptr);
}

}  // namespace serin::analysis
