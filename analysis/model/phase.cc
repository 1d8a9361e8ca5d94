#include "analysis/model/phase.h"

#include "common/strings.h"

namespace serin::analysis {

std::string_view phaseName(AnalysisPhase phase) {
  switch (phase) {
    case AnalysisPhase::kPending:
      return "Pending";
    case AnalysisPhase::kRunning:
      return "Running";
    case AnalysisPhase::kSuccessful:
      return "Successful";
    case AnalysisPhase::kFailed:
      return "Failed";
    case AnalysisPhase::kError:
      return "Error";
    case AnalysisPhase::kInconclusive:
      return "Inconclusive";
  }
  return "Pending";
}

absl::StatusOr<AnalysisPhase> parsePhase(std::string_view text) {
  if (text.empty()) return AnalysisPhase::kPending;
  for (AnalysisPhase p :
       {AnalysisPhase::kPending, AnalysisPhase::kRunning, AnalysisPhase::kSuccessful,
        AnalysisPhase::kFailed, AnalysisPhase::kError, AnalysisPhase::kInconclusive}) {
    if (phaseName(p) == text) return p;
  }
  return absl::InvalidArgumentError(
      strCat("\"", text.substr(0, 64),
             "\" is not a phase (Pending, Running, Successful, Failed, Error, Inconclusive)"));
}

int phaseRank(AnalysisPhase phase) {
  switch (phase) {
    case AnalysisPhase::kSuccessful:
      return 0;
    case AnalysisPhase::kRunning:
      return 1;
    case AnalysisPhase::kPending:
      return 2;
    case AnalysisPhase::kInconclusive:
      return 3;
    case AnalysisPhase::kError:
      return 4;
    case AnalysisPhase::kFailed:
      return 5;
  }
  return 2;
}

AnalysisPhase worst(AnalysisPhase a, AnalysisPhase b) {
  return phaseRank(b) > phaseRank(a) ? b : a;
}

bool isTerminal(AnalysisPhase phase) {
  return phase == AnalysisPhase::kSuccessful || phase == AnalysisPhase::kFailed ||
         phase == AnalysisPhase::kError || phase == AnalysisPhase::kInconclusive;
}

}  // namespace serin::analysis
