// What the network report reads from the case-record database: one row of facts per
// participant in the report's population, across all organisations. Only plain columns are
// read (no decryption): participants.gemeente_code, intake_date, close_date and the records'
// kind, sort_date, state, category and l1..l5.
#ifndef KOMPAS_SERVICES_CASERECORD_REPORT_REPORT_FACTS_H_
#define KOMPAS_SERVICES_CASERECORD_REPORT_REPORT_FACTS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/caserecord/storage/sql.h"
#include "services/caserecord/storage/types.h"

namespace kompas::caserecord::report {

// Whole days, both ends inclusive, as yyyymmdd keys (storage::Date::ToKey).
struct Period {
  int64_t first_day = 0;  // e.g. 20260101
  int64_t last_day = 0;   // e.g. 20260331
};

// The levels one pillar had in the period.
struct PillarFacts {
  int32_t assessments = 0;  // Assessments in the period that rate this pillar (level 1..5).
  int32_t first_level = 0;  // The level in the earliest of them (0 when none).
  int32_t last_level = 0;   // The level in the latest of them (0 when none).
};

// One participant of the population: has a NETWORK_EVALUATION consent that is given (not
// withdrawn), and was enrolled at some time in the period (intake on or before its last day,
// and not closed before its first day). Ids are for tests and never leave the report module.
struct ParticipantFacts {
  std::string tenant;
  std::string participant_id;
  std::string gemeente_code;
  int32_t intake_month = 0;  // yyyymm
  std::array<PillarFacts, storage::kPillarCount> pillars = {};
  // An outcome of this type dated in the period (OutcomeType 1, 3, 4 and 5).
  bool job_started = false;
  bool left_bijstand = false;
  bool debts_resolved = false;
  bool training_completed = false;
  // Compass snapshots dated (Dutch day of creation) in the period, and whether the latest of
  // them is lonend.
  int32_t snapshots = 0;
  bool last_snapshot_lonend = false;
};

// One statement (a consistent snapshot on both engines), valid on SQLite and PostgreSQL.
// Participants ordered by tenant and id; records ordered by date, then creation time and id.
absl::StatusOr<std::vector<ParticipantFacts>> QueryReportFacts(storage::SqlConnection& connection,
                                                               const Period& period);

}  // namespace kompas::caserecord::report

#endif  // KOMPAS_SERVICES_CASERECORD_REPORT_REPORT_FACTS_H_
