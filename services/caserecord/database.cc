#include "services/caserecord/database.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/common/validation.h"

namespace kompas::caserecord {

std::string DatabaseSpec::DisplayName() const {
  return engine == Engine::kSqlite ? absl::StrCat("SQLite database ", sqlite_path) : "PostgreSQL";
}

absl::StatusOr<DatabaseSpec> ParseDatabaseSpec(absl::string_view value, absl::string_view flag) {
  DatabaseSpec spec;
  if (absl::StartsWith(value, "postgresql://") || absl::StartsWith(value, "postgres://")) {
    spec.engine = DatabaseSpec::Engine::kPostgres;
    spec.postgres_conninfo = std::string(value);
    return spec;
  }
  if (absl::ConsumePrefix(&value, "postgres:")) {
    if (value.empty()) return InvalidField(flag, "postgres: needs a libpq connection string");
    spec.engine = DatabaseSpec::Engine::kPostgres;
    spec.postgres_conninfo = std::string(value);
    return spec;
  }
  if (absl::ConsumePrefix(&value, "sqlite:")) {
    if (value.empty()) return InvalidField(flag, "sqlite: needs the database file's path");
    spec.engine = DatabaseSpec::Engine::kSqlite;
    spec.sqlite_path = std::string(value);
    return spec;
  }
  return InvalidField(flag, value.empty() ? "is required: sqlite:/path/file.db or postgres:<libpq "
                                            "connection string>"
                                          : "must be sqlite:/path/file.db, postgres:<libpq "
                                            "connection string> or a postgresql:// URI");
}

std::string WithConnectTimeout(absl::string_view conninfo, int64_t seconds) {
  if (absl::StrContains(conninfo, "connect_timeout")) return std::string(conninfo);
  seconds = std::max<int64_t>(2, seconds);
  // Besides the connect timeout: TCP keepalives and a user timeout, so that a server that
  // vanishes without closing the connection (a dead host, dropped packets) is noticed within
  // seconds, not after the kernel's retransmissions (about 15 minutes).
  const std::vector<std::pair<std::string, int64_t>> settings = {
      {"connect_timeout", seconds}, {"keepalives", 1},       {"keepalives_idle", 5},
      {"keepalives_interval", 2},   {"keepalives_count", 3}, {"tcp_user_timeout", seconds * 5000}};
  const bool uri =
      absl::StartsWith(conninfo, "postgresql://") || absl::StartsWith(conninfo, "postgres://");
  std::string out(conninfo);
  char separator = uri ? (absl::StrContains(conninfo, "?") ? '&' : '?') : ' ';
  for (const auto& [key, value] : settings) {
    absl::StrAppend(&out, std::string(1, separator), key, "=", value);
    if (uri) separator = '&';
  }
  return out;
}

absl::StatusOr<std::unique_ptr<storage::CaseStore>> OpenStore(const DatabaseSpec& spec,
                                                              bool sqlite_synchronous_full,
                                                              absl::Duration connect_timeout,
                                                              storage::StoreOptions options) {
  if (spec.engine == DatabaseSpec::Engine::kSqlite) {
    return storage::OpenSqliteStore({spec.sqlite_path, sqlite_synchronous_full},
                                    std::move(options));
  }
  return storage::OpenPostgresStore(
      WithConnectTimeout(spec.postgres_conninfo, absl::ToInt64Seconds(connect_timeout)),
      std::move(options));
}

DatabaseMonitor::DatabaseMonitor(std::function<bool()> check, absl::Duration timeout)
    : check_(std::move(check)), timeout_(timeout), thread_([this] { Loop(); }) {}

DatabaseMonitor::~DatabaseMonitor() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void DatabaseMonitor::Loop() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](DatabaseMonitor* m) ABSL_EXCLUSIVE_LOCKS_REQUIRED(m->mu_) {
            return m->stopping_ || m->requested_ > m->completed_;
          },
          this));
      if (stopping_) return;
    }
    const bool ok = check_();
    absl::MutexLock lock(&mu_);
    last_ok_ = ok;
    completed_ = requested_;
  }
}

absl::Status DatabaseMonitor::Probe() {
  absl::MutexLock lock(&mu_);
  // A check already running answers this probe too; otherwise ask for a new one.
  if (requested_ == completed_) ++requested_;
  struct Wanted {
    DatabaseMonitor* monitor;
    uint64_t check;
  } wanted{this, requested_};
  const bool answered =
      mu_.AwaitWithTimeout(absl::Condition(
                               +[](Wanted* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->monitor->mu_) {
                                 return w->monitor->completed_ >= w->check;
                               },
                               &wanted),
                           timeout_);
  up_ = answered && last_ok_;
  if (up_) return absl::OkStatus();
  return absl::UnavailableError(answered ? "the database does not answer"
                                         : absl::StrCat("the database did not answer within ",
                                                        absl::FormatDuration(timeout_)));
}

bool DatabaseMonitor::up() const {
  absl::MutexLock lock(&mu_);
  return up_;
}

}  // namespace kompas::caserecord
