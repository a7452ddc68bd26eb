// kompas-caserecord as a real process on both engines — a SQLite file in the test's temp dir
// and a fresh database in the ctest fixture's PostgreSQL cluster — over gRPC: a participant's
// whole lifecycle, tenancy, etags, field masks, paging under concurrent writes, bad input, an
// unreachable PostgreSQL, and SIGKILL under write load. No mocks: every call goes through the
// wire, the runtime, the store and the database.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "kompas/budget/v1/budget.grpc.pb.h"
#include "kompas/caserecord/v1/caserecord.grpc.pb.h"
#include "kompas/matching/v1/matching.grpc.pb.h"
#include "tests/integration/service_process.h"
#include "tests/support/postgres_db.h"
#include "tests/support/redis_server.h"

namespace kompas::testing {
namespace {

using grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
using ::testing::Not;
namespace v1 = ::kompas::caserecord::v1;
using Stub = v1::CaseRecordService::Stub;

enum class Engine { kSqlite, kPostgres };

constexpr char kBsnA[] = "111222333";  // passes the elfproef
constexpr char kBadBsn[] = "123456789";

const std::string kBinary = std::string(KOMPAS_BIN_DIR) + "/services/caserecord/kompas-caserecord";

std::string RandomHexKey() {
  std::random_device rd;
  std::string hex;
  for (int i = 0; i < 32; ++i) absl::StrAppend(&hex, absl::Hex(rd() & 0xff, absl::kZeroPad2));
  return hex;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

std::string TokenId(const std::string& token) {
  return std::vector<std::string>(absl::StrSplit(token, '_'))[1];
}

kompas::type::v1::Date D(int y, int m, int d) {
  kompas::type::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

v1::Participant NewParticipant(const std::string& display_name, const std::string& bsn = "") {
  v1::Participant p;
  p.set_display_name(display_name);
  p.mutable_contact()->set_phone("0612345678");
  p.set_bsn(bsn);
  p.set_gemeente_code("GM0014");
  *p.mutable_intake_date() = D(2025, 9, 1);
  return p;
}

// Levels of the five pillars, in pillar order.
v1::Assessment NewAssessment(kompas::type::v1::Date date, std::vector<int> levels) {
  v1::Assessment a;
  *a.mutable_assessment_date() = date;
  for (size_t i = 0; i < levels.size(); ++i) {
    v1::PillarLevel* l = a.add_levels();
    l->set_pillar(static_cast<v1::Pillar>(i + 1));
    l->set_level(levels[i]);
  }
  return a;
}

v1::Goal NewGoal(const std::string& title, int steps) {
  v1::Goal g;
  g.set_pillar(v1::PILLAR_EMPLOYMENT_CAREER);
  g.set_title(title);
  g.set_done_when("een contract getekend");
  *g.mutable_target_date() = D(2026, 12, 1);
  for (int i = 0; i < steps; ++i) {
    v1::GoalStep* s = g.add_steps();
    s->set_title(absl::StrCat("stap ", i + 1));
    *s->mutable_due_date() = D(2026, 6, 1 + i);
  }
  return g;
}

v1::Session NewSession(kompas::type::v1::Date date, const std::string& notes) {
  v1::Session s;
  *s.mutable_session_date() = date;
  s.set_duration_minutes(60);
  s.set_mode(v1::SESSION_MODE_IN_PERSON);
  s.add_pillars(v1::PILLAR_EMPLOYMENT_CAREER);
  s.add_pillars(v1::PILLAR_FINANCIAL_MANAGEMENT);
  s.set_notes(notes);
  return s;
}

google::protobuf::FieldMask Mask(std::initializer_list<const char*> paths) {
  google::protobuf::FieldMask mask;
  for (const char* p : paths) mask.add_paths(p);
  return mask;
}

bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

// One database (either engine) and the service on it, restartable.
class CaseRecordTestBase {
 protected:
  void SetUpDatabase(Engine engine) {
    absl::StatusOr<std::string> dir = MakeTempDir("caserecord-it");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    WriteFile(dir_ + "/deployment.key", RandomHexKey() + "\n");
    WriteFile(dir_ + "/bsn.key", RandomHexKey() + "\n");
    if (engine == Engine::kPostgres) {
      const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
      absl::StatusOr<std::unique_ptr<PgTestDatabase>> pg =
          PgTestDatabase::Create(absl::StrCat("cr_", info->name()));
      ASSERT_TRUE(pg.ok()) << pg.status();
      pg_ = *std::move(pg);
      database_ = "postgres:" + pg_->connection_string();
    } else {
      database_ = "sqlite:" + dir_ + "/case.db";
    }
    tokens_ = std::make_unique<TokensFile>(dir_ + "/tokens.jsonl");
    a_ = tokens_->Add("org-a", {Scope::kRecordsRead, Scope::kRecordsWrite});
    b_ = tokens_->Add("org-b", {Scope::kRecordsRead, Scope::kRecordsWrite});
  }

  std::vector<std::string> Args() const {
    std::vector<std::string> args = {
        "--database=" + database_, "--deployment_key_file=" + dir_ + "/deployment.key",
        "--bsn_secret_file=" + dir_ + "/bsn.key", "--dependency_poll_interval=200ms"};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    return args;
  }

  void StartService() {
    ServiceOptions options;
    options.binary = kBinary;
    options.tokens_file = tokens_->path();
    options.output_path = absl::StrCat(dir_, "/caserecord-", ++starts_, ".log");
    options.args = Args();
    absl::StatusOr<std::unique_ptr<ServiceProcess>> service = ServiceProcess::Start(options);
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = *std::move(service);
    stub_ = v1::CaseRecordService::NewStub(service_->channel());
  }

  void TearDownDatabase() {
    stub_.reset();
    service_.reset();
    pg_.reset();
    if (!dir_.empty()) RemoveTree(dir_).IgnoreError();
  }

  // One unary call with a token, an actor and a deadline.
  template <typename Req, typename Resp>
  grpc::Status Rpc(const std::string& token,
                   grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                   const Req& req, Resp* resp, const std::string& actor = "mentor-1") {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!token.empty()) AddBearer(ctx, token);
    if (!actor.empty()) ctx.AddMetadata("x-kompas-actor", actor);
    return (stub_.get()->*method)(&ctx, req, resp);
  }

  v1::Participant Create(const std::string& token, const v1::Participant& p) {
    v1::CreateParticipantRequest req;
    *req.mutable_participant() = p;
    v1::Participant out;
    grpc::Status s = Rpc(token, &Stub::CreateParticipant, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
    return out;
  }
  grpc::Status Get(const std::string& token, const std::string& name, v1::Participant* out) {
    v1::GetParticipantRequest req;
    req.set_name(name);
    return Rpc(token, &Stub::GetParticipant, req, out);
  }
  template <typename Resource, typename Req, typename Method>
  Resource CreateChild(const std::string& token, Method method, const std::string& parent,
                       Resource* (Req::*mutable_resource)(), const Resource& resource) {
    Req req;
    req.set_parent(parent);
    *(req.*mutable_resource)() = resource;
    Resource out;
    grpc::Status s = Rpc(token, method, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
    return out;
  }
  v1::Session AddSession(const std::string& token, const std::string& parent,
                         const v1::Session& s) {
    return CreateChild(token, &Stub::CreateSession, parent,
                       &v1::CreateSessionRequest::mutable_session, s);
  }
  v1::Goal AddGoal(const std::string& token, const std::string& parent, const v1::Goal& g) {
    return CreateChild(token, &Stub::CreateGoal, parent, &v1::CreateGoalRequest::mutable_goal, g);
  }
  v1::Assessment AddAssessment(const std::string& token, const std::string& parent,
                               const v1::Assessment& a) {
    return CreateChild(token, &Stub::CreateAssessment, parent,
                       &v1::CreateAssessmentRequest::mutable_assessment, a);
  }
  v1::Consent AddConsent(const std::string& token, const std::string& parent,
                         v1::ConsentPurpose purpose) {
    v1::Consent c;
    c.set_purpose(purpose);
    *c.mutable_grant_date() = D(2025, 9, 1);
    c.set_evidence("getekend formulier");
    return CreateChild(token, &Stub::CreateConsent, parent,
                       &v1::CreateConsentRequest::mutable_consent, c);
  }

  // Every participant of `token`'s organisation by paging through ListParticipants.
  std::vector<v1::Participant> ListAll(const std::string& token, int page_size) {
    std::vector<v1::Participant> all;
    v1::ListParticipantsRequest req;
    req.set_page_size(page_size);
    for (;;) {
      v1::ListParticipantsResponse resp;
      grpc::Status s = Rpc(token, &Stub::ListParticipants, req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      all.insert(all.end(), resp.participants().begin(), resp.participants().end());
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return all;
  }

  std::string dir_;
  std::string database_;
  std::unique_ptr<PgTestDatabase> pg_;
  std::unique_ptr<TokensFile> tokens_;
  std::string a_;  // org-a, records.read + records.write
  std::string b_;  // org-b, the same
  int starts_ = 0;
  std::vector<std::string> extra_args_;  // e.g. --budget_address
  std::unique_ptr<ServiceProcess> service_;
  std::unique_ptr<Stub> stub_;
};

class CaseRecordIntegrationTest : public CaseRecordTestBase,
                                  public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(SetUpDatabase(GetParam()));
    ASSERT_NO_FATAL_FAILURE(StartService());
  }
  void TearDown() override { TearDownDatabase(); }
};

#define EXPECT_CODE(status, code_)                          \
  EXPECT_EQ((status).error_code(), grpc::StatusCode::code_) \
      << (status).error_code() << " " << (status).error_message()

TEST_P(CaseRecordIntegrationTest, ParticipantLifecycle) {
  const std::string secret_name = "Zeldzaamnaam Vanderplas";
  const std::string secret_notes = "Schuldhulp bij de Kredietbank besproken";
  v1::Participant p = Create(a_, NewParticipant(secret_name, kBsnA));
  ASSERT_THAT(p.name(), ::testing::StartsWith("participants/"));
  EXPECT_EQ(p.display_name(), secret_name);
  EXPECT_EQ(p.bsn(), "");  // never returned
  EXPECT_TRUE(p.bsn_on_file());
  EXPECT_EQ(p.mentor(), "mentor-1");  // the calling actor
  EXPECT_EQ(p.state(), v1::PARTICIPANT_STATE_ACTIVE);
  EXPECT_FALSE(p.etag().empty());
  EXPECT_GT(p.create_time().seconds(), 0);

  v1::Participant got;
  ASSERT_TRUE(Get(a_, p.name(), &got).ok());
  EXPECT_TRUE(Same(got, p)) << got.DebugString() << " vs " << p.DebugString();

  // Found by BSN; the same BSN twice in one organisation is refused naming the first.
  v1::LookupParticipantRequest lookup;
  lookup.set_bsn(kBsnA);
  v1::Participant found;
  ASSERT_TRUE(Rpc(a_, &Stub::LookupParticipant, lookup, &found).ok());
  EXPECT_EQ(found.name(), p.name());
  v1::CreateParticipantRequest dup;
  *dup.mutable_participant() = NewParticipant("Iemand anders", kBsnA);
  v1::Participant ignored;
  grpc::Status dup_status = Rpc(a_, &Stub::CreateParticipant, dup, &ignored);
  EXPECT_CODE(dup_status, ALREADY_EXISTS);
  EXPECT_THAT(dup_status.error_message(), HasSubstr(p.name()));

  // Consent: given, withdrawn, still on record.
  v1::Consent consent = AddConsent(a_, p.name(), v1::CONSENT_PURPOSE_KEEP_RECORD);
  EXPECT_EQ(consent.state(), v1::CONSENT_STATE_GIVEN);
  EXPECT_EQ(consent.recorded_by(), "mentor-1");
  v1::WithdrawConsentRequest withdraw;
  withdraw.set_name(consent.name());
  withdraw.set_etag(consent.etag());
  v1::Consent withdrawn;
  ASSERT_TRUE(Rpc(a_, &Stub::WithdrawConsent, withdraw, &withdrawn).ok());
  EXPECT_EQ(withdrawn.state(), v1::CONSENT_STATE_WITHDRAWN);
  EXPECT_TRUE(withdrawn.has_withdraw_date());
  v1::ListConsentsRequest list_consents;
  list_consents.set_parent(p.name());
  v1::ListConsentsResponse consents;
  ASSERT_TRUE(Rpc(a_, &Stub::ListConsents, list_consents, &consents).ok());
  ASSERT_EQ(consents.consents_size(), 1);
  EXPECT_EQ(consents.consents(0).state(), v1::CONSENT_STATE_WITHDRAWN);

  // Two Bridge assessments; the list is newest first; one updated, one deleted.
  v1::Assessment first = AddAssessment(a_, p.name(), NewAssessment(D(2025, 9, 2), {2, 3, 1, 2, 1}));
  EXPECT_EQ(first.total_score(), 9);
  EXPECT_EQ(first.assessed_by(), "mentor-1");
  v1::Assessment second =
      AddAssessment(a_, p.name(), NewAssessment(D(2025, 12, 1), {3, 3, 2, 3, 2}));
  v1::ListAssessmentsRequest list_assessments;
  list_assessments.set_parent(p.name());
  v1::ListAssessmentsResponse assessments;
  ASSERT_TRUE(Rpc(a_, &Stub::ListAssessments, list_assessments, &assessments).ok());
  ASSERT_EQ(assessments.assessments_size(), 2);
  EXPECT_EQ(assessments.assessments(0).name(), second.name());
  v1::UpdateAssessmentRequest update_assessment;
  *update_assessment.mutable_assessment() = second;
  update_assessment.mutable_assessment()->set_notes("vooruitgang op werk");
  *update_assessment.mutable_update_mask() = Mask({"notes"});
  v1::Assessment updated_assessment;
  ASSERT_TRUE(Rpc(a_, &Stub::UpdateAssessment, update_assessment, &updated_assessment).ok());
  EXPECT_EQ(updated_assessment.notes(), "vooruitgang op werk");
  EXPECT_NE(updated_assessment.etag(), second.etag());
  v1::DeleteAssessmentRequest delete_assessment;
  delete_assessment.set_name(first.name());
  google::protobuf::Empty empty;
  ASSERT_TRUE(Rpc(a_, &Stub::DeleteAssessment, delete_assessment, &empty).ok());
  v1::GetAssessmentRequest get_assessment;
  get_assessment.set_name(first.name());
  v1::Assessment gone;
  EXPECT_CODE(Rpc(a_, &Stub::GetAssessment, get_assessment, &gone), NOT_FOUND);

  // A goal with a step; the step is done.
  v1::Goal goal = AddGoal(a_, p.name(), NewGoal("Werk in de zorg", 1));
  ASSERT_EQ(goal.steps_size(), 1);
  EXPECT_FALSE(goal.steps(0).step_id().empty());
  EXPECT_EQ(goal.state(), v1::GOAL_STATE_OPEN);
  v1::UpdateGoalRequest update_goal;
  *update_goal.mutable_goal() = goal;
  update_goal.mutable_goal()->mutable_steps(0)->set_done(true);
  *update_goal.mutable_goal()->mutable_steps(0)->mutable_done_date() = D(2025, 12, 2);
  *update_goal.mutable_update_mask() = Mask({"steps"});
  v1::Goal updated_goal;
  ASSERT_TRUE(Rpc(a_, &Stub::UpdateGoal, update_goal, &updated_goal).ok());
  EXPECT_TRUE(updated_goal.steps(0).done());
  EXPECT_EQ(updated_goal.steps(0).step_id(), goal.steps(0).step_id());

  // A session with notes (encrypted at rest), updated, listed.
  v1::Session session = AddSession(a_, p.name(), NewSession(D(2025, 10, 1), secret_notes));
  EXPECT_EQ(session.mentor(), "mentor-1");
  EXPECT_EQ(session.notes(), secret_notes);
  v1::UpdateSessionRequest update_session;
  *update_session.mutable_session() = session;
  update_session.mutable_session()->set_duration_minutes(90);
  *update_session.mutable_update_mask() = Mask({"duration_minutes"});
  v1::Session updated_session;
  ASSERT_TRUE(Rpc(a_, &Stub::UpdateSession, update_session, &updated_session).ok());
  EXPECT_EQ(updated_session.duration_minutes(), 90);
  EXPECT_EQ(updated_session.notes(), secret_notes);

  // The timeline: everything in date order.
  v1::GetTimelineRequest timeline_req;
  timeline_req.set_participant(p.name());
  v1::GetTimelineResponse timeline;
  ASSERT_TRUE(Rpc(a_, &Stub::GetTimeline, timeline_req, &timeline).ok());
  std::set<v1::TimelineEntry::ItemCase> kinds;
  int64_t previous = 0;
  for (const v1::TimelineEntry& e : timeline.entries()) {
    kinds.insert(e.item_case());
    const int64_t key =
        e.entry_date().year() * 10000 + e.entry_date().month() * 100 + e.entry_date().day();
    EXPECT_GE(key, previous);
    previous = key;
  }
  EXPECT_EQ(timeline.entries_size(), 4);  // consent, assessment, goal, session
  EXPECT_EQ(kinds.size(), 4u);

  // The caseload: this mentor's participants.
  v1::ListParticipantsRequest caseload;
  caseload.set_mentor("mentor-1");
  v1::ListParticipantsResponse mine;
  ASSERT_TRUE(Rpc(a_, &Stub::ListParticipants, caseload, &mine).ok());
  ASSERT_EQ(mine.participants_size(), 1);
  EXPECT_EQ(mine.participants(0).name(), p.name());
  caseload.set_mentor("mentor-2");
  v1::ListParticipantsResponse theirs;
  ASSERT_TRUE(Rpc(a_, &Stub::ListParticipants, caseload, &theirs).ok());
  EXPECT_EQ(theirs.participants_size(), 0);

  // The access log: token id, actor, method, resource, result of every write and read.
  v1::ListAuditEventsRequest audit_req;
  audit_req.set_parent(p.name());
  audit_req.set_page_size(1000);
  v1::ListAuditEventsResponse audit;
  ASSERT_TRUE(Rpc(a_, &Stub::ListAuditEvents, audit_req, &audit).ok());
  std::set<std::string> methods;
  for (const v1::AuditEvent& e : audit.audit_events()) {
    EXPECT_EQ(e.token_id(), TokenId(a_));
    EXPECT_EQ(e.actor(), "mentor-1");
    EXPECT_THAT(e.resource(), ::testing::StartsWith(p.name()));
    methods.insert(std::vector<std::string>(absl::StrSplit(e.method(), '/')).back());
  }
  for (const char* m : {"CreateParticipant", "GetParticipant", "LookupParticipant", "CreateSession",
                        "UpdateGoal", "DeleteAssessment", "GetTimeline"}) {
    EXPECT_TRUE(methods.count(m)) << m;
  }

  // Erasure: everything under the participant goes; the access log stays.
  v1::EraseParticipantRequest erase;
  erase.set_name(p.name());
  erase.set_reason(v1::ERASURE_REASON_PARTICIPANT_REQUEST);
  v1::EraseParticipantResponse erased;
  ASSERT_TRUE(Rpc(a_, &Stub::EraseParticipant, erase, &erased).ok());
  EXPECT_EQ(erased.name(), p.name());
  EXPECT_GE(erased.resources_erased(), 5);  // participant, consent, assessment, goal, session
  EXPECT_CODE(Get(a_, p.name(), &got), NOT_FOUND);
  v1::GetSessionRequest get_session;
  get_session.set_name(session.name());
  v1::Session no_session;
  EXPECT_CODE(Rpc(a_, &Stub::GetSession, get_session, &no_session), NOT_FOUND);
  EXPECT_CODE(Rpc(a_, &Stub::LookupParticipant, lookup, &found), NOT_FOUND);
  v1::ListAuditEventsResponse audit_after;
  ASSERT_TRUE(Rpc(a_, &Stub::ListAuditEvents, audit_req, &audit_after).ok());
  EXPECT_GT(audit_after.audit_events_size(), audit.audit_events_size());

  // Never a name, a BSN or note text in the logs.
  const std::string log = service_->process().ReadOutput();
  EXPECT_THAT(log, HasSubstr("CreateParticipant"));
  EXPECT_THAT(log, Not(HasSubstr(secret_name)));
  EXPECT_THAT(log, Not(HasSubstr("Vanderplas")));
  EXPECT_THAT(log, Not(HasSubstr(kBsnA)));
  EXPECT_THAT(log, Not(HasSubstr("Kredietbank")));
}

TEST_P(CaseRecordIntegrationTest, AnotherOrganisationSeesNothing) {
  const v1::Participant p = Create(a_, NewParticipant("Alleen van A", kBsnA));
  const v1::Consent consent = AddConsent(a_, p.name(), v1::CONSENT_PURPOSE_KEEP_RECORD);
  const v1::Assessment assessment =
      AddAssessment(a_, p.name(), NewAssessment(D(2025, 9, 2), {2, 3, 1, 2, 1}));
  const v1::Goal goal = AddGoal(a_, p.name(), NewGoal("Rijbewijs halen", 1));
  const v1::Session session = AddSession(a_, p.name(), NewSession(D(2025, 10, 1), "notities"));
  google::protobuf::Empty empty;

  // Every RPC of org-b on org-a's resources: NOT_FOUND, exactly as for a name never used.
  std::vector<std::pair<std::string, grpc::Status>> tried;
  const auto Try = [&](const std::string& what, grpc::Status s) { tried.emplace_back(what, s); };
  {
    v1::Participant out;
    Try("GetParticipant", Get(b_, p.name(), &out));
    v1::UpdateParticipantRequest u;
    *u.mutable_participant() = p;
    u.mutable_participant()->set_mentor("indringer");
    *u.mutable_update_mask() = Mask({"mentor"});
    Try("UpdateParticipant", Rpc(b_, &Stub::UpdateParticipant, u, &out));
    v1::LookupParticipantRequest l;
    l.set_bsn(kBsnA);
    Try("LookupParticipant", Rpc(b_, &Stub::LookupParticipant, l, &out));
    v1::EraseParticipantRequest e;
    e.set_name(p.name());
    e.set_reason(v1::ERASURE_REASON_RECORDED_IN_ERROR);
    v1::EraseParticipantResponse er;
    Try("EraseParticipant", Rpc(b_, &Stub::EraseParticipant, e, &er));
    v1::GetTimelineRequest t;
    t.set_participant(p.name());
    v1::GetTimelineResponse tr;
    Try("GetTimeline", Rpc(b_, &Stub::GetTimeline, t, &tr));
    v1::ListAuditEventsRequest a;
    a.set_parent(p.name());
    v1::ListAuditEventsResponse ar;
    Try("ListAuditEvents", Rpc(b_, &Stub::ListAuditEvents, a, &ar));
  }
  {
    v1::CreateConsentRequest c;
    c.set_parent(p.name());
    c.mutable_consent()->set_purpose(v1::CONSENT_PURPOSE_KEEP_RECORD);
    *c.mutable_consent()->mutable_grant_date() = D(2025, 9, 1);
    v1::Consent out;
    Try("CreateConsent", Rpc(b_, &Stub::CreateConsent, c, &out));
    v1::GetConsentRequest g;
    g.set_name(consent.name());
    Try("GetConsent", Rpc(b_, &Stub::GetConsent, g, &out));
    v1::ListConsentsRequest l;
    l.set_parent(p.name());
    v1::ListConsentsResponse lr;
    Try("ListConsents", Rpc(b_, &Stub::ListConsents, l, &lr));
    v1::WithdrawConsentRequest w;
    w.set_name(consent.name());
    Try("WithdrawConsent", Rpc(b_, &Stub::WithdrawConsent, w, &out));
  }
  {
    v1::CreateAssessmentRequest c;
    c.set_parent(p.name());
    *c.mutable_assessment() = NewAssessment(D(2025, 9, 3), {1, 1, 1, 1, 1});
    v1::Assessment out;
    Try("CreateAssessment", Rpc(b_, &Stub::CreateAssessment, c, &out));
    v1::GetAssessmentRequest g;
    g.set_name(assessment.name());
    Try("GetAssessment", Rpc(b_, &Stub::GetAssessment, g, &out));
    v1::ListAssessmentsRequest l;
    l.set_parent(p.name());
    v1::ListAssessmentsResponse lr;
    Try("ListAssessments", Rpc(b_, &Stub::ListAssessments, l, &lr));
    v1::UpdateAssessmentRequest u;
    *u.mutable_assessment() = assessment;
    *u.mutable_update_mask() = Mask({"notes"});
    Try("UpdateAssessment", Rpc(b_, &Stub::UpdateAssessment, u, &out));
    v1::DeleteAssessmentRequest d;
    d.set_name(assessment.name());
    Try("DeleteAssessment", Rpc(b_, &Stub::DeleteAssessment, d, &empty));
  }
  {
    v1::CreateGoalRequest c;
    c.set_parent(p.name());
    *c.mutable_goal() = NewGoal("x", 0);
    v1::Goal out;
    Try("CreateGoal", Rpc(b_, &Stub::CreateGoal, c, &out));
    v1::GetGoalRequest g;
    g.set_name(goal.name());
    Try("GetGoal", Rpc(b_, &Stub::GetGoal, g, &out));
    v1::ListGoalsRequest l;
    l.set_parent(p.name());
    v1::ListGoalsResponse lr;
    Try("ListGoals", Rpc(b_, &Stub::ListGoals, l, &lr));
    v1::UpdateGoalRequest u;
    *u.mutable_goal() = goal;
    *u.mutable_update_mask() = Mask({"title"});
    Try("UpdateGoal", Rpc(b_, &Stub::UpdateGoal, u, &out));
    v1::DeleteGoalRequest d;
    d.set_name(goal.name());
    Try("DeleteGoal", Rpc(b_, &Stub::DeleteGoal, d, &empty));
  }
  {
    v1::CreateSessionRequest c;
    c.set_parent(p.name());
    *c.mutable_session() = NewSession(D(2025, 10, 2), "x");
    v1::Session out;
    Try("CreateSession", Rpc(b_, &Stub::CreateSession, c, &out));
    v1::GetSessionRequest g;
    g.set_name(session.name());
    Try("GetSession", Rpc(b_, &Stub::GetSession, g, &out));
    v1::ListSessionsRequest l;
    l.set_parent(p.name());
    v1::ListSessionsResponse lr;
    Try("ListSessions", Rpc(b_, &Stub::ListSessions, l, &lr));
    v1::UpdateSessionRequest u;
    *u.mutable_session() = session;
    *u.mutable_update_mask() = Mask({"notes"});
    Try("UpdateSession", Rpc(b_, &Stub::UpdateSession, u, &out));
    v1::DeleteSessionRequest d;
    d.set_name(session.name());
    Try("DeleteSession", Rpc(b_, &Stub::DeleteSession, d, &empty));
  }
  EXPECT_EQ(tried.size(), 25u);
  for (const auto& [what, status] : tried) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND)
        << what << ": " << status.error_code() << " " << status.error_message();
  }

  // Org-b's caseload is empty; the same BSN is a different person there; org-a's record is as
  // it was.
  EXPECT_TRUE(ListAll(b_, 50).empty());
  v1::Participant b_own = Create(b_, NewParticipant("Van B", kBsnA));
  EXPECT_NE(b_own.name(), p.name());
  EXPECT_EQ(ListAll(a_, 50).size(), 1u);
  v1::Participant still;
  ASSERT_TRUE(Get(a_, p.name(), &still).ok());
  EXPECT_EQ(still.etag(), p.etag());
  EXPECT_EQ(still.mentor(), p.mentor());
  v1::GetSessionRequest gs;
  gs.set_name(session.name());
  v1::Session s_still;
  EXPECT_TRUE(Rpc(a_, &Stub::GetSession, gs, &s_still).ok());
}

TEST_P(CaseRecordIntegrationTest, StaleEtagIsAborted) {
  const v1::Participant p = Create(a_, NewParticipant("Etag"));
  v1::UpdateParticipantRequest u;
  *u.mutable_participant() = p;  // carries the etag it was read with
  u.mutable_participant()->set_mentor("mentor-2");
  *u.mutable_update_mask() = Mask({"mentor"});
  v1::Participant updated;
  ASSERT_TRUE(Rpc(a_, &Stub::UpdateParticipant, u, &updated).ok());
  EXPECT_NE(updated.etag(), p.etag());
  u.mutable_participant()->set_mentor("mentor-3");  // still the old etag
  v1::Participant out;
  EXPECT_CODE(Rpc(a_, &Stub::UpdateParticipant, u, &out), ABORTED);
  v1::EraseParticipantRequest e;
  e.set_name(p.name());
  e.set_etag(p.etag());
  e.set_reason(v1::ERASURE_REASON_RECORDED_IN_ERROR);
  v1::EraseParticipantResponse er;
  EXPECT_CODE(Rpc(a_, &Stub::EraseParticipant, e, &er), ABORTED);

  const v1::Session s = AddSession(a_, p.name(), NewSession(D(2025, 10, 1), "eerste"));
  v1::UpdateSessionRequest us;
  *us.mutable_session() = s;
  us.mutable_session()->set_notes("tweede");
  *us.mutable_update_mask() = Mask({"notes"});
  v1::Session s2;
  ASSERT_TRUE(Rpc(a_, &Stub::UpdateSession, us, &s2).ok());
  EXPECT_CODE(Rpc(a_, &Stub::UpdateSession, us, &s2), ABORTED);
  v1::DeleteSessionRequest ds;
  ds.set_name(s.name());
  ds.set_etag(s.etag());
  google::protobuf::Empty empty;
  EXPECT_CODE(Rpc(a_, &Stub::DeleteSession, ds, &empty), ABORTED);

  const v1::Goal g = AddGoal(a_, p.name(), NewGoal("doel", 1));
  v1::UpdateGoalRequest ug;
  *ug.mutable_goal() = g;
  ug.mutable_goal()->set_title("nieuw");
  *ug.mutable_update_mask() = Mask({"title"});
  v1::Goal g2;
  ASSERT_TRUE(Rpc(a_, &Stub::UpdateGoal, ug, &g2).ok());
  v1::DeleteGoalRequest dg;
  dg.set_name(g.name());
  dg.set_etag(g.etag());
  EXPECT_CODE(Rpc(a_, &Stub::DeleteGoal, dg, &empty), ABORTED);

  // Nothing was changed by the refused calls.
  v1::Participant now;
  ASSERT_TRUE(Get(a_, p.name(), &now).ok());
  EXPECT_EQ(now.mentor(), "mentor-2");
  EXPECT_EQ(now.etag(), updated.etag());
  v1::GetSessionRequest gs;
  gs.set_name(s.name());
  v1::Session s_now;
  ASSERT_TRUE(Rpc(a_, &Stub::GetSession, gs, &s_now).ok());
  EXPECT_EQ(s_now.notes(), "tweede");
  // With the current etag the delete goes through.
  ds.set_etag(s_now.etag());
  EXPECT_TRUE(Rpc(a_, &Stub::DeleteSession, ds, &empty).ok());
}

TEST_P(CaseRecordIntegrationTest, FieldMaskChangesOnlyTheNamedFields) {
  v1::Participant original = NewParticipant("Anna de Vries");
  original.set_mentor("mentor-1");
  const v1::Participant p = Create(a_, original);

  v1::UpdateParticipantRequest u;
  v1::Participant* changed = u.mutable_participant();
  changed->set_name(p.name());
  changed->set_display_name("Iemand Anders");
  changed->mutable_contact()->set_email("x@example.nl");
  changed->set_mentor("mentor-9");
  changed->set_gemeente_code("GM0363");
  changed->set_state(v1::PARTICIPANT_STATE_PAUSED);
  *u.mutable_update_mask() = Mask({"mentor"});
  v1::Participant after;
  ASSERT_TRUE(Rpc(a_, &Stub::UpdateParticipant, u, &after).ok());
  v1::Participant expected = p;
  expected.set_mentor("mentor-9");
  expected.clear_update_time();
  expected.clear_etag();
  v1::Participant compared = after;
  compared.clear_update_time();
  compared.clear_etag();
  EXPECT_TRUE(Same(compared, expected)) << after.DebugString();
  v1::Participant reread;
  ASSERT_TRUE(Get(a_, p.name(), &reread).ok());
  EXPECT_TRUE(Same(reread, after));

  // Two fields at once; the mentor stays as the first update left it.
  *u.mutable_update_mask() = Mask({"display_name", "state"});
  ASSERT_TRUE(Rpc(a_, &Stub::UpdateParticipant, u, &after).ok());
  EXPECT_EQ(after.display_name(), "Iemand Anders");
  EXPECT_EQ(after.state(), v1::PARTICIPANT_STATE_PAUSED);
  EXPECT_EQ(after.mentor(), "mentor-9");
  EXPECT_EQ(after.gemeente_code(), "GM0014");
  EXPECT_EQ(after.contact().phone(), "0612345678");
  EXPECT_EQ(after.contact().email(), "");

  // A goal: the title changes, the steps and dates do not.
  const v1::Goal g = AddGoal(a_, p.name(), NewGoal("oude titel", 2));
  v1::UpdateGoalRequest ug;
  ug.mutable_goal()->set_name(g.name());
  ug.mutable_goal()->set_title("nieuwe titel");
  ug.mutable_goal()->set_pillar(v1::PILLAR_WELL_BEING);
  *ug.mutable_update_mask() = Mask({"title"});
  v1::Goal g2;
  ASSERT_TRUE(Rpc(a_, &Stub::UpdateGoal, ug, &g2).ok());
  EXPECT_EQ(g2.title(), "nieuwe titel");
  EXPECT_EQ(g2.pillar(), v1::PILLAR_EMPLOYMENT_CAREER);
  ASSERT_EQ(g2.steps_size(), 2);
  EXPECT_EQ(g2.steps(1).step_id(), g.steps(1).step_id());
  EXPECT_TRUE(Same(g2.target_date(), g.target_date()));

  // A session: the notes change, the duration and pillars do not.
  const v1::Session s = AddSession(a_, p.name(), NewSession(D(2025, 10, 1), "eerst"));
  v1::UpdateSessionRequest us;
  us.mutable_session()->set_name(s.name());
  us.mutable_session()->set_notes("daarna");
  us.mutable_session()->set_duration_minutes(5);
  *us.mutable_update_mask() = Mask({"notes"});
  v1::Session s2;
  ASSERT_TRUE(Rpc(a_, &Stub::UpdateSession, us, &s2).ok());
  EXPECT_EQ(s2.notes(), "daarna");
  EXPECT_EQ(s2.duration_minutes(), 60);
  EXPECT_EQ(s2.pillars_size(), 2);
}

TEST_P(CaseRecordIntegrationTest, PagingReturnsEveryItemOnceWhileItemsAreAdded) {
  constexpr int kBefore = 120;
  std::set<std::string> present;
  for (int i = 0; i < kBefore; ++i) present.insert(Create(a_, NewParticipant("P")).name());
  v1::Participant holder;
  ASSERT_TRUE(Get(a_, *present.begin(), &holder).ok());
  std::set<std::string> sessions_present;
  for (int i = 0; i < 40; ++i) {
    sessions_present.insert(
        AddSession(a_, holder.name(), NewSession(D(2025, 1 + i % 12, 1 + i % 28), "s")).name());
  }

  // A second client keeps adding participants and sessions (with dates before, between and
  // after the existing ones) while the first pages through both lists.
  std::atomic<bool> stop{false};
  std::atomic<int> added{0};
  std::thread writer([&] {
    auto stub = v1::CaseRecordService::NewStub(service_->channel());
    for (int i = 0; !stop.load() && i < 400; ++i) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      AddBearer(ctx, a_);
      if (i % 2 == 0) {
        v1::CreateParticipantRequest req;
        *req.mutable_participant() = NewParticipant("Nieuw");
        v1::Participant out;
        if (stub->CreateParticipant(&ctx, req, &out).ok()) added.fetch_add(1);
      } else {
        v1::CreateSessionRequest req;
        req.set_parent(holder.name());
        *req.mutable_session() = NewSession(D(2025, 1 + i % 12, 1 + (i * 7) % 28), "n");
        v1::Session out;
        if (stub->CreateSession(&ctx, req, &out).ok()) added.fetch_add(1);
      }
    }
  });
  while (added.load() < 5) std::this_thread::yield();

  std::multiset<std::string> seen;
  v1::ListParticipantsRequest req;
  req.set_page_size(7);
  int pages = 0;
  for (;; ++pages) {
    v1::ListParticipantsResponse resp;
    grpc::Status s = Rpc(a_, &Stub::ListParticipants, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_LE(resp.participants_size(), 7);
    for (const v1::Participant& p : resp.participants()) seen.insert(p.name());
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::multiset<std::string> seen_sessions;
  v1::ListSessionsRequest sreq;
  sreq.set_parent(holder.name());
  sreq.set_page_size(3);
  for (;;) {
    v1::ListSessionsResponse resp;
    grpc::Status s = Rpc(a_, &Stub::ListSessions, sreq, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (const v1::Session& x : resp.sessions()) seen_sessions.insert(x.name());
    if (resp.next_page_token().empty()) break;
    sreq.set_page_token(resp.next_page_token());
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  stop = true;
  writer.join();
  EXPECT_GT(added.load(), 5);
  EXPECT_GT(pages, kBefore / 7 - 1);
  for (const std::string& name : present) EXPECT_EQ(seen.count(name), 1u) << name;
  for (const std::string& name : seen) EXPECT_EQ(seen.count(name), 1u) << "twice: " << name;
  for (const std::string& name : sessions_present) {
    EXPECT_EQ(seen_sessions.count(name), 1u) << name;
  }
  for (const std::string& name : seen_sessions) {
    EXPECT_EQ(seen_sessions.count(name), 1u) << "twice: " << name;
  }
}

TEST_P(CaseRecordIntegrationTest, BadInputIsInvalidArgumentNamingTheField) {
  const v1::Participant p = Create(a_, NewParticipant("Invoer"));
  google::protobuf::Empty empty;
  struct Case {
    std::string what;
    grpc::Status status;
    std::string field;
  };
  std::vector<Case> cases;
  {
    v1::CreateParticipantRequest req;
    *req.mutable_participant() = NewParticipant("X", kBadBsn);
    v1::Participant out;
    cases.push_back({"bsn fails the elfproef", Rpc(a_, &Stub::CreateParticipant, req, &out),
                     "participant.bsn"});
    v1::LookupParticipantRequest lookup;
    lookup.set_bsn(kBadBsn);
    cases.push_back({"lookup bsn", Rpc(a_, &Stub::LookupParticipant, lookup, &out), "bsn"});
    v1::GetParticipantRequest get;
    get.set_name("people/abc");
    cases.push_back({"malformed name", Rpc(a_, &Stub::GetParticipant, get, &out), "name"});
  }
  {
    v1::CreateAssessmentRequest req;
    req.set_parent(p.name());
    *req.mutable_assessment() = NewAssessment(D(2025, 9, 2), {2, 3, 1, 2, 1});
    req.mutable_assessment()->mutable_levels(4)->set_pillar(static_cast<v1::Pillar>(9));
    v1::Assessment out;
    cases.push_back({"unknown pillar", Rpc(a_, &Stub::CreateAssessment, req, &out),
                     "assessment.levels[4].pillar"});
    *req.mutable_assessment() = NewAssessment(D(2025, 9, 2), {2, 3, 6, 2, 1});
    cases.push_back({"level out of range", Rpc(a_, &Stub::CreateAssessment, req, &out),
                     "assessment.levels[2].level"});
    *req.mutable_assessment() = NewAssessment(D(2025, 9, 2), {2, 3, 0, 2, 1});
    cases.push_back(
        {"level zero", Rpc(a_, &Stub::CreateAssessment, req, &out), "assessment.levels[2].level"});
  }
  {
    v1::CreateGoalRequest req;
    req.set_parent(p.name());
    *req.mutable_goal() = NewGoal("zonder datum", 0);
    req.mutable_goal()->clear_target_date();
    v1::Goal out;
    cases.push_back(
        {"goal without a date", Rpc(a_, &Stub::CreateGoal, req, &out), "goal.target_date"});
    *req.mutable_goal() = NewGoal("stap zonder datum", 1);
    req.mutable_goal()->mutable_steps(0)->clear_due_date();
    cases.push_back(
        {"step without a date", Rpc(a_, &Stub::CreateGoal, req, &out), "goal.steps[0].due_date"});
    *req.mutable_goal() = NewGoal("pijler", 0);
    req.mutable_goal()->set_pillar(static_cast<v1::Pillar>(8));
    cases.push_back({"goal pillar", Rpc(a_, &Stub::CreateGoal, req, &out), "goal.pillar"});
  }
  {
    v1::CreateSessionRequest req;
    req.set_parent(p.name());
    *req.mutable_session() = NewSession(D(2025, 10, 1), std::string(65537, 'n'));
    v1::Session out;
    cases.push_back(
        {"notes over 64 KiB", Rpc(a_, &Stub::CreateSession, req, &out), "session.notes"});
    *req.mutable_session() = NewSession(D(2025, 10, 1), "");
    req.mutable_session()->add_pillars(static_cast<v1::Pillar>(7));
    cases.push_back(
        {"session pillar", Rpc(a_, &Stub::CreateSession, req, &out), "session.pillars[2]"});
  }
  {
    v1::ListParticipantsRequest req;
    req.set_page_token("bm90LWEtdG9rZW4");
    v1::ListParticipantsResponse out;
    cases.push_back(
        {"invalid page token", Rpc(a_, &Stub::ListParticipants, req, &out), "page_token"});
    req.set_page_token("");
    req.set_page_size(1001);
    cases.push_back({"page size", Rpc(a_, &Stub::ListParticipants, req, &out), "page_size"});
    // A real token of another list is no token of this one.
    for (int i = 0; i < 3; ++i) Create(a_, NewParticipant("meer"));
    req.set_page_size(1);
    ASSERT_TRUE(Rpc(a_, &Stub::ListParticipants, req, &out).ok());
    ASSERT_FALSE(out.next_page_token().empty());
    v1::ListSessionsRequest sessions;
    sessions.set_parent(p.name());
    sessions.set_page_token(out.next_page_token());
    v1::ListSessionsResponse sout;
    cases.push_back(
        {"token of another list", Rpc(a_, &Stub::ListSessions, sessions, &sout), "page_token"});
  }
  {
    v1::UpdateParticipantRequest req;
    *req.mutable_participant() = p;
    *req.mutable_update_mask() = Mask({"mentor", "favourite_colour"});
    v1::Participant out;
    cases.push_back(
        {"unknown mask field", Rpc(a_, &Stub::UpdateParticipant, req, &out), "update_mask"});
    *req.mutable_update_mask() = Mask({});
    cases.push_back({"empty mask", Rpc(a_, &Stub::UpdateParticipant, req, &out), "update_mask"});
    *req.mutable_update_mask() = Mask({"bsn"});
    req.mutable_participant()->set_bsn(kBadBsn);
    cases.push_back(
        {"bsn update", Rpc(a_, &Stub::UpdateParticipant, req, &out), "participant.bsn"});
  }
  {
    const v1::Session s = AddSession(a_, p.name(), NewSession(D(2025, 10, 1), "ok"));
    v1::UpdateSessionRequest req;
    *req.mutable_session() = s;
    *req.mutable_update_mask() = Mask({"mentor"});  // output only
    v1::Session out;
    cases.push_back(
        {"output-only mask field", Rpc(a_, &Stub::UpdateSession, req, &out), "update_mask"});
    v1::EraseParticipantRequest erase;
    erase.set_name(p.name());
    v1::EraseParticipantResponse eout;
    cases.push_back(
        {"erase without reason", Rpc(a_, &Stub::EraseParticipant, erase, &eout), "reason"});
  }
  for (const Case& c : cases) {
    EXPECT_EQ(c.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.what << ": " << c.status.error_code() << " " << c.status.error_message();
    EXPECT_THAT(c.status.error_message(), ::testing::StartsWith(c.field + ": ")) << c.what;
    EXPECT_THAT(c.status.error_message(), Not(HasSubstr(kBadBsn))) << c.what;
  }
  for (const Case& c : cases) {
    if (c.what == "unknown mask field") {
      EXPECT_THAT(c.status.error_message(), HasSubstr("favourite_colour"));
    }
  }

  // The limits themselves are allowed; nothing refused was stored.
  EXPECT_EQ(
      AddSession(a_, p.name(), NewSession(D(2025, 10, 1), std::string(65536, 'n'))).notes().size(),
      65536u);
  v1::ListSessionsRequest list;
  list.set_parent(p.name());
  v1::ListSessionsResponse sessions;
  ASSERT_TRUE(Rpc(a_, &Stub::ListSessions, list, &sessions).ok());
  EXPECT_EQ(sessions.sessions_size(), 2);
  v1::ListGoalsRequest goals_req;
  goals_req.set_parent(p.name());
  v1::ListGoalsResponse goals;
  ASSERT_TRUE(Rpc(a_, &Stub::ListGoals, goals_req, &goals).ok());
  EXPECT_EQ(goals.goals_size(), 0);
}

TEST_P(CaseRecordIntegrationTest, ScopesAndTokensAreEnforced) {
  const std::string reader = tokens_->Add("org-a", {Scope::kRecordsRead});
  const std::string compass = tokens_->Add("org-a", {Scope::kCompass});
  ASSERT_TRUE(service_->process().Signal(SIGHUP).ok());  // re-read the tokens file
  ASSERT_TRUE(service_->process().WaitForOutput("tokens_reloaded", absl::Seconds(5)).ok());
  const v1::Participant p = Create(a_, NewParticipant("Scope"));
  v1::Participant out;
  EXPECT_TRUE(Get(reader, p.name(), &out).ok());
  v1::CreateParticipantRequest create;
  *create.mutable_participant() = NewParticipant("Nee");
  EXPECT_CODE(Rpc(reader, &Stub::CreateParticipant, create, &out), PERMISSION_DENIED);
  EXPECT_CODE(Get(compass, p.name(), &out), PERMISSION_DENIED);
  EXPECT_CODE(Get("", p.name(), &out), UNAUTHENTICATED);
  // Issue 10's calls: reading (outcomes, export) needs records.read, writing records.write.
  v1::ListOutcomesRequest outcomes;
  outcomes.set_parent(p.name());
  v1::ListOutcomesResponse outcomes_out;
  EXPECT_TRUE(Rpc(reader, &Stub::ListOutcomes, outcomes, &outcomes_out).ok());
  v1::CreateOutcomeRequest outcome;
  outcome.set_parent(p.name());
  outcome.mutable_outcome()->set_type(v1::OUTCOME_TYPE_LEFT_BIJSTAND);
  *outcome.mutable_outcome()->mutable_outcome_date() = D(2025, 10, 1);
  v1::Outcome outcome_out;
  EXPECT_CODE(Rpc(reader, &Stub::CreateOutcome, outcome, &outcome_out), PERMISSION_DENIED);
  v1::ExportParticipantRequest export_req;
  export_req.set_name(p.name());
  v1::ExportParticipantResponse exported;
  EXPECT_CODE(Rpc(compass, &Stub::ExportParticipant, export_req, &exported), PERMISSION_DENIED);
  EXPECT_TRUE(Rpc(reader, &Stub::ExportParticipant, export_req, &exported).ok());
}

// Writers on four connections create participants with a three-step goal each, as fast as the
// service acknowledges; the service is SIGKILLed mid-stream and started again on the same
// database. Every acknowledged participant and goal must be there, whole and readable.
TEST_P(CaseRecordIntegrationTest, SigkillUnderWriteLoadLosesNoAcknowledgedWrite) {
  absl::Mutex mu;
  std::map<std::string, std::string> participants;  // name → display name, acknowledged
  std::vector<std::string> goals;                   // acknowledged
  std::atomic<bool> stop{false};
  std::atomic<int> acked{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      auto stub = v1::CaseRecordService::NewStub(
          grpc::CreateChannel(service_->address(), grpc::InsecureChannelCredentials()));
      for (int i = 0; !stop.load(); ++i) {
        const std::string display = absl::StrCat("K", t, "-", i);
        v1::CreateParticipantRequest req;
        *req.mutable_participant() = NewParticipant(display);
        v1::Participant p;
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        AddBearer(ctx, a_);
        if (!stub->CreateParticipant(&ctx, req, &p).ok()) continue;
        {
          absl::MutexLock lock(&mu);
          participants[p.name()] = display;
        }
        acked.fetch_add(1);
        v1::CreateGoalRequest goal_req;
        goal_req.set_parent(p.name());
        *goal_req.mutable_goal() = NewGoal(display, 3);
        v1::Goal g;
        grpc::ClientContext goal_ctx;
        goal_ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        AddBearer(goal_ctx, a_);
        if (stub->CreateGoal(&goal_ctx, goal_req, &g).ok()) {
          absl::MutexLock lock(&mu);
          goals.push_back(g.name());
        }
      }
    });
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (acked.load() < 300 && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(service_->process().Signal(SIGKILL).ok());
  absl::StatusOr<int> code = service_->process().Wait(absl::Seconds(10));
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 128 + SIGKILL);
  stop = true;
  for (std::thread& w : writers) w.join();
  ASSERT_GE(participants.size(), 300u);

  ASSERT_NO_FATAL_FAILURE(StartService());
  size_t missing = 0;
  for (const auto& [name, display] : participants) {
    v1::Participant p;
    grpc::Status s = Get(a_, name, &p);
    if (!s.ok() || p.display_name() != display) ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << participants.size() << " acknowledged participants";
  size_t broken_goals = 0;
  for (const std::string& name : goals) {
    v1::GetGoalRequest req;
    req.set_name(name);
    v1::Goal g;
    if (!Rpc(a_, &Stub::GetGoal, req, &g).ok() || g.steps_size() != 3) ++broken_goals;
  }
  EXPECT_EQ(broken_goals, 0u) << "of " << goals.size() << " acknowledged goals";
  // No half-written participant: every stored one (acknowledged or not) opens, and every goal
  // under the ones stored has all its steps.
  const std::vector<v1::Participant> stored = ListAll(a_, 1000);
  EXPECT_GE(stored.size(), participants.size());
  for (const v1::Participant& p : stored) {
    EXPECT_THAT(p.display_name(), ::testing::StartsWith("K"));
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, CaseRecordIntegrationTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const ::testing::TestParamInfo<Engine>& param) {
                           return param.param == Engine::kSqlite ? "Sqlite" : "Postgres";
                         });

// --- PostgreSQL goes away under the running service --------------------------------------------

class CaseRecordPostgresTest : public CaseRecordTestBase, public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(SetUpDatabase(GetParam()));
    ASSERT_NO_FATAL_FAILURE(StartService());
  }
  void TearDown() override {
    if (pg_ != nullptr) {
      Admin(absl::StrCat("ALTER DATABASE \"", pg_->name(), "\" ALLOW_CONNECTIONS true"))
          .IgnoreError();
    }
    TearDownDatabase();
  }
  // Runs `sql` as the cluster's superuser on its `postgres` database.
  absl::Status Admin(const std::string& sql) {
    absl::StatusOr<PgCluster> cluster = PgClusterFromEnv();
    if (!cluster.ok()) return cluster.status();
    PGconn* conn = PQconnectdb(PgConnectionString(*cluster, "postgres").c_str());
    absl::Status status;
    if (PQstatus(conn) != CONNECTION_OK) {
      status = absl::UnavailableError(PQerrorMessage(conn));
    } else {
      PGresult* r = PQexec(conn, sql.c_str());
      const ExecStatusType st = PQresultStatus(r);
      if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        status = absl::InternalError(PQresultErrorMessage(r));
      }
      PQclear(r);
    }
    PQfinish(conn);
    return status;
  }
};

TEST_P(CaseRecordPostgresTest, UnreachableDatabaseIsNotServingAndUnavailableThenServingAgain) {
  const v1::Participant p = Create(a_, NewParticipant("Blijft"));
  // The database refuses connections and every session to it is ended: to the service it is
  // gone, as when the server is stopped, without stopping the cluster other tests share.
  ASSERT_TRUE(
      Admin(absl::StrCat("ALTER DATABASE \"", pg_->name(), "\" ALLOW_CONNECTIONS false")).ok());
  ASSERT_TRUE(Admin(absl::StrCat("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                                 "datname = '",
                                 pg_->name(), "'"))
                  .ok());
  absl::Status down = service_->WaitForHealth(HealthCheckResponse::NOT_SERVING, absl::Seconds(10));
  ASSERT_TRUE(down.ok()) << down;
  absl::StatusOr<HealthCheckResponse::ServingStatus> own =
      service_->Health("kompas.caserecord.v1.CaseRecordService");
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(*own, HealthCheckResponse::NOT_SERVING);
  v1::Participant out;
  grpc::Status get = Get(a_, p.name(), &out);
  EXPECT_CODE(get, UNAVAILABLE);
  v1::CreateParticipantRequest create;
  *create.mutable_participant() = NewParticipant("Later");
  EXPECT_CODE(Rpc(a_, &Stub::CreateParticipant, create, &out), UNAVAILABLE);
  EXPECT_THAT(service_->process().ReadOutput(), HasSubstr("\"dependency_down\""));

  ASSERT_TRUE(
      Admin(absl::StrCat("ALTER DATABASE \"", pg_->name(), "\" ALLOW_CONNECTIONS true")).ok());
  absl::Status up = service_->WaitForHealth(HealthCheckResponse::SERVING, absl::Seconds(10));
  ASSERT_TRUE(up.ok()) << up;
  // The store's connections come back by themselves.
  grpc::Status again = Get(a_, p.name(), &out);
  for (int i = 0; i < 20 && !again.ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    again = Get(a_, p.name(), &out);
  }
  EXPECT_TRUE(again.ok()) << again.error_message();
  EXPECT_EQ(out.display_name(), "Blijft");
  EXPECT_TRUE(Rpc(a_, &Stub::CreateParticipant, create, &out).ok());
}

INSTANTIATE_TEST_SUITE_P(Engines, CaseRecordPostgresTest, ::testing::Values(Engine::kPostgres),
                         [](const ::testing::TestParamInfo<Engine>&) { return "Postgres"; });

// --- The CLI: a mentor's day against the real service ------------------------------------------

class CaseRecordCliTest : public CaseRecordTestBase, public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(SetUpDatabase(Engine::kSqlite));
    ASSERT_NO_FATAL_FAILURE(StartService());
    WriteFile(dir_ + "/token", a_ + "\n");
  }
  void TearDown() override { TearDownDatabase(); }

  // `kompas participant <args>` as mentor-7; returns the exit code and the output.
  std::pair<int, std::string> Kompas(std::vector<std::string> args) {
    SubprocessOptions options;
    options.argv = {std::string(KOMPAS_BIN_DIR) + "/tools/cli/kompas",
                    "participant",
                    "--services=caserecord=" + service_->address(),
                    "--token_file=" + dir_ + "/token",
                    "--actor=mentor-7",
                    "--timeout=10s"};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.output_path = absl::StrCat(dir_, "/cli-", ++cli_runs_, ".out");
    absl::StatusOr<std::unique_ptr<Subprocess>> p = Subprocess::Start(options);
    EXPECT_TRUE(p.ok());
    if (!p.ok()) return {-1, ""};
    absl::StatusOr<int> code = (*p)->Wait(absl::Seconds(20));
    EXPECT_TRUE(code.ok());
    return {code.value_or(-1), (*p)->ReadOutput()};
  }
  static std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }
  int cli_runs_ = 0;
};

TEST_F(CaseRecordCliTest, MentorsDay) {
  auto [code, out] =
      Kompas({"create", "gemeente=GM0014", "intake=2025-09-01", "name=Fatima Z", "bsn=111222333"});
  ASSERT_EQ(code, 0) << out;
  const std::string participant = FirstLine(out);
  ASSERT_THAT(participant, ::testing::StartsWith("participants/"));
  EXPECT_THAT(out, HasSubstr("mentor       mentor-7"));
  EXPECT_THAT(out, HasSubstr("BSN on file  yes"));

  std::tie(code, out) = Kompas({"assess", participant, "date=2025-09-02", "family=3", "wellbeing=2",
                                "education=4", "finance=2", "employment=1"});
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("Bridge score 12 of 25"));

  std::tie(code, out) =
      Kompas({"goal", participant, "pillar=employment", "title=Werk in de zorg", "by=2026-09-01"});
  ASSERT_EQ(code, 0) << out;
  const std::string goal = FirstLine(out);
  ASSERT_THAT(goal, HasSubstr("/goals/"));
  std::tie(code, out) = Kompas({"step", goal, "title=CV maken", "by=2026-04-01"});
  ASSERT_EQ(code, 0) << out;
  const size_t at = out.find("step=");
  ASSERT_NE(at, std::string::npos) << out;
  const std::string step_id = FirstLine(out.substr(at + 5));
  std::tie(code, out) = Kompas({"done", goal, "step=" + step_id, "date=2025-12-01"});
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("[x] CV maken"));

  std::tie(code, out) = Kompas({"session", participant, "date=2025-10-01", "minutes=45",
                                "pillars=employment,finance", "notes=CV besproken"});
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("45 min"));

  std::tie(code, out) = Kompas({"list", "mentor=mentor-7"});
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr(participant));
  EXPECT_THAT(out, HasSubstr("1 participant\n"));
  std::tie(code, out) = Kompas({"list", "mentor=someone-else"});
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("0 participants"));

  std::tie(code, out) = Kompas({"timeline", participant});
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("2025-09-02  assessment  Bridge 12/25"));
  EXPECT_THAT(out, HasSubstr("2025-10-01  session     45 min in person [employment, finance]: "
                             "CV besproken"));
  EXPECT_THAT(out, HasSubstr("employment: Werk in de zorg (by 2026-09-01, 1/1 steps done)"));

  // The service's refusal is reported with the field it names, exit code 1.
  std::tie(code, out) = Kompas({"assess", participant, "date=2025-09-02", "family=9", "wellbeing=2",
                                "education=4", "finance=2", "employment=1"});
  EXPECT_EQ(code, 1);
  EXPECT_THAT(out, HasSubstr("assessment.levels[0].level"));
}

// An AVG access request and an erasure from the command line: the export is JSON with every
// resource decrypted and no BSN; after the erasure the participant is gone.
TEST_F(CaseRecordCliTest, ExportThenErase) {
  auto [code, out] = Kompas({"create", "gemeente=GM0014", "intake=2025-09-01",
                             "name=Exportnaam Jansen", "bsn=111222333"});
  ASSERT_EQ(code, 0) << out;
  const std::string participant = FirstLine(out);
  std::tie(code, out) = Kompas({"session", participant, "date=2025-10-01", "minutes=45",
                                "notes=Sollicitatiebrief geschreven"});
  ASSERT_EQ(code, 0) << out;

  std::tie(code, out) = Kompas({"export", participant});
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("\"display_name\": \"Exportnaam Jansen\""));
  EXPECT_THAT(out, HasSubstr("\"notes\": \"Sollicitatiebrief geschreven\""));
  EXPECT_THAT(out, HasSubstr("\"audit_events\""));
  EXPECT_THAT(out, HasSubstr("\"export_time\""));
  EXPECT_THAT(out, Not(HasSubstr("111222333")));

  std::tie(code, out) = Kompas({"erase", participant});
  EXPECT_EQ(code, 2) << out;  // No reason: refused before any call.
  EXPECT_THAT(out, HasSubstr("--reason"));
  std::tie(code, out) = Kompas({"erase", participant, "reason=participant-request"});
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("erased " + participant + ": 2 resources deleted"));
  std::tie(code, out) = Kompas({"export", participant});
  EXPECT_EQ(code, 1) << out;
  EXPECT_THAT(out, HasSubstr("not found"));
}

// --- Start-up refuses what it cannot work with -------------------------------------------------

class CaseRecordStartupTest : public CaseRecordTestBase, public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(SetUpDatabase(Engine::kSqlite)); }
  void TearDown() override { TearDownDatabase(); }

  // Runs the service with `args` (instead of the usual ones) and returns its exit code and
  // output.
  std::pair<int, std::string> RunExpectingExit(std::vector<std::string> args) {
    SubprocessOptions options;
    options.argv = {kBinary, "--listen=127.0.0.1:0", "--tokens_file=" + tokens_->path()};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.output_path = absl::StrCat(dir_, "/startup-", ++starts_, ".log");
    absl::StatusOr<std::unique_ptr<Subprocess>> p = Subprocess::Start(options);
    EXPECT_TRUE(p.ok());
    if (!p.ok()) return {-1, ""};
    absl::StatusOr<int> code = (*p)->Wait(absl::Seconds(20));
    EXPECT_TRUE(code.ok()) << "still running: " << (*p)->ReadOutput();
    return {code.value_or(-1), (*p)->ReadOutput()};
  }
};

TEST_F(CaseRecordStartupTest, MissingOrMalformedKeyFilesStopTheProcessNamingTheFile) {
  const std::string db = "--database=" + database_;
  const std::string bsn = "--bsn_secret_file=" + dir_ + "/bsn.key";
  auto [code, out] = RunExpectingExit({db, "--deployment_key_file=" + dir_ + "/missing.key", bsn});
  EXPECT_EQ(code, 2);
  EXPECT_THAT(out, HasSubstr("startup_failed"));
  EXPECT_THAT(out, HasSubstr("missing.key"));

  WriteFile(dir_ + "/short.key", "abcdef\n");
  std::tie(code, out) = RunExpectingExit({db, "--deployment_key_file=" + dir_ + "/short.key", bsn});
  EXPECT_EQ(code, 2);
  EXPECT_THAT(out, HasSubstr("short.key"));

  WriteFile(dir_ + "/nothex.key", std::string(64, 'z') + "\n");
  std::tie(code, out) = RunExpectingExit({db, "--deployment_key_file=" + dir_ + "/deployment.key",
                                          "--bsn_secret_file=" + dir_ + "/nothex.key"});
  EXPECT_EQ(code, 2);
  EXPECT_THAT(out, HasSubstr("nothex.key"));

  std::tie(code, out) = RunExpectingExit({db, bsn});
  EXPECT_EQ(code, 2);
  EXPECT_THAT(out, HasSubstr("--deployment_key_file"));
}

TEST_F(CaseRecordStartupTest, ABadDatabaseStopsTheProcess) {
  const std::vector<std::string> keys = {"--deployment_key_file=" + dir_ + "/deployment.key",
                                         "--bsn_secret_file=" + dir_ + "/bsn.key"};
  std::vector<std::string> args = keys;
  args.push_back("--database=" + dir_ + "/no-scheme.db");
  auto [code, out] = RunExpectingExit(args);
  EXPECT_EQ(code, 2);
  EXPECT_THAT(out, HasSubstr("--database"));

  args = keys;
  args.push_back("--database=sqlite:" + dir_ + "/no/such/dir/case.db");
  std::tie(code, out) = RunExpectingExit(args);
  EXPECT_EQ(code, 2);
  EXPECT_THAT(out, HasSubstr("no/such/dir/case.db"));

  args = keys;  // no --database at all
  std::tie(code, out) = RunExpectingExit(args);
  EXPECT_EQ(code, 2);
  EXPECT_THAT(out, HasSubstr("--database"));
}

// --- Compass snapshots against real budget, catalog, matching and redis -----------------------

// A port that was free a moment ago, for budget, which must come back on the same address.
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The value of `key` in a rule-set YAML ("akw.quarter_0_5:\n    value: \"295.07\"") in cents.
int64_t RuleCents(const std::string& yaml, const std::string& key) {
  const size_t at = yaml.find("\n  " + key + ":");
  const size_t value = yaml.find("value: \"", at);
  if (at == std::string::npos || value == std::string::npos) return -1;
  const size_t start = value + 8;
  const std::string number = yaml.substr(start, yaml.find('"', start) - start);
  const std::vector<std::string> parts = absl::StrSplit(number, '.');
  if (parts.size() != 2 || parts[1].size() != 2) return -1;
  return std::stoll(parts[0]) * 100 + std::stoll(parts[1]);
}

// The same file with `key`'s value set to `cents` (the rest untouched, so it stays valid).
std::string WithRuleCents(const std::string& yaml, const std::string& key, int64_t cents) {
  const size_t at = yaml.find("\n  " + key + ":");
  const size_t start = yaml.find("value: \"", at) + 8;
  const size_t end = yaml.find('"', start);
  return absl::StrCat(yaml.substr(0, start), cents / 100, ".",
                      absl::Dec(cents % 100, absl::kZeroPad2), yaml.substr(end));
}

// Single parent, 34, not working (bijstand), children born 2021 (4 on the rule date: the 0–5
// kinderbijslag band) and 2016 (9: the 6–11 band), Maastricht, kale huur € 750.
kompas::type::v1::Household SingleParent() {
  kompas::type::v1::Household h;
  h.set_gemeente_code("GM0935");
  kompas::type::v1::Adult* a = h.add_adults();
  *a->mutable_birth_date() = D(1992, 4, 12);
  a->mutable_health_premium()->set_cents(15'900);
  for (int year : {2021, 2016}) *h.add_children()->mutable_birth_date() = D(year, 6, 1);
  h.mutable_housing()->set_tenure(kompas::type::v1::HOUSING_TENURE_RENTED);
  h.mutable_housing()->set_self_contained(true);
  h.mutable_housing()->mutable_bare_rent()->set_cents(75'000);
  h.mutable_housing()->mutable_energy()->set_cents(16'000);
  return h;
}

kompas::budget::v1::CalculateIncomeRequest IncomeQuestion() {
  kompas::budget::v1::CalculateIncomeRequest q;
  *q.mutable_household() = SingleParent();
  *q.mutable_rule_date() = D(2026, 3, 1);
  return q;
}

kompas::matching::v1::MatchProfile MatchQuestion() {
  kompas::matching::v1::MatchProfile p;
  p.set_profile_id("snap-1");
  *p.mutable_household() = SingleParent();
  p.set_job_seeker(1);
  p.set_education_level(kompas::catalog::v1::EDUCATION_LEVEL_NLQF_1);
  p.set_available_minutes_per_week(24 * 60);
  p.set_max_training_months(24);
  p.set_max_candidates(100);
  *p.mutable_rule_date() = D(2026, 3, 1);
  return p;
}

const v1::SnapshotDifference* FindDifference(const v1::RecomputeCompassSnapshotResponse& r,
                                             const std::string& path) {
  for (const v1::SnapshotDifference& d : r.differences()) {
    if (d.field_path() == path) return &d;
  }
  return nullptr;
}

class CaseRecordCompassTest : public CaseRecordTestBase, public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(SetUpDatabase(GetParam()));
    compass_token_ =
        tokens_->Add("org-a", {Scope::kRecordsRead, Scope::kRecordsWrite, Scope::kCompass});
    // Budget runs on a copy of the rules, so that the test can change a figure.
    rules_dir_ = dir_ + "/rules";
    std::error_code ec;
    std::filesystem::copy(std::string(KOMPAS_SOURCE_DIR) + "/data/rules/nl", rules_dir_,
                          std::filesystem::copy_options::recursive, ec);
    ASSERT_FALSE(ec) << ec.message();
    absl::StatusOr<std::unique_ptr<RedisServer>> redis = RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    budget_port_ = FreePort();
    ASSERT_GT(budget_port_, 0);
    ASSERT_NO_FATAL_FAILURE(StartBudget());
    catalog_ = Start("catalog", CatalogDataArgs());
    ASSERT_NE(catalog_, nullptr);
    matching_ = Start("matching", {absl::StrCat("--budget_address=127.0.0.1:", budget_port_),
                                   "--catalog_address=" + catalog_->address()});
    ASSERT_NE(matching_, nullptr);
    extra_args_ = {absl::StrCat("--budget_address=127.0.0.1:", budget_port_),
                   "--matching_address=" + matching_->address()};
    ASSERT_NO_FATAL_FAILURE(StartService());
  }
  void TearDown() override {
    service_.reset();
    matching_.reset();
    catalog_.reset();
    budget_.reset();
    redis_.reset();
    TearDownDatabase();
  }

  std::unique_ptr<ServiceProcess> Start(const std::string& name, std::vector<std::string> args) {
    ServiceOptions options;
    options.binary = std::string(KOMPAS_BIN_DIR) + "/services/" + name + "/kompas-" + name;
    options.tokens_file = tokens_->path();
    options.output_path = absl::StrCat(dir_, "/", name, "-", ++starts_, ".log");
    options.args = std::move(args);
    options.args.push_back("--redis=" + redis_->url());
    absl::StatusOr<std::unique_ptr<ServiceProcess>> p = ServiceProcess::Start(options);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *std::move(p) : nullptr;
  }
  void StartBudget() {
    std::vector<std::string> args = BudgetDataArgs(rules_dir_);
    args.push_back(absl::StrCat("--listen=127.0.0.1:", budget_port_));
    budget_ = Start("budget", std::move(args));
    ASSERT_NE(budget_, nullptr);
    ASSERT_EQ(budget_->port(), budget_port_);
  }

  grpc::Status Snapshot(const v1::CompassSnapshot& snapshot, v1::CompassSnapshot* out) {
    v1::CreateCompassSnapshotRequest req;
    req.set_parent(participant_);
    *req.mutable_compass_snapshot() = snapshot;
    return Rpc(compass_token_, &Stub::CreateCompassSnapshot, req, out);
  }
  // Retries while a restarted downstream is being reconnected to (UNAVAILABLE).
  grpc::Status Recompute(const std::string& name, v1::RecomputeCompassSnapshotResponse* out) {
    v1::RecomputeCompassSnapshotRequest req;
    req.set_name(name);
    grpc::Status s;
    for (int i = 0; i < 50; ++i) {
      out->Clear();
      s = Rpc(compass_token_, &Stub::RecomputeCompassSnapshot, req, out);
      if (s.error_code() != grpc::StatusCode::UNAVAILABLE) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return s;
  }

  std::string compass_token_;  // org-a, records.read + records.write + compass
  std::string rules_dir_;
  std::string participant_;
  int budget_port_ = 0;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServiceProcess> budget_;
  std::unique_ptr<ServiceProcess> catalog_;
  std::unique_ptr<ServiceProcess> matching_;
};

TEST_P(CaseRecordCompassTest, SnapshotsAreRealAnswersAndRecomputeShowsARuleChange) {
  participant_ = Create(compass_token_, NewParticipant("Snapshotnaam")).name();
  ASSERT_FALSE(participant_.empty());

  // An income snapshot: the stored answer is budget's own answer to the same question.
  v1::CompassSnapshot income_in;
  income_in.set_label("Intake");
  *income_in.mutable_income_request() = IncomeQuestion();
  v1::CompassSnapshot income;
  grpc::Status s = Snapshot(income_in, &income);
  ASSERT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
  EXPECT_THAT(income.name(), ::testing::StartsWith(participant_ + "/compassSnapshots/"));
  EXPECT_EQ(income.label(), "Intake");
  EXPECT_EQ(income.created_by(), "mentor-1");
  kompas::budget::v1::CalculateIncomeResponse direct_income;
  {
    grpc::ClientContext ctx;
    AddBearer(ctx, compass_token_);
    s = kompas::budget::v1::BudgetService::NewStub(budget_->channel())
            ->CalculateIncome(&ctx, IncomeQuestion(), &direct_income);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_TRUE(Same(income.income_response(), direct_income))
      << income.income_response().DebugString() << "\nvs\n"
      << direct_income.DebugString();
  EXPECT_TRUE(Same(income.income_request(), IncomeQuestion()));
  EXPECT_EQ(income.margin().cents(), direct_income.calculation().margin().cents());
  EXPECT_EQ(income.lonend(), direct_income.calculation().lonend());
  EXPECT_EQ(income.rule_set_id().value(), direct_income.basis().rules().rule_set_id().value());
  EXPECT_FALSE(income.rule_set_id().value().empty());
  EXPECT_TRUE(income.data_version().empty());

  // A match snapshot: the stored answer is matching's own answer.
  v1::CompassSnapshot match_in;
  match_in.set_label("Carrièrekompas");
  *match_in.mutable_match_profile() = MatchQuestion();
  v1::CompassSnapshot match;
  s = Snapshot(match_in, &match);
  ASSERT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
  kompas::matching::v1::MatchResponse direct_match;
  {
    grpc::ClientContext ctx;
    AddBearer(ctx, compass_token_);
    kompas::matching::v1::MatchRequest req;
    *req.mutable_profile() = MatchQuestion();
    s = kompas::matching::v1::MatchingService::NewStub(matching_->channel())
            ->Match(&ctx, req, &direct_match);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_TRUE(Same(match.match_result(), direct_match.result()));
  ASSERT_GT(match.match_result().candidates_size(), 0);
  EXPECT_EQ(match.margin().cents(), direct_match.result().current_margin().cents());
  EXPECT_EQ(match.data_version(), direct_match.result().data().data_version());
  EXPECT_FALSE(match.data_version().empty());
  EXPECT_EQ(match.lonend(), direct_match.result().candidates(0).lonend());

  // Get returns it whole; List and the timeline leave question and answer out.
  v1::GetCompassSnapshotRequest get;
  get.set_name(income.name());
  v1::CompassSnapshot got;
  ASSERT_TRUE(Rpc(a_, &Stub::GetCompassSnapshot, get, &got).ok());
  EXPECT_TRUE(Same(got, income));
  v1::ListCompassSnapshotsRequest list;
  list.set_parent(participant_);
  v1::ListCompassSnapshotsResponse listed;
  ASSERT_TRUE(Rpc(a_, &Stub::ListCompassSnapshots, list, &listed).ok());
  ASSERT_EQ(listed.compass_snapshots_size(), 2);
  EXPECT_EQ(listed.compass_snapshots(0).name(), match.name());  // Newest first.
  EXPECT_FALSE(listed.compass_snapshots(0).has_match_profile());
  EXPECT_FALSE(listed.compass_snapshots(0).has_match_result());
  EXPECT_EQ(listed.compass_snapshots(1).margin().cents(), income.margin().cents());

  // The level suggestion from the income snapshot, by the documented rule: disposable income
  // as a share of the required budget; not working → employment level 1.
  const int64_t required = direct_income.calculation().required_budget().cents();
  const int64_t disposable = direct_income.calculation().disposable_income().cents();
  ASSERT_GT(required, 0);
  const int64_t percent = disposable * 100 / required;
  const int financial = percent < 70    ? 1
                        : percent < 85  ? 2
                        : percent < 100 ? 3
                        : percent < 110 ? 4
                                        : 5;
  v1::SuggestAssessmentLevelsRequest suggest;
  suggest.set_parent(participant_);
  suggest.set_compass_snapshot(income.name());
  v1::SuggestAssessmentLevelsResponse suggested;
  s = Rpc(a_, &Stub::SuggestAssessmentLevels, suggest, &suggested);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(suggested.suggestions_size(), 2);
  EXPECT_EQ(suggested.suggestions(0).pillar(), v1::PILLAR_FINANCIAL_MANAGEMENT);
  EXPECT_EQ(suggested.suggestions(0).suggested_level(), financial) << percent << " %";
  EXPECT_EQ(suggested.suggestions(0).compass_snapshot(), income.name());
  EXPECT_EQ(suggested.suggestions(1).pillar(), v1::PILLAR_EMPLOYMENT_CAREER);
  EXPECT_EQ(suggested.suggestions(1).suggested_level(), 1);

  // Nothing changed yet: recomputing finds no difference.
  v1::RecomputeCompassSnapshotResponse same;
  s = Recompute(income.name(), &same);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(same.differences_size(), 0);
  EXPECT_TRUE(Same(same.original(), income));

  // Raise kinderbijslag for the 0–5 band by € 3,00 a quarter in budget's rules and restart
  // budget on them (with an empty cache). Kinderbijslag is a third of the quarterly amounts:
  // +300 / 3 = +100 cents a month, and it is no income for bijstand or the toeslagen, so
  // disposable income and margin move by exactly the same 100 cents.
  const std::string file = rules_dir_ + "/2026-01.yaml";
  const std::string yaml = ReadText(file);
  const int64_t before = RuleCents(yaml, "akw.quarter_0_5");
  ASSERT_GT(before, 0);
  // € 3,00 a quarter is € 1,00 a month: 300 is a multiple of 3, so no rounding is involved.
  const int64_t expected_change = 300 / 3;
  budget_.reset();
  WriteFile(file, WithRuleCents(yaml, "akw.quarter_0_5", before + 300));
  ASSERT_EQ(RuleCents(ReadText(file), "akw.quarter_0_5"), before + 300);
  absl::StatusOr<std::unique_ptr<RedisServer>> fresh = RedisServer::Start();
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  redis_ = *std::move(fresh);  // Budget's cache keys name the rule-set, not its figures.
  ASSERT_NO_FATAL_FAILURE(StartBudget());

  v1::RecomputeCompassSnapshotResponse income_now;
  s = Recompute(income.name(), &income_now);
  ASSERT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
  EXPECT_TRUE(Same(income_now.original(), income)) << "the stored snapshot is unchanged";
  ASSERT_TRUE(income_now.has_income_response());
  const v1::SnapshotDifference* line =
      FindDifference(income_now, "calculation.lines[kinderbijslag]");
  ASSERT_NE(line, nullptr);
  EXPECT_EQ(line->change().cents(), expected_change);
  EXPECT_THAT(line->explanation(), HasSubstr("Je kinderbijslag is nu € 1,00 per maand hoger"));
  const v1::SnapshotDifference* total = FindDifference(income_now, "calculation.disposable_income");
  ASSERT_NE(total, nullptr);
  EXPECT_EQ(total->change().cents(), expected_change);
  const v1::SnapshotDifference* margin = FindDifference(income_now, "calculation.margin");
  ASSERT_NE(margin, nullptr);
  EXPECT_EQ(margin->change().cents(), expected_change);
  EXPECT_EQ(income_now.income_response().calculation().margin().cents(),
            income.margin().cents() + expected_change);
  // Nothing else moved: the three differences (and lonend only if the euro tipped it).
  for (const v1::SnapshotDifference& d : income_now.differences()) {
    EXPECT_THAT(d.field_path(), ::testing::AnyOf("calculation.lines[kinderbijslag]",
                                                 "calculation.disposable_income",
                                                 "calculation.margin", "calculation.lonend"));
  }

  v1::RecomputeCompassSnapshotResponse match_now;
  s = Recompute(match.name(), &match_now);
  ASSERT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
  ASSERT_TRUE(match_now.has_match_result());
  const v1::SnapshotDifference* current = FindDifference(match_now, "current_margin");
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(current->change().cents(), expected_change);
  // Every candidate in both answers earns the same extra euro.
  int compared = 0;
  for (const auto& c : match.match_result().candidates()) {
    for (const auto& n : match_now.match_result().candidates()) {
      if (n.occupation() != c.occupation()) continue;
      ++compared;
      EXPECT_EQ(n.margin().cents(), c.margin().cents() + expected_change) << c.title();
      const v1::SnapshotDifference* d =
          FindDifference(match_now, absl::StrCat("candidates[", c.occupation(), "].margin"));
      ASSERT_NE(d, nullptr) << c.occupation();
      EXPECT_EQ(d->change().cents(), expected_change);
    }
  }
  EXPECT_GT(compared, 0);

  // The export holds both snapshots with question and answer, and the timeline lists them.
  v1::ExportParticipantRequest export_req;
  export_req.set_name(participant_);
  v1::ExportParticipantResponse exported;
  s = Rpc(a_, &Stub::ExportParticipant, export_req, &exported);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(exported.compass_snapshots_size(), 2);
  EXPECT_EQ(exported.participant().display_name(), "Snapshotnaam");
  bool saw_income = false;
  for (const v1::CompassSnapshot& e : exported.compass_snapshots()) {
    if (e.name() == income.name()) saw_income = Same(e, income);
  }
  EXPECT_TRUE(saw_income);
  v1::GetTimelineRequest timeline_req;
  timeline_req.set_participant(participant_);
  v1::GetTimelineResponse timeline;
  ASSERT_TRUE(Rpc(a_, &Stub::GetTimeline, timeline_req, &timeline).ok());
  int snapshots_on_timeline = 0;
  for (const v1::TimelineEntry& e : timeline.entries()) {
    if (!e.has_compass_snapshot()) continue;
    ++snapshots_on_timeline;
    EXPECT_FALSE(e.compass_snapshot().has_income_request());
    EXPECT_FALSE(e.compass_snapshot().has_match_result());
  }
  EXPECT_EQ(snapshots_on_timeline, 2);

  // Budget down: an income snapshot is UNAVAILABLE naming budget, not its address.
  budget_.reset();
  v1::CompassSnapshot refused;
  s = Snapshot(income_in, &refused);
  EXPECT_CODE(s, UNAVAILABLE);
  EXPECT_THAT(s.error_message(), HasSubstr("budget is unavailable"));
  EXPECT_THAT(s.error_message(), Not(HasSubstr("127.0.0.1")));
}

TEST_P(CaseRecordCompassTest, BadQuestionNamesTheFieldInsideTheSnapshot) {
  participant_ = Create(compass_token_, NewParticipant("Vraag")).name();
  v1::CompassSnapshot in;
  *in.mutable_income_request() = IncomeQuestion();
  in.mutable_income_request()->mutable_household()->mutable_adults(0)->set_minutes_per_week(99999);
  v1::CompassSnapshot out;
  grpc::Status s = Snapshot(in, &out);
  EXPECT_CODE(s, INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              HasSubstr("compass_snapshot.income_request.household.adults[0].minutes_per_week"));
  in.set_label(std::string(101, 'x'));
  s = Snapshot(in, &out);
  EXPECT_CODE(s, INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("compass_snapshot.label"));
  // A token without the compass scope cannot make budget answer.
  v1::CreateCompassSnapshotRequest req;
  req.set_parent(participant_);
  *req.mutable_compass_snapshot()->mutable_income_request() = IncomeQuestion();
  s = Rpc(a_, &Stub::CreateCompassSnapshot, req, &out);
  EXPECT_CODE(s, PERMISSION_DENIED);
}

// `kompas participant snapshot` saves the income of a household file; the line it prints has
// the margin budget computes for that household.
TEST_P(CaseRecordCompassTest, SnapshotFromTheCommandLine) {
  participant_ = Create(compass_token_, NewParticipant("Cli")).name();
  WriteFile(dir_ + "/token", compass_token_ + "\n");
  const std::string household =
      std::string(KOMPAS_SOURCE_DIR) + "/examples/single-parent-maastricht.json";
  SubprocessOptions options;
  options.argv = {std::string(KOMPAS_BIN_DIR) + "/tools/cli/kompas",
                  "participant",
                  "--services=caserecord=" + service_->address(),
                  "--token_file=" + dir_ + "/token",
                  "--timeout=10s",
                  "snapshot",
                  participant_,
                  "household=" + household,
                  "label=Intake"};
  options.output_path = dir_ + "/cli-snapshot.out";
  absl::StatusOr<std::unique_ptr<Subprocess>> p = Subprocess::Start(options);
  ASSERT_TRUE(p.ok()) << p.status();
  absl::StatusOr<int> code = (*p)->Wait(absl::Seconds(20));
  ASSERT_TRUE(code.ok());
  const std::string out = (*p)->ReadOutput();
  ASSERT_EQ(*code, 0) << out;
  EXPECT_THAT(out, ::testing::StartsWith(participant_ + "/compassSnapshots/"));
  // The same household straight to budget (today's rules, as the snapshot used).
  kompas::budget::v1::CalculateIncomeRequest direct;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(ReadText(household), direct.mutable_household())
          .ok());
  kompas::budget::v1::CalculateIncomeResponse money;
  grpc::ClientContext ctx;
  AddBearer(ctx, compass_token_);
  ASSERT_TRUE(kompas::budget::v1::BudgetService::NewStub(budget_->channel())
                  ->CalculateIncome(&ctx, direct, &money)
                  .ok());
  // "€ 1.234,56", written out here: euros with a dot every three digits, a comma, the cents.
  const int64_t margin = money.calculation().margin().cents();
  const int64_t magnitude = margin < 0 ? -margin : margin;
  std::string euros = absl::StrCat(magnitude / 100);
  for (int i = static_cast<int>(euros.size()) - 3; i > 0; i -= 3)
    euros.insert(static_cast<size_t>(i), ".");
  const std::string amount = absl::StrCat(margin < 0 ? "-€ " : "€ ", euros, ",",
                                          absl::Dec(magnitude % 100, absl::kZeroPad2));
  EXPECT_THAT(out, HasSubstr(absl::StrCat("Intake: margin ", amount, " a month, ",
                                          money.calculation().lonend() ? "lonend" : "not lonend")));
}

INSTANTIATE_TEST_SUITE_P(Engines, CaseRecordCompassTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const ::testing::TestParamInfo<Engine>& param) {
                           return param.param == Engine::kSqlite ? "Sqlite" : "Postgres";
                         });

// Without --matching_address and --budget_address, snapshots are UNAVAILABLE naming the
// service; outcomes need neither.
TEST_P(CaseRecordIntegrationTest, SnapshotsWithoutCompassServicesAreUnavailable) {
  const std::string parent = Create(a_, NewParticipant("Zonder")).name();
  v1::CreateCompassSnapshotRequest req;
  req.set_parent(parent);
  *req.mutable_compass_snapshot()->mutable_match_profile() = MatchQuestion();
  v1::CompassSnapshot out;
  grpc::Status s = Rpc(a_, &Stub::CreateCompassSnapshot, req, &out);
  EXPECT_CODE(s, UNAVAILABLE);
  EXPECT_THAT(s.error_message(), HasSubstr("matching is unavailable"));
  *req.mutable_compass_snapshot()->mutable_income_request() = IncomeQuestion();
  s = Rpc(a_, &Stub::CreateCompassSnapshot, req, &out);
  EXPECT_CODE(s, UNAVAILABLE);
  EXPECT_THAT(s.error_message(), HasSubstr("budget is unavailable"));
}

TEST_P(CaseRecordIntegrationTest, OutcomesOverGrpc) {
  const std::string parent = Create(a_, NewParticipant("Uitkomst")).name();
  v1::Outcome job;
  job.set_type(v1::OUTCOME_TYPE_JOB_STARTED);
  *job.mutable_outcome_date() = D(2025, 10, 1);
  job.mutable_job()->set_occupation("occupations/5131");
  job.mutable_job()->set_minutes_per_week(1440);
  job.mutable_job()->mutable_gross_hourly_wage()->set_cents(1520);
  const v1::Outcome created = CreateChild(a_, &Stub::CreateOutcome, parent,
                                          &v1::CreateOutcomeRequest::mutable_outcome, job);
  EXPECT_THAT(created.name(), ::testing::StartsWith(parent + "/outcomes/"));
  EXPECT_EQ(created.job().minutes_per_week(), 1440);
  EXPECT_EQ(created.etag(), "1");

  // Update with a mask; then the first etag is stale.
  v1::UpdateOutcomeRequest update;
  *update.mutable_outcome() = created;
  *update.mutable_outcome()->mutable_outcome_date() = D(2025, 10, 6);
  update.mutable_outcome()->mutable_job()->set_minutes_per_week(9);  // Not in the mask.
  *update.mutable_update_mask() = Mask({"outcome_date"});
  v1::Outcome updated;
  grpc::Status s = Rpc(a_, &Stub::UpdateOutcome, update, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(updated.outcome_date().day(), 6);
  EXPECT_EQ(updated.job().minutes_per_week(), 1440);
  s = Rpc(a_, &Stub::UpdateOutcome, update, &updated);
  EXPECT_CODE(s, ABORTED);

  // Bad input names the field; another organisation sees nothing.
  v1::Outcome future = job;
  *future.mutable_outcome_date() = D(2999, 1, 1);
  v1::CreateOutcomeRequest bad;
  bad.set_parent(parent);
  *bad.mutable_outcome() = future;
  v1::Outcome ignored;
  s = Rpc(a_, &Stub::CreateOutcome, bad, &ignored);
  EXPECT_CODE(s, INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("outcome.outcome_date"));
  v1::GetOutcomeRequest get;
  get.set_name(created.name());
  s = Rpc(b_, &Stub::GetOutcome, get, &ignored);
  EXPECT_CODE(s, NOT_FOUND);
  v1::ListOutcomesRequest list;
  list.set_parent(parent);
  v1::ListOutcomesResponse listed;
  EXPECT_CODE(Rpc(b_, &Stub::ListOutcomes, list, &listed), NOT_FOUND);
  ASSERT_TRUE(Rpc(a_, &Stub::ListOutcomes, list, &listed).ok());
  ASSERT_EQ(listed.outcomes_size(), 1);
  EXPECT_TRUE(Same(listed.outcomes(0), updated));
  v1::ExportParticipantRequest export_req;
  export_req.set_name(parent);
  v1::ExportParticipantResponse exported;
  EXPECT_CODE(Rpc(b_, &Stub::ExportParticipant, export_req, &exported), NOT_FOUND);
  ASSERT_TRUE(Rpc(a_, &Stub::ExportParticipant, export_req, &exported).ok());
  ASSERT_EQ(exported.outcomes_size(), 1);
  EXPECT_TRUE(Same(exported.outcomes(0), updated));

  v1::DeleteOutcomeRequest del;
  del.set_name(created.name());
  del.set_etag(updated.etag());
  google::protobuf::Empty empty;
  ASSERT_TRUE(Rpc(a_, &Stub::DeleteOutcome, del, &empty).ok());
  EXPECT_CODE(Rpc(a_, &Stub::GetOutcome, get, &ignored), NOT_FOUND);
}

}  // namespace
}  // namespace kompas::testing
