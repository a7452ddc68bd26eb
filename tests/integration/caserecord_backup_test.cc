// The backup and restore drill (issue 10), on both engines, with real processes: a running
// kompas-caserecord is filled over gRPC and kept busy with writes while scripts/backup copies
// its database; scripts/restore puts the copy into a fresh database (a new SQLite file, a new
// PostgreSQL database); a kompas-caserecord started on the copy with the same keys passes the
// lifecycle checks — every participant acknowledged before the backup reads back whole, BSN
// lookup finds each, create, update and erase work. Also: restore refuses a non-empty target
// without --force, and no log line (service or scripts) holds a name, BSN, note text or a
// connection string.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "kompas/caserecord/v1/caserecord.grpc.pb.h"
#include "tests/integration/service_process.h"
#include "tests/support/postgres_db.h"

namespace kompas::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace v1 = ::kompas::caserecord::v1;
using Stub = v1::CaseRecordService::Stub;

enum class Engine { kSqlite, kPostgres };

const std::string kBinary = std::string(KOMPAS_BIN_DIR) + "/services/caserecord/kompas-caserecord";
const std::string kBackup = std::string(KOMPAS_SOURCE_DIR) + "/scripts/backup";
const std::string kRestore = std::string(KOMPAS_SOURCE_DIR) + "/scripts/restore";

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

// The n-th BSN that passes the elfproef: 8 digits from n, the 9th chosen so that
// 9·d1 + 8·d2 + … + 2·d8 − d9 is a multiple of 11 (n whose check digit would be 10 are skipped
// by the caller through `ok`).
std::string Bsn(int n, bool* ok) {
  const std::string head = absl::StrCat(10000000 + (int64_t{n} * 7919) % 90000000);
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (9 - i) * (head[static_cast<size_t>(i)] - '0');
  const int check = sum % 11;
  *ok = check < 10;
  return absl::StrCat(head, check);
}

kompas::type::v1::Date D(int y, int m, int d) {
  kompas::type::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

// What was acknowledged for one participant.
struct Known {
  std::string name;  // Resource name.
  std::string display_name;
  std::string bsn;
  std::string session_notes;
};

class CaseRecordBackupTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTempDir("caserecord-backup");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    WriteFile(dir_ + "/deployment.key", RandomHexKey() + "\n");
    WriteFile(dir_ + "/bsn.key", RandomHexKey() + "\n");
    if (GetParam() == Engine::kPostgres) {
      const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      absl::StatusOr<std::unique_ptr<PgTestDatabase>> source =
          PgTestDatabase::Create(absl::StrCat("bk_src_", test));
      ASSERT_TRUE(source.ok()) << source.status();
      absl::StatusOr<std::unique_ptr<PgTestDatabase>> target =
          PgTestDatabase::Create(absl::StrCat("bk_dst_", test));
      ASSERT_TRUE(target.ok()) << target.status();
      source_pg_ = *std::move(source);
      target_pg_ = *std::move(target);
      source_ = "postgres:" + source_pg_->connection_string();
      target_ = "postgres:" + target_pg_->connection_string();
      backup_file_ = dir_ + "/caserecord.dump";
    } else {
      source_ = "sqlite:" + dir_ + "/case.db";
      target_ = "sqlite:" + dir_ + "/restored/case.db";
      ASSERT_EQ(mkdir((dir_ + "/restored").c_str(), 0700), 0);
      backup_file_ = dir_ + "/caserecord-backup.db";
    }
    tokens_ = std::make_unique<TokensFile>(dir_ + "/tokens.jsonl");
    token_ = tokens_->Add("org-a", {Scope::kRecordsRead, Scope::kRecordsWrite});
  }

  void TearDown() override {
    stub_.reset();
    service_.reset();
    source_pg_.reset();
    target_pg_.reset();
    if (!dir_.empty()) RemoveTree(dir_).IgnoreError();
  }

  void StartService(const std::string& database, const std::vector<std::string>& extra = {}) {
    stub_.reset();
    service_.reset();
    ServiceOptions options;
    options.binary = kBinary;
    options.tokens_file = tokens_->path();
    options.output_path = absl::StrCat(dir_, "/caserecord-", ++starts_, ".log");
    options.args = {"--database=" + database, "--deployment_key_file=" + dir_ + "/deployment.key",
                    "--bsn_secret_file=" + dir_ + "/bsn.key"};
    options.args.insert(options.args.end(), extra.begin(), extra.end());
    absl::StatusOr<std::unique_ptr<ServiceProcess>> service = ServiceProcess::Start(options);
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = *std::move(service);
    stub_ = v1::CaseRecordService::NewStub(service_->channel());
  }

  // Runs a script to its end; returns its exit code (-1 when it could not run or hung).
  int RunScript(const std::vector<std::string>& argv, const std::string& log_name) {
    SubprocessOptions options;
    options.argv = argv;
    options.output_path = absl::StrCat(dir_, "/", log_name, ".log");
    absl::StatusOr<std::unique_ptr<Subprocess>> process = Subprocess::Start(options);
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) return -1;
    absl::StatusOr<int> code = (*process)->Wait(absl::Seconds(60));
    EXPECT_TRUE(code.ok()) << code.status();
    script_output_ += (*process)->ReadOutput();
    return code.ok() ? *code : -1;
  }

  template <typename Req, typename Resp>
  grpc::Status Rpc(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                   const Req& req, Resp* resp, Stub* stub = nullptr) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    AddBearer(ctx, token_);
    ctx.AddMetadata("x-kompas-actor", "mentor-1");
    return ((stub != nullptr ? stub : stub_.get())->*method)(&ctx, req, resp);
  }

  // A participant with a BSN, a goal and a session; returns what was acknowledged.
  absl::StatusOr<Known> AddParticipant(int n, Stub* stub = nullptr) {
    bool ok = false;
    std::string bsn;
    for (int k = n;; k += 1000) {
      bsn = Bsn(k, &ok);
      if (ok) break;
    }
    Known known;
    known.display_name = absl::StrCat("Deelnemer Zilvermeeuw ", n);
    known.bsn = bsn;
    known.session_notes = absl::StrCat("Gesprek over de Kredietbank nummer ", n);
    v1::CreateParticipantRequest create;
    v1::Participant* p = create.mutable_participant();
    p->set_display_name(known.display_name);
    p->set_bsn(bsn);
    p->set_gemeente_code("GM0363");
    *p->mutable_intake_date() = D(2026, 1, 5);
    v1::Participant created;
    grpc::Status s = Rpc(&Stub::CreateParticipant, create, &created, stub);
    if (!s.ok()) return absl::UnavailableError(s.error_message());
    known.name = created.name();
    v1::CreateSessionRequest session;
    session.set_parent(known.name);
    *session.mutable_session()->mutable_session_date() = D(2026, 2, 2);
    session.mutable_session()->set_duration_minutes(30);
    session.mutable_session()->set_mode(v1::SESSION_MODE_PHONE);
    session.mutable_session()->set_notes(known.session_notes);
    v1::Session added;
    s = Rpc(&Stub::CreateSession, session, &added, stub);
    if (!s.ok()) return absl::UnavailableError(s.error_message());
    return known;
  }

  // The lifecycle checks on whatever service runs now, for participants known to be there.
  void CheckReadsBack(const std::vector<Known>& all) {
    for (const Known& k : all) {
      v1::GetParticipantRequest get;
      get.set_name(k.name);
      v1::Participant p;
      grpc::Status s = Rpc(&Stub::GetParticipant, get, &p);
      ASSERT_TRUE(s.ok()) << k.name << ": " << s.error_message();
      EXPECT_EQ(p.display_name(), k.display_name);
      EXPECT_TRUE(p.bsn_on_file());
      v1::LookupParticipantRequest lookup;
      lookup.set_bsn(k.bsn);
      v1::Participant found;
      s = Rpc(&Stub::LookupParticipant, lookup, &found);
      ASSERT_TRUE(s.ok()) << k.name << ": " << s.error_message();
      EXPECT_EQ(found.name(), k.name);
      v1::ListSessionsRequest sessions;
      sessions.set_parent(k.name);
      v1::ListSessionsResponse listed;
      ASSERT_TRUE(Rpc(&Stub::ListSessions, sessions, &listed).ok());
      ASSERT_EQ(listed.sessions_size(), 1) << k.name;
      EXPECT_EQ(listed.sessions(0).notes(), k.session_notes);
    }
  }

  std::string dir_;
  std::string source_;
  std::string target_;
  std::string backup_file_;
  std::unique_ptr<PgTestDatabase> source_pg_;
  std::unique_ptr<PgTestDatabase> target_pg_;
  std::unique_ptr<TokensFile> tokens_;
  std::string token_;
  int starts_ = 0;
  std::unique_ptr<ServiceProcess> service_;
  std::unique_ptr<Stub> stub_;
  std::string script_output_;
  std::string service_logs_;
};

TEST_P(CaseRecordBackupTest, RestoredBackupPassesTheLifecycleChecks) {
  StartService(source_);
  std::vector<Known> before;
  for (int i = 0; i < 25; ++i) {
    absl::StatusOr<Known> k = AddParticipant(i);
    ASSERT_TRUE(k.ok()) << k.status();
    before.push_back(*k);
  }
  // One erased before the backup: it must not come back with the restore.
  v1::EraseParticipantRequest erase;
  erase.set_name(before.back().name);
  erase.set_reason(v1::ERASURE_REASON_PARTICIPANT_REQUEST);
  v1::EraseParticipantResponse erased;
  ASSERT_TRUE(Rpc(&Stub::EraseParticipant, erase, &erased).ok());
  const Known gone = before.back();
  before.pop_back();

  // Writes go on while the backup runs (on their own channel's stub).
  std::atomic<bool> stop{false};
  std::atomic<int> written_during{0};
  std::unique_ptr<Stub> load_stub = v1::CaseRecordService::NewStub(service_->channel());
  std::thread load([&] {
    for (int n = 100; !stop.load(); ++n) {
      if (AddParticipant(n, load_stub.get()).ok()) ++written_during;
    }
  });
  while (written_during.load() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const int backup_code =
      RunScript({kBackup, "--database=" + source_, "--out=" + backup_file_}, "backup");
  stop = true;
  load.join();
  ASSERT_EQ(backup_code, 0) << script_output_;
  // Refuses to overwrite an existing backup without --force.
  EXPECT_EQ(RunScript({kBackup, "--database=" + source_, "--out=" + backup_file_}, "backup2"), 1);
  service_logs_ += service_->process().ReadOutput();

  // Restore into a fresh database, and start the service on it with the same keys.
  ASSERT_EQ(RunScript({kRestore, "--database=" + target_, "--in=" + backup_file_}, "restore"), 0)
      << script_output_;
  // The target is no longer empty: a second restore is refused without --force …
  EXPECT_EQ(RunScript({kRestore, "--database=" + target_, "--in=" + backup_file_}, "restore2"), 1);
  EXPECT_THAT(script_output_, HasSubstr("not empty"));
  // … and allowed with it (the service is not yet running on it).
  EXPECT_EQ(
      RunScript({kRestore, "--database=" + target_, "--in=" + backup_file_, "--force"}, "restore3"),
      0)
      << script_output_;
  // Nonsense is refused before the target is touched.
  WriteFile(dir_ + "/not-a-backup", "hello");
  EXPECT_EQ(
      RunScript({kRestore, "--database=" + target_, "--in=" + dir_ + "/not-a-backup", "--force"},
                "restore4"),
      1);

  StartService(target_);
  CheckReadsBack(before);
  // The erased participant stays erased in the copy.
  v1::GetParticipantRequest get_gone;
  get_gone.set_name(gone.name);
  v1::Participant nothing;
  EXPECT_EQ(Rpc(&Stub::GetParticipant, get_gone, &nothing).error_code(), grpc::NOT_FOUND);
  v1::LookupParticipantRequest lookup_gone;
  lookup_gone.set_bsn(gone.bsn);
  EXPECT_EQ(Rpc(&Stub::LookupParticipant, lookup_gone, &nothing).error_code(), grpc::NOT_FOUND);
  // Everything in the copy reads back whole: the 24 from before, and those of the load that
  // made it into the snapshot (each with its session, or none if the snapshot fell between).
  v1::ListParticipantsRequest list;
  list.set_page_size(1000);
  v1::ListParticipantsResponse listed;
  ASSERT_TRUE(Rpc(&Stub::ListParticipants, list, &listed).ok());
  EXPECT_GE(listed.participants_size(), 24);
  EXPECT_LE(listed.participants_size(), 24 + written_during.load() + 1);
  for (const v1::Participant& p : listed.participants()) {
    EXPECT_THAT(p.display_name(), HasSubstr("Deelnemer Zilvermeeuw ")) << p.name();
  }

  // New work on the restored database: create, update, erase.
  absl::StatusOr<Known> fresh = AddParticipant(900000);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  CheckReadsBack({*fresh});
  v1::UpdateParticipantRequest update;
  update.mutable_participant()->set_name(before[0].name);
  update.mutable_participant()->set_display_name("Deelnemer Zilvermeeuw hernoemd");
  update.mutable_update_mask()->add_paths("display_name");
  v1::Participant updated;
  ASSERT_TRUE(Rpc(&Stub::UpdateParticipant, update, &updated).ok());
  EXPECT_EQ(updated.display_name(), "Deelnemer Zilvermeeuw hernoemd");
  v1::EraseParticipantRequest erase_fresh;
  erase_fresh.set_name(fresh->name);
  erase_fresh.set_reason(v1::ERASURE_REASON_RECORDED_IN_ERROR);
  ASSERT_TRUE(Rpc(&Stub::EraseParticipant, erase_fresh, &erased).ok());
  v1::GetParticipantRequest get_fresh;
  get_fresh.set_name(fresh->name);
  EXPECT_EQ(Rpc(&Stub::GetParticipant, get_fresh, &nothing).error_code(), grpc::NOT_FOUND);
  v1::ListAuditEventsRequest audit;
  audit.set_parent(gone.name);
  v1::ListAuditEventsResponse audit_events;
  ASSERT_TRUE(Rpc(&Stub::ListAuditEvents, audit, &audit_events).ok());
  EXPECT_GE(audit_events.audit_events_size(), 2);  // Its creation and its erasure at least.

  // No personal data and no connection string in any log line: both services' and the scripts'.
  service_logs_ += service_->process().ReadOutput();
  const std::string logs = service_logs_ + script_output_;
  EXPECT_THAT(service_logs_, HasSubstr("EraseParticipant"));  // The logs are the right ones.
  for (const Known& k : before) {
    EXPECT_THAT(logs, Not(HasSubstr(k.display_name)));
    EXPECT_THAT(logs, Not(HasSubstr(k.bsn)));
    EXPECT_THAT(logs, Not(HasSubstr(k.session_notes)));
  }
  for (const std::string& secret : {gone.display_name, gone.bsn, gone.session_notes}) {
    EXPECT_THAT(logs, Not(HasSubstr(secret)));
  }
  EXPECT_THAT(logs, Not(HasSubstr("Zilvermeeuw")));
  EXPECT_THAT(logs, Not(HasSubstr("Kredietbank")));
  if (GetParam() == Engine::kPostgres) {
    EXPECT_THAT(logs, Not(HasSubstr("dbname=")));
  }
}

// The retention job in the real service: --retention_closed_days and --retention_interval are
// wired up, the job erases a participant closed long ago (and keeps one closed yesterday), and
// its log line has counts only.
TEST_P(CaseRecordBackupTest, RetentionJobRunsInTheService) {
  StartService(source_);
  std::vector<std::string> names;
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  for (const absl::CivilDay closed : {today - 400, today - 1}) {
    v1::CreateParticipantRequest create;
    v1::Participant* p = create.mutable_participant();
    p->set_display_name("Deelnemer Zilvermeeuw gesloten");
    p->set_gemeente_code("GM0363");
    *p->mutable_intake_date() = D(2024, 1, 2);
    p->set_state(v1::PARTICIPANT_STATE_CLOSED);
    *p->mutable_close_date() = D(static_cast<int>(closed.year()), closed.month(), closed.day());
    v1::Participant created;
    grpc::Status s = Rpc(&Stub::CreateParticipant, create, &created);
    ASSERT_TRUE(s.ok()) << s.error_message();
    names.push_back(created.name());
  }
  service_logs_ += service_->process().ReadOutput();
  // Restart with the job on: a year's retention, a run every second.
  StartService(source_, {"--retention_closed_days=365", "--retention_interval=1s"});
  absl::StatusOr<std::string> line =
      service_->process().WaitForOutput("\"retention_run\"", absl::Seconds(20));
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_THAT(*line, HasSubstr("\"erased\":1"));
  EXPECT_THAT(*line, Not(HasSubstr("participants/")));
  v1::GetParticipantRequest get;
  v1::Participant p;
  get.set_name(names[0]);
  EXPECT_EQ(Rpc(&Stub::GetParticipant, get, &p).error_code(), grpc::NOT_FOUND);
  get.set_name(names[1]);
  EXPECT_TRUE(Rpc(&Stub::GetParticipant, get, &p).ok());
  // Its access log names the job as the actor.
  v1::ListAuditEventsRequest audit;
  audit.set_parent(names[0]);
  v1::ListAuditEventsResponse events;
  ASSERT_TRUE(Rpc(&Stub::ListAuditEvents, audit, &events).ok());
  bool by_job = false;
  for (const v1::AuditEvent& e : events.audit_events())
    by_job = by_job || e.actor() == "system:retention";
  EXPECT_TRUE(by_job);
  service_logs_ += service_->process().ReadOutput();
  EXPECT_THAT(service_logs_, Not(HasSubstr("Zilvermeeuw")));
  // A bad value stops the start (exit 2), naming the flag.
  service_.reset();
  stub_.reset();
  SubprocessOptions bad;
  bad.argv = {kBinary,
              "--listen=127.0.0.1:0",
              "--tokens_file=" + tokens_->path(),
              "--database=" + source_,
              "--deployment_key_file=" + dir_ + "/deployment.key",
              "--bsn_secret_file=" + dir_ + "/bsn.key",
              "--retention_closed_days=-1"};
  bad.output_path = dir_ + "/bad.log";
  absl::StatusOr<std::unique_ptr<Subprocess>> refused = Subprocess::Start(bad);
  ASSERT_TRUE(refused.ok()) << refused.status();
  absl::StatusOr<int> code = (*refused)->Wait(absl::Seconds(30));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 2);
  EXPECT_THAT((*refused)->ReadOutput(), HasSubstr("--retention_closed_days"));
}

INSTANTIATE_TEST_SUITE_P(Engines, CaseRecordBackupTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const ::testing::TestParamInfo<Engine>& param) {
                           return param.param == Engine::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace kompas::testing
