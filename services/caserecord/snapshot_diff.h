// What changed between a saved compass answer and the same question answered again today
// (RecomputeCompassSnapshot). Pure functions over the answers: no network, no storage.
//
// Income answers (kompas.budget.v1.CalculateIncomeResponse): every money total of the
// calculation (gross and net wage, disposable income, required budget, margin, costs of working,
// bijstand vrijlating, yearly toetsingsinkomen), lonend, each income line (matched by component,
// scheme and adult; a line that appears or disappears counts from € 0,00) and the rule-set id.
//
// Match answers (kompas.matching.v1.MatchResult): the current situation's margin, disposable
// income and required budget, whether it is lonend (margin ≥ 0), each candidate occupation
// matched by its name ("occupations/5131") — margin, lonend, rank — candidates added and
// removed, the rule-set id and the catalogue data version.
//
// Each difference has a field path ("calculation.lines[huurtoeslag]",
// "candidates[occupations/5131].margin"), before and after as text (money as "€ 1.234,56"),
// the change in cents for amounts (now − then) and one plain-Dutch (B1) sentence. Unchanged
// fields give no difference. Order: the largest change in money first; the rest (lonend,
// ranks, added/removed, versions) after it, in the order above.
#ifndef KOMPAS_SERVICES_CASERECORD_SNAPSHOT_DIFF_H_
#define KOMPAS_SERVICES_CASERECORD_SNAPSHOT_DIFF_H_

#include <vector>

#include "absl/status/statusor.h"
#include "kompas/budget/v1/budget.pb.h"
#include "kompas/caserecord/v1/bridge.pb.h"
#include "kompas/caserecord/v1/snapshot.pb.h"
#include "kompas/matching/v1/matching.pb.h"

namespace kompas::caserecord {

std::vector<v1::SnapshotDifference> DiffIncome(
    const kompas::budget::v1::CalculateIncomeResponse& before,
    const kompas::budget::v1::CalculateIncomeResponse& after);

std::vector<v1::SnapshotDifference> DiffMatch(const kompas::matching::v1::MatchResult& before,
                                              const kompas::matching::v1::MatchResult& after);

// SuggestAssessmentLevels: the Bridge levels a saved answer suggests (docs/caserecord.md,
// "Level suggestions"), each with its reason and `snapshot`'s name. From the answer's required
// budget R and margin m (disposable income D = R + m):
//   financial management: D below 70 % of R → 1, below 85 % → 2, below 100 % → 3,
//     below 110 % → 4, else 5;
//   employment & career: the job seeker works (minutes per week > 0; for an income question
//     any adult) and the situation is lonend (m ≥ 0) → 5; works, and the best option of a match
//     is lonend → 4; works → 3; does not work but the best option of a match is lonend → 2;
//     else 1.
// FAILED_PRECONDITION when the snapshot holds no answer or its required budget is not positive.
absl::StatusOr<std::vector<v1::LevelSuggestion>> SuggestLevels(const v1::CompassSnapshot& snapshot);

}  // namespace kompas::caserecord

#endif  // KOMPAS_SERVICES_CASERECORD_SNAPSHOT_DIFF_H_
