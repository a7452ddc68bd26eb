// One fresh PostgreSQL database per test, in the cluster that the ctest fixture `postgres`
// starts (tests/fixtures/postgres.sh). The fixture passes its socket directory in the
// environment as KOMPAS_PG_HOST; register a test with kompas_requires_postgres(<test>) or
// kompas_discover_postgres_tests(<target>) (tests/support/CMakeLists.txt) to get both.
//
// Run by hand:
//   tests/fixtures/postgres.sh start /tmp/kompas-pg-mine
//   KOMPAS_PG_HOST=/tmp/kompas-pg-mine ./support_test
//   tests/fixtures/postgres.sh stop /tmp/kompas-pg-mine
#ifndef KOMPAS_TESTS_SUPPORT_POSTGRES_DB_H_
#define KOMPAS_TESTS_SUPPORT_POSTGRES_DB_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kompas::testing {

// The fixture cluster's connection parameters.
struct PgCluster {
  std::string host = {};  // The socket directory ($KOMPAS_PG_HOST).
  std::string port = {};  // $KOMPAS_PG_PORT, default "5432".
  std::string user = {};  // $KOMPAS_PG_USER, default "postgres" (trust authentication).
};

// Reads the cluster from the environment. FAILED_PRECONDITION, saying how to get one, when
// KOMPAS_PG_HOST is not set.
absl::StatusOr<PgCluster> PgClusterFromEnv();

// A libpq keyword/value connection string for `dbname` in `cluster`, values quoted.
std::string PgConnectionString(const PgCluster& cluster, absl::string_view dbname);

// Thread-safe to create and destroy from several threads; each object is thread-compatible.
class PgTestDatabase {
 public:
  // Creates an empty database named from `test_name` (lower-cased, [a-z0-9_] only, cut to fit
  // PostgreSQL's 63 bytes), this process's pid and a counter, so parallel tests and processes
  // never share one.
  static absl::StatusOr<std::unique_ptr<PgTestDatabase>> Create(absl::string_view test_name);

  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;

  // Drops the database if Drop() was not called (errors are ignored here).
  ~PgTestDatabase();

  const std::string& name() const { return name_; }
  // For PQconnectdb and for services: host, port, user and dbname.
  const std::string& connection_string() const { return connection_string_; }

  // DROP DATABASE ... WITH (FORCE): ends open sessions on it first.
  absl::Status Drop();

 private:
  PgTestDatabase(PgCluster cluster, std::string name);

  PgCluster cluster_;
  std::string name_;
  std::string connection_string_;
  bool dropped_ = false;
};

}  // namespace kompas::testing

#endif  // KOMPAS_TESTS_SUPPORT_POSTGRES_DB_H_
