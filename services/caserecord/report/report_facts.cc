#include "services/caserecord/report/report_facts.h"

#include <string>
#include <utility>

namespace kompas::caserecord::report {
namespace {

// Record kinds and the numbers stored in their plain columns (storage/sql_store.cc).
constexpr int64_t kKindConsent = 1;
constexpr int64_t kKindAssessment = 2;
constexpr int64_t kKindSnapshot = 5;
constexpr int64_t kKindOutcome = 6;
constexpr int64_t kPurposeNetworkEvaluation =
    static_cast<int64_t>(storage::ConsentPurpose::kNetworkEvaluation);
constexpr int64_t kConsentGiven = static_cast<int64_t>(storage::ConsentState::kGiven);
// OutcomeType numbers (proto/kompas/caserecord/v1/outcome.proto).
constexpr int64_t kOutcomeJobStarted = 1;
constexpr int64_t kOutcomeLeftBijstand = 3;
constexpr int64_t kOutcomeDebtsResolved = 4;
constexpr int64_t kOutcomeTrainingCompleted = 5;

// $1 = first day, $2 = last day of the period; $3 consent kind, $4 purpose, $5 given state;
// $6, $7, $8 the record kinds read. A participant without records in the period gives one row
// with null record columns (LEFT JOIN). Records sort by date, creation time and id; a
// participant's null row, if any, is alone, so NULL ordering (which differs between the
// engines) does not matter.
constexpr char kFactsSql[] = R"sql(
SELECT p.tenant, p.id, p.gemeente_code, p.intake_date,
       r.kind, r.state, r.category, r.l1, r.l2, r.l3, r.l4, r.l5
FROM participants p
LEFT JOIN records r
  ON r.tenant = p.tenant AND r.participant_id = p.id
 AND r.kind IN ($6, $7, $8) AND r.sort_date >= $1 AND r.sort_date <= $2
WHERE p.intake_date <= $2
  AND (p.close_date = 0 OR p.close_date >= $1)
  AND EXISTS (SELECT 1 FROM records c
              WHERE c.tenant = p.tenant AND c.participant_id = p.id
                AND c.kind = $3 AND c.category = $4 AND c.state = $5)
ORDER BY p.tenant, p.id, r.sort_date, r.create_time, r.id
)sql";

}  // namespace

absl::StatusOr<std::vector<ParticipantFacts>> QueryReportFacts(storage::SqlConnection& connection,
                                                               const Period& period) {
  absl::StatusOr<std::vector<storage::SqlRow>> rows = connection.Query(
      kFactsSql, {period.first_day, period.last_day, kKindConsent, kPurposeNetworkEvaluation,
                  kConsentGiven, kKindAssessment, kKindSnapshot, kKindOutcome});
  if (!rows.ok()) return rows.status();
  std::vector<ParticipantFacts> facts;
  for (const storage::SqlRow& row : *rows) {
    if (facts.empty() || facts.back().tenant != row.Text(0) ||
        facts.back().participant_id != row.Text(1)) {
      ParticipantFacts f;
      f.tenant = row.Text(0);
      f.participant_id = row.Text(1);
      f.gemeente_code = row.Text(2);
      f.intake_month = static_cast<int32_t>(row.Int(3) / 100);
      facts.push_back(std::move(f));
    }
    if (row.IsNull(4)) continue;
    ParticipantFacts& f = facts.back();
    const int64_t kind = row.Int(4);
    if (kind == kKindAssessment) {
      for (int p = 0; p < storage::kPillarCount; ++p) {
        const auto level = static_cast<int32_t>(row.Int(7 + static_cast<size_t>(p)));
        if (level < 1 || level > 5) continue;  // not rated in this assessment
        PillarFacts& pillar = f.pillars[static_cast<size_t>(p)];
        if (pillar.assessments++ == 0) pillar.first_level = level;
        pillar.last_level = level;
      }
    } else if (kind == kKindSnapshot) {
      ++f.snapshots;
      f.last_snapshot_lonend = row.Int(5) == 1;
    } else if (kind == kKindOutcome) {
      switch (row.Int(6)) {
        case kOutcomeJobStarted:
          f.job_started = true;
          break;
        case kOutcomeLeftBijstand:
          f.left_bijstand = true;
          break;
        case kOutcomeDebtsResolved:
          f.debts_resolved = true;
          break;
        case kOutcomeTrainingCompleted:
          f.training_completed = true;
          break;
        default:
          break;
      }
    }
  }
  return facts;
}

}  // namespace kompas::caserecord::report
