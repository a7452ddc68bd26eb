// Which database the case record lives in, and watching it.
//
// The `--database` value (see main.cc and docs/caserecord.md):
//   sqlite:/var/lib/kompas/caserecord.db        one SQLite file (WAL beside it); relative paths
//                                               are relative to the working directory
//   postgres:host=db.internal dbname=kompas     a libpq keyword/value connection string
//   postgresql://kompas@db.internal/kompas      a libpq URI (also postgres://…)
// A password belongs in ~/.pgpass or PGPASSWORD, not on the command line.
#ifndef KOMPAS_SERVICES_CASERECORD_DATABASE_H_
#define KOMPAS_SERVICES_CASERECORD_DATABASE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/caserecord/storage/store.h"

namespace kompas::caserecord {

struct DatabaseSpec {
  enum class Engine { kSqlite, kPostgres };
  Engine engine = Engine::kSqlite;
  std::string sqlite_path;        // kSqlite
  std::string postgres_conninfo;  // kPostgres: keyword/value string or URI, as given
  // What to call it in logs and errors: the SQLite path, or "PostgreSQL" (a connection string
  // may hold a password, so it is never repeated).
  std::string DisplayName() const;
};

// INVALID_ARGUMENT naming `flag` and the accepted forms when `value` is none of them.
absl::StatusOr<DatabaseSpec> ParseDatabaseSpec(absl::string_view value, absl::string_view flag);

// `conninfo` with libpq's connect_timeout set to `seconds` (at least 2, as libpq counts) unless
// it already names one: appended as " connect_timeout=N" to a keyword/value string, as a
// query parameter to a URI. Without it libpq waits for an unreachable server indefinitely.
std::string WithConnectTimeout(absl::string_view conninfo, int64_t seconds);

// Opens the store the spec names (connect timeout applied for PostgreSQL).
absl::StatusOr<std::unique_ptr<storage::CaseStore>> OpenStore(const DatabaseSpec& spec,
                                                              bool sqlite_synchronous_full,
                                                              absl::Duration connect_timeout,
                                                              storage::StoreOptions options);

// Runs a blocking health check on its own thread, so a caller (the runtime's dependency probe)
// waits at most `timeout` however long the database takes to answer; remembers the last answer
// for handlers that fail fast while the database is down.
class DatabaseMonitor {
 public:
  // `check` returns true when the database answers; it may block.
  DatabaseMonitor(std::function<bool()> check, absl::Duration timeout);
  ~DatabaseMonitor();  // Waits for a check in progress.
  DatabaseMonitor(const DatabaseMonitor&) = delete;
  DatabaseMonitor& operator=(const DatabaseMonitor&) = delete;

  // Runs a check (or joins the one in progress) and waits for it at most `timeout`: OK when the
  // database answered, else UNAVAILABLE. Updates up().
  absl::Status Probe();
  // The last Probe's answer; true before the first.
  bool up() const;

 private:
  void Loop();

  const std::function<bool()> check_;
  const absl::Duration timeout_;
  mutable absl::Mutex mu_;
  uint64_t requested_ ABSL_GUARDED_BY(mu_) = 0;  // checks asked for
  uint64_t completed_ ABSL_GUARDED_BY(mu_) = 0;  // checks finished
  bool last_ok_ ABSL_GUARDED_BY(mu_) = false;    // the answer of the last finished check
  bool up_ ABSL_GUARDED_BY(mu_) = true;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace kompas::caserecord

#endif  // KOMPAS_SERVICES_CASERECORD_DATABASE_H_
