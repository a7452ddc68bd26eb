// Shared by the storage tests and the benchmark: an engine to run against (a SQLite file in a
// temp dir, or a fresh PostgreSQL database in the ctest fixture's cluster) and blocking helpers.
#ifndef KOMPAS_SERVICES_CASERECORD_TESTS_STORE_TEST_SUPPORT_H_
#define KOMPAS_SERVICES_CASERECORD_TESTS_STORE_TEST_SUPPORT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/caserecord/storage/sql.h"
#include "services/caserecord/storage/store.h"
#include "services/caserecord/storage/sync.h"
#include "tests/support/postgres_db.h"

namespace kompas::caserecord::storage::testing {

enum class Engine { kSqlite, kPostgres };

// One database of either engine, removed when destroyed.
class TestDatabase {
 public:
  static absl::StatusOr<std::unique_ptr<TestDatabase>> Create(Engine engine,
                                                              const std::string& test_name);
  ~TestDatabase();

  Engine engine() const { return engine_; }
  // The SQLite file (SQLite only).
  const std::string& sqlite_path() const { return sqlite_path_; }
  // The libpq connection string (PostgreSQL only).
  const std::string& conninfo() const;

  absl::StatusOr<std::unique_ptr<CaseStore>> Open(StoreOptions options) const;
  // A raw connection to the same database (to look at what is stored).
  absl::StatusOr<std::unique_ptr<SqlConnection>> Raw() const;

 private:
  TestDatabase() = default;
  Engine engine_ = Engine::kSqlite;
  std::string dir_;
  std::string sqlite_path_;
  std::unique_ptr<kompas::testing::PgTestDatabase> pg_;
};

}  // namespace kompas::caserecord::storage::testing

#endif  // KOMPAS_SERVICES_CASERECORD_TESTS_STORE_TEST_SUPPORT_H_
