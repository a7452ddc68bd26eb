// The case record's resources as the storage layer sees them: plain structs that mirror the
// messages of proto/kompas/caserecord/v1 (same field names, enum numbers equal to the proto's),
// so that the gRPC layer converts field by field and the storage is testable without protobuf.
//
// Ids are the last segment of a resource name ("participants/{id}" → id); the gRPC layer
// formats and parses names. Times are absl::Time; dates are calendar dates without a zone.
#ifndef KOMPAS_SERVICES_CASERECORD_STORAGE_TYPES_H_
#define KOMPAS_SERVICES_CASERECORD_STORAGE_TYPES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace kompas::caserecord::storage {

// A calendar date (kompas.type.v1.Date). All zero = not set.
struct Date {
  int32_t year = 0;
  int32_t month = 0;
  int32_t day = 0;

  bool empty() const { return year == 0 && month == 0 && day == 0; }
  // yyyymmdd, the form stored and compared in the database (0 when empty).
  int64_t ToKey() const { return int64_t{year} * 10000 + int64_t{month} * 100 + day; }
  static Date FromKey(int64_t key);
  // The Dutch calendar day (Europe/Amsterdam) of `t`.
  static Date FromTime(absl::Time t);
  bool operator==(const Date&) const = default;
};

// --- Participants --------------------------------------------------------------------------

enum class ParticipantState : int32_t { kUnspecified = 0, kActive = 1, kPaused = 2, kClosed = 3 };

// Why a participant was erased (caserecord.proto ErasureReason); kept with the tombstone.
enum class ErasureReason : int32_t {
  kUnspecified = 0,
  kParticipantRequest = 1,
  kRetentionExpired = 2,
  kRecordedInError = 3,
};

struct ContactDetails {
  std::string phone;  // At most 30 characters. Encrypted at rest.
  std::string email;  // At most 254 characters. Encrypted at rest.
  bool operator==(const ContactDetails&) const = default;
};

struct Participant {
  std::string id;            // Output only (assigned by the store).
  std::string display_name;  // Optional, at most 200 characters. Encrypted at rest.
  ContactDetails contact;    // Optional. Encrypted at rest.
  std::string bsn;           // Input only: never returned, never stored in clear.
  bool bsn_on_file = false;  // Output only.
  std::string mentor;        // Unset on create = the calling actor.
  ParticipantState state = ParticipantState::kUnspecified;  // Unspecified on create = ACTIVE.
  std::string gemeente_code;                                // "GM" + 4 digits. Required.
  Date intake_date;                                         // Required.
  Date close_date;                                          // Optional.
  absl::Time create_time = absl::InfinitePast();            // Output only.
  absl::Time update_time = absl::InfinitePast();            // Output only.
  std::string etag;  // Output only; input as the expected etag on update.
};

// --- Consents ------------------------------------------------------------------------------

enum class ConsentPurpose : int32_t { kUnspecified = 0, kKeepRecord = 1, kNetworkEvaluation = 2 };
enum class ConsentState : int32_t { kUnspecified = 0, kGiven = 1, kWithdrawn = 2 };

struct Consent {
  std::string id;                                         // Output only.
  std::string participant_id;                             // Output only (the parent).
  ConsentPurpose purpose = ConsentPurpose::kUnspecified;  // Required.
  Date grant_date;                                        // Required, not in the future.
  std::string evidence;                                   // At most 200 characters.
  std::string recorded_by;                                // Output only: the actor.
  ConsentState state = ConsentState::kUnspecified;        // Output only.
  Date withdraw_date;                                     // Output only.
  std::string withdrawn_by;                               // Output only.
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();
  std::string etag;
};

// --- Bridge assessments --------------------------------------------------------------------

enum class Pillar : int32_t {
  kUnspecified = 0,
  kFamilyStability = 1,
  kWellBeing = 2,
  kEducationTraining = 3,
  kFinancialManagement = 4,
  kEmploymentCareer = 5,
};
inline constexpr int kPillarCount = 5;

struct PillarLevel {
  Pillar pillar = Pillar::kUnspecified;
  int32_t level = 0;  // 1..5
  bool operator==(const PillarLevel&) const = default;
};

struct Assessment {
  std::string id;
  std::string participant_id;
  Date assessment_date;             // Required, not in the future.
  std::vector<PillarLevel> levels;  // Each of the five pillars exactly once.
  int32_t total_score = 0;          // Output only: the sum of the levels.
  std::string notes;                // At most 64 KiB. Encrypted at rest.
  std::string assessed_by;          // Output only.
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();
  std::string etag;
};

// --- Goals ---------------------------------------------------------------------------------

enum class GoalState : int32_t { kUnspecified = 0, kOpen = 1, kAchieved = 2, kAbandoned = 3 };

struct GoalStep {
  std::string step_id;  // Assigned when empty, kept on updates.
  std::string title;    // 1..500 characters.
  Date due_date;        // Required.
  std::string done_when;
  bool done = false;
  Date done_date;  // Required when done.
  std::string reward;
  bool operator==(const GoalStep&) const = default;
};

struct Goal {
  std::string id;
  std::string participant_id;
  Pillar pillar = Pillar::kUnspecified;       // Required.
  std::string title;                          // 1..500 characters.
  std::string done_when;                      // At most 500 characters.
  Date target_date;                           // Required.
  GoalState state = GoalState::kUnspecified;  // Unspecified on create = OPEN.
  std::vector<GoalStep> steps;                // At most 50.
  std::string reward;                         // At most 200 characters.
  Date achieve_date;
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();
  std::string etag;
};

// --- Sessions ------------------------------------------------------------------------------

enum class SessionMode : int32_t {
  kUnspecified = 0,
  kInPerson = 1,
  kHomeVisit = 2,
  kPhone = 3,
  kVideo = 4,
};

struct Session {
  std::string id;
  std::string participant_id;
  Date session_date;             // Required, not in the future.
  int32_t duration_minutes = 0;  // 1..600.
  SessionMode mode = SessionMode::kUnspecified;
  std::vector<Pillar> pillars;  // Each at most once.
  std::string notes;            // At most 64 KiB (65,536 bytes). Encrypted at rest.
  std::string mentor;           // Output only: the actor who recorded it.
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();
  std::string etag;
};

// --- Compass snapshots ---------------------------------------------------------------------

// Which question a snapshot holds (the plain column `category`: 1 match, 2 income).
enum class SnapshotQuestion : int32_t { kUnspecified = 0, kMatch = 1, kIncome = 2 };

// A saved Career Compass answer. Immutable once created. Question and answer are serialized
// protobuf messages (kompas.matching.v1.MatchProfile / MatchResult, or
// kompas.budget.v1.CalculateIncomeRequest / CalculateIncomeResponse): the storage layer keeps
// them as bytes and never parses them. Everything but the ids and times is sealed.
struct CompassSnapshot {
  std::string id;
  std::string participant_id;
  std::string label;                                                // At most 100 characters.
  SnapshotQuestion question_kind = SnapshotQuestion::kUnspecified;  // Required.
  std::string question;      // Serialized question. Required.
  std::string answer;        // Serialized answer. Required.
  std::string rule_set_id;   // Copied from the answer.
  std::string data_version;  // Catalogue data version; empty for an income question.
  int64_t margin_cents = 0;  // The answer's margin per month.
  bool lonend = false;       // The best option in the answer is lonend.
  std::string created_by;    // Output only: the actor.
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();
  std::string etag;
};

// --- Outcomes ------------------------------------------------------------------------------

enum class OutcomeType : int32_t {
  kUnspecified = 0,
  kJobStarted = 1,
  kJobEnded = 2,
  kLeftBijstand = 3,
  kDebtsResolved = 4,
  kTrainingCompleted = 5,
};

// Which details an outcome carries (at most one, matching its type).
enum class OutcomeDetails : int32_t { kNone = 0, kJob = 1, kTraining = 2, kDebts = 3 };

struct JobDetails {
  std::string occupation;               // "occupations/…" or empty; at most 100 characters.
  int32_t minutes_per_week = 0;         // 0..4800.
  int64_t gross_hourly_wage_cents = 0;  // >= 0.
  bool permanent_contract = false;
  bool operator==(const JobDetails&) const = default;
};

struct TrainingDetails {
  std::string description;  // At most 200 characters.
  int32_t level = 0;        // kompas.catalog.v1.EducationLevel number, 0..9.
  bool certified = false;
  bool operator==(const TrainingDetails&) const = default;
};

struct DebtDetails {
  int64_t amount_resolved_cents = 0;  // >= 0.
  bool debt_free = false;
  bool operator==(const DebtDetails&) const = default;
};

struct Outcome {
  std::string id;
  std::string participant_id;
  OutcomeType type = OutcomeType::kUnspecified;  // Required.
  Date outcome_date;                             // Required, not in the future.
  OutcomeDetails details = OutcomeDetails::kNone;
  JobDetails job;            // When details == kJob (JOB_STARTED, JOB_ENDED).
  TrainingDetails training;  // When details == kTraining (TRAINING_COMPLETED).
  DebtDetails debts;         // When details == kDebts (DEBTS_RESOLVED).
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();
  std::string etag;
};

// --- Access log ----------------------------------------------------------------------------

struct AuditEvent {
  std::string id;
  std::string participant_id;  // Empty for calls not about one participant.
  absl::Time event_time = absl::InfinitePast();
  std::string token_id;
  std::string actor;
  std::string method;
  std::string resource;     // e.g. "participants/p…/sessions/s…"
  int32_t status_code = 0;  // Canonical code number (0 = OK).
};

// --- Timeline ------------------------------------------------------------------------------

// One entry of a participant's timeline: exactly one of the pointers' kinds, named by `kind`.
struct TimelineEntry {
  enum class Kind { kConsent, kAssessment, kGoal, kSession, kSnapshot, kOutcome };
  Kind kind = Kind::kSession;
  Date entry_date;
  Consent consent;           // When kind == kConsent.
  Assessment assessment;     // When kind == kAssessment.
  Goal goal;                 // When kind == kGoal.
  Session session;           // When kind == kSession.
  CompassSnapshot snapshot;  // When kind == kSnapshot (question and answer left empty).
  Outcome outcome;           // When kind == kOutcome.
};

// --- Export (an AVG access request) --------------------------------------------------------

// Everything held about one participant, decrypted. The BSN is never part of it (only its hash
// is held, and that is never returned).
struct ParticipantExport {
  Participant participant;
  std::vector<Consent> consents;
  std::vector<Assessment> assessments;
  std::vector<Goal> goals;
  std::vector<Session> sessions;
  std::vector<CompassSnapshot> snapshots;
  std::vector<Outcome> outcomes;
  std::vector<AuditEvent> audit_events;  // Oldest first.
  absl::Time export_time = absl::InfinitePast();
};

}  // namespace kompas::caserecord::storage

#endif  // KOMPAS_SERVICES_CASERECORD_STORAGE_TYPES_H_
