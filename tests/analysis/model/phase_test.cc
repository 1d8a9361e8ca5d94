#include "analysis/model/phase.h"

#include <gtest/gtest.h>

namespace serin::analysis {
namespace {

using P = AnalysisPhase;

TEST(AnalysisPhaseTest, NamesRoundTrip) {
  for (P p : {P::kPending, P::kRunning, P::kSuccessful, P::kFailed, P::kError, P::kInconclusive}) {
    absl::StatusOr<P> back = parsePhase(phaseName(p));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, p);
  }
  EXPECT_EQ(phaseName(P::kInconclusive), "Inconclusive");
  EXPECT_EQ(*parsePhase(""), P::kPending);  // Argo leaves it empty before the first reconcile
  EXPECT_FALSE(parsePhase("successful").ok());
  EXPECT_FALSE(parsePhase("Done").ok());
}

TEST(AnalysisPhaseTest, RankFromBestToWorst) {
  const P order[] = {P::kSuccessful,   P::kRunning, P::kPending,
                     P::kInconclusive, P::kError,   P::kFailed};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(phaseRank(order[i]), i) << phaseName(order[i]);
}

struct WorstCase {
  P a, b, want;
};

TEST(AnalysisPhaseTest, WorstWins) {
  const WorstCase cases[] = {
      {P::kSuccessful, P::kRunning, P::kRunning},
      {P::kRunning, P::kPending, P::kPending},
      {P::kPending, P::kInconclusive, P::kInconclusive},
      {P::kInconclusive, P::kError, P::kError},
      {P::kError, P::kFailed, P::kFailed},
      {P::kFailed, P::kSuccessful, P::kFailed},
      {P::kSuccessful, P::kSuccessful, P::kSuccessful},
      {P::kError, P::kInconclusive, P::kError},
  };
  for (const WorstCase& c : cases) {
    EXPECT_EQ(worst(c.a, c.b), c.want) << phaseName(c.a) << " vs " << phaseName(c.b);
    EXPECT_EQ(worst(c.b, c.a), c.want) << phaseName(c.b) << " vs " << phaseName(c.a);
  }
}

TEST(AnalysisPhaseTest, Terminal) {
  EXPECT_FALSE(isTerminal(P::kPending));
  EXPECT_FALSE(isTerminal(P::kRunning));
  EXPECT_TRUE(isTerminal(P::kSuccessful));
  EXPECT_TRUE(isTerminal(P::kFailed));
  EXPECT_TRUE(isTerminal(P::kError));
  EXPECT_TRUE(isTerminal(P::kInconclusive));
}

}  // namespace
}  // namespace serin::analysis
