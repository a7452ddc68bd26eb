// Erasure forensics (issue 10), on both engines: after EraseParticipant, nothing of the erased
// participant — neither the plaintext name, BSN, contact details and notes nor any ciphertext
// ever stored for it, its wrapped data key or its BSN hash — is left in the database files:
// the SQLite file with its -wal and -shm, or every relation file (tables, indexes, TOAST) of
// the PostgreSQL database. What makes this so is done by the store (PurgeDeletedRows after the
// erasure commits); the test only looks. The other participant's data stays whole, and the
// erased one is in no other participant's export.
#include <dirent.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/caserecord/storage/crypto.h"
#include "services/caserecord/storage/sql.h"
#include "services/caserecord/storage/store.h"
#include "services/caserecord/storage/sync.h"
#include "services/caserecord/tests/store_test_support.h"

namespace kompas::caserecord::storage {
namespace {

using testing::Engine;
using testing::TestDatabase;

constexpr char kGoneBsn[] = "111222333";  // Passes the elfproef (9+8+7+12+10+8+9+6-3 = 66 = 6·11).
constexpr char kKeptBsn[] = "123456782";  // Passes the elfproef.

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Pieces of a stored value to look for. A long value is not stored in one run of bytes (SQLite
// overflow pages, PostgreSQL TOAST chunks of ~2 kB), so it is looked for as 24-byte pieces every
// 64 bytes; a short one whole.
std::vector<std::string> Pieces(const std::string& value) {
  if (value.size() <= 48) return {value};
  std::vector<std::string> pieces;
  for (size_t at = 0; at + 24 <= value.size(); at += 64) pieces.push_back(value.substr(at, 24));
  return pieces;
}

// A long note, distinctive and unlike any other text here, so that its ciphertext is stored
// out of line (SQLite overflow pages, PostgreSQL TOAST).
std::string LongNotes(const std::string& word) {
  std::string notes;
  for (int i = 0; notes.size() < 6000; ++i) absl::StrAppend(&notes, word, " ", i, ". ");
  return notes;
}

CallContext Mentor() {
  return CallContext{"org-erasure", "tok-1", "mentor-1",
                     "/kompas.caserecord.v1.CaseRecordService/Test"};
}

// What one participant holds, in clear (never stored so) and as stored (read straight from the
// tables, every version seen).
struct Trace {
  std::string id;
  std::vector<std::string> plaintexts;
  std::vector<std::string> stored;   // sealed columns, wrapped key, BSN hash: every version.
  std::vector<std::string> current;  // The same, as stored at the last look.
};

class ErasureTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<TestDatabase>> db = TestDatabase::Create(
        GetParam(), ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    StoreOptions options;
    options.keys = KeyRing::Random();
    options.now = [] {
      return absl::FromCivil(absl::CivilSecond(2026, 6, 1, 12, 0, 0), absl::UTCTimeZone()) +
             absl::Microseconds(clock_us_.fetch_add(1));
    };
    absl::StatusOr<std::unique_ptr<CaseStore>> store = db_->Open(std::move(options));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    absl::StatusOr<std::unique_ptr<SqlConnection>> raw = db_->Raw();
    ASSERT_TRUE(raw.ok()) << raw.status();
    raw_ = *std::move(raw);
  }

  void TearDown() override {
    raw_.reset();
    store_.reset();
  }

  CaseStore& store() { return *store_; }

  // Creates a participant with everything a participant can have; every text is distinctive
  // (prefixed with `word`).
  Trace Populate(const std::string& word, const std::string& bsn) {
    const CallContext ctx = Mentor();
    Trace t;
    Participant p;
    p.display_name = absl::StrCat(word, " Oudenaam");
    p.contact.phone = bsn == kGoneBsn ? "0699887766" : "0611223344";
    p.contact.email = absl::StrCat(word, "@voorbeeld.nl");
    p.bsn = bsn;
    p.gemeente_code = "GM0363";
    p.intake_date = Date{2026, 1, 5};
    absl::StatusOr<Participant> created =
        Await<Participant>([&](auto done) { store().CreateParticipant(ctx, p, done); });
    EXPECT_TRUE(created.ok()) << created.status();
    if (!created.ok()) return t;
    t.id = created->id;
    t.plaintexts = {p.display_name, p.contact.phone, p.contact.email, bsn};
    Capture(&t);  // The first version of the participant row.

    // A later name: the old name's ciphertext was stored too and must go as well.
    Participant renamed;
    renamed.id = t.id;
    renamed.display_name = absl::StrCat(word, " Nieuwenaam");
    EXPECT_TRUE(Await<Participant>([&](auto done) {
                  store().UpdateParticipant(ctx, renamed, {"display_name"}, done);
                }).ok());
    t.plaintexts.push_back(renamed.display_name);

    Consent consent;
    consent.purpose = ConsentPurpose::kNetworkEvaluation;
    consent.grant_date = Date{2026, 1, 5};
    consent.evidence = absl::StrCat(word, " tekende het formulier");
    EXPECT_TRUE(
        Await<Consent>([&](auto done) { store().CreateConsent(ctx, t.id, consent, done); }).ok());
    t.plaintexts.push_back(consent.evidence);

    for (int i = 0; i < 2; ++i) {
      Assessment a;
      a.assessment_date = Date{2026, 1 + 2 * i, 10};
      a.levels = {{Pillar::kFamilyStability, 3},
                  {Pillar::kWellBeing, 2},
                  {Pillar::kEducationTraining, 2},
                  {Pillar::kFinancialManagement, 1 + i},
                  {Pillar::kEmploymentCareer, 2}};
      a.notes = absl::StrCat(word, " schuldhulp bij de Kredietbank, ronde ", i);
      EXPECT_TRUE(
          Await<Assessment>([&](auto done) { store().CreateAssessment(ctx, t.id, a, done); }).ok());
      t.plaintexts.push_back(a.notes);
    }

    Goal g;
    g.pillar = Pillar::kEmploymentCareer;
    g.title = absl::StrCat(word, " wil heftruckchauffeur worden");
    g.done_when = absl::StrCat(word, " heeft het certificaat");
    g.target_date = Date{2026, 12, 1};
    g.reward = absl::StrCat(word, " gaat uit eten");
    GoalStep step;
    step.title = absl::StrCat(word, " schrijft zich in");
    step.due_date = Date{2026, 3, 1};
    g.steps.push_back(step);
    EXPECT_TRUE(Await<Goal>([&](auto done) { store().CreateGoal(ctx, t.id, g, done); }).ok());
    t.plaintexts.insert(t.plaintexts.end(), {g.title, g.done_when, g.reward, step.title});

    Session short_session;
    short_session.session_date = Date{2026, 2, 2};
    short_session.duration_minutes = 45;
    short_session.mode = SessionMode::kHomeVisit;
    short_session.pillars = {Pillar::kFinancialManagement};
    short_session.notes = absl::StrCat(word, " vertelde over de deurwaarder");
    absl::StatusOr<Session> s1 =
        Await<Session>([&](auto done) { store().CreateSession(ctx, t.id, short_session, done); });
    EXPECT_TRUE(s1.ok());
    t.plaintexts.push_back(short_session.notes);
    Session long_session = short_session;
    long_session.session_date = Date{2026, 3, 2};
    long_session.notes = LongNotes(absl::StrCat(word, " lange aantekening"));
    EXPECT_TRUE(Await<Session>([&](auto done) {
                  store().CreateSession(ctx, t.id, long_session, done);
                }).ok());
    t.plaintexts.push_back(long_session.notes.substr(0, 40));

    CompassSnapshot snapshot;
    snapshot.label = absl::StrCat(word, " voor het gesprek");
    snapshot.question_kind = SnapshotQuestion::kMatch;
    snapshot.question = absl::StrCat(word, " serialized question bytes");
    snapshot.answer = absl::StrCat(word, " serialized answer bytes");
    snapshot.rule_set_id = "nl-2026-01";
    snapshot.data_version = "2026-05";
    snapshot.margin_cents = 12345;
    snapshot.lonend = true;
    EXPECT_TRUE(Await<CompassSnapshot>([&](auto done) {
                  store().CreateCompassSnapshot(ctx, t.id, snapshot, done);
                }).ok());
    t.plaintexts.insert(t.plaintexts.end(), {snapshot.label, snapshot.question, snapshot.answer});

    Outcome outcome;
    outcome.type = OutcomeType::kTrainingCompleted;
    outcome.outcome_date = Date{2026, 4, 1};
    outcome.details = OutcomeDetails::kTraining;
    outcome.training.description = absl::StrCat(word, " haalde het VCA-diploma");
    outcome.training.level = 3;
    EXPECT_TRUE(
        Await<Outcome>([&](auto done) { store().CreateOutcome(ctx, t.id, outcome, done); }).ok());
    t.plaintexts.push_back(outcome.training.description);

    Capture(&t);  // Every record as first written.
    // A note rewritten: the first note's ciphertext is an older version that must go as well.
    Session edited = *s1;
    edited.notes = absl::StrCat(word, " regelde een betalingsregeling");
    EXPECT_TRUE(Await<Session>([&](auto done) {
                  store().UpdateSession(ctx, t.id, edited, {"notes"}, done);
                }).ok());
    t.plaintexts.push_back(edited.notes);
    Capture(&t);
    return t;
  }

  // Adds what is stored for `t` now: sealed columns, wrapped key, BSN hash and (schema 2, key
  // rotation) the sealed BSN.
  // A participant without records, with the BSN that is erased in these tests.
  static Participant Gone(const std::string& name) {
    Participant p;
    p.display_name = name;
    p.bsn = kGoneBsn;
    p.gemeente_code = "GM0363";
    p.intake_date = Date{2026, 1, 5};
    return p;
  }

  // Creates Gone(name) and captures what the database stores of it; an empty id on failure.
  Trace CreateTraced(const std::string& name) {
    absl::StatusOr<Participant> created = Await<Participant>(
        [&](auto done) { store().CreateParticipant(Mentor(), Gone(name), done); });
    EXPECT_TRUE(created.ok()) << created.status();
    Trace t;
    if (!created.ok()) return t;
    t.id = created->id;
    Capture(&t);
    return t;
  }

  // A read transaction on the raw connection that took its snapshot now — by reading another
  // table, so that on PostgreSQL it holds no lock that VACUUM FULL would wait for anyway.
  void HoldOldSnapshot() {
    ASSERT_TRUE(raw_->Script(GetParam() == Engine::kPostgres
                                 ? "BEGIN ISOLATION LEVEL REPEATABLE READ"
                                 : "BEGIN")
                    .ok());
    absl::StatusOr<std::vector<SqlRow>> seen =
        raw_->Query("SELECT count(*) FROM schema_migrations", {});
    ASSERT_TRUE(seen.ok()) << seen.status();
    ASSERT_GE((*seen)[0].Int(0), 1);
  }

  void Capture(Trace* t) {
    t->current.clear();
    absl::StatusOr<std::vector<SqlRow>> p = raw_->Query(
        "SELECT sealed, wrapped_key, bsn_hash, bsn_sealed FROM participants "
        "WHERE tenant = $1 AND id = $2",
        {Mentor().tenant, t->id});
    ASSERT_TRUE(p.ok()) << p.status();
    ASSERT_EQ(p->size(), 1u);
    for (size_t i = 0; i < 4; ++i) {
      ASSERT_FALSE((*p)[0].IsNull(i)) << "column " << i;
      t->current.push_back((*p)[0].Text(i));
    }
    absl::StatusOr<std::vector<SqlRow>> r =
        raw_->Query("SELECT sealed FROM records WHERE tenant = $1 AND participant_id = $2",
                    {Mentor().tenant, t->id});
    ASSERT_TRUE(r.ok()) << r.status();
    for (const SqlRow& row : *r) t->current.push_back(row.Text(0));
    t->stored.insert(t->stored.end(), t->current.begin(), t->current.end());
  }

  // Every database file's bytes, keyed by file. On PostgreSQL a CHECKPOINT first writes every
  // changed page to the files (what the server does by itself every checkpoint_timeout), so
  // the files are looked at in the state they reach anyway.
  std::map<std::string, std::string> DatabaseFiles() {
    std::map<std::string, std::string> files;
    if (GetParam() == Engine::kSqlite) {
      for (const char* suffix : {"", "-wal", "-shm"}) {
        const std::string path = db_->sqlite_path() + suffix;
        files[path] = ReadWholeFile(path);
      }
      EXPECT_FALSE(files[db_->sqlite_path()].empty());
      return files;
    }
    EXPECT_TRUE(raw_->Script("CHECKPOINT").ok());
    absl::StatusOr<std::vector<SqlRow>> dir = raw_->Query(
        "SELECT current_setting('data_directory'), (SELECT oid FROM pg_database WHERE datname = "
        "current_database())",
        {});
    EXPECT_TRUE(dir.ok()) << dir.status();
    if (!dir.ok()) return files;
    const std::string data_dir = (*dir)[0].Text(0);
    const std::string db_dir = absl::StrCat(data_dir, "/base/", (*dir)[0].Text(1));
    // Every file of this database: each relation's main fork and its 1 GB segments, free space
    // and visibility maps.
    DIR* d = opendir(db_dir.c_str());
    EXPECT_NE(d, nullptr) << db_dir;
    if (d == nullptr) return files;
    while (const dirent* entry = readdir(d)) {
      const std::string path = absl::StrCat(db_dir, "/", entry->d_name);
      struct stat st;
      if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) files[path] = ReadWholeFile(path);
    }
    closedir(d);
    // Every table, index and TOAST relation of the schema (and the TOAST index) has its file
    // among them: the scan covers them all.
    absl::StatusOr<std::vector<SqlRow>> relations = raw_->Query(
        "SELECT c.relname, pg_relation_filepath(c.oid) FROM pg_class c "
        "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i') "
        "UNION ALL SELECT t.relname, pg_relation_filepath(t.oid) FROM pg_class c "
        "JOIN pg_class t ON t.oid = c.reltoastrelid WHERE c.relnamespace = 'public'::regnamespace "
        "UNION ALL SELECT i.relname, pg_relation_filepath(i.oid) FROM pg_class c "
        "JOIN pg_index x ON x.indrelid = c.reltoastrelid JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE c.relnamespace = 'public'::regnamespace",
        {});
    EXPECT_TRUE(relations.ok()) << relations.status();
    std::set<std::string> names;
    for (const SqlRow& row : relations.ok() ? *relations : std::vector<SqlRow>()) {
      names.insert(row.Text(0));
      const std::string path = absl::StrCat(data_dir, "/", row.Text(1));
      EXPECT_TRUE(files.count(path)) << row.Text(0) << " at " << path << " was not scanned";
    }
    for (const char* name : {"participants", "records", "participants_bsn", "records_by_date"}) {
      EXPECT_TRUE(names.count(name)) << name;
    }
    EXPECT_GE(names.size(), 12u);  // 5 tables, 7 indexes, and TOAST tables with their indexes.
    return files;
  }

  // The files that hold `needle` (empty when none does).
  static std::vector<std::string> Holding(const std::map<std::string, std::string>& files,
                                          const std::string& needle) {
    std::vector<std::string> where;
    for (const auto& [path, bytes] : files) {
      if (Contains(bytes, needle)) where.push_back(path);
    }
    return where;
  }

  static inline std::atomic<int64_t> clock_us_{0};
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<CaseStore> store_;
  std::unique_ptr<SqlConnection> raw_;
};

TEST_P(ErasureTest, NothingOfAnErasedParticipantIsLeftInTheDatabaseFiles) {
  const Trace gone = Populate("Henriëtte Zwaluwstaart", kGoneBsn);
  const Trace kept = Populate("Gerbrand Kievitsbloem", kKeptBsn);
  ASSERT_FALSE(gone.id.empty());
  ASSERT_FALSE(kept.id.empty());
  // Three looks at the participant row (4 columns each) and two at its 8 records.
  ASSERT_EQ(gone.stored.size(), 3u * 4u + 2u * 8u);

  // The scan sees what is there: before the erasure, a piece of every stored value of both
  // participants is in the files (so a missing one afterwards is not a blind scan).
  {
    const std::map<std::string, std::string> before = DatabaseFiles();
    for (const Trace* t : {&gone, &kept}) {
      for (size_t i = 0; i < t->stored.size(); ++i) {
        bool found = false;
        for (const std::string& piece : Pieces(t->stored[i])) {
          found = found || !Holding(before, piece).empty();
        }
        EXPECT_TRUE(found) << t->id << " stored value " << i << " not found before the erasure";
      }
    }
  }

  // 1 participant + 1 consent + 2 assessments + 1 goal + 2 sessions + 1 snapshot + 1 outcome.
  absl::StatusOr<EraseResult> erased = Await<EraseResult>([&](auto done) {
    store().EraseParticipant(Mentor(), gone.id, "", ErasureReason::kParticipantRequest, done);
  });
  ASSERT_TRUE(erased.ok()) << erased.status();
  EXPECT_EQ(erased->resources_erased, 9);

  const std::map<std::string, std::string> after = DatabaseFiles();
  for (const std::string& text : gone.plaintexts) {
    EXPECT_THAT(Holding(after, text), ::testing::IsEmpty()) << "plaintext: " << text;
  }
  for (size_t i = 0; i < gone.stored.size(); ++i) {
    for (const std::string& piece : Pieces(gone.stored[i])) {
      EXPECT_THAT(Holding(after, piece), ::testing::IsEmpty())
          << "stored value " << i << " (" << gone.stored[i].size() << " bytes) is still there";
    }
  }
  // The other participant is whole: in the files (its current values; the purge removed the
  // older versions of everyone's rows too) and through the store.
  ASSERT_EQ(kept.current.size(), 4u + 8u);
  for (size_t i = 0; i < kept.current.size(); ++i) {
    bool found = false;
    for (const std::string& piece : Pieces(kept.current[i])) {
      found = found || !Holding(after, piece).empty();
    }
    EXPECT_TRUE(found) << "the kept participant's stored value " << i << " is gone";
  }
  absl::StatusOr<Participant> again =
      Await<Participant>([&](auto done) { store().GetParticipant(Mentor(), kept.id, done); });
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->display_name, "Gerbrand Kievitsbloem Nieuwenaam");
  absl::StatusOr<Participant> by_bsn =
      Await<Participant>([&](auto done) { store().LookupParticipant(Mentor(), kKeptBsn, done); });
  ASSERT_TRUE(by_bsn.ok()) << by_bsn.status();
  EXPECT_EQ(by_bsn->id, kept.id);
  EXPECT_EQ(
      Await<Participant>([&](auto done) { store().LookupParticipant(Mentor(), kGoneBsn, done); })
          .status()
          .code(),
      absl::StatusCode::kNotFound);

  // The kept participant's export holds all of theirs and nothing of the erased one.
  absl::StatusOr<ParticipantExport> exported = Await<ParticipantExport>(
      [&](auto done) { store().ExportParticipant(Mentor(), kept.id, done); });
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_EQ(exported->consents.size(), 1u);
  EXPECT_EQ(exported->assessments.size(), 2u);
  EXPECT_EQ(exported->goals.size(), 1u);
  ASSERT_EQ(exported->sessions.size(), 2u);
  EXPECT_EQ(exported->snapshots.size(), 1u);
  EXPECT_EQ(exported->outcomes.size(), 1u);
  std::string everything =
      absl::StrCat(exported->participant.id, exported->participant.display_name,
                   exported->participant.contact.email);
  for (const Session& s : exported->sessions) absl::StrAppend(&everything, s.id, s.notes);
  for (const Assessment& a : exported->assessments) absl::StrAppend(&everything, a.id, a.notes);
  for (const Goal& g : exported->goals) absl::StrAppend(&everything, g.id, g.title, g.reward);
  for (const Consent& c : exported->consents) absl::StrAppend(&everything, c.id, c.evidence);
  for (const CompassSnapshot& s : exported->snapshots) {
    absl::StrAppend(&everything, s.id, s.label, s.question, s.answer);
  }
  for (const Outcome& o : exported->outcomes) {
    absl::StrAppend(&everything, o.id, o.training.description);
  }
  for (const AuditEvent& e : exported->audit_events) {
    absl::StrAppend(&everything, e.participant_id, e.resource);
  }
  EXPECT_TRUE(Contains(everything, "Gerbrand Kievitsbloem vertelde over de deurwaarder") ||
              Contains(everything, "Gerbrand Kievitsbloem regelde een betalingsregeling"));
  EXPECT_FALSE(Contains(everything, gone.id));
  EXPECT_FALSE(Contains(everything, "Zwaluwstaart"));

  // The access log of the erased participant stays, without content.
  absl::StatusOr<Page<AuditEvent>> log = Await<Page<AuditEvent>>([&](auto done) {
    store().ListAuditEvents(Mentor(), gone.id, PageRequest{1000, ""}, done);
  });
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_FALSE(log->items.empty());
  for (const AuditEvent& e : log->items) {
    EXPECT_FALSE(Contains(e.resource, "Zwaluwstaart"));
    EXPECT_FALSE(Contains(e.actor, "Zwaluwstaart"));
  }
}

// An erasure of a participant without records (nothing out of line) purges as well, and the
// SQLite WAL is empty right after it: the store checkpointed it, not the test.
TEST_P(ErasureTest, TheStorePurgesRightAfterEachErasure) {
  const CallContext ctx = Mentor();
  const Trace t = CreateTraced("Korte Keesje");
  ASSERT_FALSE(t.id.empty());
  ASSERT_TRUE(Await<EraseResult>([&](auto done) {
                store().EraseParticipant(ctx, t.id, "", ErasureReason::kParticipantRequest, done);
              }).ok());
  const std::map<std::string, std::string> after = DatabaseFiles();
  for (const std::string& value : t.stored) {
    EXPECT_THAT(Holding(after, value), ::testing::IsEmpty());
  }
  if (GetParam() == Engine::kSqlite) {
    EXPECT_EQ(after.at(db_->sqlite_path() + "-wal").size(), 0u);
  }
  // A new participant with the same BSN can be recorded again (the unique index forgot it).
  EXPECT_TRUE(Await<Participant>([&](auto done) {
                store().CreateParticipant(ctx, Gone("Nieuwe Keesje"), done);
              }).ok());
}

// A reader that took its snapshot before the erasure (a report, a pg_dump, a SQLite read
// transaction) would keep the deleted rows alive: the purge waits for it to end (here after
// about a second), and only then removes them.
TEST_P(ErasureTest, ThePurgeWaitsForOlderSnapshots) {
  const CallContext ctx = Mentor();
  const Trace t = CreateTraced("Geduldige Gijsbrecht");
  ASSERT_FALSE(t.id.empty());
  // An old snapshot that could still read the participant.
  HoldOldSnapshot();
  auto erased = std::make_shared<std::promise<absl::StatusOr<EraseResult>>>();
  std::future<absl::StatusOr<EraseResult>> result = erased->get_future();
  const absl::Time start = absl::Now();
  store().EraseParticipant(
      ctx, t.id, "", ErasureReason::kParticipantRequest,
      [erased](absl::StatusOr<EraseResult> r) { erased->set_value(std::move(r)); });
  absl::SleepFor(absl::Seconds(1));
  ASSERT_TRUE(raw_->Script("COMMIT").ok());
  ASSERT_TRUE(result.get().ok());
  // The erasure was acknowledged only after the old snapshot ended and the purge ran.
  EXPECT_GE(absl::Now() - start, absl::Seconds(1));
  const std::map<std::string, std::string> after = DatabaseFiles();
  for (const std::string& value : t.stored) {
    EXPECT_THAT(Holding(after, value), ::testing::IsEmpty());
  }
}

// A reader that holds its old snapshot past the purge's patience (SQLite: any open read
// transaction blocks the WAL truncation; PostgreSQL: longer than the 5 s wait) makes the purge
// fail; the erasure is acknowledged (its data key is gone) and the writer retries the purge
// when idle, without another write coming.
TEST_P(ErasureTest, TheIdleWriterRetriesAFailedPurge) {
  const CallContext ctx = Mentor();
  const Trace t = CreateTraced("Volhardende Fenna");
  ASSERT_FALSE(t.id.empty());
  HoldOldSnapshot();
  // The erasure is acknowledged while the old snapshot is still held.
  ASSERT_TRUE(Await<EraseResult>([&](auto done) {
                store().EraseParticipant(ctx, t.id, "", ErasureReason::kParticipantRequest, done);
              }).ok());
  const bool pg = GetParam() == Engine::kPostgres;
  auto filenode = [&]() -> int64_t {
    absl::StatusOr<std::vector<SqlRow>> rows =
        raw_->Query("SELECT pg_relation_filenode('records')", {});
    return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : -1;
  };
  const int64_t before = pg ? filenode() : 0;
  ASSERT_TRUE(raw_->Script("COMMIT").ok());
  // No further write: the writer's idle retry (every 5 s) removes the rows from the files. On
  // PostgreSQL wait until its VACUUM FULL has rewritten the table (a new file), so that the scan
  // does not race the rewrite; other tests' sessions on the shared cluster may delay it.
  const absl::Time give_up = absl::Now() + absl::Seconds(90);
  bool clean = false;
  while (!clean && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(500));
    if (pg && filenode() == before) continue;
    if (pg) absl::SleepFor(absl::Milliseconds(500));  // the participants table follows it
    const std::map<std::string, std::string> files = DatabaseFiles();
    clean = true;
    for (const std::string& value : t.stored) clean = clean && Holding(files, value).empty();
  }
  EXPECT_TRUE(clean) << "the erased participant's bytes are still in the database files";
}

INSTANTIATE_TEST_SUITE_P(Engines, ErasureTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const ::testing::TestParamInfo<Engine>& param) {
                           return param.param == Engine::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace kompas::caserecord::storage
