// A structured logger writing one JSON object per line (or a readable text line):
//
//   {"ts":"2026-11-25T10:00:00.123Z","level":"info","msg":"step completed",
//    "namespace":"shop","rollout":"checkout","step":2}
//
// abseil 20220623 has no absl/log, and serin's logs are read by machines first.
#ifndef SERIN_COMMON_LOG_H_
#define SERIN_COMMON_LOG_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock.h"

namespace serin {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class LogFormat { kJson, kText };

// Parses "debug", "info", "warn"/"warning", "error" (any case). InvalidArgument otherwise.
absl::StatusOr<LogLevel> parseLogLevel(std::string_view text);
// Parses "json" or "text". InvalidArgument otherwise.
absl::StatusOr<LogFormat> parseLogFormat(std::string_view text);
std::string_view logLevelName(LogLevel level);

// One key/value pair of a log line. The key and a string value are copied when the line is
// written, so temporaries are fine.
class LogField {
 public:
  using Value = std::variant<std::string, int64_t, double, bool>;

  LogField(std::string_view key, std::string_view value) : key_(key), value_(std::string(value)) {}
  LogField(std::string_view key, const char* value) : key_(key), value_(std::string(value)) {}
  LogField(std::string_view key, const std::string& value) : key_(key), value_(value) {}
  LogField(std::string_view key, bool value) : key_(key), value_(value) {}
  LogField(std::string_view key, double value) : key_(key), value_(value) {}
  template <typename Int,
            typename = std::enable_if_t<std::is_integral_v<Int> && !std::is_same_v<Int, bool>>>
  LogField(std::string_view key, Int value) : key_(key), value_(static_cast<int64_t>(value)) {}

  const std::string& key() const { return key_; }
  const Value& value() const { return value_; }

 private:
  std::string key_;
  Value value_;
};

// Thread-safe: lines from concurrent callers never interleave. The stream passed to the
// constructor must outlive the logger and every logger made from it by `with`.
class Logger {
 public:
  // `clock` may be null (the system clock is used); if given it must outlive the logger.
  Logger(std::ostream& out, LogLevel min_level, LogFormat format, const Clock* clock = nullptr);

  // A logger writing to the same stream that adds `fields` to every line, e.g. the
  // rollout's namespace and name.
  Logger with(std::initializer_list<LogField> fields) const;

  bool enabled(LogLevel level) const { return level >= min_level_; }
  void log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {}) const;
  void debug(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::kDebug, msg, fields);
  }
  void info(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::kInfo, msg, fields);
  }
  void warn(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::kWarn, msg, fields);
  }
  void error(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::kError, msg, fields);
  }

 private:
  struct Sink;
  std::shared_ptr<Sink> sink_;
  LogLevel min_level_;
  LogFormat format_;
  const Clock* clock_;
  std::vector<LogField> context_;
};

}  // namespace serin

#endif  // SERIN_COMMON_LOG_H_
