#include "services/caserecord/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "absl/synchronization/notification.h"

namespace kompas::caserecord {
namespace {

using ::testing::HasSubstr;

TEST(DatabaseSpecTest, AcceptsTheThreeForms) {
  absl::StatusOr<DatabaseSpec> s = ParseDatabaseSpec("sqlite:/var/lib/k/cr.db", "--database");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->engine, DatabaseSpec::Engine::kSqlite);
  EXPECT_EQ(s->sqlite_path, "/var/lib/k/cr.db");
  s = ParseDatabaseSpec("postgres:host=/tmp/pg dbname=kompas", "--database");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->engine, DatabaseSpec::Engine::kPostgres);
  EXPECT_EQ(s->postgres_conninfo, "host=/tmp/pg dbname=kompas");
  s = ParseDatabaseSpec("postgresql://k@db/kompas", "--database");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->postgres_conninfo, "postgresql://k@db/kompas");
  // Never repeats a connection string (it may hold a password).
  EXPECT_EQ(s->DisplayName(), "PostgreSQL");
}

TEST(DatabaseSpecTest, RefusesOtherFormsNamingTheFlag) {
  for (const char* bad : {"", "/tmp/x.db", "sqlite:", "postgres:", "mysql://x"}) {
    absl::StatusOr<DatabaseSpec> s = ParseDatabaseSpec(bad, "--database");
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr("--database: ")) << bad;
  }
}

TEST(DatabaseSpecTest, ConnectTimeoutIsAddedOnce) {
  const std::string rest =
      "keepalives=1 keepalives_idle=5 keepalives_interval=2 keepalives_count=3";
  EXPECT_EQ(WithConnectTimeout("host=/tmp dbname=x", 3),
            "host=/tmp dbname=x connect_timeout=3 " + rest + " tcp_user_timeout=15000");
  EXPECT_EQ(WithConnectTimeout("host=/tmp connect_timeout=9", 3), "host=/tmp connect_timeout=9");
  EXPECT_EQ(WithConnectTimeout("postgresql://h/db", 1),
            "postgresql://h/db?connect_timeout=2&keepalives=1&keepalives_idle=5&"
            "keepalives_interval=2&keepalives_count=3&tcp_user_timeout=10000");
  EXPECT_EQ(WithConnectTimeout("postgresql://h/db?sslmode=require", 5),
            "postgresql://h/db?sslmode=require&connect_timeout=5&keepalives=1&keepalives_idle=5&"
            "keepalives_interval=2&keepalives_count=3&tcp_user_timeout=25000");
}

TEST(DatabaseMonitorTest, ReportsTheCheck) {
  std::atomic<bool> ok{true};
  DatabaseMonitor monitor([&] { return ok.load(); }, absl::Seconds(5));
  EXPECT_TRUE(monitor.up());
  EXPECT_TRUE(monitor.Probe().ok());
  ok = false;
  EXPECT_EQ(monitor.Probe().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(monitor.up());
  ok = true;
  EXPECT_TRUE(monitor.Probe().ok());
  EXPECT_TRUE(monitor.up());
}

TEST(DatabaseMonitorTest, AHangingCheckIsDownWithinTheTimeout) {
  absl::Notification release;
  std::atomic<int> checks{0};
  DatabaseMonitor monitor(
      [&] {
        checks.fetch_add(1);
        release.WaitForNotification();
        return true;
      },
      absl::Milliseconds(100));
  const absl::Time start = absl::Now();
  absl::Status s = monitor.Probe();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(s.message()), HasSubstr("did not answer within"));
  EXPECT_FALSE(monitor.Probe().ok());  // joins the same hanging check
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_EQ(checks.load(), 1);
  release.Notify();
  // The next probe sees the answer (the old check finishes, then a new one runs).
  absl::Status later = absl::UnknownError("not probed");
  for (int i = 0; i < 50 && !later.ok(); ++i) later = monitor.Probe();
  EXPECT_TRUE(later.ok()) << later;
  EXPECT_TRUE(monitor.up());
}

}  // namespace
}  // namespace kompas::caserecord
