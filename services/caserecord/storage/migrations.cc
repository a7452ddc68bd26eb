#include "services/caserecord/storage/migrations.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/caserecord/storage/store.h"

namespace kompas::caserecord::storage {
namespace {

// A fixed key for pg_advisory_xact_lock: "kompas case-record migrations".
constexpr int64_t kMigrationLockKey = 0x6b6f6d7063720001;

// Version 1, written once for both engines; {BLOB} and {AUTO_ID} are the engine's spelling.
// Times are microseconds since the Unix epoch; dates yyyymmdd integers (0 = none).
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE participants (
  tenant        TEXT    NOT NULL,
  id            TEXT    NOT NULL,
  mentor        TEXT    NOT NULL,
  state         INTEGER NOT NULL,
  gemeente_code TEXT    NOT NULL,
  intake_date   INTEGER NOT NULL,
  close_date    INTEGER NOT NULL,
  bsn_hash      {BLOB},
  wrapped_key   {BLOB}  NOT NULL,
  sealed        {BLOB}  NOT NULL,
  version       BIGINT  NOT NULL,
  create_time   BIGINT  NOT NULL,
  update_time   BIGINT  NOT NULL,
  PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX participants_bsn ON participants (tenant, bsn_hash)
  WHERE bsn_hash IS NOT NULL;
CREATE INDEX participants_order ON participants (tenant, create_time, id);
CREATE INDEX participants_mentor ON participants (tenant, mentor, create_time, id);

-- Everything under a participant: kind 1 consent, 2 assessment, 3 goal, 4 session. The content
-- is in `sealed` (encrypted with the participant's data key); the columns beside it are only
-- what lists, filters and the network report need.
CREATE TABLE records (
  tenant         TEXT    NOT NULL,
  participant_id TEXT    NOT NULL,
  kind           INTEGER NOT NULL,
  id             TEXT    NOT NULL,
  sort_date      INTEGER NOT NULL,
  timeline_date  INTEGER NOT NULL,
  state          INTEGER NOT NULL,
  category       INTEGER NOT NULL,
  l1 INTEGER NOT NULL, l2 INTEGER NOT NULL, l3 INTEGER NOT NULL,
  l4 INTEGER NOT NULL, l5 INTEGER NOT NULL,
  sealed         {BLOB}  NOT NULL,
  version        BIGINT  NOT NULL,
  create_time    BIGINT  NOT NULL,
  update_time    BIGINT  NOT NULL,
  PRIMARY KEY (tenant, participant_id, kind, id),
  FOREIGN KEY (tenant, participant_id) REFERENCES participants (tenant, id) ON DELETE CASCADE
);
CREATE INDEX records_by_date ON records (tenant, participant_id, kind, sort_date, create_time, id);
CREATE INDEX records_timeline ON records (tenant, participant_id, timeline_date, create_time);

-- The access log: append-only (the triggers below refuse UPDATE and DELETE).
CREATE TABLE audit_events (
  seq            {AUTO_ID},
  tenant         TEXT    NOT NULL,
  participant_id TEXT    NOT NULL,
  id             TEXT    NOT NULL,
  event_time     BIGINT  NOT NULL,
  token_id       TEXT    NOT NULL,
  actor          TEXT    NOT NULL,
  method         TEXT    NOT NULL,
  resource       TEXT    NOT NULL,
  status_code    INTEGER NOT NULL
);
CREATE INDEX audit_by_participant ON audit_events (tenant, participant_id, seq);

-- Erased participants' ids (no personal data), so their audit log stays listable.
CREATE TABLE erased_participants (
  tenant     TEXT   NOT NULL,
  id         TEXT   NOT NULL,
  erase_time BIGINT NOT NULL,
  PRIMARY KEY (tenant, id)
);
)sql";

constexpr char kSqliteAuditTriggers[] = R"sql(
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

constexpr char kPostgresAuditTriggers[] = R"sql(
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
)sql";

// Version 2 (key rotation): the participant's BSN, sealed with its data key (so erasure destroys
// it with the key), so that a rotation of the BSN secret can re-hash every participant without
// waiting for a lookup. Rows from before it have none; they are re-hashed on their next lookup.
// A sealed BSN follows its hash: an update that changes or clears bsn_hash without writing a new
// bsn_sealed clears it, so a BSN that was removed or replaced is not kept.
constexpr char kSchemaV2[] = R"sql(
ALTER TABLE participants ADD COLUMN bsn_sealed {BLOB};
)sql";

constexpr char kSqliteBsnSealedTrigger[] = R"sql(
CREATE TRIGGER participants_bsn_sealed_follows_hash AFTER UPDATE OF bsn_hash ON participants
  WHEN NEW.bsn_hash IS NOT OLD.bsn_hash AND NEW.bsn_sealed IS OLD.bsn_sealed
  BEGIN UPDATE participants SET bsn_sealed = NULL WHERE tenant = NEW.tenant AND id = NEW.id; END;
)sql";

constexpr char kPostgresBsnSealedTrigger[] = R"sql(
CREATE FUNCTION participants_bsn_sealed_follows_hash() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.bsn_hash IS DISTINCT FROM OLD.bsn_hash
       AND NEW.bsn_sealed IS NOT DISTINCT FROM OLD.bsn_sealed THEN
      NEW.bsn_sealed := NULL;
    END IF;
    RETURN NEW;
  END $$;
CREATE TRIGGER participants_bsn_sealed_follows_hash BEFORE UPDATE ON participants
  FOR EACH ROW EXECUTE FUNCTION participants_bsn_sealed_follows_hash();
)sql";

std::vector<std::string> Migrations(Dialect dialect) {
  const bool pg = dialect == Dialect::kPostgres;
  std::string v1 = absl::StrReplaceAll(
      kSchemaV1,
      {{"{BLOB}", pg ? "BYTEA" : "BLOB"},
       {"{AUTO_ID}", pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"}});
  absl::StrAppend(&v1, pg ? kPostgresAuditTriggers : kSqliteAuditTriggers);
  std::string v2 = absl::StrReplaceAll(kSchemaV2, {{"{BLOB}", pg ? "BYTEA" : "BLOB"}});
  absl::StrAppend(&v2, pg ? kPostgresBsnSealedTrigger : kSqliteBsnSealedTrigger);
  // Version 3: why each participant was erased (ErasureReason; 0 for erasures before it).
  std::string v3 = "ALTER TABLE erased_participants ADD COLUMN reason INTEGER NOT NULL DEFAULT 0;";
  return {v1, v2, v3};
}

absl::Status MigrateInTransaction(SqlConnection& c) {
  if (c.dialect() == Dialect::kPostgres) {
    absl::StatusOr<std::vector<SqlRow>> locked =
        c.Query("SELECT pg_advisory_xact_lock($1)", {int64_t{kMigrationLockKey}});
    if (!locked.ok()) return locked.status();
  }
  if (absl::Status s =
          c.Script("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
                   "applied_at BIGINT NOT NULL)");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::vector<SqlRow>> current =
      c.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {});
  if (!current.ok()) return current.status();
  const int64_t version = current->at(0).Int(0);
  const std::vector<std::string> migrations = Migrations(c.dialect());
  const auto latest = static_cast<int64_t>(migrations.size());
  if (version > latest) {
    return absl::FailedPreconditionError(
        absl::StrCat("the case-record database is at schema version ", version,
                     " but this build knows only up to ", latest, ": run a newer build"));
  }
  for (int64_t v = version + 1; v <= latest; ++v) {
    if (absl::Status s = c.Script(migrations[static_cast<size_t>(v - 1)]); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("schema migration ", v, ": ", s.message()));
    }
    absl::StatusOr<int64_t> recorded =
        c.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
               {v, absl::ToUnixMicros(absl::Now())});
    if (!recorded.ok()) return recorded.status();
  }
  return absl::OkStatus();
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(Migrations(Dialect::kSqlite).size()); }

absl::Status Migrate(SqlConnection& c) {
  if (absl::Status s = c.BeginWrite(); !s.ok()) return s;
  absl::Status status = MigrateInTransaction(c);
  if (status.ok()) status = c.Script("COMMIT");
  if (!status.ok()) (void)c.Script("ROLLBACK");
  return status;
}

}  // namespace kompas::caserecord::storage
