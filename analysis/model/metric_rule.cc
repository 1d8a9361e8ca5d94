#include "analysis/model/metric_rule.h"

#include <bitset>
#include <vector>

#include "common/strings.h"

namespace serin::analysis {
namespace {

// One position of the pattern: a set of accepted bytes, taken once, optionally or any
// number of times. `a+` is compiled as `a a*`.
struct Atom {
  std::bitset<256> accepts;
  enum class Repeat { kOnce, kOptional, kAny } repeat = Repeat::kOnce;
};

struct Pattern {
  std::vector<Atom> atoms;
  bool anchoredStart = false;
  bool anchoredEnd = false;
};

absl::Status unsupported(std::string_view why) {
  return absl::InvalidArgumentError(
      strCat("not a metric name pattern serin supports: ", why,
             " (use a name, \"*\", or '.', '*', '+', '?', [...], '^', '$')"));
}

absl::StatusOr<Pattern> compile(std::string_view p) {
  if (p.empty()) return unsupported("empty pattern");
  if (p.size() > 256) return unsupported("longer than 256 bytes");
  Pattern out;
  size_t i = 0;
  if (p[0] == '^') {
    out.anchoredStart = true;
    ++i;
  }
  while (i < p.size()) {
    const char c = p[i];
    if (c == '$' && i + 1 == p.size()) {
      out.anchoredEnd = true;
      break;
    }
    Atom atom;
    if (c == '.') {
      atom.accepts.set();
      ++i;
    } else if (c == '\\') {
      if (i + 1 >= p.size()) return unsupported("trailing backslash");
      const char e = p[i + 1];
      const bool letterOrDigit =
          (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9');
      if (letterOrDigit) return unsupported(strCat("escape \\", std::string(1, e)));
      atom.accepts.set(static_cast<unsigned char>(e));
      i += 2;
    } else if (c == '[') {
      size_t j = i + 1;
      const bool negate = j < p.size() && p[j] == '^';
      if (negate) ++j;
      bool first = true;
      while (j < p.size() && (p[j] != ']' || first)) {
        unsigned char lo = static_cast<unsigned char>(p[j]);
        if (lo == '\\') {
          if (j + 1 >= p.size()) return unsupported("trailing backslash");
          lo = static_cast<unsigned char>(p[++j]);
        }
        unsigned char hi = lo;
        if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
          hi = static_cast<unsigned char>(p[j + 2]);
          if (hi < lo) return unsupported("reversed range in [...]");
          j += 2;
        }
        for (unsigned v = lo; v <= hi; ++v) atom.accepts.set(v);
        ++j;
        first = false;
      }
      if (j >= p.size()) return unsupported("unclosed [");
      if (negate) atom.accepts.flip();
      i = j + 1;
    } else if (c == '(' || c == ')' || c == '|' || c == '{' || c == '}') {
      return unsupported(strCat("'", std::string(1, c), "'"));
    } else if (c == '*' || c == '+' || c == '?' || c == '^' || c == '$' || c == ']') {
      return unsupported(strCat("'", std::string(1, c), "' at position ", i + 1));
    } else {
      atom.accepts.set(static_cast<unsigned char>(c));
      ++i;
    }
    if (i < p.size() && (p[i] == '*' || p[i] == '+' || p[i] == '?')) {
      const char q = p[i++];
      if (q == '+') out.atoms.push_back(atom);
      atom.repeat = q == '?' ? Atom::Repeat::kOptional : Atom::Repeat::kAny;
      if (i < p.size() && (p[i] == '*' || p[i] == '+' || p[i] == '?')) {
        return unsupported("two repetition operators in a row");
      }
    }
    out.atoms.push_back(atom);
  }
  return out;
}

// Adds state `s` and every state reachable from it without reading a byte.
void addState(const Pattern& p, size_t s, std::vector<bool>& set) {
  while (s <= p.atoms.size() && !set[s]) {
    set[s] = true;
    if (s == p.atoms.size() || p.atoms[s].repeat == Atom::Repeat::kOnce) return;
    ++s;
  }
}

// A Thompson simulation: the set of live states advances one byte at a time, so the cost
// is O(name length * pattern length) whatever the pattern.
bool matches(const Pattern& p, std::string_view name) {
  const size_t accept = p.atoms.size();
  std::vector<bool> live(accept + 1, false);
  addState(p, 0, live);
  for (size_t i = 0;; ++i) {
    if (live[accept] && !p.anchoredEnd) return true;
    if (i == name.size()) return live[accept];
    std::vector<bool> next(accept + 1, false);
    const unsigned char c = static_cast<unsigned char>(name[i]);
    for (size_t s = 0; s < accept; ++s) {
      if (!live[s] || !p.atoms[s].accepts.test(c)) continue;
      addState(p, p.atoms[s].repeat == Atom::Repeat::kAny ? s : s + 1, next);
    }
    if (!p.anchoredStart) addState(p, 0, next);  // a match may start at any byte
    live = std::move(next);
  }
}

}  // namespace

absl::Status checkMetricRule(std::string_view pattern) {
  if (pattern == "*") return absl::OkStatus();
  return compile(pattern).status();
}

absl::StatusOr<bool> metricRuleMatches(std::string_view pattern, std::string_view name) {
  if (pattern == "*") return true;
  absl::StatusOr<Pattern> p = compile(pattern);
  if (!p.ok()) return p.status();
  return matches(*p, name);
}

}  // namespace serin::analysis
