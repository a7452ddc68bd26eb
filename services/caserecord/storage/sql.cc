#include "services/caserecord/storage/sql.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace kompas::caserecord::storage {
namespace {

constexpr std::size_t kMaxCachedStatements = 256;

const std::string& EmptyString() {
  static const std::string* const empty = new std::string();
  return *empty;
}

// ---------------------------------------------------------------------------------------------
// SQLite

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what) {
  const std::string message =
      absl::StrCat(what, ": ", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_PROTOCOL:
    case SQLITE_NOLFS:
      return absl::UnavailableError(message);
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return absl::AlreadyExistsError(message);
      }
      return absl::InternalError(message);
    default:
      return absl::InternalError(message);
  }
}

class SqliteConnection final : public SqlConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  absl::Status Script(const std::string& sql) override {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    sqlite3_free(error);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "sqlite");
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<SqlRow>> Query(const std::string& sql,
                                            const std::vector<SqlValue>& params) override {
    std::vector<SqlRow> rows;
    absl::Status status = Run(sql, params, &rows);
    if (!status.ok()) return status;
    return rows;
  }

  absl::StatusOr<int64_t> Exec(const std::string& sql,
                               const std::vector<SqlValue>& params) override {
    absl::Status status = Run(sql, params, nullptr);
    if (!status.ok()) return status;
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  absl::Status BeginWrite() override { return Script("BEGIN IMMEDIATE"); }

  absl::Status Ping() override {
    absl::StatusOr<std::vector<SqlRow>> rows = Query("SELECT count(*) FROM sqlite_schema", {});
    return rows.status();
  }

 private:
  absl::StatusOr<sqlite3_stmt*> Prepare(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
    // Bounded: texts vary with filters and page sizes. When full, start again (statements are
    // cheap to prepare; none is in use between calls on this connection).
    if (statements_.size() >= kMaxCachedStatements) {
      for (auto& [text, cached] : statements_) sqlite3_finalize(cached);
      statements_.clear();
    }
    statements_.emplace(sql, stmt);
    return stmt;
  }

  absl::Status Run(const std::string& sql, const std::vector<SqlValue>& params,
                   std::vector<SqlRow>* rows) {
    absl::StatusOr<sqlite3_stmt*> prepared = Prepare(sql);
    if (!prepared.ok()) return prepared.status();
    sqlite3_stmt* stmt = *prepared;
    struct Resetter {
      sqlite3_stmt* stmt;
      ~Resetter() {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
      }
    } resetter{stmt};
    for (size_t i = 0; i < params.size(); ++i) {
      const std::string name = absl::StrCat("$", i + 1);
      const int index = sqlite3_bind_parameter_index(stmt, name.c_str());
      if (index == 0) continue;  // Not used by this statement.
      int rc = SQLITE_OK;
      const SqlValue& value = params[i];
      if (std::holds_alternative<Null>(value)) {
        rc = sqlite3_bind_null(stmt, index);
      } else if (const auto* n = std::get_if<int64_t>(&value)) {
        rc = sqlite3_bind_int64(stmt, index, *n);
      } else if (const auto* s = std::get_if<std::string>(&value)) {
        rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else {
        const std::string& b = std::get<Blob>(value).bytes;
        rc = sqlite3_bind_blob64(stmt, index, b.data(), b.size(), SQLITE_STATIC);
      }
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind");
    }
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) return absl::OkStatus();
      if (rc != SQLITE_ROW) return SqliteError(db_, rc, "step");
      if (rows == nullptr) continue;
      const int n = sqlite3_column_count(stmt);
      std::vector<std::optional<std::string>> columns;
      columns.reserve(static_cast<size_t>(n));
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL:
            columns.emplace_back(std::nullopt);
            break;
          case SQLITE_INTEGER:
            columns.emplace_back(absl::StrCat(sqlite3_column_int64(stmt, c)));
            break;
          default: {
            const void* data = sqlite3_column_blob(stmt, c);
            const int size = sqlite3_column_bytes(stmt, c);
            columns.emplace_back(
                std::string(static_cast<const char*>(data), static_cast<size_t>(size)));
          }
        }
      }
      rows->emplace_back(std::move(columns));
    }
  }

  sqlite3* db_;
  absl::flat_hash_map<std::string, sqlite3_stmt*> statements_;
};

// ---------------------------------------------------------------------------------------------
// PostgreSQL

constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;
constexpr Oid kByteaOid = 17;

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

// bytea in text output: "\x" followed by hex digits.
std::string DecodeBytea(absl::string_view text) {
  if (!absl::ConsumePrefix(&text, "\\x")) return std::string(text);
  std::string out(text.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>((HexValue(text[2 * i]) << 4) | HexValue(text[2 * i + 1]));
  }
  return out;
}

class PgConnection final : public SqlConnection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }

  absl::Status Script(const std::string& sql) override {
    for (int attempt = 0;; ++attempt) {
      if (absl::Status s = EnsureConnected(); !s.ok()) return s;
      const bool idle = PQtransactionStatus(conn_) == PQTRANS_IDLE;
      PgResultPtr result(PQexec(conn_, sql.c_str()));
      absl::Status status = CheckResult(result.get());
      if (status.ok() || !RetryOnNewConnection(idle, attempt)) return status;
    }
  }

  absl::StatusOr<std::vector<SqlRow>> Query(const std::string& sql,
                                            const std::vector<SqlValue>& params) override {
    absl::StatusOr<PgResultPtr> result = Run(sql, params);
    if (!result.ok()) return result.status();
    PGresult* r = result->get();
    const int n = PQntuples(r);
    const int cols = PQnfields(r);
    std::vector<SqlRow> rows;
    rows.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      std::vector<std::optional<std::string>> columns;
      columns.reserve(static_cast<size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        if (PQgetisnull(r, i, c)) {
          columns.emplace_back(std::nullopt);
          continue;
        }
        absl::string_view value(PQgetvalue(r, i, c), static_cast<size_t>(PQgetlength(r, i, c)));
        if (PQftype(r, c) == kByteaOid) {
          columns.emplace_back(DecodeBytea(value));
        } else {
          columns.emplace_back(std::string(value));
        }
      }
      rows.emplace_back(std::move(columns));
    }
    return rows;
  }

  absl::StatusOr<int64_t> Exec(const std::string& sql,
                               const std::vector<SqlValue>& params) override {
    absl::StatusOr<PgResultPtr> result = Run(sql, params);
    if (!result.ok()) return result.status();
    int64_t changed = 0;
    (void)absl::SimpleAtoi(PQcmdTuples(result->get()), &changed);
    return changed;
  }

  absl::Status BeginWrite() override { return Script("BEGIN"); }

  absl::Status Ping() override { return Script("SELECT 1"); }

 private:
  absl::Status EnsureConnected() {
    if (PQstatus(conn_) == CONNECTION_OK) return absl::OkStatus();
    PQreset(conn_);
    if (PQstatus(conn_) == CONNECTION_OK) return absl::OkStatus();
    return absl::UnavailableError(
        absl::StrCat("postgres: ", absl::StripTrailingAsciiWhitespace(PQerrorMessage(conn_))));
  }

  absl::Status CheckResult(PGresult* result) {
    const ExecStatusType status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return absl::OkStatus();
    const char* state = result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const char* primary =
        result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    const std::string sqlstate = state == nullptr ? "" : state;
    const std::string message = absl::StrCat(
        "postgres: ",
        primary != nullptr ? std::string(primary)
                           : std::string(absl::StripTrailingAsciiWhitespace(PQerrorMessage(conn_))),
        sqlstate.empty() ? "" : absl::StrCat(" (SQLSTATE ", sqlstate, ")"));
    if (PQstatus(conn_) != CONNECTION_OK || sqlstate.empty() || absl::StartsWith(sqlstate, "08") ||
        absl::StartsWith(sqlstate, "57P") || absl::StartsWith(sqlstate, "53")) {
      return absl::UnavailableError(message);
    }
    if (sqlstate == "23505") return absl::AlreadyExistsError(message);
    if (sqlstate == "40001" || sqlstate == "40P01") return absl::AbortedError(message);
    return absl::InternalError(message);
  }

  absl::StatusOr<PgResultPtr> Run(const std::string& sql, const std::vector<SqlValue>& params) {
    if (absl::Status s = EnsureConnected(); !s.ok()) return s;
    std::vector<Oid> types(params.size());
    std::vector<const char*> values(params.size());
    std::vector<int> lengths(params.size());
    std::vector<int> formats(params.size());
    std::vector<std::string> numbers(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const SqlValue& value = params[i];
      if (std::holds_alternative<Null>(value)) {
        types[i] = 0;
        values[i] = nullptr;
      } else if (const auto* n = std::get_if<int64_t>(&value)) {
        numbers[i] = absl::StrCat(*n);
        types[i] = kInt8Oid;
        values[i] = numbers[i].c_str();
      } else if (const auto* s = std::get_if<std::string>(&value)) {
        types[i] = kTextOid;
        values[i] = s->c_str();
      } else {
        const std::string& b = std::get<Blob>(value).bytes;
        types[i] = kByteaOid;
        values[i] = b.data();
        lengths[i] = static_cast<int>(b.size());
        formats[i] = 1;
      }
    }
    for (int attempt = 0;; ++attempt) {
      const bool idle = PQtransactionStatus(conn_) == PQTRANS_IDLE;
      PgResultPtr result(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()),
                                      types.data(), values.data(), lengths.data(), formats.data(),
                                      0));
      absl::Status status = CheckResult(result.get());
      if (status.ok()) return result;
      if (!RetryOnNewConnection(idle, attempt)) return status;
      if (absl::Status s = EnsureConnected(); !s.ok()) return s;
    }
  }

  // A connection lost while idle (e.g. the server restarted since the last call) is found out
  // only by the next statement: run that once more on a new connection. Never inside a
  // transaction, whose earlier statements are lost with the connection.
  bool RetryOnNewConnection(bool was_idle, int attempt) {
    return was_idle && attempt == 0 && PQstatus(conn_) == CONNECTION_BAD;
  }

  PGconn* conn_;
};

}  // namespace

int64_t SqlRow::Int(size_t i) const {
  int64_t value = 0;
  if (columns_.at(i).has_value()) (void)absl::SimpleAtoi(*columns_[i], &value);
  return value;
}

const std::string& SqlRow::Text(size_t i) const {
  return columns_.at(i).has_value() ? *columns_[i] : EmptyString();
}

absl::StatusOr<std::unique_ptr<SqlConnection>> OpenSqlite(const SqliteConfig& config) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(config.path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = absl::UnavailableError(
        absl::StrCat("open SQLite database '", config.path,
                     "': ", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close_v2(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  auto connection = std::make_unique<SqliteConnection>(db);
  sqlite3_busy_timeout(db, config.busy_timeout_ms);
  // WAL: readers never block the writer nor the writer them. FULL: a commit is on disk (WAL
  // fsynced) before it returns. secure_delete: deleted rows are overwritten, not left in free
  // pages (erasure).
  std::string pragmas = absl::StrCat(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=", config.synchronous_full ? "FULL" : "NORMAL",
      "; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;");
  if (config.read_only) absl::StrAppend(&pragmas, " PRAGMA query_only=ON;");
  // Switching a new file to WAL needs an exclusive lock for a moment, and SQLite answers BUSY
  // at once (not through the busy handler) when another connection, e.g. a second replica
  // starting at the same time, holds the file: retry until the busy timeout.
  const absl::Time give_up = absl::Now() + absl::Milliseconds(config.busy_timeout_ms);
  for (;;) {
    absl::Status s = connection->Script(pragmas);
    if (s.ok()) break;
    if ((sqlite3_errcode(db) & 0xff) != SQLITE_BUSY || absl::Now() >= give_up) return s;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return std::unique_ptr<SqlConnection>(std::move(connection));
}

absl::StatusOr<std::unique_ptr<SqlConnection>> OpenPostgres(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr) return absl::ResourceExhaustedError("PQconnectdb: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    absl::Status status = absl::UnavailableError(absl::StrCat(
        "connect to PostgreSQL: ", absl::StripTrailingAsciiWhitespace(PQerrorMessage(conn))));
    PQfinish(conn);
    return status;
  }
  // NOTICEs (e.g. "relation already exists, skipping") would go to stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<SqlConnection>(std::make_unique<PgConnection>(conn));
}

absl::Status PurgeDeletedRows(SqlConnection& c, const std::vector<std::string>& tables) {
  if (c.dialect() == Dialect::kSqlite) {
    // One row: busy (1 when a reader kept the checkpoint from finishing), WAL frames, frames
    // checkpointed.
    absl::StatusOr<std::vector<SqlRow>> rows = c.Query("PRAGMA wal_checkpoint(TRUNCATE)", {});
    if (!rows.ok()) return rows.status();
    if (rows->empty() || rows->front().Int(0) != 0) {
      return absl::UnavailableError(
          "sqlite: the WAL checkpoint after an erasure could not finish (a reader was busy); "
          "the next erasure checkpoints again");
    }
    return absl::OkStatus();
  }
  if (tables.empty()) return absl::OkStatus();
  // VACUUM FULL keeps a deleted row that some snapshot might still see: one taken before the
  // erasure committed, in any session of the cluster (a pg_dump, a long report, even a
  // CREATE DATABASE elsewhere holds the horizon back). So first wait until every session's
  // snapshot and transaction is newer than a transaction id taken now, after the commit.
  // Autovacuum's plain VACUUM workers do not hold the horizon back and are not waited for.
  absl::StatusOr<std::vector<SqlRow>> now = c.Query("SELECT pg_current_xact_id()::xid::text", {});
  if (!now.ok()) return now.status();
  const std::string after = now->empty() ? "" : now->front().Text(0);
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  for (;;) {
    absl::StatusOr<std::vector<SqlRow>> older = c.Query(
        "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
        "AND (age(backend_xmin) > age($1::xid) OR age(backend_xid) > age($1::xid)) "
        "AND NOT (backend_type = 'autovacuum worker' AND query NOT LIKE '%ANALYZE%')",
        {after});
    if (!older.ok()) return older.status();
    if (older->empty() || older->front().Int(0) == 0) break;
    if (absl::Now() >= give_up) {
      return absl::UnavailableError(
          "postgres: a transaction older than the erasure is still running; its rows stay in "
          "the files until the next purge");
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  // VACUUM FULL waits for every lock on the tables (a pg_dump holds one for its whole run),
  // and calls queue behind it meanwhile: give up after a while instead, and let the next
  // erasure purge. VACUUM cannot run in a multi-statement string (an implicit transaction).
  if (absl::Status s = c.Script("SET lock_timeout = '2s'"); !s.ok()) return s;
  absl::Status vacuumed = c.Script(absl::StrCat("VACUUM (FULL) ", absl::StrJoin(tables, ", ")));
  absl::Status reset = c.Script("RESET lock_timeout");
  return vacuumed.ok() ? reset : vacuumed;
}

}  // namespace kompas::caserecord::storage
