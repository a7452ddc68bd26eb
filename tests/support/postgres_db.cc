#include "tests/support/postgres_db.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace kompas::testing {
namespace {

// PostgreSQL cuts identifiers longer than this (NAMEDATALEN - 1).
constexpr size_t kMaxIdentifierBytes = 63;
// CREATE DATABASE attempts before giving up on name collisions (left over from a dead process
// with the same pid, if the cluster outlived a run).
constexpr int kCreateAttempts = 8;

std::atomic<int> database_counter{0};

struct PgConnDeleter {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct PgResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;

std::string EnvOr(const char* name, absl::string_view fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : std::string(fallback);
}

// libpq quoting for keyword/value strings: single quotes, with \ and ' escaped by a backslash.
std::string QuoteConnValue(absl::string_view value) {
  std::string quoted = "'";
  for (const char c : value) {
    if (c == '\\' || c == '\'') quoted.push_back('\\');
    quoted.push_back(c);
  }
  quoted.push_back('\'');
  return quoted;
}

std::string DatabaseName(absl::string_view test_name, int counter) {
  const std::string suffix = absl::StrCat("_", getpid(), "_", counter);
  std::string base = "t_";
  for (const char c : test_name) {
    base.push_back(absl::ascii_isalnum(static_cast<unsigned char>(c))
                       ? absl::ascii_tolower(static_cast<unsigned char>(c))
                       : '_');
  }
  base.resize(std::min(base.size(), kMaxIdentifierBytes - suffix.size()));
  return base + suffix;
}

std::string ErrorText(PGconn* connection) {
  return std::string(absl::StripTrailingAsciiWhitespace(PQerrorMessage(connection)));
}

absl::StatusOr<PgConnPtr> ConnectAdmin(const PgCluster& cluster) {
  PgConnPtr connection(PQconnectdb(PgConnectionString(cluster, "postgres").c_str()));
  if (connection == nullptr) return absl::ResourceExhaustedError("PQconnectdb: out of memory");
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    return absl::UnavailableError(absl::StrCat("connect to the PostgreSQL fixture at ",
                                               cluster.host, ": ", ErrorText(connection.get())));
  }
  return connection;
}

// Runs a command that returns no rows. `sqlstate` receives the error's SQLSTATE, if any.
absl::Status Execute(PGconn* connection, const std::string& sql, std::string* sqlstate) {
  std::unique_ptr<PGresult, PgResultDeleter> result(PQexec(connection, sql.c_str()));
  if (result != nullptr && PQresultStatus(result.get()) == PGRES_COMMAND_OK) {
    return absl::OkStatus();
  }
  if (sqlstate != nullptr && result != nullptr) {
    const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
    *sqlstate = state == nullptr ? "" : state;
  }
  return absl::InternalError(absl::StrCat(sql, ": ", ErrorText(connection)));
}

absl::StatusOr<std::string> QuoteIdentifier(PGconn* connection, absl::string_view name) {
  char* quoted = PQescapeIdentifier(connection, name.data(), name.size());
  if (quoted == nullptr) return absl::InternalError(ErrorText(connection));
  std::string result(quoted);
  PQfreemem(quoted);
  return result;
}

}  // namespace

absl::StatusOr<PgCluster> PgClusterFromEnv() {
  const char* host = std::getenv("KOMPAS_PG_HOST");
  if (host == nullptr || *host == '\0') {
    return absl::FailedPreconditionError(
        "KOMPAS_PG_HOST is not set: run this test through ctest (it needs the 'postgres' "
        "fixture: kompas_requires_postgres) or run `tests/fixtures/postgres.sh start DIR` and "
        "export KOMPAS_PG_HOST=DIR");
  }
  return PgCluster{host, EnvOr("KOMPAS_PG_PORT", "5432"), EnvOr("KOMPAS_PG_USER", "postgres")};
}

std::string PgConnectionString(const PgCluster& cluster, absl::string_view dbname) {
  return absl::StrCat("host=", QuoteConnValue(cluster.host), " port=", QuoteConnValue(cluster.port),
                      " user=", QuoteConnValue(cluster.user), " dbname=", QuoteConnValue(dbname),
                      " connect_timeout=10");
}

absl::StatusOr<std::unique_ptr<PgTestDatabase>> PgTestDatabase::Create(
    absl::string_view test_name) {
  absl::StatusOr<PgCluster> cluster = PgClusterFromEnv();
  if (!cluster.ok()) return cluster.status();
  absl::StatusOr<PgConnPtr> admin = ConnectAdmin(*cluster);
  if (!admin.ok()) return admin.status();

  absl::Status created;
  for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
    std::string name = DatabaseName(test_name, database_counter.fetch_add(1));
    absl::StatusOr<std::string> identifier = QuoteIdentifier(admin->get(), name);
    if (!identifier.ok()) return identifier.status();
    std::string sqlstate;
    created = Execute(admin->get(), absl::StrCat("CREATE DATABASE ", *identifier), &sqlstate);
    if (created.ok()) {
      return std::unique_ptr<PgTestDatabase>(
          new PgTestDatabase(*std::move(cluster), std::move(name)));
    }
    if (sqlstate != "42P04") break;  // Anything but duplicate_database is final.
  }
  return created;
}

PgTestDatabase::PgTestDatabase(PgCluster cluster, std::string name)
    : cluster_(std::move(cluster)),
      name_(std::move(name)),
      connection_string_(PgConnectionString(cluster_, name_)) {}

PgTestDatabase::~PgTestDatabase() {
  if (!dropped_) (void)Drop();
}

absl::Status PgTestDatabase::Drop() {
  absl::StatusOr<PgConnPtr> admin = ConnectAdmin(cluster_);
  if (!admin.ok()) return admin.status();
  absl::StatusOr<std::string> identifier = QuoteIdentifier(admin->get(), name_);
  if (!identifier.ok()) return identifier.status();
  absl::Status dropped =
      Execute(admin->get(), absl::StrCat("DROP DATABASE IF EXISTS ", *identifier, " WITH (FORCE)"),
              nullptr);
  if (dropped.ok()) dropped_ = true;
  return dropped;
}

}  // namespace kompas::testing
