#include "analysis/model/placeholders.h"

#include "common/strings.h"

namespace serin::analysis {
namespace {

std::string_view trimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string shown(std::string_view tag) {
  return tag.size() > 64 ? strCat(tag.substr(0, 64), "...") : std::string(tag);
}

}  // namespace

bool hasPlaceholder(std::string_view text) { return text.find("{{") != std::string_view::npos; }

absl::StatusOr<std::string> expandPlaceholders(std::string_view text, const ArgValueFn& valueOf) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (true) {
    const size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return absl::InvalidArgumentError(
          strCat("\"{{\" at offset ", open, " has no closing \"}}\""));
    }
    const std::string_view tag = trimSpace(text.substr(open + 2, close - open - 2));
    constexpr std::string_view kPrefix = "args.";
    if (tag.substr(0, kPrefix.size()) != kPrefix || tag.size() == kPrefix.size()) {
      return absl::InvalidArgumentError(strCat("{{", shown(tag),
                                               "}} is not an argument reference (write "
                                               "{{args.<name>}})"));
    }
    absl::StatusOr<std::string> value = valueOf(tag.substr(kPrefix.size()));
    if (!value.ok()) return value.status();
    out.append(text.substr(pos, open - pos));
    out.append(*value);
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

absl::Status forEachPlaceholder(std::string_view text,
                                const std::function<absl::Status(std::string_view name)>& each) {
  return expandPlaceholders(text,
                            [&](std::string_view name) -> absl::StatusOr<std::string> {
                              absl::Status s = each(name);
                              if (!s.ok()) return s;
                              return std::string();
                            })
      .status();
}

}  // namespace serin::analysis
