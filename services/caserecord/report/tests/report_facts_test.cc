// QueryReportFacts on both engines: participants of two organisations made through the
// CaseStore API with consents, assessments, compass snapshots and outcomes; the facts of the
// first quarter of 2025 worked out by hand.
#include "services/caserecord/report/report_facts.h"

#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <string>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/caserecord/report/network_report.h"
#include "services/caserecord/storage/store.h"
#include "services/caserecord/storage/sync.h"
#include "services/caserecord/tests/store_test_support.h"

namespace kompas::caserecord::report {
namespace {

using storage::Assessment;
using storage::Await;
using storage::AwaitStatus;
using storage::CallContext;
using storage::CaseStore;
using storage::CompassSnapshot;
using storage::Consent;
using storage::ConsentPurpose;
using storage::Date;
using storage::KeyRing;
using storage::Outcome;
using storage::OutcomeType;
using storage::Participant;
using storage::ParticipantState;
using storage::Pillar;
using storage::SqlConnection;
using storage::StoreOptions;
using storage::testing::Engine;
using storage::testing::TestDatabase;

absl::Time Utc(int y, int m, int d, int hh = 12, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), absl::UTCTimeZone());
}

CallContext Org(const std::string& tenant) {
  return CallContext{tenant, "tok-1", "mentor-1", "/kompas.caserecord.v1.CaseRecordService/Test"};
}

class ReportFactsTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<TestDatabase>> db = TestDatabase::Create(
        GetParam(), ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    StoreOptions options;
    options.keys = KeyRing::Random();
    // A clock the test sets (compass snapshots are dated by their creation day); every reading
    // a microsecond later, so creation times are distinct.
    options.now = [this] { return absl::FromUnixMicros(now_us_.fetch_add(1)); };
    SetClock(Utc(2025, 6, 1));
    absl::StatusOr<std::unique_ptr<CaseStore>> store = db_->Open(std::move(options));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  void SetClock(absl::Time t) { now_us_ = absl::ToUnixMicros(t); }

  std::string NewParticipant(const CallContext& ctx, const std::string& gemeente, Date intake,
                             Date closed = {}) {
    Participant p;
    p.gemeente_code = gemeente;
    p.intake_date = intake;
    if (!closed.empty()) {
      p.state = ParticipantState::kClosed;
      p.close_date = closed;
    }
    absl::StatusOr<Participant> made =
        Await<Participant>([&](auto done) { store_->CreateParticipant(ctx, p, done); });
    EXPECT_TRUE(made.ok()) << made.status();
    return made.ok() ? made->id : "";
  }

  std::string Consents(const CallContext& ctx, const std::string& pid, ConsentPurpose purpose,
                       Date granted) {
    Consent c;
    c.purpose = purpose;
    c.grant_date = granted;
    absl::StatusOr<Consent> made =
        Await<Consent>([&](auto done) { store_->CreateConsent(ctx, pid, c, done); });
    EXPECT_TRUE(made.ok()) << made.status();
    return made.ok() ? made->id : "";
  }

  void Withdraw(const CallContext& ctx, const std::string& pid, const std::string& consent_id) {
    absl::StatusOr<Consent> withdrawn = Await<Consent>([&](auto done) {
      store_->WithdrawConsent(ctx, pid, consent_id, Date{2025, 5, 1}, "", done);
    });
    EXPECT_TRUE(withdrawn.ok()) << withdrawn.status();
  }

  void Assess(const CallContext& ctx, const std::string& pid, Date date,
              std::array<int, 5> levels) {
    Assessment a;
    a.assessment_date = date;
    for (int p = 0; p < 5; ++p) {
      a.levels.push_back({static_cast<Pillar>(p + 1), levels[static_cast<size_t>(p)]});
    }
    absl::StatusOr<Assessment> made =
        Await<Assessment>([&](auto done) { store_->CreateAssessment(ctx, pid, a, done); });
    EXPECT_TRUE(made.ok()) << made.status();
  }

  void Snapshot(const CallContext& ctx, const std::string& pid, absl::Time at, bool lonend) {
    SetClock(at);
    CompassSnapshot s;
    s.question_kind = storage::SnapshotQuestion::kMatch;
    s.question = "q";
    s.answer = "a";
    s.lonend = lonend;
    absl::StatusOr<CompassSnapshot> made = Await<CompassSnapshot>(
        [&](auto done) { store_->CreateCompassSnapshot(ctx, pid, s, done); });
    EXPECT_TRUE(made.ok()) << made.status();
    SetClock(Utc(2025, 6, 1));
  }

  void AddOutcome(const CallContext& ctx, const std::string& pid, OutcomeType type, Date date) {
    Outcome o;
    o.type = type;
    o.outcome_date = date;
    absl::StatusOr<Outcome> made =
        Await<Outcome>([&](auto done) { store_->CreateOutcome(ctx, pid, o, done); });
    EXPECT_TRUE(made.ok()) << made.status();
  }

  // The facts of the first quarter of 2025, by participant id.
  std::map<std::string, ParticipantFacts> FirstQuarter() {
    std::vector<ParticipantFacts> facts;
    const absl::Status s = AwaitStatus([&](auto done) {
      store_->RunOnReader(
          [&facts](SqlConnection& c) {
            absl::StatusOr<std::vector<ParticipantFacts>> f =
                QueryReportFacts(c, Period{20250101, 20250331});
            if (!f.ok()) return f.status();
            facts = *std::move(f);
            return absl::OkStatus();
          },
          done);
    });
    EXPECT_TRUE(s.ok()) << s;
    std::map<std::string, ParticipantFacts> by_id;
    for (ParticipantFacts& f : facts) by_id[f.participant_id] = f;
    EXPECT_EQ(by_id.size(), facts.size());
    return by_id;
  }

  std::atomic<int64_t> now_us_{0};
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<CaseStore> store_;
};

void ExpectPillar(const ParticipantFacts& f, int pillar, int assessments, int first, int last) {
  const PillarFacts& p = f.pillars[static_cast<size_t>(pillar - 1)];
  EXPECT_EQ(p.assessments, assessments) << f.participant_id << " pillar " << pillar;
  EXPECT_EQ(p.first_level, first) << f.participant_id << " pillar " << pillar;
  EXPECT_EQ(p.last_level, last) << f.participant_id << " pillar " << pillar;
}

TEST_P(ReportFactsTest, FactsOfTheConsentingActiveParticipantsOfAllOrganisations) {
  const CallContext a = Org("org-a");
  const CallContext b = Org("org-b");
  const ConsentPurpose kEval = ConsentPurpose::kNetworkEvaluation;

  // a1: active all quarter, with records in and around it.
  const std::string a1 = NewParticipant(a, "GM0014", Date{2024, 11, 15});
  Consents(a, a1, kEval, Date{2024, 11, 15});
  Assess(a, a1, Date{2024, 12, 1}, {3, 3, 3, 3, 3});  // before the quarter
  Assess(a, a1, Date{2025, 2, 20}, {2, 2, 4, 4, 3});  // created before the January one
  Assess(a, a1, Date{2025, 1, 10}, {1, 2, 3, 4, 5});
  Assess(a, a1, Date{2025, 5, 1}, {5, 5, 5, 5, 5});  // after it
  Snapshot(a, a1, Utc(2025, 1, 5), true);
  Snapshot(a, a1, Utc(2025, 3, 30), false);
  Snapshot(a, a1, Utc(2025, 4, 2), true);  // after the quarter
  AddOutcome(a, a1, OutcomeType::kJobStarted, Date{2025, 2, 1});
  AddOutcome(a, a1, OutcomeType::kJobEnded, Date{2025, 3, 1});  // not a report figure
  AddOutcome(a, a1, OutcomeType::kTrainingCompleted, Date{2025, 3, 31});
  AddOutcome(a, a1, OutcomeType::kLeftBijstand, Date{2024, 12, 31});  // before
  AddOutcome(a, a1, OutcomeType::kDebtsResolved, Date{2025, 4, 1});   // after
  // a2: intake in February, evaluation consent (withdrawn below), no records.
  const std::string a2 = NewParticipant(a, "GM0363", Date{2025, 2, 1});
  const std::string a2_consent = Consents(a, a2, kEval, Date{2025, 2, 1});
  // a3: only the consent to keep a record.
  const std::string a3 = NewParticipant(a, "GM0014", Date{2025, 1, 1});
  Consents(a, a3, ConsentPurpose::kKeepRecord, Date{2025, 1, 1});
  // a4: intake after the quarter.
  const std::string a4 = NewParticipant(a, "GM0014", Date{2025, 4, 10});
  Consents(a, a4, kEval, Date{2025, 4, 10});
  // a5: closed before the quarter.
  const std::string a5 = NewParticipant(a, "GM0014", Date{2024, 6, 1}, Date{2024, 12, 31});
  Consents(a, a5, kEval, Date{2024, 6, 1});
  // a6: closed in the quarter; two assessments on one day, in creation order.
  const std::string a6 = NewParticipant(a, "GM0935", Date{2024, 6, 1}, Date{2025, 1, 15});
  Consents(a, a6, kEval, Date{2024, 6, 1});
  Assess(a, a6, Date{2025, 1, 10}, {1, 1, 1, 1, 1});
  Assess(a, a6, Date{2025, 1, 10}, {2, 2, 2, 2, 2});
  // a7: no consent at all.
  NewParticipant(a, "GM0014", Date{2025, 1, 1});
  // b1 (the other organisation): intake on the quarter's last day, a withdrawn and a given
  // evaluation consent; one assessment; a snapshot made at 00:30 on 1 April Dutch time (22:30
  // UTC on 31 March) is dated 1 April, outside the quarter.
  const std::string b1 = NewParticipant(b, "GM0014", Date{2025, 3, 31});
  Withdraw(b, b1, Consents(b, b1, kEval, Date{2025, 3, 31}));
  Consents(b, b1, kEval, Date{2025, 3, 31});
  Assess(b, b1, Date{2025, 3, 31}, {4, 3, 2, 1, 5});
  Snapshot(b, b1, Utc(2025, 3, 31, 22, 30), true);

  std::map<std::string, ParticipantFacts> facts = FirstQuarter();
  ASSERT_EQ(facts.size(), 4u);
  ASSERT_TRUE(facts.contains(a1) && facts.contains(a2) && facts.contains(a6) && facts.contains(b1));

  const ParticipantFacts& f1 = facts[a1];
  EXPECT_EQ(f1.tenant, "org-a");
  EXPECT_EQ(f1.gemeente_code, "GM0014");
  EXPECT_EQ(f1.intake_month, 202411);
  // January (1,2,3,4,5) first, February (2,2,4,4,3) last.
  ExpectPillar(f1, 1, 2, 1, 2);
  ExpectPillar(f1, 2, 2, 2, 2);
  ExpectPillar(f1, 3, 2, 3, 4);
  ExpectPillar(f1, 4, 2, 4, 4);
  ExpectPillar(f1, 5, 2, 5, 3);
  EXPECT_EQ(f1.snapshots, 2);
  EXPECT_FALSE(f1.last_snapshot_lonend);  // 30 March, not lonend
  EXPECT_TRUE(f1.job_started);
  EXPECT_TRUE(f1.training_completed);
  EXPECT_FALSE(f1.left_bijstand);
  EXPECT_FALSE(f1.debts_resolved);

  const ParticipantFacts& f2 = facts[a2];
  EXPECT_EQ(f2.gemeente_code, "GM0363");
  EXPECT_EQ(f2.intake_month, 202502);
  ExpectPillar(f2, 1, 0, 0, 0);
  EXPECT_EQ(f2.snapshots, 0);
  EXPECT_FALSE(f2.job_started || f2.left_bijstand || f2.debts_resolved || f2.training_completed);

  const ParticipantFacts& f6 = facts[a6];
  EXPECT_EQ(f6.intake_month, 202406);
  for (int p = 1; p <= 5; ++p) ExpectPillar(f6, p, 2, 1, 2);

  const ParticipantFacts& g1 = facts[b1];
  EXPECT_EQ(g1.tenant, "org-b");
  EXPECT_EQ(g1.intake_month, 202503);
  ExpectPillar(g1, 1, 1, 4, 4);
  ExpectPillar(g1, 4, 1, 1, 1);
  EXPECT_EQ(g1.snapshots, 0);

  // Withdrawing a2's evaluation consent takes a2 out of the next report.
  Withdraw(a, a2, a2_consent);
  facts = FirstQuarter();
  EXPECT_EQ(facts.size(), 3u);
  EXPECT_FALSE(facts.contains(a2));
  EXPECT_TRUE(facts.contains(a1) && facts.contains(a6) && facts.contains(b1));
}

TEST_P(ReportFactsTest, ErasedParticipantIsGone) {
  const CallContext a = Org("org-a");
  const std::string a1 = NewParticipant(a, "GM0014", Date{2025, 1, 2});
  Consents(a, a1, ConsentPurpose::kNetworkEvaluation, Date{2025, 1, 2});
  ASSERT_EQ(FirstQuarter().size(), 1u);
  absl::StatusOr<storage::EraseResult> erased = Await<storage::EraseResult>([&](auto done) {
    store_->EraseParticipant(a, a1, "", storage::ErasureReason::kParticipantRequest, done);
  });
  ASSERT_TRUE(erased.ok()) << erased.status();
  EXPECT_TRUE(FirstQuarter().empty());
}

// The service's glue: validation before the database, then the report from a reader.
TEST_P(ReportFactsTest, RunNetworkReportReadsAndProtects) {
  absl::StatusOr<RegionMap> regions = ParseRegions(
      "gm_code,gemeente_naam,am_code,am_naam\nGM0014,Groningen,AM01,Groningen\n"
      "GM0935,Maastricht,AM33,Zuid-Limburg\n",
      "regions.csv");
  ASSERT_TRUE(regions.ok()) << regions.status();
  auto shared = std::make_shared<const RegionMap>(*std::move(regions));
  // 12 participants in Groningen, 3 in Maastricht (intake January 2025), all consenting.
  for (int i = 0; i < 15; ++i) {
    const CallContext ctx = Org(i % 2 ? "org-a" : "org-b");
    const std::string id = NewParticipant(ctx, i < 12 ? "GM0014" : "GM0935", Date{2025, 1, 6});
    Consents(ctx, id, ConsentPurpose::kNetworkEvaluation, Date{2025, 1, 6});
  }
  auto run = [&](v1::GetNetworkReportRequest request) {
    std::promise<absl::StatusOr<v1::NetworkReport>> promise;
    RunNetworkReport(
        *store_, shared, std::move(request), Utc(2025, 6, 1),
        [&promise](absl::StatusOr<v1::NetworkReport> r) { promise.set_value(std::move(r)); });
    return promise.get_future().get();
  };
  v1::GetNetworkReportRequest request;
  request.mutable_period_start()->set_year(2025);
  request.mutable_period_start()->set_month(1);
  request.mutable_period_end()->set_year(2025);
  request.mutable_period_end()->set_month(3);
  request.set_group_by_region(true);
  absl::StatusOr<v1::NetworkReport> report = run(request);
  ASSERT_TRUE(report.ok()) << report.status();
  // AM01 12, AM33 3 (primary), total 15: AM01 = 15 - 3 would give AM33 away, so with one
  // cohort the region rows are both hidden and only the total is shown.
  ASSERT_EQ(report->rows_size(), 3);
  EXPECT_EQ(report->rows(0).region(), "regions/AM01");
  EXPECT_EQ(report->rows(0).participants().suppression(), v1::SUPPRESSION_COMPLEMENTARY);
  EXPECT_EQ(report->rows(1).region(), "regions/AM33");
  EXPECT_EQ(report->rows(1).participants().suppression(), v1::SUPPRESSION_PRIMARY);
  EXPECT_EQ(report->rows(2).participants().value(), 15);
  // Two quarters: refused before reading.
  request.mutable_period_end()->set_month(6);
  EXPECT_EQ(run(request).status().code(), absl::StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Engines, ReportFactsTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const ::testing::TestParamInfo<Engine>& param) {
                           return param.param == Engine::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace kompas::caserecord::report
