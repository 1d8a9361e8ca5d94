// serin-controller: flags and wiring only.
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/version.h"

ABSL_FLAG(std::string, log_level, "info", "Minimum log level: debug, info, warn or error.");
ABSL_FLAG(std::string, log_format, "json", "Log line format: json (one object per line) or text.");

namespace {

void configureFlags() {
  absl::FlagsUsageConfig config;
  // Show serin's own flags in --help, not abseil's internal ones.
  config.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "operator/");
  };
  config.contains_helpshort_flags = config.contains_help_flags;
  config.version_string = [] { return absl::StrCat("serin-controller ", serin::kVersion, "\n"); };
  config.normalize_filename = [](absl::string_view file) {
    const size_t at = file.rfind("operator/");
    return std::string(at == absl::string_view::npos ? file : file.substr(at));
  };
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(absl::StrCat(
      "the serin progressive-delivery controller for Rollouts in API group ", serin::kApiGroup,
      ".\nUsage: serin-controller [flags]"));
}

}  // namespace

int main(int argc, char** argv) {
  configureFlags();
  absl::ParseCommandLine(argc, argv);

  auto level = serin::parseLogLevel(absl::GetFlag(FLAGS_log_level));
  auto format = serin::parseLogFormat(absl::GetFlag(FLAGS_log_format));
  if (!level.ok() || !format.ok()) {
    std::cerr << "serin-controller: " << (level.ok() ? format.status() : level.status()).message()
              << "\n";
    return 2;
  }
  serin::Logger log(std::cerr, *level, *format);
  log.error("the controller loop is not built yet; only --version and --help work");
  return 1;
}
