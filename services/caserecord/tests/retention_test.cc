// The retention job on both engines, with a fixed clock: who is due, who is kept, what the
// access log says, and the job's own thread.
#include "services/caserecord/retention.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/caserecord/storage/crypto.h"
#include "services/caserecord/storage/sync.h"
#include "services/caserecord/tests/store_test_support.h"

namespace kompas::caserecord {
namespace {

namespace st = ::kompas::caserecord::storage;
using st::testing::Engine;
using st::testing::TestDatabase;

// Noon in Amsterdam on 10 June 2026 (10:00 UTC, summer time): the Dutch day is 10 June.
absl::Time June10() {
  return absl::FromCivil(absl::CivilSecond(2026, 6, 10, 10, 0, 0), absl::UTCTimeZone());
}

st::CallContext Org(const std::string& tenant) {
  return st::CallContext{tenant, "tok-1", "mentor-1",
                         "/kompas.caserecord.v1.CaseRecordService/Test"};
}

class RetentionTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<TestDatabase>> db = TestDatabase::Create(
        GetParam(), ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    st::StoreOptions options;
    options.keys = st::KeyRing::Random();
    options.now = [] { return June10(); };
    absl::StatusOr<std::unique_ptr<st::CaseStore>> store = db_->Open(std::move(options));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  st::CaseStore& store() { return *store_; }

  // A participant in `state`, closed on `closed` (empty = no close date); returns its id.
  std::string Add(const std::string& tenant, st::ParticipantState state, st::Date closed,
                  const std::string& name) {
    st::Participant p;
    p.display_name = name;
    p.gemeente_code = "GM0344";
    p.intake_date = st::Date{2024, 1, 8};
    p.state = state;
    p.close_date = closed;
    absl::StatusOr<st::Participant> created = st::Await<st::Participant>(
        [&](auto done) { store().CreateParticipant(Org(tenant), p, done); });
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->id : "";
  }

  absl::StatusCode GetCode(const std::string& tenant, const std::string& id) {
    return st::Await<st::Participant>(
               [&](auto done) { store().GetParticipant(Org(tenant), id, done); })
        .status()
        .code();
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<st::CaseStore> store_;
};

TEST_P(RetentionTest, ErasesOnlyParticipantsClosedLongerThanThePeriod) {
  using State = st::ParticipantState;
  // Period 30 days, today 10 June 2026: the cutoff day is 10 June - 30 days = 11 May. Closed
  // before 11 May is due; closed on 11 May (exactly 30 days) or later is kept.
  const std::string old_a = Add("org-a", State::kClosed, st::Date{2025, 12, 31}, "Oud A");
  const std::string just_due = Add("org-a", State::kClosed, st::Date{2026, 5, 10}, "Net te oud");
  const std::string on_cutoff = Add("org-a", State::kClosed, st::Date{2026, 5, 11}, "Precies 30");
  const std::string recent = Add("org-a", State::kClosed, st::Date{2026, 6, 1}, "Recent dicht");
  const std::string active = Add("org-a", State::kActive, st::Date{}, "Actief");
  const std::string paused = Add("org-a", State::kPaused, st::Date{}, "Gepauzeerd");
  const std::string undated = Add("org-a", State::kClosed, st::Date{}, "Dicht zonder datum");
  const std::string old_b = Add("org-b", State::kClosed, st::Date{2026, 1, 15}, "Oud B");

  RetentionReport report = RunRetention(store(), 30, June10(), /*page_size=*/1);
  EXPECT_TRUE(report.first_error.ok()) << report.first_error;
  EXPECT_EQ(report.cutoff, (st::Date{2026, 5, 11}));
  EXPECT_EQ(report.due, 3);
  EXPECT_EQ(report.erased, 3);
  EXPECT_EQ(report.skipped, 0);
  EXPECT_EQ(report.failed, 0);

  EXPECT_EQ(GetCode("org-a", old_a), absl::StatusCode::kNotFound);
  EXPECT_EQ(GetCode("org-a", just_due), absl::StatusCode::kNotFound);
  EXPECT_EQ(GetCode("org-b", old_b), absl::StatusCode::kNotFound);
  for (const std::string& kept : {on_cutoff, recent, active, paused, undated}) {
    EXPECT_EQ(GetCode("org-a", kept), absl::StatusCode::kOk) << kept;
  }

  // Each erasure has its own access-log entry, by the retention job, in its organisation.
  absl::StatusOr<st::Page<st::AuditEvent>> log = st::Await<st::Page<st::AuditEvent>>(
      [&](auto done) { store().ListAuditEvents(Org("org-b"), old_b, st::PageRequest{}, done); });
  ASSERT_TRUE(log.ok()) << log.status();
  int erasures = 0;
  for (const st::AuditEvent& e : log->items) {
    if (e.actor == kRetentionActor) {
      ++erasures;
      EXPECT_EQ(e.method, "/kompas.caserecord.v1.CaseRecordService/EraseParticipant");
      EXPECT_EQ(e.resource, absl::StrCat("participants/", old_b));
      EXPECT_EQ(e.status_code, 0);
    }
  }
  EXPECT_EQ(erasures, 1);

  // The tombstone keeps why: retention (caserecord.proto ERASURE_REASON_RETENTION_EXPIRED = 2).
  int64_t reason = -1;
  ASSERT_TRUE(st::AwaitStatus([&](st::DoneStatus done) {
                store().RunOnReader(
                    [&](st::SqlConnection& c) -> absl::Status {
                      absl::StatusOr<std::vector<st::SqlRow>> rows = c.Query(
                          "SELECT reason FROM erased_participants WHERE tenant = $1 AND "
                          "id = $2",
                          {std::string("org-b"), old_b});
                      if (!rows.ok()) return rows.status();
                      if (rows->size() != 1) return absl::NotFoundError("no tombstone");
                      reason = rows->front().Int(0);
                      return absl::OkStatus();
                    },
                    done);
              }).ok());
  EXPECT_EQ(reason, 2);

  // A second run finds nothing more to do.
  RetentionReport again = RunRetention(store(), 30, June10());
  EXPECT_EQ(again.due, 0);
  EXPECT_EQ(again.erased, 0);
  // A day later the one closed on 11 May is due (closed 31 days ago).
  RetentionReport next_day = RunRetention(store(), 30, June10() + absl::Hours(24));
  EXPECT_EQ(next_day.erased, 1);
  EXPECT_EQ(GetCode("org-a", on_cutoff), absl::StatusCode::kNotFound);
  EXPECT_EQ(GetCode("org-a", recent), absl::StatusCode::kOk);
}

TEST_P(RetentionTest, ZeroDaysIsOff) {
  const std::string old =
      Add("org-a", st::ParticipantState::kClosed, st::Date{2024, 2, 1}, "Heel oud");
  RetentionReport report = RunRetention(store(), 0, June10());
  EXPECT_EQ(report.due, 0);
  EXPECT_EQ(GetCode("org-a", old), absl::StatusCode::kOk);
  // The job with 0 days starts no thread and never reports.
  std::atomic<int> runs{0};
  {
    RetentionOptions options;
    options.closed_days = 0;
    options.interval = absl::Milliseconds(1);
    RetentionJob job(store(), options, [&](const RetentionReport&) { ++runs; });
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(runs.load(), 0);
  EXPECT_EQ(GetCode("org-a", old), absl::StatusCode::kOk);
}

TEST_P(RetentionTest, TheJobRunsAtStartAndEveryInterval) {
  const std::string old =
      Add("org-a", st::ParticipantState::kClosed, st::Date{2025, 1, 1}, "Oud genoeg");
  std::atomic<int> runs{0};
  std::atomic<int> erased{0};
  absl::Notification second_run;
  {
    RetentionOptions options;
    options.closed_days = 365;  // Cutoff 10 June 2025: 1 January 2025 is due.
    options.interval = absl::Milliseconds(20);
    options.now = [] { return June10(); };
    RetentionJob job(store(), options, [&](const RetentionReport& r) {
      erased += r.erased;
      if (++runs == 2) second_run.Notify();
    });
    ASSERT_TRUE(second_run.WaitForNotificationWithTimeout(absl::Seconds(30)));
  }
  EXPECT_EQ(erased.load(), 1);  // The first run erased it; later runs found nothing.
  EXPECT_EQ(GetCode("org-a", old), absl::StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Engines, RetentionTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const ::testing::TestParamInfo<Engine>& param) {
                           return param.param == Engine::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace kompas::caserecord
