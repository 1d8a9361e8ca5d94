#include "common/log.h"

#include <cmath>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/json_text.h"
#include "common/strings.h"

namespace serin {

struct Logger::Sink {
  explicit Sink(std::ostream& o) : out(o) {}
  std::mutex mu;
  std::ostream& out;
};

absl::StatusOr<LogLevel> parseLogLevel(std::string_view text) {
  const std::string lower = absl::AsciiStrToLower(toAbsl(text));
  if (lower == "debug") return LogLevel::kDebug;
  if (lower == "info") return LogLevel::kInfo;
  if (lower == "warn" || lower == "warning") return LogLevel::kWarn;
  if (lower == "error") return LogLevel::kError;
  return absl::InvalidArgumentError(
      strCat("log level \"", text, "\" is not one of debug, info, warn, error"));
}

absl::StatusOr<LogFormat> parseLogFormat(std::string_view text) {
  const std::string lower = absl::AsciiStrToLower(toAbsl(text));
  if (lower == "json") return LogFormat::kJson;
  if (lower == "text") return LogFormat::kText;
  return absl::InvalidArgumentError(
      strCat("log format \"", text, "\" is not one of json, text"));
}

std::string_view logLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "unknown";
}

Logger::Logger(std::ostream& out, LogLevel min_level, LogFormat format, const Clock* clock)
    : sink_(std::make_shared<Sink>(out)), min_level_(min_level), format_(format), clock_(clock) {}

Logger Logger::with(std::initializer_list<LogField> fields) const {
  Logger copy = *this;
  copy.context_.insert(copy.context_.end(), fields.begin(), fields.end());
  return copy;
}

namespace {

void appendValue(std::string& out, const LogField::Value& value, bool json) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          if (json) {
            appendJsonString(out, v);
          } else {
            out += v;
          }
        } else if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, double>) {
          // JSON has no NaN or Inf: write them as strings so the line stays parseable.
          if (std::isfinite(v)) {
            absl::StrAppend(&out, v);
          } else if (json) {
            appendJsonString(out, absl::StrCat(v));
          } else {
            absl::StrAppend(&out, v);
          }
        } else {
          absl::StrAppend(&out, v);
        }
      },
      value);
}

void appendField(std::string& out, const LogField& field, bool json) {
  if (json) {
    out.push_back(',');
    appendJsonString(out, field.key());
    out.push_back(':');
  } else {
    strAppend(&out, " ", field.key(), "=");
  }
  appendValue(out, field.value(), json);
}

}  // namespace

void Logger::log(LogLevel level, std::string_view msg,
                 std::initializer_list<LogField> fields) const {
  if (!enabled(level)) return;
  const absl::Time now = clock_ != nullptr ? clock_->now() : absl::Now();
  const std::string ts = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now, absl::UTCTimeZone());
  const bool json = format_ == LogFormat::kJson;
  std::string line;
  line.reserve(128 + msg.size());
  if (json) {
    line += "{\"ts\":";
    appendJsonString(line, ts);
    line += ",\"level\":";
    appendJsonString(line, logLevelName(level));
    line += ",\"msg\":";
    appendJsonString(line, msg);
  } else {
    strAppend(&line, ts, " ", absl::AsciiStrToUpper(toAbsl(logLevelName(level))), " ", msg);
  }
  for (const LogField& f : context_) appendField(line, f, json);
  for (const LogField& f : fields) appendField(line, f, json);
  if (json) line.push_back('}');
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(sink_->mu);
  sink_->out << line;
  sink_->out.flush();
}

}  // namespace serin
