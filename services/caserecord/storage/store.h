// The case record's storage: one interface, two engines (SQLite, PostgreSQL), one
// implementation over both (sql_store.cc).
//
// Tenancy: every call names the organisation in its CallContext and every key and WHERE clause
// holds it, so a resource of organisation A does not exist for B (NOT_FOUND, exactly as for an
// id that was never used).
//
// Threads: calls never block. Each runs on the store's threads and reports through its `done`
// callback, which runs on a store thread (keep it short: a gRPC reactor's Finish is fine) —
// or inline, before the call returns, when the call is refused at once (INVALID_ARGUMENT,
// RESOURCE_EXHAUSTED). Reads run on a bounded pool of reader threads, each with its own
// connection; writes go to one writer thread that commits many calls per transaction (group
// commit) and acknowledges each only after its transaction committed. A full queue answers
// RESOURCE_EXHAUSTED rather than growing a backlog.
//
// Audit: every write and every read of one participant's data appends an AuditEvent (token id,
// actor, method, resource, time, resulting status code) in the same transaction as the write
// (a write refused by its checks — NOT_FOUND, ABORTED, ALREADY_EXISTS — leaves its audit row
// and nothing else; one whose SQL statement fails is rolled back with its row), or, for a read,
// committed before the read is answered. ListParticipants queues one row per participant shown
// without waiting for its commit; ListAuditEvents is not audited.
//
// Errors (canonical codes, passed through by the gRPC layer): INVALID_ARGUMENT naming the
// field ("session.notes: must be at most 65536 bytes"), NOT_FOUND, ABORTED (stale etag or a
// conflict to retry), ALREADY_EXISTS (BSN already on file), RESOURCE_EXHAUSTED (queue full),
// UNAVAILABLE (database unreachable: retry), DATA_LOSS (a value no longer decrypts), INTERNAL.
#ifndef KOMPAS_SERVICES_CASERECORD_STORAGE_STORE_H_
#define KOMPAS_SERVICES_CASERECORD_STORAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/caserecord/storage/crypto.h"
#include "services/caserecord/storage/types.h"

namespace kompas::caserecord::storage {

class SqlConnection;

// Who is calling, from the API token (never from the request body).
struct CallContext {
  std::string tenant;    // The organisation. Required.
  std::string token_id;  // The API token's id (never the token), for the audit log.
  std::string actor;     // The reported x-kompas-actor; recorded, not trusted. May be empty.
  std::string method;    // The full gRPC method, for the audit log.
};

template <typename T>
using Done = std::function<void(absl::StatusOr<T>)>;
using DoneStatus = std::function<void(absl::Status)>;

// A page request: `page_size` 0..1000 (0 = 50), `page_token` from the previous page or empty.
struct PageRequest {
  int32_t page_size = 0;
  std::string page_token;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;  // Empty on the last page.
};

// ListParticipants filters; they combine with AND.
struct ParticipantFilter {
  std::string mentor;  // Empty = all.
  // Unspecified = all but CLOSED.
  ParticipantState state = ParticipantState::kUnspecified;
  // With max_pillar_level (1..5): the latest assessment has this pillar at or below it.
  Pillar pillar = Pillar::kUnspecified;
  int32_t max_pillar_level = 0;
  // 1..3650: no session dated in the last this many days (0 = no filter).
  int32_t min_days_without_session = 0;
};

struct GoalFilter {
  GoalState state = GoalState::kUnspecified;  // Unspecified = all.
  Pillar pillar = Pillar::kUnspecified;       // Unspecified = all.
};

// The fields an update changes, by their proto names ("display_name", "contact", "bsn", …).
// "*" = every updatable field. An unknown or output-only name → INVALID_ARGUMENT naming
// "update_mask".
using FieldMask = std::vector<std::string>;

struct EraseResult {
  std::string participant_id;
  absl::Time erase_time;
  int32_t resources_erased = 0;  // The participant and everything under it.
};

// Health as the service's grpc.health.v1 should report it.
enum class Health { kServing, kNotServing };

class CaseStore {
 public:
  virtual ~CaseStore() = default;

  // --- Participants ------------------------------------------------------------------------
  // Creates a participant; `id`, `etag`, times and `bsn_on_file` of the input are ignored. With
  // a BSN already on file in this organisation: ALREADY_EXISTS naming the participant.
  virtual void CreateParticipant(const CallContext& ctx, Participant participant,
                                 Done<Participant> done) = 0;
  virtual void GetParticipant(const CallContext& ctx, std::string id, Done<Participant> done) = 0;
  // Oldest record first; the page token is a keyset cursor bound to the filter.
  virtual void ListParticipants(const CallContext& ctx, ParticipantFilter filter, PageRequest page,
                                Done<Page<Participant>> done) = 0;
  // Changes the masked fields of `participant` (found by its id); when `participant.etag` is
  // set and stale → ABORTED.
  virtual void UpdateParticipant(const CallContext& ctx, Participant participant, FieldMask mask,
                                 Done<Participant> done) = 0;
  // By BSN (elfproef-checked, compared as the keyed hash).
  virtual void LookupParticipant(const CallContext& ctx, std::string bsn,
                                 Done<Participant> done) = 0;
  // Deletes the participant's data key (so every ciphertext of it is gone for good) and every
  // row under it; the audit log stays. Afterwards the id is NOT_FOUND everywhere but
  // ListAuditEvents. `etag`, when set and stale → ABORTED. The reason is kept with the
  // tombstone (erased_participants). The deleted rows' bytes are purged from the database files
  // (PurgeDeletedRows, sql.h) before the erasure is acknowledged, once for all erasures of one
  // transaction.
  virtual void EraseParticipant(const CallContext& ctx, std::string id, std::string etag,
                                ErasureReason reason, Done<EraseResult> done) = 0;

  // --- Consents (never edited: withdrawn) --------------------------------------------------
  virtual void CreateConsent(const CallContext& ctx, std::string participant_id, Consent consent,
                             Done<Consent> done) = 0;
  virtual void GetConsent(const CallContext& ctx, std::string participant_id, std::string id,
                          Done<Consent> done) = 0;
  // Newest first.
  virtual void ListConsents(const CallContext& ctx, std::string participant_id, PageRequest page,
                            Done<Page<Consent>> done) = 0;
  // `withdraw_date` empty = today. FAILED_PRECONDITION when already withdrawn.
  virtual void WithdrawConsent(const CallContext& ctx, std::string participant_id, std::string id,
                               Date withdraw_date, std::string etag, Done<Consent> done) = 0;

  // --- Assessments -------------------------------------------------------------------------
  virtual void CreateAssessment(const CallContext& ctx, std::string participant_id,
                                Assessment assessment, Done<Assessment> done) = 0;
  virtual void GetAssessment(const CallContext& ctx, std::string participant_id, std::string id,
                             Done<Assessment> done) = 0;
  // Newest assessment date first.
  virtual void ListAssessments(const CallContext& ctx, std::string participant_id, PageRequest page,
                               Done<Page<Assessment>> done) = 0;
  // Updatable: assessment_date, levels, notes.
  virtual void UpdateAssessment(const CallContext& ctx, std::string participant_id,
                                Assessment assessment, FieldMask mask, Done<Assessment> done) = 0;
  virtual void DeleteAssessment(const CallContext& ctx, std::string participant_id, std::string id,
                                std::string etag, DoneStatus done) = 0;

  // --- Goals (with their steps) ------------------------------------------------------------
  virtual void CreateGoal(const CallContext& ctx, std::string participant_id, Goal goal,
                          Done<Goal> done) = 0;
  virtual void GetGoal(const CallContext& ctx, std::string participant_id, std::string id,
                       Done<Goal> done) = 0;
  // Earliest target date first.
  virtual void ListGoals(const CallContext& ctx, std::string participant_id, GoalFilter filter,
                         PageRequest page, Done<Page<Goal>> done) = 0;
  // Updatable: pillar, title, done_when, target_date, state, steps, reward, achieve_date.
  virtual void UpdateGoal(const CallContext& ctx, std::string participant_id, Goal goal,
                          FieldMask mask, Done<Goal> done) = 0;
  virtual void DeleteGoal(const CallContext& ctx, std::string participant_id, std::string id,
                          std::string etag, DoneStatus done) = 0;

  // --- Sessions ----------------------------------------------------------------------------
  virtual void CreateSession(const CallContext& ctx, std::string participant_id, Session session,
                             Done<Session> done) = 0;
  virtual void GetSession(const CallContext& ctx, std::string participant_id, std::string id,
                          Done<Session> done) = 0;
  // Newest session date first.
  virtual void ListSessions(const CallContext& ctx, std::string participant_id, PageRequest page,
                            Done<Page<Session>> done) = 0;
  // Updatable: session_date, duration_minutes, mode, pillars, notes.
  virtual void UpdateSession(const CallContext& ctx, std::string participant_id, Session session,
                             FieldMask mask, Done<Session> done) = 0;
  virtual void DeleteSession(const CallContext& ctx, std::string participant_id, std::string id,
                             std::string etag, DoneStatus done) = 0;

  // --- Compass snapshots (immutable: no update) --------------------------------------------
  // Saves a snapshot whose answer the caller computed; `created_by` is the calling actor. The
  // plain columns hold what the network report reads: the Dutch day of creation, lonend,
  // question kind and margin.
  virtual void CreateCompassSnapshot(const CallContext& ctx, std::string participant_id,
                                     CompassSnapshot snapshot, Done<CompassSnapshot> done) = 0;
  virtual void GetCompassSnapshot(const CallContext& ctx, std::string participant_id,
                                  std::string id, Done<CompassSnapshot> done) = 0;
  // Newest first, with question and answer.
  virtual void ListCompassSnapshots(const CallContext& ctx, std::string participant_id,
                                    PageRequest page, Done<Page<CompassSnapshot>> done) = 0;
  virtual void DeleteCompassSnapshot(const CallContext& ctx, std::string participant_id,
                                     std::string id, DoneStatus done) = 0;

  // --- Outcomes ----------------------------------------------------------------------------
  virtual void CreateOutcome(const CallContext& ctx, std::string participant_id, Outcome outcome,
                             Done<Outcome> done) = 0;
  virtual void GetOutcome(const CallContext& ctx, std::string participant_id, std::string id,
                          Done<Outcome> done) = 0;
  // Newest outcome date first.
  virtual void ListOutcomes(const CallContext& ctx, std::string participant_id, PageRequest page,
                            Done<Page<Outcome>> done) = 0;
  // Updatable: type, outcome_date, job, training, debts (setting one of the details replaces
  // the details; naming a detail that `outcome` does not carry clears it).
  virtual void UpdateOutcome(const CallContext& ctx, std::string participant_id, Outcome outcome,
                             FieldMask mask, Done<Outcome> done) = 0;
  virtual void DeleteOutcome(const CallContext& ctx, std::string participant_id, std::string id,
                             std::string etag, DoneStatus done) = 0;

  // --- Export ------------------------------------------------------------------------------
  // Everything about one participant, decrypted, in one read (audited like a read).
  virtual void ExportParticipant(const CallContext& ctx, std::string participant_id,
                                 Done<ParticipantExport> done) = 0;

  // --- Timeline and access log -------------------------------------------------------------
  // Consents, assessments, goals, sessions, snapshots (without question and answer) and
  // outcomes of one participant, oldest date first.
  virtual void GetTimeline(const CallContext& ctx, std::string participant_id, PageRequest page,
                           Done<Page<TimelineEntry>> done) = 0;
  // Newest first. Also after erasure; NOT_FOUND for an id this organisation never had.
  virtual void ListAuditEvents(const CallContext& ctx, std::string participant_id, PageRequest page,
                               Done<Page<AuditEvent>> done) = 0;

  // --- Jobs that span organisations (reports, retention, key rotation) -------------------
  // These write no audit entry of their own: a job that changes a participant's data writes
  // that participant's audit rows itself or goes through the calls above.
  //
  // Runs `fn` on a reader's connection (read-only). `done` gets fn's status.
  virtual void RunOnReader(std::function<absl::Status(SqlConnection&)> fn, DoneStatus done) = 0;
  // Runs `fn` on the writer, inside a transaction (possibly shared with other calls: group
  // commit). `fn` must check before it writes: a non-OK return must leave nothing written,
  // unless it is the status of a failed SQL statement (then the transaction is rolled back and
  // retried alone). `done` gets fn's status once committed.
  virtual void RunOnWriter(std::function<absl::Status(SqlConnection&)> fn, DoneStatus done) = 0;

  // --- Health ------------------------------------------------------------------------------
  // Pings the database (blocking, at most a connect timeout): SERVING when it answers.
  virtual Health CheckHealth() = 0;
};

struct StoreOptions {
  std::shared_ptr<const KeyRing> keys;  // Required.
  // Reader threads (each with its own connection) and their queue.
  int reader_threads = 2;
  size_t read_queue_capacity = 1024;
  // Writes waiting for the writer; more → RESOURCE_EXHAUSTED.
  size_t write_queue_capacity = 4096;
  // At most this many calls per transaction.
  size_t max_batch = 512;
  // The clock (tests).
  std::function<absl::Time()> now = [] { return absl::Now(); };
  // Tests only: runs on the writer thread before each batch is taken from the queue.
  std::function<void()> before_batch_for_testing;
};

struct SqliteStoreOptions {
  std::string path;  // The database file (with -wal and -shm beside it).
  // FULL: every acknowledged write survives a power loss. NORMAL: may lose the last
  // transactions on power loss (never on a process crash); faster.
  bool synchronous_full = true;
};

// Opens the database, applies pending schema migrations (under BEGIN IMMEDIATE, so replicas
// opening one file at once apply each exactly once) and starts the threads. UNAVAILABLE when the
// database cannot be opened.
absl::StatusOr<std::unique_ptr<CaseStore>> OpenSqliteStore(const SqliteStoreOptions& sqlite,
                                                           StoreOptions options);

// The same on PostgreSQL (`conninfo`: a libpq connection string); migrations run under
// pg_advisory_xact_lock, so replicas starting at once apply each exactly once.
absl::StatusOr<std::unique_ptr<CaseStore>> OpenPostgresStore(const std::string& conninfo,
                                                             StoreOptions options);

// The schema version the code expects (the number of migrations).
int LatestSchemaVersion();

}  // namespace kompas::caserecord::storage

#endif  // KOMPAS_SERVICES_CASERECORD_STORAGE_STORE_H_
