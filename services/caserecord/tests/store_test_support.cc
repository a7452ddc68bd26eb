#include "services/caserecord/tests/store_test_support.h"

#include "absl/strings/str_cat.h"
#include "tests/support/subprocess.h"

namespace kompas::caserecord::storage::testing {

absl::StatusOr<std::unique_ptr<TestDatabase>> TestDatabase::Create(Engine engine,
                                                                   const std::string& test_name) {
  std::unique_ptr<TestDatabase> db(new TestDatabase());
  db->engine_ = engine;
  if (engine == Engine::kSqlite) {
    absl::StatusOr<std::string> dir = kompas::testing::MakeTempDir("caserecord");
    if (!dir.ok()) return dir.status();
    db->dir_ = *dir;
    db->sqlite_path_ = absl::StrCat(*dir, "/caserecord.db");
  } else {
    absl::StatusOr<std::unique_ptr<kompas::testing::PgTestDatabase>> pg =
        kompas::testing::PgTestDatabase::Create(test_name);
    if (!pg.ok()) return pg.status();
    db->pg_ = *std::move(pg);
  }
  return db;
}

TestDatabase::~TestDatabase() {
  if (!dir_.empty()) (void)kompas::testing::RemoveTree(dir_);
}

const std::string& TestDatabase::conninfo() const { return pg_->connection_string(); }

absl::StatusOr<std::unique_ptr<CaseStore>> TestDatabase::Open(StoreOptions options) const {
  if (engine_ == Engine::kSqlite) {
    return OpenSqliteStore(SqliteStoreOptions{sqlite_path_, true}, std::move(options));
  }
  return OpenPostgresStore(conninfo(), std::move(options));
}

absl::StatusOr<std::unique_ptr<SqlConnection>> TestDatabase::Raw() const {
  if (engine_ == Engine::kSqlite) return OpenSqlite(SqliteConfig{sqlite_path_});
  return OpenPostgres(conninfo());
}

}  // namespace kompas::caserecord::storage::testing
