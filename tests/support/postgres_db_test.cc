#include "tests/support/postgres_db.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kompas::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

struct ConnDeleter {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
using PgConn = std::unique_ptr<PGconn, ConnDeleter>;

// The current test's name, e.g. "CreatesATableAndReadsItBack".
std::string TestName() { return ::testing::UnitTest::GetInstance()->current_test_info()->name(); }

// Runs `sql`; the first column of the first row, "" for a command, or "ERROR: ...".
std::string Sql(PGconn* connection, const std::string& sql) {
  PGresult* result = PQexec(connection, sql.c_str());
  std::string value;
  const ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_TUPLES_OK) {
    value =
        PQntuples(result) > 0 && !PQgetisnull(result, 0, 0) ? PQgetvalue(result, 0, 0) : "(null)";
  } else if (status != PGRES_COMMAND_OK) {
    value = absl::StrCat("ERROR: ", PQerrorMessage(connection));
  }
  PQclear(result);
  return value;
}

PgConn Connect(const std::string& connection_string) {
  return PgConn(PQconnectdb(connection_string.c_str()));
}

std::unique_ptr<PgTestDatabase> CreateDatabase(const std::string& name) {
  absl::StatusOr<std::unique_ptr<PgTestDatabase>> database = PgTestDatabase::Create(name);
  EXPECT_TRUE(database.ok()) << database.status();
  return database.ok() ? *std::move(database) : nullptr;
}

// Each test creates a table of the same name: they would collide if ctest -j, which runs them
// at the same time, gave them the same database.
void CreateInsertAndReadBack() {
  std::unique_ptr<PgTestDatabase> database = CreateDatabase(TestName());
  ASSERT_NE(database, nullptr);
  PgConn connection = Connect(database->connection_string());
  ASSERT_EQ(PQstatus(connection.get()), CONNECTION_OK) << PQerrorMessage(connection.get());
  EXPECT_EQ(Sql(connection.get(), "SELECT current_database()"), database->name());
  EXPECT_EQ(Sql(connection.get(), "CREATE TABLE items (id integer PRIMARY KEY, label text)"), "");
  EXPECT_EQ(Sql(connection.get(), "INSERT INTO items VALUES (1, 'huurtoeslag'), (2, 'bijstand')"),
            "");
  EXPECT_EQ(Sql(connection.get(), "SELECT string_agg(label, ',' ORDER BY id) FROM items"),
            "huurtoeslag,bijstand");
  absl::SleepFor(absl::Milliseconds(300));  // Overlap with the other test under ctest -j.
  EXPECT_EQ(Sql(connection.get(), "SELECT count(*) FROM items"), "2");
}

TEST(PgTestDatabaseTest, FirstOfTwoParallelTestsHasItsOwnDatabase) { CreateInsertAndReadBack(); }

TEST(PgTestDatabaseTest, SecondOfTwoParallelTestsHasItsOwnDatabase) { CreateInsertAndReadBack(); }

TEST(PgTestDatabaseTest, DatabasesCreatedConcurrentlyAreSeparate) {
  std::unique_ptr<PgTestDatabase> first;
  std::unique_ptr<PgTestDatabase> second;
  std::thread other([&first] { first = CreateDatabase("Concurrent"); });
  second = CreateDatabase("Concurrent");
  other.join();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_NE(first->name(), second->name());

  PgConn a = Connect(first->connection_string());
  PgConn b = Connect(second->connection_string());
  ASSERT_EQ(PQstatus(a.get()), CONNECTION_OK) << PQerrorMessage(a.get());
  ASSERT_EQ(PQstatus(b.get()), CONNECTION_OK) << PQerrorMessage(b.get());
  EXPECT_EQ(Sql(a.get(), "CREATE TABLE only_in_first (id integer)"), "");
  EXPECT_EQ(Sql(a.get(), "SELECT to_regclass('only_in_first')::text"), "only_in_first");
  EXPECT_EQ(Sql(b.get(), "SELECT to_regclass('only_in_first')::text"), "(null)");
}

TEST(PgTestDatabaseTest, NamesAreSanitisedAndFitPostgresLimit) {
  const std::string long_name =
      "Weird Name/With-Chars; DROP TABLE x; \"quoted\" " + std::string(100, 'Z');
  std::unique_ptr<PgTestDatabase> database = CreateDatabase(long_name);
  ASSERT_NE(database, nullptr);
  EXPECT_THAT(database->name(), MatchesRegex("t_weird_name_with_chars_[a-z0-9_]*"));
  EXPECT_LE(database->name().size(), 63u);
  EXPECT_THAT(database->name(), HasSubstr(absl::StrCat("_", getpid(), "_")));
  PgConn connection = Connect(database->connection_string());
  EXPECT_EQ(PQstatus(connection.get()), CONNECTION_OK) << PQerrorMessage(connection.get());
}

TEST(PgTestDatabaseTest, ConnectingToADroppedDatabaseFails) {
  std::unique_ptr<PgTestDatabase> database = CreateDatabase(TestName());
  ASSERT_NE(database, nullptr);
  const std::string connection_string = database->connection_string();
  const std::string name = database->name();
  // A session still open on it does not stop the drop (WITH (FORCE)).
  PgConn open_session = Connect(connection_string);
  ASSERT_EQ(PQstatus(open_session.get()), CONNECTION_OK) << PQerrorMessage(open_session.get());
  database.reset();

  PgConn connection = Connect(connection_string);
  EXPECT_EQ(PQstatus(connection.get()), CONNECTION_BAD);
  EXPECT_THAT(PQerrorMessage(connection.get()), HasSubstr("does not exist"));

  absl::StatusOr<PgCluster> cluster = PgClusterFromEnv();
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  PgConn admin = Connect(PgConnectionString(*cluster, "postgres"));
  ASSERT_EQ(PQstatus(admin.get()), CONNECTION_OK) << PQerrorMessage(admin.get());
  EXPECT_EQ(Sql(admin.get(),
                absl::StrCat("SELECT count(*) FROM pg_database WHERE datname = '", name, "'")),
            "0");
}

TEST(PgTestDatabaseTest, ExplicitDropThenDestructorIsFine) {
  std::unique_ptr<PgTestDatabase> database = CreateDatabase(TestName());
  ASSERT_NE(database, nullptr);
  EXPECT_TRUE(database->Drop().ok());
  PgConn connection = Connect(database->connection_string());
  EXPECT_EQ(PQstatus(connection.get()), CONNECTION_BAD);
}

TEST(PgTestDatabaseTest, WithoutTheFixtureCreateSaysWhatToDo) {
  const char* host = std::getenv("KOMPAS_PG_HOST");
  const std::optional<std::string> saved =
      host == nullptr ? std::nullopt : std::optional<std::string>(host);
  unsetenv("KOMPAS_PG_HOST");
  absl::StatusOr<std::unique_ptr<PgTestDatabase>> database = PgTestDatabase::Create("x");
  if (saved.has_value()) setenv("KOMPAS_PG_HOST", saved->c_str(), 1);
  EXPECT_EQ(database.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(database.status().message(), HasSubstr("KOMPAS_PG_HOST"));
}

TEST(PgTestDatabaseTest, ConnectionStringQuotesValues) {
  const PgCluster cluster{"/tmp/it's here", "5432", "post\\gres"};
  EXPECT_EQ(PgConnectionString(cluster, "db"),
            "host='/tmp/it\\'s here' port='5432' user='post\\\\gres' dbname='db' "
            "connect_timeout=10");
}

}  // namespace
}  // namespace kompas::testing
