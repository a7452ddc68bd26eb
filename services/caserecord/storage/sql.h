// A small common face over one SQLite or PostgreSQL connection, so that the case-record
// store is written once. Internal to the storage library.
//
// SQL text is shared by both engines: parameters are written $1, $2, … (PostgreSQL's form;
// SQLite reads "$1" as a named parameter and binds it by that name), types are integers
// (64-bit), text and blobs, and only syntax both engines accept is used (ON CONFLICT,
// RETURNING, row-value comparisons). Schemas differ per engine and live in migrations.
#ifndef KOMPAS_SERVICES_CASERECORD_STORAGE_SQL_H_
#define KOMPAS_SERVICES_CASERECORD_STORAGE_SQL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kompas::caserecord::storage {

enum class Dialect { kSqlite, kPostgres };

// A blob parameter (text parameters are plain std::string).
struct Blob {
  std::string bytes;
};
struct Null {};
using SqlValue = std::variant<Null, int64_t, std::string, Blob>;

// One result row: every column as bytes (integers as decimal text, blobs raw), or null.
class SqlRow {
 public:
  explicit SqlRow(std::vector<std::optional<std::string>> columns) : columns_(std::move(columns)) {}
  bool IsNull(size_t i) const { return !columns_.at(i).has_value(); }
  int64_t Int(size_t i) const;              // 0 when null.
  const std::string& Text(size_t i) const;  // "" when null; also blobs.
  size_t size() const { return columns_.size(); }

 private:
  std::vector<std::optional<std::string>> columns_;
};

// One connection; not thread-safe (each thread of the store owns its own).
//
// Errors are mapped to canonical codes: a lost or refused connection, a busy/locked database
// or an I/O failure → UNAVAILABLE; a unique-key violation → ALREADY_EXISTS; a serialization
// failure or deadlock → ABORTED; anything else → INTERNAL. Messages never hold parameter
// values (they may be personal data).
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual Dialect dialect() const = 0;
  // Runs statements without parameters (a script, BEGIN, COMMIT …).
  virtual absl::Status Script(const std::string& sql) = 0;
  // Runs one statement with parameters and returns its rows.
  virtual absl::StatusOr<std::vector<SqlRow>> Query(const std::string& sql,
                                                    const std::vector<SqlValue>& params) = 0;
  // Runs one statement and returns the number of rows it changed.
  virtual absl::StatusOr<int64_t> Exec(const std::string& sql,
                                       const std::vector<SqlValue>& params) = 0;
  // BEGIN IMMEDIATE on SQLite (takes the write lock now), BEGIN on PostgreSQL.
  virtual absl::Status BeginWrite() = 0;
  // A cheap round trip; UNAVAILABLE when the database is unreachable. Reconnects if needed.
  virtual absl::Status Ping() = 0;
};

struct SqliteConfig {
  std::string path;        // The database file; created when missing.
  bool read_only = false;  // Reader connections.
  int busy_timeout_ms = 5000;
  bool synchronous_full = true;  // PRAGMA synchronous=FULL (else NORMAL).
};
absl::StatusOr<std::unique_ptr<SqlConnection>> OpenSqlite(const SqliteConfig& config);

// `conninfo`: a libpq connection string. Reconnects (PQreset) on the next call after the
// connection was lost.
absl::StatusOr<std::unique_ptr<SqlConnection>> OpenPostgres(const std::string& conninfo);

// Removes the bytes of deleted rows of `tables` from the database files, so that erased
// personal data cannot be read back from them (issue 10). Run it after the deleting
// transaction committed, outside any transaction, on a connection that may write.
//   SQLite: deleted content is already overwritten with zeros (every connection runs with
//   PRAGMA secure_delete=ON); what is left are the older page images in the WAL, so the WAL is
//   checkpointed into the database and truncated to zero bytes (`tables` is not needed).
//   UNAVAILABLE when a reader kept the checkpoint from finishing within the busy timeout.
//   PostgreSQL: first waits (at most 5 s, else UNAVAILABLE) until no session of the cluster
//   holds a snapshot or transaction older than the erasure (pg_stat_activity; such a snapshot
//   keeps the deleted rows alive through any VACUUM; the role needs pg_read_all_stats to see
//   other roles' sessions). A plain VACUUM only marks a dead row's space as free and leaves its
//   bytes in the page (and so in the file) until new rows happen to overwrite them; VACUUM FULL
//   rewrites each table, its TOAST table and its indexes into new files holding only the live
//   rows, and the old files are truncated at its commit. It takes an ACCESS EXCLUSIVE lock on
//   each table while it copies it: its time grows with the tables' size. It waits at most 2 s
//   for that lock (lock_timeout; e.g. a pg_dump holds a lock for its whole run), else
//   UNAVAILABLE, and the rows stay in the files until the next purge.
// The PostgreSQL WAL (pg_wal, and any WAL archive or base backup) still holds the rows until
// its segments are recycled: that is the operator's retention of backups, not the database's.
absl::Status PurgeDeletedRows(SqlConnection& c, const std::vector<std::string>& tables);

}  // namespace kompas::caserecord::storage

#endif  // KOMPAS_SERVICES_CASERECORD_STORAGE_SQL_H_
