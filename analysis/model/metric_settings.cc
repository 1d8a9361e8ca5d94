#include "analysis/model/metric_settings.h"

#include <charconv>
#include <limits>
#include <string>

#include "analysis/model/duration.h"
#include "analysis/model/json_reader.h"
#include "analysis/model/placeholders.h"
#include "common/json_text.h"
#include "common/strings.h"

namespace serin::analysis {
namespace {

constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

// A field that may still hold a reference: `known` is false when it does (parse time only).
template <typename T>
struct Field {
  bool known = true;
  std::optional<T> value;  // absent in the spec
};

class SettingsReader {
 public:
  SettingsReader(const Metric& m, std::string_view path, bool allowRefs)
      : metric_(m), path_(path), allowRefs_(allowRefs) {}

  absl::StatusOr<MetricSettings> read() {
    MetricSettings s;
    absl::StatusOr<Field<absl::Duration>> interval = duration("interval", metric_.interval);
    if (!interval.ok()) return interval.status();
    if (interval->value.has_value() && *interval->value <= absl::ZeroDuration()) {
      return fieldError(at("interval"), "must be greater than 0 (omit it to measure once)");
    }
    absl::StatusOr<Field<absl::Duration>> delay = duration("initialDelay", metric_.initialDelay);
    if (!delay.ok()) return delay.status();

    Field<int64_t> count, failure, inconclusive, errors, successes;
    struct Limit {
      std::string_view name;
      const std::optional<IntOrString>& value;
      int64_t min;
      std::string_view minText;
      Field<int64_t>* out;
    };
    for (const Limit& l :
         {Limit{"count", metric_.count, 0, "0 or more", &count},
          Limit{"failureLimit", metric_.failureLimit, -1, "-1 (off) or more", &failure},
          Limit{"inconclusiveLimit", metric_.inconclusiveLimit, 0, "0 or more", &inconclusive},
          Limit{"consecutiveErrorLimit", metric_.consecutiveErrorLimit, 0, "0 or more", &errors},
          Limit{"consecutiveSuccessLimit", metric_.consecutiveSuccessLimit, 0, "0 or more",
                &successes}}) {
      absl::StatusOr<Field<int64_t>> f = integer(l.name, l.value);
      if (!f.ok()) return f.status();
      if (f->value.has_value() && *f->value < l.min) {
        return fieldError(at(l.name), strCat("must be ", l.minText, ", not ", *f->value));
      }
      *l.out = *f;
    }

    s.interval = interval->value;
    s.initialDelay = delay->value.value_or(absl::ZeroDuration());
    s.failureLimit = failure.value.value_or(0);
    s.inconclusiveLimit = inconclusive.value.value_or(0);
    s.consecutiveErrorLimit = errors.value.value_or(kDefaultConsecutiveErrorLimit);
    s.consecutiveSuccessLimit = successes.value.value_or(0);
    const int64_t rawCount = count.value.value_or(0);
    if (rawCount == 0) {
      // Argo's EffectiveCount: once without an interval, endlessly with one.
      if (metric_.interval.empty()) s.count = 1;
    } else {
      s.count = rawCount;
    }

    if (count.known && rawCount > 1 && metric_.interval.empty()) {
      return fieldError(at("count"), strCat("count ", rawCount, " needs an interval"));
    }
    if (failure.known && successes.known && s.failureLimit == -1 &&
        s.consecutiveSuccessLimit == 0) {
      return fieldError(at("failureLimit"),
                        "-1 turns failing off, which needs a consecutiveSuccessLimit above 0");
    }
    if (count.known && failure.known && successes.known && rawCount > 0) {
      if (s.failureLimit >= 0 && rawCount < s.failureLimit + s.consecutiveSuccessLimit) {
        return fieldError(at("count"),
                          strCat("count (", rawCount,
                                 ") must be at least failureLimit + "
                                 "consecutiveSuccessLimit (",
                                 s.failureLimit, " + ", s.consecutiveSuccessLimit, ")"));
      }
      if (s.failureLimit < 0 && rawCount < s.consecutiveSuccessLimit) {
        return fieldError(
            at("count"), strCat("count (", rawCount, ") must be at least consecutiveSuccessLimit (",
                                s.consecutiveSuccessLimit, ")"));
      }
    }
    if (count.known && inconclusive.known && rawCount > 0 && rawCount < s.inconclusiveLimit) {
      return fieldError(at("count"),
                        strCat("count (", rawCount, ") must be at least inconclusiveLimit (",
                               s.inconclusiveLimit, ")"));
    }
    return s;
  }

 private:
  std::string at(std::string_view field) const { return strCat(path_, ".", field); }

  absl::StatusOr<Field<absl::Duration>> duration(std::string_view name, const std::string& text) {
    Field<absl::Duration> f;
    if (text.empty()) return f;
    if (allowRefs_ && hasPlaceholder(text)) {
      f.known = false;
      return f;
    }
    absl::StatusOr<absl::Duration> d = parseDuration(text);
    if (!d.ok()) return fieldError(at(name), fromAbsl(d.status().message()));
    f.value = *d;
    return f;
  }

  absl::StatusOr<Field<int64_t>> integer(std::string_view name,
                                         const std::optional<IntOrString>& v) {
    Field<int64_t> f;
    if (!v.has_value()) return f;
    if (allowRefs_ && !v->isInt() && hasPlaceholder(std::get<std::string>(v->value))) {
      f.known = false;
      return f;
    }
    absl::StatusOr<int64_t> i = intValue(*v);
    if (!i.ok()) return fieldError(at(name), fromAbsl(i.status().message()));
    f.value = *i;
    return f;
  }

  const Metric& metric_;
  std::string_view path_;
  bool allowRefs_;
};

}  // namespace

absl::StatusOr<int64_t> intValue(const IntOrString& v) {
  int64_t i = 0;
  if (v.isInt()) {
    i = std::get<int64_t>(v.value);
  } else {
    const std::string& s = std::get<std::string>(v.value);
    const char* begin = s.data();
    const char* end = s.data() + s.size();
    const bool digitsOnly =
        !s.empty() && s.find_first_not_of("0123456789", s[0] == '-' ? 1 : 0) == std::string::npos &&
        s != "-";
    auto [ptr, ec] = std::from_chars(begin, end, i);
    if (!digitsOnly || ec == std::errc::invalid_argument || ptr != end) {
      return absl::InvalidArgumentError(
          strCat(jsonQuote(std::string_view(s).substr(0, 64)), " is not an integer"));
    }
    if (ec == std::errc::result_out_of_range) i = s[0] == '-' ? kInt32Min - 1 : kInt32Max + 1;
  }
  if (i < kInt32Min || i > kInt32Max) {
    return absl::InvalidArgumentError(strCat(i < kInt32Min ? "below " : "above ",
                                             i < kInt32Min ? kInt32Min : kInt32Max,
                                             ", the range of a 32-bit integer"));
  }
  return i;
}

absl::StatusOr<MetricSettings> readMetricSettings(const Metric& metric, std::string_view path) {
  return SettingsReader(metric, path, /*allowRefs=*/false).read();
}

absl::Status checkMetricSettings(const Metric& metric, std::string_view path) {
  return SettingsReader(metric, path, /*allowRefs=*/true).read().status();
}

}  // namespace serin::analysis
