// Key rotation on both engines: the deployment key and the BSN secret are replaced, the job
// re-wraps and re-hashes, and every participant stays readable and findable by BSN; what is
// made after the rotation does not open with the old key. Expected bytes are computed here with
// libsodium directly (HMAC-SHA-256, BLAKE2b, XChaCha20-Poly1305), not with the code under test.
#include "services/caserecord/storage/key_rotation.h"

#include <signal.h>
#include <sodium.h>

#include <fstream>
#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/caserecord/storage/crypto.h"
#include "services/caserecord/storage/sql.h"
#include "services/caserecord/storage/sync.h"
#include "services/caserecord/tests/store_test_support.h"
#include "tests/support/subprocess.h"

namespace kompas::caserecord::storage {
namespace {

using testing::Engine;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::TestDatabase;

const std::string kSep(1, '\0');

// The 9-digit BSN for 8 leading digits, with the check digit the elfproef asks for:
// 9·d1 + 8·d2 + … + 2·d8 − d9 ≡ 0 (mod 11); empty when that digit would be 10.
std::string BsnFor(int leading) {
  const std::string head = absl::StrCat(leading);
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (9 - i) * (head[static_cast<size_t>(i)] - '0');
  const int check = sum % 11;
  if (check == 10) return "";
  return absl::StrCat(head, check);
}

std::vector<std::string> Bsns(size_t n) {
  std::vector<std::string> out;
  for (int leading = 12345000; out.size() < n; ++leading) {
    std::string bsn = BsnFor(leading);
    if (!bsn.empty()) out.push_back(bsn);
  }
  return out;
}

// HMAC-SHA-256(secret, tenant ‖ 0 ‖ bsn), computed here.
std::string ExpectedBsnHash(const std::string& secret, const std::string& tenant,
                            const std::string& bsn) {
  const std::string message = absl::StrCat(tenant, kSep, bsn);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

// The first 4 bytes of BLAKE2b-256("kompas-caserecord key id" ‖ 0 ‖ key), computed here.
std::string ExpectedKeyId(const std::string& key) {
  const std::string message = absl::StrCat("kompas-caserecord key id", kSep, key);
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(hash), 4);
}

std::string KeyBinding(const std::string& tenant, const std::string& id) {
  return absl::StrCat("participant-key", kSep, tenant, kSep, id);
}

// Opens a wrapped key of format 2 with libsodium directly: 2 ‖ key id ‖ nonce ‖ ciphertext ‖
// tag, with 2 ‖ key id ‖ binding as associated data. Empty when it does not open.
std::string OpenFormat2(const std::string& wrapped, const std::string& key,
                        const std::string& binding) {
  if (wrapped.size() < 5 + 24 + 16 || wrapped[0] != 2) return "";
  const std::string ad = absl::StrCat(wrapped.substr(0, 5), binding);
  std::string out(wrapped.size() - 5 - 24 - 16, '\0');
  unsigned long long n = 0;
  const auto* w = reinterpret_cast<const unsigned char*>(wrapped.data());
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &n, nullptr, w + 5 + 24,
          wrapped.size() - 5 - 24, reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
          w + 5, reinterpret_cast<const unsigned char*>(key.data())) != 0) {
    return "";
  }
  return out;
}

// A wrapped key in format 1, as databases made before key ids hold them: 1 ‖ nonce ‖
// ciphertext ‖ tag, with the binding alone as associated data.
std::string WrapFormat1(const std::string& data_key, const std::string& key,
                        const std::string& binding) {
  std::string out(1 + 24 + data_key.size() + 16, '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  p[0] = 1;
  randombytes_buf(p + 1, 24);
  unsigned long long n = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      p + 25, &n, reinterpret_cast<const unsigned char*>(data_key.data()), data_key.size(),
      reinterpret_cast<const unsigned char*>(binding.data()), binding.size(), nullptr, p + 1,
      reinterpret_cast<const unsigned char*>(key.data()));
  return out;
}

CallContext Tenant(const std::string& tenant) {
  return CallContext{tenant, "tok-1", "mentor-1", "/kompas.caserecord.v1.CaseRecordService/Test"};
}

Participant NewParticipant(const std::string& name, const std::string& bsn) {
  Participant p;
  p.display_name = name;
  p.bsn = bsn;
  p.gemeente_code = "GM0014";
  p.intake_date = Date{2025, 3, 1};
  return p;
}

struct Row {
  std::string tenant;
  std::string id;
  std::string wrapped_key;
  std::string bsn_hash;  // Empty when null.
  bool has_sealed_bsn = false;
};

class KeyRotationTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    absl::StatusOr<std::unique_ptr<TestDatabase>> db = TestDatabase::Create(
        GetParam(), ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    k1_ = KeyRing::NewDataKey();
    s1_ = KeyRing::NewDataKey();
    k2_ = KeyRing::NewDataKey();
    s2_ = KeyRing::NewDataKey();
    old_ = *KeyRing::FromKeys(k1_, s1_);
    rotating_ = *KeyRing::FromKeys(k2_, s2_, {k1_}, {s1_});
    new_ = *KeyRing::FromKeys(k2_, s2_);
  }

  std::unique_ptr<CaseStore> Open(std::shared_ptr<const KeyRing> keys) {
    StoreOptions options;
    options.keys = std::move(keys);
    absl::StatusOr<std::unique_ptr<CaseStore>> store = db_->Open(std::move(options));
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  static absl::StatusOr<Participant> Create(CaseStore& s, const std::string& tenant,
                                            Participant p) {
    return Await<Participant>([&](auto done) { s.CreateParticipant(Tenant(tenant), p, done); });
  }
  static absl::StatusOr<Participant> Get(CaseStore& s, const std::string& tenant,
                                         const std::string& id) {
    return Await<Participant>([&](auto done) { s.GetParticipant(Tenant(tenant), id, done); });
  }
  static absl::StatusOr<Participant> Lookup(CaseStore& s, const std::string& tenant,
                                            const std::string& bsn) {
    return Await<Participant>([&](auto done) { s.LookupParticipant(Tenant(tenant), bsn, done); });
  }

  std::vector<Row> Rows() {
    std::vector<Row> out;
    absl::StatusOr<std::unique_ptr<SqlConnection>> raw = db_->Raw();
    EXPECT_TRUE(raw.ok()) << raw.status();
    if (!raw.ok()) return out;
    absl::StatusOr<std::vector<SqlRow>> rows = (*raw)->Query(
        "SELECT tenant, id, wrapped_key, bsn_hash, CASE WHEN bsn_sealed IS NULL THEN 0 ELSE 1 "
        "END FROM participants ORDER BY tenant, id",
        {});
    EXPECT_TRUE(rows.ok()) << rows.status();
    if (!rows.ok()) return out;
    for (const SqlRow& r : *rows) {
      out.push_back(Row{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4) != 0});
    }
    return out;
  }
  Row RowOf(const std::string& id) {
    for (Row& r : Rows()) {
      if (r.id == id) return r;
    }
    ADD_FAILURE() << "no row " << id;
    return Row{};
  }
  absl::Status RawExec(const std::string& sql, const std::vector<SqlValue>& params) {
    absl::StatusOr<std::unique_ptr<SqlConnection>> raw = db_->Raw();
    if (!raw.ok()) return raw.status();
    return (*raw)->Exec(sql, params).status();
  }

  static RotationOptions Quick() {
    RotationOptions options;
    options.batch_size = 7;  // Several batches for the participants below.
    options.pause = absl::ZeroDuration();
    options.pass_pause = absl::ZeroDuration();
    options.max_passes = 5;
    return options;
  }

  std::unique_ptr<TestDatabase> db_;
  std::string k1_, s1_, k2_, s2_;
  std::shared_ptr<const KeyRing> old_;       // K1 / S1 only.
  std::shared_ptr<const KeyRing> rotating_;  // K2 / S2 current, K1 / S1 previous.
  std::shared_ptr<const KeyRing> new_;       // K2 / S2 only.
};

TEST_P(KeyRotationTest, AfterRotatingBothSecretsEveryoneIsReadableAndFindableByBsn) {
  // 20 participants with a BSN in two organisations, 3 without; under K1 / S1.
  const std::vector<std::string> bsns = Bsns(20);
  struct Made {
    std::string tenant, id, name, bsn;
  };
  std::vector<Made> made;
  {
    std::unique_ptr<CaseStore> store = Open(old_);
    ASSERT_NE(store, nullptr);
    for (size_t i = 0; i < 23; ++i) {
      const std::string tenant = i % 2 == 0 ? "org-a" : "org-b";
      const std::string bsn = i < 20 ? bsns[i] : "";
      const std::string name = absl::StrCat("Deelnemer ", i);
      absl::StatusOr<Participant> p = Create(*store, tenant, NewParticipant(name, bsn));
      ASSERT_TRUE(p.ok()) << p.status();
      made.push_back({tenant, p->id, name, bsn});
    }
    Session session;
    session.session_date = Date{2025, 4, 1};
    session.duration_minutes = 30;
    session.mode = SessionMode::kInPerson;
    session.notes = "Gesprek over werk";
    ASSERT_TRUE(Await<Session>([&](auto done) {
                  store->CreateSession(Tenant(made[0].tenant), made[0].id, session, done);
                }).ok());
  }
  for (const Row& r : Rows()) {
    EXPECT_EQ(r.wrapped_key.substr(0, 5), absl::StrCat(std::string(1, '\2'), ExpectedKeyId(k1_)));
  }

  // Rotate: K2 / S2 current, K1 / S1 previous; run the job to completion.
  std::string after_id;
  {
    std::unique_ptr<CaseStore> store = Open(rotating_);
    ASSERT_NE(store, nullptr);
    std::vector<RotationProgress> reports;
    RotationOptions options = Quick();
    options.on_progress = [&](const RotationProgress& p) { reports.push_back(p); };
    absl::StatusOr<RotationProgress> done = RunKeyRotation(*store, *rotating_, options);
    ASSERT_TRUE(done.ok()) << done.status();
    EXPECT_TRUE(done->done);
    EXPECT_EQ(done->passes, 2);        // One that changed everything, one that found nothing.
    EXPECT_EQ(done->scanned, 2 * 23);  // Both passes saw every participant.
    EXPECT_EQ(done->rewrapped, 23);    // Every data key.
    EXPECT_EQ(done->rehashed, 20);     // Every BSN.
    EXPECT_EQ(done->bsn_pending, 0);
    EXPECT_EQ(done->unreadable, 0);
    ASSERT_FALSE(reports.empty());
    EXPECT_TRUE(reports.back().done);

    // A participant created now (under the rotating ring) is under K2 / S2 only.
    absl::StatusOr<Participant> after =
        Create(*store, "org-a", NewParticipant("Na de rotatie", BsnFor(87654321)));
    ASSERT_TRUE(after.ok()) << after.status();
    after_id = after->id;
  }

  // Every wrapped key is now under K2: it opens with a ring of only K2, and with libsodium
  // and K2 directly, and not with a ring of only K1. Every BSN hash is HMAC with S2.
  std::map<std::string, std::string> bsn_of;
  for (const Made& m : made) bsn_of[m.id] = m.bsn;
  bsn_of[after_id] = BsnFor(87654321);
  const std::vector<Row> rows = Rows();
  ASSERT_EQ(rows.size(), 24u);
  for (const Row& r : rows) {
    SCOPED_TRACE(r.id);
    const std::string binding = KeyBinding(r.tenant, r.id);
    EXPECT_EQ(r.wrapped_key.substr(1, 4), ExpectedKeyId(k2_));
    EXPECT_FALSE(old_->UnwrapDataKey(r.wrapped_key, binding).ok());
    absl::StatusOr<std::string> key = new_->UnwrapDataKey(r.wrapped_key, binding);
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(OpenFormat2(r.wrapped_key, k2_, binding), *key);
    EXPECT_EQ(OpenFormat2(r.wrapped_key, k1_, binding), "");
    const std::string& bsn = bsn_of[r.id];
    if (bsn.empty()) {
      EXPECT_EQ(r.bsn_hash, "");
    } else {
      EXPECT_EQ(r.bsn_hash, ExpectedBsnHash(s2_, r.tenant, bsn));
      EXPECT_NE(r.bsn_hash, ExpectedBsnHash(s1_, r.tenant, bsn));
      EXPECT_TRUE(r.has_sealed_bsn);
    }
  }

  // The previous key and secret removed: everyone still readable (with their content and
  // their session) and findable by BSN.
  {
    std::unique_ptr<CaseStore> store = Open(new_);
    ASSERT_NE(store, nullptr);
    EXPECT_TRUE(CheckDeploymentKeysCoverDatabase(*store, *new_).ok());
    for (const Made& m : made) {
      SCOPED_TRACE(m.id);
      absl::StatusOr<Participant> got = Get(*store, m.tenant, m.id);
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(got->display_name, m.name);
      EXPECT_EQ(got->bsn_on_file, !m.bsn.empty());
      if (m.bsn.empty()) continue;
      absl::StatusOr<Participant> found = Lookup(*store, m.tenant, m.bsn);
      ASSERT_TRUE(found.ok()) << found.status();
      EXPECT_EQ(found->id, m.id);
      // The other organisation does not find it.
      const std::string other = m.tenant == "org-a" ? "org-b" : "org-a";
      EXPECT_EQ(Lookup(*store, other, m.bsn).status().code(), absl::StatusCode::kNotFound);
    }
    absl::StatusOr<Page<Session>> sessions = Await<Page<Session>>([&](auto done) {
      store->ListSessions(Tenant(made[0].tenant), made[0].id, PageRequest{}, done);
    });
    ASSERT_TRUE(sessions.ok()) << sessions.status();
    ASSERT_EQ(sessions->items.size(), 1u);
    EXPECT_EQ(sessions->items[0].notes, "Gesprek over werk");
    EXPECT_EQ(Lookup(*store, "org-a", BsnFor(87654321))->id, after_id);
  }

  // The old key no longer decrypts anything new: with K1 / S1 only, the participant made
  // after the rotation does not open and is not found by its BSN.
  {
    std::unique_ptr<CaseStore> store = Open(old_);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(Get(*store, "org-a", after_id).status().code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(Lookup(*store, "org-a", BsnFor(87654321)).status().code(),
              absl::StatusCode::kNotFound);
    EXPECT_EQ(Get(*store, made[0].tenant, made[0].id).status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(CheckDeploymentKeysCoverDatabase(*store, *old_).message(),
                HasSubstr(absl::BytesToHexString(ExpectedKeyId(k2_))));
  }
}

TEST_P(KeyRotationTest, ALookupUnderThePreviousSecretRehashesTheRow) {
  std::string id;
  const std::string bsn = BsnFor(11122233);
  ASSERT_FALSE(bsn.empty());
  {
    std::unique_ptr<CaseStore> store = Open(old_);
    ASSERT_NE(store, nullptr);
    absl::StatusOr<Participant> p = Create(*store, "org-a", NewParticipant("Fatima", bsn));
    ASSERT_TRUE(p.ok()) << p.status();
    id = p->id;
  }
  std::unique_ptr<CaseStore> store = Open(rotating_);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(RowOf(id).bsn_hash, ExpectedBsnHash(s1_, "org-a", bsn));

  // While the hash is still under S1, the same BSN is a duplicate (checked under every secret).
  absl::StatusOr<Participant> twin = Create(*store, "org-a", NewParticipant("Tweeling", bsn));
  EXPECT_EQ(twin.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(twin.status().message(), HasSubstr(id));

  absl::StatusOr<Participant> found = Lookup(*store, "org-a", bsn);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(found->display_name, "Fatima");
  // The row was re-hashed before the lookup answered.
  EXPECT_EQ(RowOf(id).bsn_hash, ExpectedBsnHash(s2_, "org-a", bsn));
  store.reset();

  // So it is found with S2 alone, before any job ran (the data key still under K1, so the ring
  // keeps K1 as previous but drops S1).
  std::unique_ptr<CaseStore> s2_only = Open(*KeyRing::FromKeys(k2_, s2_, {k1_}, {}));
  ASSERT_NE(s2_only, nullptr);
  absl::StatusOr<Participant> again = Lookup(*s2_only, "org-a", bsn);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->id, id);
}

TEST_P(KeyRotationTest, RowsFromBeforeKeyIdsOpenAndTheirBsnWaitsForALookup) {
  // A row as a database made before this change holds it: data key wrapped in format 1 under
  // K1, no sealed BSN.
  const std::string bsn = BsnFor(22233344);
  std::string id;
  {
    std::unique_ptr<CaseStore> store = Open(old_);
    ASSERT_NE(store, nullptr);
    absl::StatusOr<Participant> p = Create(*store, "org-a", NewParticipant("Oud", bsn));
    ASSERT_TRUE(p.ok()) << p.status();
    id = p->id;
  }
  const Row before = RowOf(id);
  absl::StatusOr<std::string> data_key =
      old_->UnwrapDataKey(before.wrapped_key, KeyBinding("org-a", id));
  ASSERT_TRUE(data_key.ok());
  ASSERT_TRUE(RawExec("UPDATE participants SET wrapped_key = $1, bsn_sealed = NULL WHERE id = $2",
                      {Blob{WrapFormat1(*data_key, k1_, KeyBinding("org-a", id))}, id})
                  .ok());
  {
    // Still readable with K1 current (backward compatible) …
    std::unique_ptr<CaseStore> store = Open(old_);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(Get(*store, "org-a", id)->display_name, "Oud");
    EXPECT_TRUE(CheckDeploymentKeysCoverDatabase(*store, *old_).ok());
    // … and the start-up check refuses a ring without K1.
    EXPECT_EQ(CheckDeploymentKeysCoverDatabase(*store, *new_).code(),
              absl::StatusCode::kFailedPrecondition);
  }
  std::unique_ptr<CaseStore> store = Open(rotating_);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Get(*store, "org-a", id)->display_name, "Oud");  // … and with K1 previous.
  absl::StatusOr<RotationProgress> done = RunKeyRotation(*store, *rotating_, Quick());
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_TRUE(done->done);
  EXPECT_EQ(done->rewrapped, 1);
  EXPECT_EQ(done->rehashed, 0);     // No sealed BSN to re-hash from …
  EXPECT_EQ(done->bsn_pending, 1);  // … so it waits for a lookup.
  Row row = RowOf(id);
  EXPECT_EQ(row.wrapped_key.substr(0, 5), absl::StrCat(std::string(1, '\2'), ExpectedKeyId(k2_)));
  EXPECT_EQ(row.bsn_hash, ExpectedBsnHash(s1_, "org-a", bsn));

  // The lookup re-hashes it and keeps the BSN sealed; the next pass has nothing pending.
  ASSERT_EQ(Lookup(*store, "org-a", bsn)->id, id);
  row = RowOf(id);
  EXPECT_EQ(row.bsn_hash, ExpectedBsnHash(s2_, "org-a", bsn));
  EXPECT_TRUE(row.has_sealed_bsn);
  done = RunKeyRotation(*store, *rotating_, Quick());
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->bsn_pending, 0);
  EXPECT_EQ(done->rewrapped + done->rehashed, 0);
}

TEST_P(KeyRotationTest, TheStartupCheckNamesAMismatchedPreviousKeyFile) {
  {
    std::unique_ptr<CaseStore> store = Open(old_);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(Create(*store, "org-a", NewParticipant("A", "")).ok());
  }
  absl::StatusOr<std::string> dir = kompas::testing::MakeTempDir("rotation-keys");
  ASSERT_TRUE(dir.ok());
  auto write = [&](const std::string& name, const std::string& key) {
    std::ofstream(*dir + "/" + name) << absl::BytesToHexString(key) << "\n";
    return *dir + "/" + name;
  };
  KeyFiles files;
  files.deployment_key_file = write("new-deployment.key", k2_);
  files.bsn_secret_file = write("new-bsn.key", s2_);
  // The wrong file given as the previous deployment key.
  files.previous_deployment_key_files = {write("wrong.key", KeyRing::NewDataKey())};
  absl::StatusOr<std::shared_ptr<const KeyRing>> ring = KeyRing::FromFiles(files);
  ASSERT_TRUE(ring.ok()) << ring.status();
  std::unique_ptr<CaseStore> store = Open(*ring);
  ASSERT_NE(store, nullptr);
  absl::Status check = CheckDeploymentKeysCoverDatabase(*store, **ring);
  EXPECT_EQ(check.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(check.message(), HasSubstr("wrong.key"));
  EXPECT_THAT(check.message(), HasSubstr("new-deployment.key"));
  EXPECT_THAT(check.message(), HasSubstr(absl::BytesToHexString(ExpectedKeyId(k1_))));
  EXPECT_THAT(check.message(), HasSubstr("--previous_deployment_key_files"));
  store.reset();

  files.previous_deployment_key_files = {write("old-deployment.key", k1_)};
  ring = KeyRing::FromFiles(files);
  ASSERT_TRUE(ring.ok()) << ring.status();
  store = Open(*ring);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(CheckDeploymentKeysCoverDatabase(*store, **ring).ok());
  (void)kompas::testing::RemoveTree(*dir);
}

TEST_P(KeyRotationTest, TheBackgroundJobRotatesWhileTheStoreServes) {
  const std::vector<std::string> bsns = Bsns(60);
  std::vector<std::string> ids;
  {
    std::unique_ptr<CaseStore> store = Open(old_);
    ASSERT_NE(store, nullptr);
    for (const std::string& bsn : bsns) {
      absl::StatusOr<Participant> p = Create(*store, "org-a", NewParticipant("X", bsn));
      ASSERT_TRUE(p.ok()) << p.status();
      ids.push_back(p->id);
    }
  }
  {
    std::unique_ptr<CaseStore> store = Open(rotating_);
    ASSERT_NE(store, nullptr);
    RotationOptions options = Quick();
    options.batch_size = 5;
    options.pause = absl::Milliseconds(2);
    KeyRotationJob job(*store, rotating_, options);
    // Served throughout: every read and lookup answers while the job runs.
    for (size_t i = 0; i < ids.size(); ++i) {
      ASSERT_TRUE(Get(*store, "org-a", ids[i]).ok()) << i;
      absl::StatusOr<Participant> found = Lookup(*store, "org-a", bsns[i]);
      ASSERT_TRUE(found.ok()) << found.status();
      EXPECT_EQ(found->id, ids[i]);
    }
    ASSERT_TRUE(job.WaitUntilDone(absl::Seconds(60)));
    EXPECT_EQ(job.progress().bsn_pending, 0);
    EXPECT_EQ(job.progress().unreadable, 0);
  }
  std::map<std::string, std::string> bsn_of;
  for (size_t i = 0; i < ids.size(); ++i) bsn_of[ids[i]] = bsns[i];
  const std::vector<Row> rows = Rows();
  EXPECT_EQ(rows.size(), ids.size());
  for (const Row& r : rows) {
    EXPECT_EQ(r.wrapped_key.substr(1, 4), ExpectedKeyId(k2_));
    EXPECT_EQ(r.bsn_hash, ExpectedBsnHash(s2_, "org-a", bsn_of[r.id]));
  }
  std::unique_ptr<CaseStore> after = Open(new_);
  ASSERT_NE(after, nullptr);
  for (size_t j = 0; j < ids.size(); ++j) {
    absl::StatusOr<Participant> found = Lookup(*after, "org-a", bsns[j]);
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_EQ(found->id, ids[j]);
  }
}

TEST_P(KeyRotationTest, AChangedOrClearedBsnIsNotKeptSealed) {
  std::unique_ptr<CaseStore> store = Open(old_);
  ASSERT_NE(store, nullptr);
  const std::string first = BsnFor(33344455), second = BsnFor(44455566);
  ASSERT_FALSE(first.empty() || second.empty());
  absl::StatusOr<Participant> p = Create(*store, "org-a", NewParticipant("Z", first));
  ASSERT_TRUE(p.ok()) << p.status();
  const std::string binding = absl::StrCat("participant-bsn", kSep, "org-a", kSep, p->id);
  // The sealed BSN, opened here (empty when none).
  auto sealed_bsn = [&]() -> std::string {
    absl::StatusOr<std::unique_ptr<SqlConnection>> raw = db_->Raw();
    if (!raw.ok()) return "error";
    absl::StatusOr<std::vector<SqlRow>> rows =
        (*raw)->Query("SELECT wrapped_key, bsn_sealed FROM participants WHERE id = $1", {p->id});
    if (!rows.ok() || rows->size() != 1) return "error";
    if ((*rows)[0].IsNull(1)) return "";
    absl::StatusOr<std::string> key =
        old_->UnwrapDataKey((*rows)[0].Text(0), KeyBinding("org-a", p->id));
    if (!key.ok()) return "error";
    absl::StatusOr<std::string> bsn = storage::Open(*key, (*rows)[0].Text(1), binding);
    return bsn.ok() ? *bsn : "error";
  };
  EXPECT_EQ(sealed_bsn(), first);
  auto update_bsn = [&](const std::string& bsn) {
    Participant change;
    change.id = p->id;
    change.bsn = bsn;
    return Await<Participant>(
        [&](auto done) { store->UpdateParticipant(Tenant("org-a"), change, {"bsn"}, done); });
  };
  // Replaced: the old BSN is gone (the new one sealed, or none until its next lookup).
  ASSERT_TRUE(update_bsn(second).ok());
  EXPECT_THAT(sealed_bsn(), ::testing::AnyOf(second, ""));
  EXPECT_EQ(Lookup(*store, "org-a", second)->id, p->id);
  EXPECT_EQ(sealed_bsn(), second);  // The lookup sealed it.
  // Cleared: nothing of it is kept.
  ASSERT_TRUE(update_bsn("").ok());
  EXPECT_EQ(sealed_bsn(), "");
  EXPECT_EQ(RowOf(p->id).bsn_hash, "");
}

// The service itself: previous key files that are missing or do not match the database stop
// start-up naming the file; with the right ones it rotates in the background while serving and
// logs key_rotation_done, after which the old files can go.
class KeyRotationServiceTest : public KeyRotationTest {
 protected:
  // Runs kompas-caserecord with the key files given; its output goes to `log`.
  std::unique_ptr<kompas::testing::Subprocess> Run(const std::string& dir,
                                                   std::vector<std::string> key_args,
                                                   const std::string& log) {
    kompas::testing::SubprocessOptions options;
    options.argv = {std::string(KOMPAS_BIN_DIR) + "/services/caserecord/kompas-caserecord",
                    "--listen=127.0.0.1:0", "--tokens_file=" + dir + "/tokens.jsonl",
                    GetParam() == Engine::kSqlite ? "--database=sqlite:" + db_->sqlite_path()
                                                  : "--database=postgres:" + db_->conninfo()};
    options.argv.insert(options.argv.end(), key_args.begin(), key_args.end());
    options.output_path = dir + "/" + log;
    absl::StatusOr<std::unique_ptr<kompas::testing::Subprocess>> p =
        kompas::testing::Subprocess::Start(options);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *std::move(p) : nullptr;
  }
  // Runs it expecting it to stop at start-up: its exit code and output.
  std::pair<int, std::string> RunExpectingExit(const std::string& dir,
                                               std::vector<std::string> key_args) {
    std::unique_ptr<kompas::testing::Subprocess> p =
        Run(dir, std::move(key_args), absl::StrCat("startup-", ++starts_, ".log"));
    if (p == nullptr) return {-1, ""};
    absl::StatusOr<int> code = p->Wait(absl::Seconds(30));
    EXPECT_TRUE(code.ok()) << "still running: " << p->ReadOutput();
    return {code.value_or(-1), p->ReadOutput()};
  }
  int starts_ = 0;
};

TEST_P(KeyRotationServiceTest, RotatesInTheBackgroundAndRefusesMismatchedKeyFiles) {
  const std::vector<std::string> bsns = Bsns(12);
  std::vector<std::string> ids;
  {
    std::unique_ptr<CaseStore> store = Open(old_);
    ASSERT_NE(store, nullptr);
    for (const std::string& bsn : bsns) {
      absl::StatusOr<Participant> p = Create(*store, "org-a", NewParticipant("Y", bsn));
      ASSERT_TRUE(p.ok()) << p.status();
      ids.push_back(p->id);
    }
  }
  absl::StatusOr<std::string> dir = kompas::testing::MakeTempDir("rotation-service");
  ASSERT_TRUE(dir.ok());
  std::ofstream(*dir + "/tokens.jsonl").flush();
  auto write = [&](const std::string& name, const std::string& key) {
    std::ofstream(*dir + "/" + name) << absl::BytesToHexString(key) << "\n";
    return *dir + "/" + name;
  };
  const std::string current = "--deployment_key_file=" + write("new-deployment.key", k2_);
  const std::string secret = "--bsn_secret_file=" + write("new-bsn.key", s2_);
  const std::string old_key = write("old-deployment.key", k1_);
  const std::string old_secret = write("old-bsn.key", s1_);

  // A previous key file that does not exist.
  auto [code, out] = RunExpectingExit(
      *dir, {current, secret,
             "--previous_deployment_key_files=" + old_key + "," + *dir + "/missing.key"});
  EXPECT_EQ(code, 2);
  EXPECT_THAT(out, HasSubstr("startup_failed"));
  EXPECT_THAT(out, HasSubstr("missing.key"));
  // The old deployment key given as the previous BSN secret (the wrong flag).
  std::tie(code, out) =
      RunExpectingExit(*dir, {current, secret, "--previous_bsn_secret_files=" + old_key,
                              "--previous_deployment_key_files=" + old_key});
  EXPECT_EQ(code, 2);
  EXPECT_THAT(out, HasSubstr("old-deployment.key"));
  // The new key without the old one: the database's keys would not open.
  std::tie(code, out) = RunExpectingExit(*dir, {current, secret});
  EXPECT_EQ(code, 2);
  EXPECT_THAT(out, HasSubstr("new-deployment.key"));
  EXPECT_THAT(out, HasSubstr("--previous_deployment_key_files"));

  // The right files: it serves and rotates.
  {
    std::unique_ptr<kompas::testing::Subprocess> service =
        Run(*dir,
            {current, secret, "--previous_deployment_key_files=" + old_key,
             "--previous_bsn_secret_files=" + old_secret},
            "service.log");
    ASSERT_NE(service, nullptr);
    absl::StatusOr<std::string> done =
        service->WaitForOutput("key_rotation_done", absl::Seconds(60));
    ASSERT_TRUE(done.ok()) << done.status();
    EXPECT_THAT(*done, HasSubstr("\"rewrapped\":12"));
    EXPECT_THAT(*done, HasSubstr("\"rehashed\":12"));
    EXPECT_THAT(*done, HasSubstr("\"bsn_pending\":0"));
    for (const std::string& bsn : bsns) EXPECT_THAT(service->ReadOutput(), Not(HasSubstr(bsn)));
    ASSERT_TRUE(service->Signal(SIGTERM).ok());
    absl::StatusOr<int> exit_code = service->Wait(absl::Seconds(30));
    ASSERT_TRUE(exit_code.ok());
    EXPECT_EQ(*exit_code, 0);
  }
  // Without the old files it starts, and everyone is found with the new key and secret only.
  {
    std::unique_ptr<kompas::testing::Subprocess> service =
        Run(*dir, {current, secret}, "after.log");
    ASSERT_NE(service, nullptr);
    ASSERT_TRUE(service->WaitForOutput("database_opened", absl::Seconds(30)).ok())
        << service->ReadOutput();
    ASSERT_TRUE(service->Signal(SIGTERM).ok());
    ASSERT_TRUE(service->Wait(absl::Seconds(30)).ok());
  }
  std::unique_ptr<CaseStore> store = Open(new_);
  ASSERT_NE(store, nullptr);
  for (size_t i = 0; i < ids.size(); ++i) {
    absl::StatusOr<Participant> found = Lookup(*store, "org-a", bsns[i]);
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_EQ(found->id, ids[i]);
  }
  (void)kompas::testing::RemoveTree(*dir);
}

INSTANTIATE_TEST_SUITE_P(Engines, KeyRotationServiceTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const ::testing::TestParamInfo<Engine>& param) {
                           return param.param == Engine::kSqlite ? "Sqlite" : "Postgres";
                         });

INSTANTIATE_TEST_SUITE_P(Engines, KeyRotationTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const ::testing::TestParamInfo<Engine>& param) {
                           return param.param == Engine::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace kompas::caserecord::storage
