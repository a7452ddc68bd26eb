// The case-record store against both engines: every test of StoreTest runs once on a SQLite
// file and once on a fresh PostgreSQL database (the ctest fixture `postgres`).
#include "services/caserecord/storage/store.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/caserecord/storage/crypto.h"
#include "services/caserecord/storage/sql.h"
#include "services/caserecord/storage/sync.h"
#include "services/caserecord/tests/store_test_support.h"

namespace kompas::caserecord::storage {
namespace {

using testing::Engine;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using testing::TestDatabase;

constexpr char kBsnA[] = "111222333";  // Passes the elfproef.
constexpr char kBsnB[] = "123456782";  // Passes the elfproef.

CallContext Tenant(const std::string& tenant, const std::string& actor = "mentor-1") {
  return CallContext{tenant, "tok-1", actor, "/kompas.caserecord.v1.CaseRecordService/Test"};
}

Participant NewParticipant(const std::string& name = "Fatima", const std::string& bsn = "") {
  Participant p;
  p.display_name = name;
  p.contact.phone = "0612345678";
  p.contact.email = "f@example.org";
  p.bsn = bsn;
  p.gemeente_code = "GM0014";
  p.intake_date = Date{2025, 3, 1};
  return p;
}

Session NewSession(Date date = Date{2025, 4, 1}, const std::string& notes = "Talked about work") {
  Session s;
  s.session_date = date;
  s.duration_minutes = 45;
  s.mode = SessionMode::kInPerson;
  s.pillars = {Pillar::kEmploymentCareer, Pillar::kWellBeing};
  s.notes = notes;
  return s;
}

Assessment NewAssessment(Date date, int employment_level) {
  Assessment a;
  a.assessment_date = date;
  a.levels = {{Pillar::kFamilyStability, 3},
              {Pillar::kWellBeing, 2},
              {Pillar::kEducationTraining, 2},
              {Pillar::kFinancialManagement, 1},
              {Pillar::kEmploymentCareer, employment_level}};
  a.notes = "First assessment";
  return a;
}

Goal NewGoal() {
  Goal g;
  g.pillar = Pillar::kEducationTraining;
  g.title = "Finish the MBO 2 course";
  g.done_when = "Diploma";
  g.target_date = Date{2025, 12, 1};
  g.reward = "A dinner out";
  GoalStep step;
  step.title = "Enrol";
  step.due_date = Date{2025, 5, 1};
  g.steps.push_back(step);
  return g;
}

Consent NewConsent() {
  Consent c;
  c.purpose = ConsentPurpose::kNetworkEvaluation;
  c.grant_date = Date{2025, 3, 1};
  c.evidence = "getekend formulier";
  return c;
}

// Whether `haystack` contains the bytes of `needle`.
bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class StoreTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<TestDatabase>> db = TestDatabase::Create(
        GetParam(), ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    keys_ = KeyRing::Random();
    Reopen();
  }

  StoreOptions Options() {
    StoreOptions options;
    options.keys = keys_;
    options.now = [] {
      return absl::FromCivil(absl::CivilSecond(2025, 6, 1, 12, 0, 0), absl::UTCTimeZone()) +
             absl::Microseconds(clock_us_.fetch_add(1));
    };
    return options;
  }

  void Reopen(StoreOptions options) {
    store_.reset();
    absl::StatusOr<std::unique_ptr<CaseStore>> store = db_->Open(std::move(options));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  void Reopen() { Reopen(Options()); }

  CaseStore& store() { return *store_; }

  // Blocking calls.
  absl::StatusOr<Participant> Create(const CallContext& ctx, Participant p) {
    return Await<Participant>([&](auto done) { store().CreateParticipant(ctx, p, done); });
  }
  absl::StatusOr<Participant> Get(const CallContext& ctx, const std::string& id) {
    return Await<Participant>([&](auto done) { store().GetParticipant(ctx, id, done); });
  }
  absl::StatusOr<Participant> Update(const CallContext& ctx, Participant p, FieldMask mask) {
    return Await<Participant>([&](auto done) { store().UpdateParticipant(ctx, p, mask, done); });
  }
  absl::StatusOr<Page<Participant>> List(const CallContext& ctx, ParticipantFilter filter = {},
                                         PageRequest page = {}) {
    return Await<Page<Participant>>(
        [&](auto done) { store().ListParticipants(ctx, filter, page, done); });
  }
  absl::StatusOr<Session> AddSession(const CallContext& ctx, const std::string& pid, Session s) {
    return Await<Session>([&](auto done) { store().CreateSession(ctx, pid, s, done); });
  }
  absl::StatusOr<Page<AuditEvent>> Audit(const CallContext& ctx, const std::string& pid,
                                         PageRequest page = {}) {
    return Await<Page<AuditEvent>>(
        [&](auto done) { store().ListAuditEvents(ctx, pid, page, done); });
  }
  absl::StatusOr<EraseResult> Erase(const CallContext& ctx, const std::string& id,
                                    const std::string& etag = "") {
    return Await<EraseResult>([&](auto done) {
      store().EraseParticipant(ctx, id, etag, ErasureReason::kParticipantRequest, done);
    });
  }

  static inline std::atomic<int64_t> clock_us_{0};
  std::unique_ptr<TestDatabase> db_;
  std::shared_ptr<const KeyRing> keys_;
  std::unique_ptr<CaseStore> store_;
};

TEST_P(StoreTest, ParticipantLifecycle) {
  const CallContext a = Tenant("org-a");
  absl::StatusOr<Participant> created = Create(a, NewParticipant("Fatima", kBsnA));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE(created->id.empty());
  EXPECT_TRUE(created->bsn.empty());
  EXPECT_TRUE(created->bsn_on_file);
  EXPECT_EQ(created->mentor, "mentor-1");  // Unset = the calling actor.
  EXPECT_EQ(created->state, ParticipantState::kActive);

  absl::StatusOr<Participant> got = Get(a, created->id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->display_name, "Fatima");
  EXPECT_EQ(got->contact, created->contact);
  EXPECT_TRUE(got->bsn.empty());
  EXPECT_TRUE(got->bsn_on_file);
  EXPECT_EQ(got->etag, created->etag);
  EXPECT_EQ(got->intake_date, (Date{2025, 3, 1}));

  absl::StatusOr<Participant> found =
      Await<Participant>([&](auto done) { store().LookupParticipant(a, kBsnA, done); });
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->id, created->id);
  EXPECT_EQ(Await<Participant>([&](auto done) { store().LookupParticipant(a, kBsnB, done); })
                .status()
                .code(),
            absl::StatusCode::kNotFound);

  // A field-mask update changes only the named fields.
  Participant change;
  change.id = created->id;
  change.etag = got->etag;
  change.display_name = "Fatima B.";
  change.mentor = "someone-else";  // Not in the mask: ignored.
  absl::StatusOr<Participant> updated = Update(a, change, {"display_name"});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->display_name, "Fatima B.");
  EXPECT_EQ(updated->mentor, "mentor-1");
  EXPECT_EQ(updated->contact, created->contact);
  EXPECT_NE(updated->etag, got->etag);
  absl::StatusOr<Participant> reread = Get(a, created->id);
  ASSERT_TRUE(reread.ok());
  EXPECT_EQ(reread->display_name, "Fatima B.");
  EXPECT_EQ(reread->etag, updated->etag);
  EXPECT_GT(reread->update_time, reread->create_time);

  // The record under it.
  absl::StatusOr<Consent> consent =
      Await<Consent>([&](auto done) { store().CreateConsent(a, created->id, NewConsent(), done); });
  ASSERT_TRUE(consent.ok()) << consent.status();
  EXPECT_EQ(consent->state, ConsentState::kGiven);
  EXPECT_EQ(consent->recorded_by, "mentor-1");
  absl::StatusOr<Assessment> assessment = Await<Assessment>([&](auto done) {
    store().CreateAssessment(a, created->id, NewAssessment(Date{2025, 3, 2}, 2), done);
  });
  ASSERT_TRUE(assessment.ok()) << assessment.status();
  EXPECT_EQ(assessment->total_score, 10);
  absl::StatusOr<Goal> goal =
      Await<Goal>([&](auto done) { store().CreateGoal(a, created->id, NewGoal(), done); });
  ASSERT_TRUE(goal.ok()) << goal.status();
  EXPECT_EQ(goal->state, GoalState::kOpen);
  ASSERT_THAT(goal->steps, SizeIs(1));
  EXPECT_FALSE(goal->steps[0].step_id.empty());
  absl::StatusOr<Session> session = AddSession(a, created->id, NewSession());
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ(session->mentor, "mentor-1");

  absl::StatusOr<Session> got_session =
      Await<Session>([&](auto done) { store().GetSession(a, created->id, session->id, done); });
  ASSERT_TRUE(got_session.ok()) << got_session.status();
  EXPECT_EQ(got_session->notes, "Talked about work");
  EXPECT_EQ(got_session->pillars, session->pillars);

  // Update the goal's steps (mask "steps"): the step keeps its id.
  Goal goal_change;
  goal_change.id = goal->id;
  goal_change.etag = goal->etag;
  goal_change.steps = goal->steps;
  goal_change.steps[0].done = true;
  goal_change.steps[0].done_date = Date{2025, 4, 30};
  goal_change.title = "ignored";
  absl::StatusOr<Goal> goal_updated = Await<Goal>(
      [&](auto done) { store().UpdateGoal(a, created->id, goal_change, {"steps"}, done); });
  ASSERT_TRUE(goal_updated.ok()) << goal_updated.status();
  EXPECT_TRUE(goal_updated->steps[0].done);
  EXPECT_EQ(goal_updated->steps[0].step_id, goal->steps[0].step_id);
  EXPECT_EQ(goal_updated->title, "Finish the MBO 2 course");

  // Timeline: consent and goal (created "today" = 2025-06-01) and the rest by their dates.
  absl::StatusOr<Page<TimelineEntry>> timeline =
      Await<Page<TimelineEntry>>([&](auto done) { store().GetTimeline(a, created->id, {}, done); });
  ASSERT_TRUE(timeline.ok()) << timeline.status();
  ASSERT_THAT(timeline->items, SizeIs(4));
  EXPECT_EQ(timeline->items[0].kind, TimelineEntry::Kind::kConsent);
  EXPECT_EQ(timeline->items[1].kind, TimelineEntry::Kind::kAssessment);
  EXPECT_EQ(timeline->items[2].kind, TimelineEntry::Kind::kSession);
  EXPECT_EQ(timeline->items[3].kind, TimelineEntry::Kind::kGoal);
  EXPECT_EQ(timeline->items[2].session.notes, "Talked about work");

  // Withdraw the consent; a second withdrawal is refused.
  absl::StatusOr<Consent> withdrawn = Await<Consent>([&](auto done) {
    store().WithdrawConsent(a, created->id, consent->id, Date{}, consent->etag, done);
  });
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->state, ConsentState::kWithdrawn);
  EXPECT_EQ(withdrawn->withdraw_date, (Date{2025, 6, 1}));
  EXPECT_EQ(Await<Consent>([&](auto done) {
              store().WithdrawConsent(a, created->id, consent->id, Date{}, "", done);
            })
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);

  // Delete the session.
  EXPECT_TRUE(AwaitStatus([&](auto done) {
                store().DeleteSession(a, created->id, session->id, session->etag, done);
              }).ok());
  EXPECT_EQ(
      Await<Session>([&](auto done) { store().GetSession(a, created->id, session->id, done); })
          .status()
          .code(),
      absl::StatusCode::kNotFound);

  // Erase: everything gone but the audit log.
  absl::StatusOr<EraseResult> erased = Erase(a, created->id);
  ASSERT_TRUE(erased.ok()) << erased.status();
  EXPECT_EQ(erased->resources_erased, 4);  // participant, consent, assessment, goal
  EXPECT_EQ(Get(a, created->id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Await<Goal>([&](auto done) { store().GetGoal(a, created->id, goal->id, done); })
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Await<Participant>([&](auto done) { store().LookupParticipant(a, kBsnA, done); })
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<Page<AuditEvent>> audit = Audit(a, created->id, {1000, ""});
  ASSERT_TRUE(audit.ok()) << audit.status();
  ASSERT_GE(audit->items.size(), 15u);
  EXPECT_THAT(audit->items.front().resource, HasSubstr(created->id));  // The erasure, newest.
  EXPECT_EQ(audit->items.back().resource, absl::StrCat("participants/", created->id));
  EXPECT_EQ(audit->items.back().token_id, "tok-1");
  EXPECT_EQ(audit->items.back().actor, "mentor-1");
  for (const AuditEvent& e : audit->items) {
    EXPECT_FALSE(Contains(e.resource, "Fatima"));
  }
}

TEST_P(StoreTest, WhatAWriteReturnsIsWhatAReadReturns) {
  // A clock finer than the database keeps (nanoseconds): the times a create or update answers
  // must be the stored ones, not the clock's.
  StoreOptions options = Options();
  options.now = [] { return absl::FromUnixNanos(1'780'000'000'123'456'789); };
  Reopen(options);
  const CallContext a = Tenant("org-a");
  absl::StatusOr<Participant> created = Create(a, NewParticipant());
  ASSERT_TRUE(created.ok()) << created.status();
  absl::StatusOr<Participant> got = Get(a, created->id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->create_time, created->create_time);
  EXPECT_EQ(got->update_time, created->update_time);
  absl::StatusOr<Session> session = AddSession(a, created->id, NewSession(Date{2025, 5, 1}, "n"));
  ASSERT_TRUE(session.ok()) << session.status();
  absl::StatusOr<Session> got_session =
      Await<Session>([&](auto done) { store().GetSession(a, created->id, session->id, done); });
  ASSERT_TRUE(got_session.ok()) << got_session.status();
  EXPECT_EQ(got_session->create_time, session->create_time);
  EXPECT_EQ(got_session->update_time, session->update_time);
}

TEST_P(StoreTest, CrossTenantEverythingIsNotFound) {
  const CallContext a = Tenant("org-a");
  const CallContext b = Tenant("org-b");
  absl::StatusOr<Participant> p = Create(a, NewParticipant("Anouk", kBsnA));
  ASSERT_TRUE(p.ok()) << p.status();
  absl::StatusOr<Session> s = AddSession(a, p->id, NewSession());
  ASSERT_TRUE(s.ok());
  absl::StatusOr<Consent> c =
      Await<Consent>([&](auto done) { store().CreateConsent(a, p->id, NewConsent(), done); });
  ASSERT_TRUE(c.ok());
  absl::StatusOr<Goal> g =
      Await<Goal>([&](auto done) { store().CreateGoal(a, p->id, NewGoal(), done); });
  ASSERT_TRUE(g.ok());
  absl::StatusOr<Assessment> as = Await<Assessment>([&](auto done) {
    store().CreateAssessment(a, p->id, NewAssessment(Date{2025, 3, 2}, 2), done);
  });
  ASSERT_TRUE(as.ok());

  const auto kNotFound = absl::StatusCode::kNotFound;
  EXPECT_EQ(Get(b, p->id).status().code(), kNotFound);
  Participant change = *p;
  EXPECT_EQ(Update(b, change, {"display_name"}).status().code(), kNotFound);
  EXPECT_EQ(Await<Participant>([&](auto done) { store().LookupParticipant(b, kBsnA, done); })
                .status()
                .code(),
            kNotFound);
  absl::StatusOr<Page<Participant>> listed = List(b);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->items.empty());
  EXPECT_EQ(Erase(b, p->id).status().code(), kNotFound);
  EXPECT_EQ(AddSession(b, p->id, NewSession()).status().code(), kNotFound);
  EXPECT_EQ(
      Await<Session>([&](auto done) { store().GetSession(b, p->id, s->id, done); }).status().code(),
      kNotFound);
  EXPECT_EQ(Await<Page<Session>>([&](auto done) { store().ListSessions(b, p->id, {}, done); })
                .status()
                .code(),
            kNotFound);
  EXPECT_EQ(Await<Session>([&](auto done) { store().UpdateSession(b, p->id, *s, {"notes"}, done); })
                .status()
                .code(),
            kNotFound);
  EXPECT_EQ(
      AwaitStatus([&](auto done) { store().DeleteSession(b, p->id, s->id, "", done); }).code(),
      kNotFound);
  EXPECT_EQ(
      Await<Consent>([&](auto done) { store().GetConsent(b, p->id, c->id, done); }).status().code(),
      kNotFound);
  EXPECT_EQ(
      Await<Consent>([&](auto done) { store().WithdrawConsent(b, p->id, c->id, Date{}, "", done); })
          .status()
          .code(),
      kNotFound);
  EXPECT_EQ(Await<Page<Consent>>([&](auto done) { store().ListConsents(b, p->id, {}, done); })
                .status()
                .code(),
            kNotFound);
  EXPECT_EQ(Await<Goal>([&](auto done) { store().GetGoal(b, p->id, g->id, done); }).status().code(),
            kNotFound);
  EXPECT_EQ(Await<Goal>([&](auto done) { store().UpdateGoal(b, p->id, *g, {"title"}, done); })
                .status()
                .code(),
            kNotFound);
  EXPECT_EQ(AwaitStatus([&](auto done) { store().DeleteGoal(b, p->id, g->id, "", done); }).code(),
            kNotFound);
  EXPECT_EQ(Await<Page<Goal>>([&](auto done) { store().ListGoals(b, p->id, {}, {}, done); })
                .status()
                .code(),
            kNotFound);
  EXPECT_EQ(Await<Assessment>([&](auto done) { store().GetAssessment(b, p->id, as->id, done); })
                .status()
                .code(),
            kNotFound);
  EXPECT_EQ(Await<Assessment>(
                [&](auto done) { store().UpdateAssessment(b, p->id, *as, {"notes"}, done); })
                .status()
                .code(),
            kNotFound);
  EXPECT_EQ(
      AwaitStatus([&](auto done) { store().DeleteAssessment(b, p->id, as->id, "", done); }).code(),
      kNotFound);
  EXPECT_EQ(Await<Page<Assessment>>([&](auto done) { store().ListAssessments(b, p->id, {}, done); })
                .status()
                .code(),
            kNotFound);
  EXPECT_EQ(Await<Page<TimelineEntry>>([&](auto done) { store().GetTimeline(b, p->id, {}, done); })
                .status()
                .code(),
            kNotFound);
  EXPECT_EQ(Audit(b, p->id).status().code(), kNotFound);

  // B's attempts changed nothing of A's.
  absl::StatusOr<Participant> still = Get(a, p->id);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->etag, p->etag);
  EXPECT_TRUE(Await<Session>([&](auto done) { store().GetSession(a, p->id, s->id, done); }).ok());
  // The same BSN is a different person for B (no cross-organisation link).
  EXPECT_TRUE(Create(b, NewParticipant("Other", kBsnA)).ok());
}

// The BSN is never returned, so a Get–edit–Update with "*" (every field) sends it empty: that
// must keep the BSN on file, not clear it. Naming bsn does clear it. A mentor must be a
// pseudonymous id, never a name.
TEST_P(StoreTest, StarMaskKeepsTheBsnAndMentorIsAnId) {
  const CallContext a = Tenant("org-a");
  absl::StatusOr<Participant> p = Create(a, NewParticipant("Fatima", kBsnA));
  ASSERT_TRUE(p.ok()) << p.status();
  Participant edit = *Get(a, p->id);
  ASSERT_TRUE(edit.bsn.empty());
  edit.display_name = "Fatima B.";
  absl::StatusOr<Participant> updated = Update(a, edit, {"*"});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_TRUE(updated->bsn_on_file);
  EXPECT_EQ(Await<Participant>([&](auto done) { store().LookupParticipant(a, kBsnA, done); })->id,
            p->id);
  Participant clear = *updated;
  absl::StatusOr<Participant> cleared = Update(a, clear, {"bsn"});
  ASSERT_TRUE(cleared.ok()) << cleared.status();
  EXPECT_FALSE(cleared->bsn_on_file);

  Participant named = NewParticipant("Iemand");
  named.mentor = "Jan de Vries";
  absl::Status s = Create(a, named).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("participant.mentor"));
}

// A caseload page shows names: each participant on it gets an audit row, as for a Get (queued
// for the next group commit, not waited for); another participant's log is untouched by a list
// that did not show them.
TEST_P(StoreTest, ListingParticipantsIsAuditedPerParticipant) {
  const CallContext a = Tenant("org-a");
  absl::StatusOr<Participant> shown = Create(a, NewParticipant("Fatima"));
  absl::StatusOr<Participant> other = Create(Tenant("org-a", "mentor-2"), NewParticipant("Ali"));
  ASSERT_TRUE(shown.ok() && other.ok());
  const std::size_t before_shown = Audit(a, shown->id, {1000, ""})->items.size();
  const std::size_t before_other = Audit(a, other->id, {1000, ""})->items.size();
  ParticipantFilter mine;
  mine.mentor = "mentor-1";
  absl::StatusOr<Page<Participant>> page = List(a, mine);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 1u);
  absl::StatusOr<Page<AuditEvent>> log = Audit(a, shown->id, {1000, ""});
  for (int i = 0; i < 100 && log.ok() && log->items.size() < before_shown + 1; ++i) {
    absl::SleepFor(absl::Milliseconds(20));  // the row is in the next group commit
    log = Audit(a, shown->id, {1000, ""});
  }
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->items.size(), before_shown + 1);
  EXPECT_EQ(log->items.front().resource, absl::StrCat("participants/", shown->id));
  EXPECT_EQ(log->items.front().actor, "mentor-1");
  EXPECT_EQ(Audit(a, other->id, {1000, ""})->items.size(), before_other);
}

TEST_P(StoreTest, StaleEtagIsAborted) {
  const CallContext a = Tenant("org-a");
  absl::StatusOr<Participant> p = Create(a, NewParticipant());
  ASSERT_TRUE(p.ok());
  Participant first = *p;
  first.display_name = "One";
  ASSERT_TRUE(Update(a, first, {"display_name"}).ok());
  Participant second = *p;  // Still the old etag.
  second.display_name = "Two";
  absl::Status stale = Update(a, second, {"display_name"}).status();
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted) << stale;
  EXPECT_EQ(Erase(a, p->id, p->etag).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Get(a, p->id)->display_name, "One");

  absl::StatusOr<Session> s = AddSession(a, p->id, NewSession());
  ASSERT_TRUE(s.ok());
  Session change = *s;
  change.notes = "new";
  ASSERT_TRUE(Await<Session>([&](auto done) {
                store().UpdateSession(a, p->id, change, {"notes"}, done);
              }).ok());
  EXPECT_EQ(
      Await<Session>([&](auto done) { store().UpdateSession(a, p->id, change, {"notes"}, done); })
          .status()
          .code(),
      absl::StatusCode::kAborted);
  EXPECT_EQ(
      AwaitStatus([&](auto done) { store().DeleteSession(a, p->id, s->id, s->etag, done); }).code(),
      absl::StatusCode::kAborted);
  // Without an etag the last writer wins.
  change.etag.clear();
  EXPECT_TRUE(Await<Session>([&](auto done) {
                store().UpdateSession(a, p->id, change, {"notes"}, done);
              }).ok());
}

TEST_P(StoreTest, BadInputNamesTheField) {
  const CallContext a = Tenant("org-a");
  absl::Status bsn = Create(a, NewParticipant("X", "123456789")).status();
  EXPECT_EQ(bsn.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bsn.message(), HasSubstr("participant.bsn"));
  EXPECT_THAT(bsn.message(), ::testing::Not(HasSubstr("123456789")));  // Never echoed.
  absl::Status lookup = Await<Participant>([&](auto done) {
                          store().LookupParticipant(a, "12345678", done);
                        }).status();
  EXPECT_EQ(lookup.code(), absl::StatusCode::kInvalidArgument);
  Participant no_gemeente = NewParticipant();
  no_gemeente.gemeente_code.clear();
  EXPECT_THAT(Create(a, no_gemeente).status().message(), HasSubstr("participant.gemeente_code"));

  absl::StatusOr<Participant> p = Create(a, NewParticipant());
  ASSERT_TRUE(p.ok());
  absl::Status notes =
      AddSession(a, p->id, NewSession(Date{2025, 4, 1}, std::string(65537, 'x'))).status();
  EXPECT_EQ(notes.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(notes.message(), HasSubstr("session.notes"));
  EXPECT_TRUE(AddSession(a, p->id, NewSession(Date{2025, 4, 1}, std::string(65536, 'x'))).ok());
  EXPECT_THAT(AddSession(a, p->id, NewSession(Date{2025, 7, 1})).status().message(),
              HasSubstr("session.session_date: must not be in the future"));

  Assessment level = NewAssessment(Date{2025, 3, 1}, 6);
  absl::Status out_of_range = Await<Assessment>([&](auto done) {
                                store().CreateAssessment(a, p->id, level, done);
                              }).status();
  EXPECT_THAT(out_of_range.message(), HasSubstr("assessment.levels[4].level"));
  Assessment pillar = NewAssessment(Date{2025, 3, 1}, 2);
  pillar.levels[0].pillar = static_cast<Pillar>(9);
  EXPECT_THAT(
      Await<Assessment>([&](auto done) { store().CreateAssessment(a, p->id, pillar, done); })
          .status()
          .message(),
      HasSubstr("assessment.levels[0].pillar"));
  Goal no_date = NewGoal();
  no_date.target_date = Date{};
  EXPECT_THAT(Await<Goal>([&](auto done) { store().CreateGoal(a, p->id, no_date, done); })
                  .status()
                  .message(),
              HasSubstr("goal.target_date: is required"));

  Participant change = *p;
  absl::Status mask = Update(a, change, {"display_name", "etag"}).status();
  EXPECT_EQ(mask.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(mask.message(), HasSubstr("update_mask"));
  EXPECT_THAT(List(a, {}, {1001, ""}).status().message(), HasSubstr("page_size"));
  EXPECT_THAT(List(a, {}, {10, "garbage"}).status().message(), HasSubstr("page_token"));
}

TEST_P(StoreTest, DuplicateBsnIsAlreadyExists) {
  const CallContext a = Tenant("org-a");
  absl::StatusOr<Participant> p = Create(a, NewParticipant("One", kBsnA));
  ASSERT_TRUE(p.ok());
  absl::Status dup = Create(a, NewParticipant("Two", kBsnA)).status();
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(dup.message(), HasSubstr(p->id));
  // Adding a BSN later (mask "bsn").
  absl::StatusOr<Participant> q = Create(a, NewParticipant("Two"));
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(q->bsn_on_file);
  Participant change = *q;
  change.bsn = kBsnA;
  EXPECT_EQ(Update(a, change, {"bsn"}).status().code(), absl::StatusCode::kAlreadyExists);
  change.bsn = kBsnB;
  absl::StatusOr<Participant> with_bsn = Update(a, change, {"bsn"});
  ASSERT_TRUE(with_bsn.ok()) << with_bsn.status();
  EXPECT_TRUE(with_bsn->bsn_on_file);
  EXPECT_EQ(Await<Participant>([&](auto done) { store().LookupParticipant(a, kBsnB, done); })->id,
            q->id);
}

TEST_P(StoreTest, PaginationReturnsEveryItemOnceWhileInserting) {
  const CallContext a = Tenant("org-a");
  absl::flat_hash_set<std::string> present;
  for (int i = 0; i < 60; ++i) {
    absl::StatusOr<Participant> p = Create(a, NewParticipant(absl::StrCat("P", i)));
    ASSERT_TRUE(p.ok());
    present.insert(p->id);
  }
  std::atomic<bool> stop{false};
  std::atomic<int> added{0};
  std::thread writer([&] {
    while (!stop.load()) {
      if (Create(a, NewParticipant("late")).ok()) added.fetch_add(1);
    }
  });
  absl::flat_hash_map<std::string, int> seen;
  PageRequest page{7, ""};
  int pages = 0;
  do {
    absl::StatusOr<Page<Participant>> result = List(a, {}, page);
    ASSERT_TRUE(result.ok()) << result.status();
    for (const Participant& p : result->items) ++seen[p.id];
    page.page_token = result->next_page_token;
    ++pages;
    if (pages == 3) {  // Make sure some items are added while we page.
      const int before = added.load();
      while (added.load() < before + 5) std::this_thread::yield();
    }
  } while (!page.page_token.empty() && pages < 1000);
  stop = true;
  writer.join();
  EXPECT_GT(added.load(), 0);
  for (const std::string& id : present) EXPECT_EQ(seen[id], 1) << id;
  for (const auto& [id, count] : seen) EXPECT_EQ(count, 1) << id;

  // A token is bound to its filter.
  absl::StatusOr<Page<Participant>> first = List(a, {}, {5, ""});
  ASSERT_TRUE(first.ok());
  ParticipantFilter other;
  other.mentor = "mentor-1";
  EXPECT_EQ(List(a, other, {5, first->next_page_token}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(StoreTest, ChildListsPageNewestFirst) {
  const CallContext a = Tenant("org-a");
  absl::StatusOr<Participant> p = Create(a, NewParticipant());
  ASSERT_TRUE(p.ok());
  for (int day = 1; day <= 25; ++day) {
    ASSERT_TRUE(AddSession(a, p->id, NewSession(Date{2025, 5, day})).ok());
  }
  std::vector<Date> dates;
  PageRequest page{4, ""};
  do {
    absl::StatusOr<Page<Session>> result =
        Await<Page<Session>>([&](auto done) { store().ListSessions(a, p->id, page, done); });
    ASSERT_TRUE(result.ok()) << result.status();
    for (const Session& s : result->items) dates.push_back(s.session_date);
    page.page_token = result->next_page_token;
  } while (!page.page_token.empty());
  ASSERT_THAT(dates, SizeIs(25));
  EXPECT_EQ(dates.front(), (Date{2025, 5, 25}));
  EXPECT_EQ(dates.back(), (Date{2025, 5, 1}));

  // The audit log pages too, newest first, and each entry once.
  absl::flat_hash_set<std::string> ids;
  page = PageRequest{10, ""};
  do {
    absl::StatusOr<Page<AuditEvent>> result = Audit(a, p->id, page);
    ASSERT_TRUE(result.ok()) << result.status();
    for (const AuditEvent& e : result->items) EXPECT_TRUE(ids.insert(e.id).second);
    page.page_token = result->next_page_token;
  } while (!page.page_token.empty());
  EXPECT_GE(ids.size(), 26u + 7u);  // 1 + 25 writes, 7 list reads.
}

TEST_P(StoreTest, ListParticipantsFilters) {
  const CallContext a = Tenant("org-a");
  const CallContext other_mentor = Tenant("org-a", "mentor-2");
  absl::StatusOr<Participant> low = Create(a, NewParticipant("Low"));
  absl::StatusOr<Participant> high = Create(a, NewParticipant("High"));
  absl::StatusOr<Participant> theirs = Create(other_mentor, NewParticipant("Theirs"));
  Participant closed_p = NewParticipant("Closed");
  closed_p.state = ParticipantState::kClosed;
  closed_p.close_date = Date{2025, 5, 1};
  absl::StatusOr<Participant> closed = Create(a, closed_p);
  ASSERT_TRUE(low.ok() && high.ok() && theirs.ok() && closed.ok());
  // Employment level: low 1 (latest; earlier 4), high 4.
  for (const auto& row :
       std::vector<std::tuple<std::string, Date, int>>{{low->id, Date{2025, 1, 1}, 4},
                                                       {low->id, Date{2025, 5, 1}, 1},
                                                       {high->id, Date{2025, 5, 1}, 4}}) {
    // clang 14 cannot capture structured bindings in a lambda: a plain reference instead.
    ASSERT_TRUE(Await<Assessment>([&](auto done) {
                  store().CreateAssessment(a, std::get<0>(row),
                                           NewAssessment(std::get<1>(row), std::get<2>(row)), done);
                }).ok());
  }
  // Sessions: high had one on 2025-05-25 (7 days before "today", 2025-06-01).
  ASSERT_TRUE(AddSession(a, high->id, NewSession(Date{2025, 5, 25})).ok());
  ASSERT_TRUE(AddSession(a, low->id, NewSession(Date{2025, 3, 1})).ok());

  auto names = [&](ParticipantFilter f) {
    std::vector<std::string> out;
    absl::StatusOr<Page<Participant>> page = List(a, f);
    EXPECT_TRUE(page.ok()) << page.status();
    if (page.ok()) {
      for (const Participant& p : page->items) out.push_back(p.display_name);
    }
    return out;
  };
  using ::testing::ElementsAre;
  EXPECT_THAT(names({}), ElementsAre("Low", "High", "Theirs"));  // Not CLOSED.
  ParticipantFilter f;
  f.mentor = "mentor-2";
  EXPECT_THAT(names(f), ElementsAre("Theirs"));
  f = {};
  f.state = ParticipantState::kClosed;
  EXPECT_THAT(names(f), ElementsAre("Closed"));
  f = {};
  f.pillar = Pillar::kEmploymentCareer;
  f.max_pillar_level = 2;
  EXPECT_THAT(names(f), ElementsAre("Low"));
  f.max_pillar_level = 5;
  EXPECT_THAT(names(f), ElementsAre("Low", "High"));
  f = {};
  f.min_days_without_session = 30;
  EXPECT_THAT(names(f), ElementsAre("Low", "Theirs"));
  f.min_days_without_session = 5;
  EXPECT_THAT(names(f), ElementsAre("Low", "High", "Theirs"));
  f = {};
  f.pillar = Pillar::kEmploymentCareer;
  EXPECT_THAT(List(a, f).status().message(), HasSubstr("max_pillar_level"));
}

TEST_P(StoreTest, GroupCommitAcknowledgesEveryConcurrentWrite) {
  const CallContext a = Tenant("org-a");
  constexpr int kWrites = 400;
  std::atomic<int> ok{0};
  std::atomic<int> pending{kWrites};
  absl::Notification all_done;
  std::vector<std::string> ids(kWrites);
  absl::Mutex mu;
  for (int i = 0; i < kWrites; ++i) {
    store().CreateParticipant(a, NewParticipant(absl::StrCat("G", i)),
                              [&, i](absl::StatusOr<Participant> p) {
                                if (p.ok()) {
                                  ok.fetch_add(1);
                                  absl::MutexLock lock(&mu);
                                  ids[static_cast<size_t>(i)] = p->id;
                                }
                                if (pending.fetch_sub(1) == 1) all_done.Notify();
                              });
  }
  all_done.WaitForNotification();
  EXPECT_EQ(ok.load(), kWrites);
  // Each acknowledged write is there, with its audit entry.
  Reopen();
  for (int i = 0; i < kWrites; i += 37) {
    absl::StatusOr<Page<AuditEvent>> audit = Audit(a, ids[static_cast<size_t>(i)]);
    ASSERT_TRUE(audit.ok()) << audit.status();
    ASSERT_FALSE(audit->items.empty());
    EXPECT_EQ(audit->items.back().status_code, 0);
    EXPECT_EQ(Get(a, ids[static_cast<size_t>(i)])->display_name, absl::StrCat("G", i));
  }
}

TEST_P(StoreTest, FullWriteQueueIsResourceExhausted) {
  absl::Notification release;
  std::atomic<bool> hold{true};
  StoreOptions options = Options();
  options.write_queue_capacity = 4;
  options.before_batch_for_testing = [&] {
    if (hold.load()) release.WaitForNotification();
  };
  Reopen(options);
  const CallContext a = Tenant("org-a");
  std::atomic<int> acknowledged{0};
  std::atomic<int> exhausted{0};
  std::atomic<int> answered{0};
  for (int i = 0; i < 10; ++i) {
    store().CreateParticipant(a, NewParticipant(), [&](absl::StatusOr<Participant> p) {
      if (p.ok()) acknowledged.fetch_add(1);
      if (p.status().code() == absl::StatusCode::kResourceExhausted) exhausted.fetch_add(1);
      answered.fetch_add(1);
    });
  }
  // The writer is held before its first batch: 4 wait in the queue, 6 were refused at once.
  EXPECT_EQ(exhausted.load(), 6);
  EXPECT_EQ(acknowledged.load(), 0);
  hold = false;
  release.Notify();
  while (answered.load() < 10) std::this_thread::yield();
  EXPECT_EQ(acknowledged.load(), 4);
}

TEST_P(StoreTest, AcknowledgedWritesSurviveAKill) {
  // A child process writes as fast as it can and reports each acknowledged id on a pipe; it is
  // SIGKILLed mid-flight. Every reported id must be in the database afterwards.
  store_.reset();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    absl::StatusOr<std::unique_ptr<CaseStore>> store = db_->Open(Options());
    if (!store.ok()) _exit(2);
    absl::Mutex mu;
    for (int i = 0;; ++i) {
      (*store)->CreateParticipant(Tenant("org-a"), NewParticipant(absl::StrCat("K", i)),
                                  [&](absl::StatusOr<Participant> p) {
                                    if (!p.ok()) return;
                                    const std::string line = p->id + "\n";
                                    absl::MutexLock lock(&mu);
                                    if (write(fds[1], line.data(), line.size()) < 0) _exit(3);
                                  });
      if (i % 64 == 63) usleep(1000);
    }
  }
  close(fds[1]);
  std::string acknowledged;
  char buffer[4096];
  while (std::count(acknowledged.begin(), acknowledged.end(), '\n') < 300) {
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    ASSERT_GT(n, 0) << "the writer child died";
    acknowledged.append(buffer, static_cast<size_t>(n));
  }
  ASSERT_EQ(kill(child, SIGKILL), 0);
  for (;;) {  // Whatever was acknowledged before the kill landed.
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    acknowledged.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status));

  Reopen();
  const CallContext a = Tenant("org-a");
  std::vector<std::string> lines = absl::StrSplit(acknowledged, '\n', absl::SkipEmpty());
  ASSERT_GE(lines.size(), 300u);
  size_t missing = 0;
  for (const std::string& id : lines) {
    if (!Get(a, id).ok()) ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << lines.size() << " acknowledged";
  // No half-written participant: every stored one opens.
  PageRequest page{1000, ""};
  do {
    absl::StatusOr<Page<Participant>> result = List(a, {}, page);
    ASSERT_TRUE(result.ok()) << result.status();
    page.page_token = result->next_page_token;
  } while (!page.page_token.empty());
}

TEST_P(StoreTest, NamesAreEncryptedAtRest) {
  const CallContext a = Tenant("org-a");
  const std::string name = "Zeldzaamnaam Vanderplas";
  const std::string notes = "Schulden bij de Belastingdienst besproken";
  absl::StatusOr<Participant> p = Create(a, NewParticipant(name, kBsnA));
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(AddSession(a, p->id, NewSession(Date{2025, 5, 1}, notes)).ok());
  EXPECT_EQ(Get(a, p->id)->display_name, name);  // Round trip.

  absl::StatusOr<std::unique_ptr<SqlConnection>> raw = db_->Raw();
  ASSERT_TRUE(raw.ok()) << raw.status();
  absl::StatusOr<std::vector<SqlRow>> rows =
      (*raw)->Query("SELECT sealed, wrapped_key, bsn_hash FROM participants", {});
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_THAT(*rows, SizeIs(1));
  EXPECT_FALSE(Contains((*rows)[0].Text(0), "Zeldzaamnaam"));
  EXPECT_GT((*rows)[0].Text(0).size(), name.size());  // Ciphertext is stored.
  // Format 2: version, deployment key id, nonce, the key, tag (crypto.h).
  EXPECT_EQ((*rows)[0].Text(1).size(), 1u + 4u + 24u + 32u + 16u);
  EXPECT_EQ((*rows)[0].Text(2).size(), 32u);
  EXPECT_FALSE(Contains((*rows)[0].Text(2), kBsnA));
  absl::StatusOr<std::vector<SqlRow>> sessions = (*raw)->Query("SELECT sealed FROM records", {});
  ASSERT_TRUE(sessions.ok());
  ASSERT_THAT(*sessions, SizeIs(1));
  EXPECT_FALSE(Contains((*sessions)[0].Text(0), "Belastingdienst"));
  if (GetParam() == Engine::kSqlite) {
    const std::string file = ReadFile(db_->sqlite_path()) + ReadFile(db_->sqlite_path() + "-wal");
    EXPECT_FALSE(Contains(file, "Zeldzaamnaam"));
    EXPECT_FALSE(Contains(file, "Belastingdienst"));
    EXPECT_FALSE(Contains(file, kBsnA));
  }
  // Another deployment key cannot open the data keys.
  store_.reset();
  StoreOptions options = Options();
  options.keys = KeyRing::Random();
  Reopen(options);
  EXPECT_EQ(Get(a, p->id).status().code(), absl::StatusCode::kDataLoss);
}

TEST_P(StoreTest, ErasureMakesTheNameUnrecoverable) {
  const CallContext a = Tenant("org-a");
  absl::StatusOr<Participant> p = Create(a, NewParticipant("Verdwijnt", kBsnA));
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(AddSession(a, p->id, NewSession()).ok());
  absl::StatusOr<std::unique_ptr<SqlConnection>> raw = db_->Raw();
  ASSERT_TRUE(raw.ok());
  absl::StatusOr<std::vector<SqlRow>> before =
      (*raw)->Query("SELECT sealed, wrapped_key FROM participants", {});
  ASSERT_TRUE(before.ok() && before->size() == 1);
  const std::string sealed = (*before)[0].Text(0);
  const std::string wrapped = (*before)[0].Text(1);
  // While the key exists, the stored ciphertext opens.
  const std::string binding_key =
      absl::StrCat("participant-key", std::string(1, '\0'), "org-a", std::string(1, '\0'), p->id);
  ASSERT_TRUE(keys_->UnwrapDataKey(wrapped, binding_key).ok());

  ASSERT_TRUE(Erase(a, p->id).ok());
  for (const char* table : {"participants", "records"}) {
    absl::StatusOr<std::vector<SqlRow>> left =
        (*raw)->Query(absl::StrCat("SELECT count(*) FROM ", table), {});
    ASSERT_TRUE(left.ok());
    EXPECT_EQ((*left)[0].Int(0), 0) << table;
  }
  EXPECT_EQ(Get(a, p->id).status().code(), absl::StatusCode::kNotFound);
  // Erasure is idempotent in effect: the second one finds nothing.
  EXPECT_EQ(Erase(a, p->id).status().code(), absl::StatusCode::kNotFound);
  if (GetParam() == Engine::kSqlite) {
    // With secure_delete and after a checkpoint, neither the wrapped key nor the ciphertext is
    // anywhere in the files: the name cannot be recovered even with the deployment key.
    store_.reset();
    ASSERT_TRUE((*raw)->Script("PRAGMA wal_checkpoint(TRUNCATE)").ok());
    const std::string file = ReadFile(db_->sqlite_path()) + ReadFile(db_->sqlite_path() + "-wal");
    EXPECT_FALSE(Contains(file, wrapped));
    EXPECT_FALSE(Contains(file, sealed));
  }
}

TEST_P(StoreTest, MigrationsAreSafeWhenReplicasStartAtOnce) {
  store_.reset();
  std::vector<std::unique_ptr<TestDatabase>> unused;
  // A fresh database, opened by four "replicas" at once.
  absl::StatusOr<std::unique_ptr<TestDatabase>> fresh = TestDatabase::Create(
      GetParam(),
      absl::StrCat(::testing::UnitTest::GetInstance()->current_test_info()->name(), "_fresh"));
  ASSERT_TRUE(fresh.ok());
  std::vector<std::thread> threads;
  std::vector<absl::Status> results(4);
  std::vector<std::unique_ptr<CaseStore>> stores(4);
  for (size_t i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<std::unique_ptr<CaseStore>> s = (*fresh)->Open(Options());
      results[i] = s.status();
      if (s.ok()) stores[i] = *std::move(s);
    });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& s : results) EXPECT_TRUE(s.ok()) << s;
  absl::StatusOr<std::unique_ptr<SqlConnection>> raw = (*fresh)->Raw();
  ASSERT_TRUE(raw.ok());
  absl::StatusOr<std::vector<SqlRow>> versions =
      (*raw)->Query("SELECT version FROM schema_migrations ORDER BY version", {});
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), static_cast<size_t>(LatestSchemaVersion()));
  // The audit log is append-only.
  ASSERT_TRUE(Await<Participant>([&](auto done) {
                stores[0]->CreateParticipant(Tenant("org-a"), NewParticipant(), done);
              }).ok());
  EXPECT_FALSE((*raw)->Script("DELETE FROM audit_events").ok());
  EXPECT_FALSE((*raw)->Script("UPDATE audit_events SET actor = 'x'").ok());
  stores.clear();
}

TEST_P(StoreTest, HealthAndUnreachableDatabase) {
  EXPECT_EQ(store().CheckHealth(), Health::kServing);
  StoreOptions options = Options();
  if (GetParam() == Engine::kSqlite) {
    absl::StatusOr<std::unique_ptr<CaseStore>> bad =
        OpenSqliteStore({"/nonexistent-dir/x/case.db", true}, options);
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kUnavailable) << bad.status();
    return;
  }
  absl::StatusOr<std::unique_ptr<CaseStore>> bad =
      OpenPostgresStore("host=/nonexistent-dir dbname=x connect_timeout=2", options);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kUnavailable) << bad.status();

  // The database goes away under a running store: NOT_SERVING and UNAVAILABLE; back: SERVING.
  const CallContext a = Tenant("org-a");
  absl::StatusOr<Participant> p = Create(a, NewParticipant());
  ASSERT_TRUE(p.ok());
  absl::StatusOr<kompas::testing::PgCluster> cluster = kompas::testing::PgClusterFromEnv();
  ASSERT_TRUE(cluster.ok());
  absl::StatusOr<std::unique_ptr<SqlConnection>> admin =
      OpenPostgres(kompas::testing::PgConnectionString(*cluster, "postgres"));
  ASSERT_TRUE(admin.ok());
  absl::StatusOr<std::vector<SqlRow>> name = (*db_->Raw())->Query("SELECT current_database()", {});
  ASSERT_TRUE(name.ok());
  const std::string db = (*name)[0].Text(0);
  ASSERT_TRUE(
      (*admin)->Script(absl::StrCat("ALTER DATABASE \"", db, "\" ALLOW_CONNECTIONS false")).ok());
  ASSERT_TRUE((*admin)
                  ->Query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname "
                          "= $1 AND pid <> pg_backend_pid()",
                          {db})
                  .ok());
  EXPECT_EQ(store().CheckHealth(), Health::kNotServing);
  EXPECT_EQ(Get(a, p->id).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Create(a, NewParticipant()).status().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(
      (*admin)->Script(absl::StrCat("ALTER DATABASE \"", db, "\" ALLOW_CONNECTIONS true")).ok());
  EXPECT_EQ(store().CheckHealth(), Health::kServing);
  EXPECT_TRUE(Get(a, p->id).ok());
  EXPECT_TRUE(Create(a, NewParticipant()).ok());
}

// --- Compass snapshots, outcomes, export (issue 10) ----------------------------------------

CompassSnapshot NewSnapshot(const std::string& label, int64_t margin, bool lonend,
                            SnapshotQuestion kind = SnapshotQuestion::kIncome) {
  CompassSnapshot s;
  s.label = label;
  s.question_kind = kind;
  // Protobuf bytes are binary: a NUL and a high byte must survive the round trip.
  s.question = std::string("q\0\xff", 3) + label;
  s.answer = std::string("a\0\x80", 3) + label;
  s.rule_set_id = "nl-2025-07";
  s.data_version = kind == SnapshotQuestion::kMatch ? "catalog-2025q2" : "";
  s.margin_cents = margin;
  s.lonend = lonend;
  return s;
}

Outcome NewJobOutcome(Date date = Date{2025, 5, 1}) {
  Outcome o;
  o.type = OutcomeType::kJobStarted;
  o.outcome_date = date;
  o.details = OutcomeDetails::kJob;
  o.job.occupation = "occupations/5131";
  o.job.minutes_per_week = 1440;         // 24 hours.
  o.job.gross_hourly_wage_cents = 1520;  // € 15,20.
  o.job.permanent_contract = true;
  return o;
}

TEST_P(StoreTest, SnapshotsCreateGetListDelete) {
  const CallContext a = Tenant("org-a", "mentor-9");
  absl::StatusOr<Participant> p = Create(a, NewParticipant());
  ASSERT_TRUE(p.ok()) << p.status();
  std::vector<CompassSnapshot> made;
  for (const char* label : {"Intake", "Na drie maanden", "Na BBL-aanbod"}) {
    absl::StatusOr<CompassSnapshot> s = Await<CompassSnapshot>([&](auto done) {
      store().CreateCompassSnapshot(a, p->id, NewSnapshot(label, -12345, false), done);
    });
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->created_by, "mentor-9");
    made.push_back(*s);
  }
  absl::StatusOr<CompassSnapshot> got = Await<CompassSnapshot>(
      [&](auto done) { store().GetCompassSnapshot(a, p->id, made[1].id, done); });
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->label, "Na drie maanden");
  EXPECT_EQ(got->question, std::string("q\0\xff", 3) + "Na drie maanden");
  EXPECT_EQ(got->answer, std::string("a\0\x80", 3) + "Na drie maanden");
  EXPECT_EQ(got->question_kind, SnapshotQuestion::kIncome);
  EXPECT_EQ(got->rule_set_id, "nl-2025-07");
  EXPECT_EQ(got->margin_cents, -12345);
  EXPECT_FALSE(got->lonend);
  EXPECT_EQ(got->created_by, "mentor-9");
  EXPECT_EQ(got->create_time, made[1].create_time);

  // Newest first, two per page.
  absl::StatusOr<Page<CompassSnapshot>> first = Await<Page<CompassSnapshot>>([&](auto done) {
    store().ListCompassSnapshots(a, p->id, {2, ""}, done);
  });
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_THAT(first->items, SizeIs(2));
  EXPECT_EQ(first->items[0].id, made[2].id);
  EXPECT_EQ(first->items[1].id, made[1].id);
  ASSERT_FALSE(first->next_page_token.empty());
  absl::StatusOr<Page<CompassSnapshot>> second = Await<Page<CompassSnapshot>>([&](auto done) {
    store().ListCompassSnapshots(a, p->id, {2, first->next_page_token}, done);
  });
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_THAT(second->items, SizeIs(1));
  EXPECT_EQ(second->items[0].id, made[0].id);
  EXPECT_TRUE(second->next_page_token.empty());

  EXPECT_TRUE(AwaitStatus([&](auto done) {
                store().DeleteCompassSnapshot(a, p->id, made[0].id, done);
              }).ok());
  EXPECT_EQ(Await<CompassSnapshot>(
                [&](auto done) { store().GetCompassSnapshot(a, p->id, made[0].id, done); })
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(AwaitStatus([&](auto done) {
              store().DeleteCompassSnapshot(a, p->id, made[0].id, done);
            }).code(),
            absl::StatusCode::kNotFound);
}

// The network report reads these columns directly: kind 5 = snapshot (dates = the Dutch day of
// creation, state = lonend, category = 1 match / 2 income), kind 6 = outcome (dates = outcome
// date, category = type). Margins, wages and hours are never in plain columns (l1..l5 = 0).
TEST_P(StoreTest, SnapshotAndOutcomeColumnsAreWhatTheReportReads) {
  // 23:30 UTC on 1 June 2025 is 01:30 on 2 June in Amsterdam (CEST, UTC+2).
  StoreOptions options = Options();
  options.now = [] {
    return absl::FromCivil(absl::CivilSecond(2025, 6, 1, 23, 30, 0), absl::UTCTimeZone()) +
           absl::Microseconds(clock_us_.fetch_add(1));
  };
  Reopen(options);
  const CallContext a = Tenant("org-a");
  absl::StatusOr<Participant> p = Create(a, NewParticipant());
  ASSERT_TRUE(p.ok()) << p.status();
  absl::StatusOr<CompassSnapshot> match = Await<CompassSnapshot>([&](auto done) {
    store().CreateCompassSnapshot(
        a, p->id, NewSnapshot("m", 4'000'000'000, true, SnapshotQuestion::kMatch), done);
  });
  ASSERT_TRUE(match.ok()) << match.status();
  absl::StatusOr<CompassSnapshot> income = Await<CompassSnapshot>([&](auto done) {
    store().CreateCompassSnapshot(a, p->id, NewSnapshot("i", -7650, false), done);
  });
  ASSERT_TRUE(income.ok()) << income.status();
  absl::StatusOr<Outcome> job = Await<Outcome>([&](auto done) {
    store().CreateOutcome(a, p->id, NewJobOutcome(Date{2025, 5, 1}), done);
  });
  ASSERT_TRUE(job.ok()) << job.status();

  absl::StatusOr<std::unique_ptr<SqlConnection>> raw = db_->Raw();
  ASSERT_TRUE(raw.ok()) << raw.status();
  auto columns = [&](const std::string& id) {
    absl::StatusOr<std::vector<SqlRow>> rows = (*raw)->Query(
        "SELECT kind, sort_date, timeline_date, state, category, l1, l2, l3, l4, l5 FROM records "
        "WHERE id = $1",
        {id});
    std::vector<int64_t> out;
    if (!rows.ok() || rows->size() != 1) return out;
    for (size_t i = 0; i < 10; ++i) out.push_back((*rows)[0].Int(i));
    return out;
  };
  EXPECT_EQ(columns(match->id), (std::vector<int64_t>{5, 20250602, 20250602, 1, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(columns(income->id),
            (std::vector<int64_t>{5, 20250602, 20250602, 0, 2, 0, 0, 0, 0, 0}));
  EXPECT_EQ(columns(job->id), (std::vector<int64_t>{6, 20250501, 20250501, 0, 1, 0, 0, 0, 0, 0}));
  // The margin is kept, unclamped, in the sealed payload only.
  absl::StatusOr<CompassSnapshot> got = Await<CompassSnapshot>(
      [&](auto done) { store().GetCompassSnapshot(a, p->id, match->id, done); });
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->margin_cents, 4'000'000'000);
  EXPECT_TRUE(got->lonend);
  EXPECT_EQ(got->data_version, "catalog-2025q2");
}

TEST_P(StoreTest, OutcomesCreateUpdateListDelete) {
  const CallContext a = Tenant("org-a");
  absl::StatusOr<Participant> p = Create(a, NewParticipant());
  ASSERT_TRUE(p.ok()) << p.status();
  absl::StatusOr<Outcome> job = Await<Outcome>([&](auto done) {
    store().CreateOutcome(a, p->id, NewJobOutcome(Date{2025, 4, 1}), done);
  });
  ASSERT_TRUE(job.ok()) << job.status();
  Outcome left;
  left.type = OutcomeType::kLeftBijstand;
  left.outcome_date = Date{2025, 5, 15};
  absl::StatusOr<Outcome> bijstand =
      Await<Outcome>([&](auto done) { store().CreateOutcome(a, p->id, left, done); });
  ASSERT_TRUE(bijstand.ok()) << bijstand.status();
  Outcome course;
  course.type = OutcomeType::kTrainingCompleted;
  course.outcome_date = Date{2025, 3, 1};
  course.details = OutcomeDetails::kTraining;
  course.training = {"MBO 2 Logistiek medewerker", 3, true};
  absl::StatusOr<Outcome> training =
      Await<Outcome>([&](auto done) { store().CreateOutcome(a, p->id, course, done); });
  ASSERT_TRUE(training.ok()) << training.status();

  absl::StatusOr<Outcome> got =
      Await<Outcome>([&](auto done) { store().GetOutcome(a, p->id, job->id, done); });
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->details, OutcomeDetails::kJob);
  EXPECT_EQ(got->job, NewJobOutcome().job);
  EXPECT_EQ(got->outcome_date, (Date{2025, 4, 1}));
  EXPECT_EQ(got->etag, "1");

  // Newest outcome date first: 15 May, 1 April, 1 March; two per page.
  absl::StatusOr<Page<Outcome>> first = Await<Page<Outcome>>([&](auto done) {
    store().ListOutcomes(a, p->id, {2, ""}, done);
  });
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_THAT(first->items, SizeIs(2));
  EXPECT_EQ(first->items[0].id, bijstand->id);
  EXPECT_EQ(first->items[1].id, job->id);
  absl::StatusOr<Page<Outcome>> second = Await<Page<Outcome>>([&](auto done) {
    store().ListOutcomes(a, p->id, {2, first->next_page_token}, done);
  });
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_THAT(second->items, SizeIs(1));
  EXPECT_EQ(second->items[0].id, training->id);
  EXPECT_EQ(second->items[0].training, (TrainingDetails{"MBO 2 Logistiek medewerker", 3, true}));
  EXPECT_TRUE(second->next_page_token.empty());

  // A field-mask update changes only the named fields.
  Outcome change;
  change.id = job->id;
  change.etag = job->etag;
  change.outcome_date = Date{2025, 4, 7};
  change.type = OutcomeType::kJobEnded;  // Not in the mask: ignored.
  absl::StatusOr<Outcome> updated = Await<Outcome>(
      [&](auto done) { store().UpdateOutcome(a, p->id, change, {"outcome_date"}, done); });
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->outcome_date, (Date{2025, 4, 7}));
  EXPECT_EQ(updated->type, OutcomeType::kJobStarted);
  EXPECT_EQ(updated->job, NewJobOutcome().job);
  EXPECT_EQ(updated->etag, "2");
  // Masking "job" with new job details replaces them.
  change.etag = updated->etag;
  change.details = OutcomeDetails::kJob;
  change.job.minutes_per_week = 1920;
  updated =
      Await<Outcome>([&](auto done) { store().UpdateOutcome(a, p->id, change, {"job"}, done); });
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->job.minutes_per_week, 1920);
  EXPECT_EQ(updated->job.occupation, "");
  // The stale etag (the first one) is ABORTED, for update and delete alike.
  change.etag = job->etag;
  EXPECT_EQ(Await<Outcome>(
                [&](auto done) { store().UpdateOutcome(a, p->id, change, {"outcome_date"}, done); })
                .status()
                .code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(AwaitStatus([&](auto done) {
              store().DeleteOutcome(a, p->id, job->id, job->etag, done);
            }).code(),
            absl::StatusCode::kAborted);
  EXPECT_TRUE(AwaitStatus([&](auto done) {
                store().DeleteOutcome(a, p->id, job->id, updated->etag, done);
              }).ok());
  EXPECT_EQ(Await<Outcome>([&](auto done) { store().GetOutcome(a, p->id, job->id, done); })
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreTest, SnapshotAndOutcomeBadInputNamesTheField) {
  const CallContext a = Tenant("org-a");
  absl::StatusOr<Participant> p = Create(a, NewParticipant());
  ASSERT_TRUE(p.ok()) << p.status();
  auto outcome_error = [&](const Outcome& o) {
    absl::Status s =
        Await<Outcome>([&](auto done) { store().CreateOutcome(a, p->id, o, done); }).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    return std::string(s.message());
  };
  auto snapshot_error = [&](const CompassSnapshot& snap) {
    absl::Status s = Await<CompassSnapshot>([&](auto done) {
                       store().CreateCompassSnapshot(a, p->id, snap, done);
                     }).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    return std::string(s.message());
  };
  // The fixture's clock says 1 June 2025 (Amsterdam): the 2nd is in the future.
  EXPECT_THAT(outcome_error(NewJobOutcome(Date{2025, 6, 2})),
              HasSubstr("outcome.outcome_date: must not be in the future"));
  EXPECT_THAT(outcome_error(NewJobOutcome(Date{2025, 2, 30})), HasSubstr("outcome.outcome_date"));
  Outcome no_type = NewJobOutcome();
  no_type.type = OutcomeType::kUnspecified;
  EXPECT_THAT(outcome_error(no_type), HasSubstr("outcome.type: is required"));
  Outcome mismatch = NewJobOutcome();
  mismatch.type = OutcomeType::kDebtsResolved;
  EXPECT_THAT(outcome_error(mismatch), HasSubstr("outcome.job: is only for JOB_STARTED"));
  Outcome debts;
  debts.type = OutcomeType::kTrainingCompleted;
  debts.outcome_date = Date{2025, 5, 1};
  debts.details = OutcomeDetails::kDebts;
  EXPECT_THAT(outcome_error(debts), HasSubstr("outcome.debts: is only for DEBTS_RESOLVED"));
  Outcome hours = NewJobOutcome();
  hours.job.minutes_per_week = 4801;
  EXPECT_THAT(outcome_error(hours), HasSubstr("outcome.job.minutes_per_week"));
  Outcome occupation = NewJobOutcome();
  occupation.job.occupation = "kok";
  EXPECT_THAT(outcome_error(occupation), HasSubstr("outcome.job.occupation"));

  EXPECT_THAT(snapshot_error(NewSnapshot(std::string(101, 'x'), 0, false)),
              HasSubstr("compass_snapshot.label: must be at most 100 characters"));
  // 100 characters of two bytes each is fine: characters, not bytes.
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "é";
  EXPECT_TRUE(Await<CompassSnapshot>([&](auto done) {
                store().CreateCompassSnapshot(a, p->id, NewSnapshot(hundred, 0, false), done);
              }).ok());
  CompassSnapshot no_question = NewSnapshot("x", 0, false);
  no_question.question_kind = SnapshotQuestion::kUnspecified;
  EXPECT_THAT(snapshot_error(no_question), HasSubstr("compass_snapshot.question: is required"));

  // Update: an unknown field in the mask; a future date.
  absl::StatusOr<Outcome> job =
      Await<Outcome>([&](auto done) { store().CreateOutcome(a, p->id, NewJobOutcome(), done); });
  ASSERT_TRUE(job.ok());
  absl::Status bad_mask = Await<Outcome>([&](auto done) {
                            store().UpdateOutcome(a, p->id, *job, {"etag"}, done);
                          }).status();
  EXPECT_EQ(bad_mask.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_mask.message(), HasSubstr("update_mask"));
  Outcome future = *job;
  future.outcome_date = Date{2026, 1, 1};
  absl::Status bad_date = Await<Outcome>([&](auto done) {
                            store().UpdateOutcome(a, p->id, future, {"*"}, done);
                          }).status();
  EXPECT_EQ(bad_date.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_date.message(), HasSubstr("outcome.outcome_date"));
  // Changing the type away from a job while keeping the job details is refused.
  Outcome retype = *job;
  retype.type = OutcomeType::kLeftBijstand;
  absl::Status bad_type = Await<Outcome>([&](auto done) {
                            store().UpdateOutcome(a, p->id, retype, {"type"}, done);
                          }).status();
  EXPECT_THAT(bad_type.message(), HasSubstr("outcome.job"));
  // …and accepted when the mask also clears the job (retype carries job details, so "job"
  // keeps them: send none).
  retype.details = OutcomeDetails::kNone;
  absl::StatusOr<Outcome> retyped = Await<Outcome>([&](auto done) {
    store().UpdateOutcome(a, p->id, retype, {"type", "job"}, done);
  });
  ASSERT_TRUE(retyped.ok()) << retyped.status();
  EXPECT_EQ(retyped->type, OutcomeType::kLeftBijstand);
  EXPECT_EQ(retyped->details, OutcomeDetails::kNone);
}

TEST_P(StoreTest, SnapshotsAndOutcomesOfAnotherTenantAreNotFound) {
  const CallContext a = Tenant("org-a");
  const CallContext b = Tenant("org-b");
  absl::StatusOr<Participant> p = Create(a, NewParticipant());
  ASSERT_TRUE(p.ok());
  absl::StatusOr<CompassSnapshot> snap = Await<CompassSnapshot>([&](auto done) {
    store().CreateCompassSnapshot(a, p->id, NewSnapshot("Intake", 100, true), done);
  });
  ASSERT_TRUE(snap.ok());
  absl::StatusOr<Outcome> out =
      Await<Outcome>([&](auto done) { store().CreateOutcome(a, p->id, NewJobOutcome(), done); });
  ASSERT_TRUE(out.ok());
  const auto kNotFound = absl::StatusCode::kNotFound;
  EXPECT_EQ(Await<CompassSnapshot>([&](auto done) {
              store().CreateCompassSnapshot(b, p->id, NewSnapshot("x", 0, false), done);
            })
                .status()
                .code(),
            kNotFound);
  EXPECT_EQ(Await<CompassSnapshot>(
                [&](auto done) { store().GetCompassSnapshot(b, p->id, snap->id, done); })
                .status()
                .code(),
            kNotFound);
  EXPECT_EQ(Await<Page<CompassSnapshot>>(
                [&](auto done) { store().ListCompassSnapshots(b, p->id, {}, done); })
                .status()
                .code(),
            kNotFound);
  EXPECT_EQ(AwaitStatus([&](auto done) {
              store().DeleteCompassSnapshot(b, p->id, snap->id, done);
            }).code(),
            kNotFound);
  EXPECT_EQ(
      Await<Outcome>([&](auto done) { store().CreateOutcome(b, p->id, NewJobOutcome(), done); })
          .status()
          .code(),
      kNotFound);
  EXPECT_EQ(Await<Outcome>([&](auto done) { store().GetOutcome(b, p->id, out->id, done); })
                .status()
                .code(),
            kNotFound);
  EXPECT_EQ(Await<Page<Outcome>>([&](auto done) { store().ListOutcomes(b, p->id, {}, done); })
                .status()
                .code(),
            kNotFound);
  EXPECT_EQ(Await<Outcome>(
                [&](auto done) { store().UpdateOutcome(b, p->id, *out, {"outcome_date"}, done); })
                .status()
                .code(),
            kNotFound);
  EXPECT_EQ(
      AwaitStatus([&](auto done) { store().DeleteOutcome(b, p->id, out->id, "", done); }).code(),
      kNotFound);
  EXPECT_EQ(Await<ParticipantExport>([&](auto done) { store().ExportParticipant(b, p->id, done); })
                .status()
                .code(),
            kNotFound);
  // Nothing of A's changed.
  EXPECT_TRUE(Await<CompassSnapshot>([&](auto done) {
                store().GetCompassSnapshot(a, p->id, snap->id, done);
              }).ok());
  absl::StatusOr<Outcome> still =
      Await<Outcome>([&](auto done) { store().GetOutcome(a, p->id, out->id, done); });
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->etag, out->etag);
}

TEST_P(StoreTest, TimelineHasSnapshotsAndOutcomes) {
  const CallContext a = Tenant("org-a");
  absl::StatusOr<Participant> p = Create(a, NewParticipant());
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(AddSession(a, p->id, NewSession(Date{2025, 4, 1})).ok());
  absl::StatusOr<Outcome> out = Await<Outcome>([&](auto done) {
    store().CreateOutcome(a, p->id, NewJobOutcome(Date{2025, 5, 1}), done);
  });
  ASSERT_TRUE(out.ok());
  // Created on 1 June 2025 (the fixture's clock): the last entry.
  absl::StatusOr<CompassSnapshot> snap = Await<CompassSnapshot>([&](auto done) {
    store().CreateCompassSnapshot(a, p->id, NewSnapshot("Intake", 100, true), done);
  });
  ASSERT_TRUE(snap.ok());
  absl::StatusOr<Page<TimelineEntry>> timeline =
      Await<Page<TimelineEntry>>([&](auto done) { store().GetTimeline(a, p->id, {}, done); });
  ASSERT_TRUE(timeline.ok()) << timeline.status();
  ASSERT_THAT(timeline->items, SizeIs(3));
  EXPECT_EQ(timeline->items[0].kind, TimelineEntry::Kind::kSession);
  EXPECT_EQ(timeline->items[1].kind, TimelineEntry::Kind::kOutcome);
  EXPECT_EQ(timeline->items[1].entry_date, (Date{2025, 5, 1}));
  EXPECT_EQ(timeline->items[1].outcome.id, out->id);
  EXPECT_EQ(timeline->items[1].outcome.job, NewJobOutcome().job);
  EXPECT_EQ(timeline->items[2].kind, TimelineEntry::Kind::kSnapshot);
  EXPECT_EQ(timeline->items[2].entry_date, (Date{2025, 6, 1}));
  EXPECT_EQ(timeline->items[2].snapshot.id, snap->id);
  EXPECT_EQ(timeline->items[2].snapshot.label, "Intake");
  EXPECT_TRUE(timeline->items[2].snapshot.question.empty());  // Get it for those.
  EXPECT_TRUE(timeline->items[2].snapshot.answer.empty());
}

TEST_P(StoreTest, ExportHasEveryResourceDecrypted) {
  const CallContext a = Tenant("org-a");
  absl::StatusOr<Participant> p = Create(a, NewParticipant("Exportnaam Jansen", kBsnA));
  ASSERT_TRUE(p.ok());
  // Another participant's data must not appear.
  absl::StatusOr<Participant> other = Create(a, NewParticipant("Iemand Anders"));
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(AddSession(a, other->id, NewSession(Date{2025, 4, 1}, "andermans notitie")).ok());

  absl::StatusOr<Consent> consent =
      Await<Consent>([&](auto done) { store().CreateConsent(a, p->id, NewConsent(), done); });
  absl::StatusOr<Assessment> assessment = Await<Assessment>([&](auto done) {
    store().CreateAssessment(a, p->id, NewAssessment(Date{2025, 3, 2}, 2), done);
  });
  absl::StatusOr<Goal> goal =
      Await<Goal>([&](auto done) { store().CreateGoal(a, p->id, NewGoal(), done); });
  absl::StatusOr<Session> session =
      AddSession(a, p->id, NewSession(Date{2025, 4, 2}, "Sollicitatie geoefend"));
  absl::StatusOr<CompassSnapshot> snap = Await<CompassSnapshot>([&](auto done) {
    store().CreateCompassSnapshot(a, p->id, NewSnapshot("Intake", -500, false), done);
  });
  absl::StatusOr<Outcome> out =
      Await<Outcome>([&](auto done) { store().CreateOutcome(a, p->id, NewJobOutcome(), done); });
  ASSERT_TRUE(consent.ok() && assessment.ok() && goal.ok() && session.ok() && snap.ok() &&
              out.ok());
  ASSERT_TRUE(Get(a, p->id).ok());  // One read, in the log.

  absl::StatusOr<ParticipantExport> exported =
      Await<ParticipantExport>([&](auto done) { store().ExportParticipant(a, p->id, done); });
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_EQ(exported->participant.id, p->id);
  EXPECT_EQ(exported->participant.display_name, "Exportnaam Jansen");
  EXPECT_EQ(exported->participant.contact.phone, "0612345678");
  EXPECT_TRUE(exported->participant.bsn.empty());  // Never the BSN (nor its hash).
  EXPECT_TRUE(exported->participant.bsn_on_file);
  ASSERT_THAT(exported->consents, SizeIs(1));
  EXPECT_EQ(exported->consents[0].id, consent->id);
  EXPECT_EQ(exported->consents[0].evidence, "getekend formulier");
  ASSERT_THAT(exported->assessments, SizeIs(1));
  EXPECT_EQ(exported->assessments[0].id, assessment->id);
  EXPECT_EQ(exported->assessments[0].notes, "First assessment");
  ASSERT_THAT(exported->goals, SizeIs(1));
  EXPECT_EQ(exported->goals[0].id, goal->id);
  EXPECT_EQ(exported->goals[0].title, "Finish the MBO 2 course");
  ASSERT_THAT(exported->sessions, SizeIs(1));
  EXPECT_EQ(exported->sessions[0].id, session->id);
  EXPECT_EQ(exported->sessions[0].notes, "Sollicitatie geoefend");
  ASSERT_THAT(exported->snapshots, SizeIs(1));
  EXPECT_EQ(exported->snapshots[0].id, snap->id);
  EXPECT_EQ(exported->snapshots[0].question, std::string("q\0\xff", 3) + "Intake");
  EXPECT_EQ(exported->snapshots[0].answer, std::string("a\0\x80", 3) + "Intake");
  ASSERT_THAT(exported->outcomes, SizeIs(1));
  EXPECT_EQ(exported->outcomes[0].id, out->id);
  EXPECT_EQ(exported->outcomes[0].job, NewJobOutcome().job);
  // The access log so far: create, seven writes under it, one read — oldest first, all OK.
  ASSERT_THAT(exported->audit_events, SizeIs(8));
  EXPECT_THAT(exported->audit_events.front().resource, HasSubstr(p->id));
  for (const AuditEvent& e : exported->audit_events) {
    EXPECT_EQ(e.status_code, 0);
    EXPECT_EQ(e.participant_id, p->id);
  }
  // The export itself is audited like a read.
  absl::StatusOr<Page<AuditEvent>> audit = Audit(a, p->id);
  ASSERT_TRUE(audit.ok());
  ASSERT_THAT(audit->items, SizeIs(9));
  EXPECT_EQ(audit->items[0].resource, absl::StrCat("participants/", p->id));
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreTest, ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const ::testing::TestParamInfo<Engine>& param) {
                           return param.param == Engine::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace kompas::caserecord::storage
