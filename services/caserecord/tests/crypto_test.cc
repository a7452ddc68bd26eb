// Elfproef, key files, sealing and BSN hashing (no database).
#include "services/caserecord/storage/crypto.h"

#include <sodium.h>

#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/caserecord/storage/types.h"
#include "tests/support/subprocess.h"

namespace kompas::caserecord::storage {
namespace {

using ::testing::HasSubstr;

TEST(BsnTest, Elfproef) {
  EXPECT_TRUE(IsValidBsn("111222333"));  // 9+8+7+12+10+8+9+6-3 = 66 = 6·11
  EXPECT_TRUE(IsValidBsn("123456782"));
  EXPECT_TRUE(IsValidBsn("999999990"));
  EXPECT_FALSE(IsValidBsn("123456789"));   // Sum 147, not a multiple of 11.
  EXPECT_FALSE(IsValidBsn("111222334"));   // One digit off.
  EXPECT_FALSE(IsValidBsn("12345678"));    // 8 digits.
  EXPECT_FALSE(IsValidBsn("1234567820"));  // 10 digits.
  EXPECT_FALSE(IsValidBsn("12345678a"));
  EXPECT_FALSE(IsValidBsn(" 23456782"));
  EXPECT_FALSE(IsValidBsn("000000000"));  // Passes the sum, but is no BSN.
  EXPECT_FALSE(IsValidBsn(""));
}

TEST(KeyRingTest, BsnHashIsKeyedAndPerTenant) {
  auto ring = KeyRing::Random();
  auto other = KeyRing::Random();
  const std::string h = ring->BsnHash("org-a", "111222333");
  EXPECT_EQ(h.size(), 32u);
  EXPECT_EQ(h, ring->BsnHash("org-a", "111222333"));
  EXPECT_NE(h, ring->BsnHash("org-b", "111222333"));
  EXPECT_NE(h, other->BsnHash("org-a", "111222333"));
  EXPECT_EQ(h.find("111222333"), std::string::npos);
}

TEST(KeyRingTest, WrapAndSealRoundTripAndBindings) {
  auto ring = KeyRing::Random();
  const std::string key = KeyRing::NewDataKey();
  const std::string wrapped = ring->WrapDataKey(key, "org-a/p1");
  EXPECT_EQ(*ring->UnwrapDataKey(wrapped, "org-a/p1"), key);
  EXPECT_EQ(ring->UnwrapDataKey(wrapped, "org-b/p1").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(KeyRing::Random()->UnwrapDataKey(wrapped, "org-a/p1").status().code(),
            absl::StatusCode::kDataLoss);
  const std::string sealed = Seal(key, "Fatima", "row");
  EXPECT_EQ(sealed.find("Fatima"), std::string::npos);
  EXPECT_NE(Seal(key, "Fatima", "row"), sealed);  // Fresh nonce each time.
  EXPECT_EQ(*Open(key, sealed, "row"), "Fatima");
  EXPECT_FALSE(Open(key, sealed, "other row").ok());
  EXPECT_FALSE(Open(KeyRing::NewDataKey(), sealed, "row").ok());
  std::string tampered = sealed;
  tampered.back() = static_cast<char>(tampered.back() ^ 1);
  EXPECT_FALSE(Open(key, tampered, "row").ok());
}

TEST(KeyRingTest, FromFiles) {
  absl::StatusOr<std::string> dir = kompas::testing::MakeTempDir("keys");
  ASSERT_TRUE(dir.ok());
  const std::string key_file = *dir + "/deployment.key";
  const std::string secret_file = *dir + "/bsn.key";
  std::ofstream(key_file) << absl::BytesToHexString(KeyRing::NewDataKey()) << "\n";
  std::ofstream(secret_file) << KeyRing::NewDataKey();  // 32 raw bytes.
  EXPECT_TRUE(KeyRing::FromFiles(key_file, secret_file).ok());
  absl::Status missing = KeyRing::FromFiles(*dir + "/nope", secret_file).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(missing.message(), HasSubstr("openssl rand -hex 32"));
  std::ofstream(key_file) << "too short";
  EXPECT_EQ(KeyRing::FromFiles(key_file, secret_file).status().code(),
            absl::StatusCode::kFailedPrecondition);
  (void)kompas::testing::RemoveTree(*dir);
}

// --- Key rotation: previous keys and secrets, key ids, the format before key ids -----------

std::string Sodium(absl::string_view label, const std::string& key) {
  // BLAKE2b-256(label ‖ 0 ‖ key), first 4 bytes: the key id as documented in crypto.h.
  const std::string message = absl::StrCat(label, std::string(1, '\0'), key);
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(hash), 4);
}

TEST(KeyRingTest, WrapsWithTheCurrentKeyAndOpensWithPreviousOnes) {
  ASSERT_GE(sodium_init(), 0);
  const std::string k1 = KeyRing::NewDataKey(), k2 = KeyRing::NewDataKey();
  const std::string k3 = KeyRing::NewDataKey(), s = KeyRing::NewDataKey();
  auto old_ring = *KeyRing::FromKeys(k1, s);
  auto rotating = *KeyRing::FromKeys(k3, s, {k2, k1});
  auto new_ring = *KeyRing::FromKeys(k3, s);
  const std::string data_key = KeyRing::NewDataKey();

  const std::string old_wrap = old_ring->WrapDataKey(data_key, "org-a/p1");
  EXPECT_EQ(old_wrap[0], 2);
  EXPECT_EQ(old_wrap.substr(1, 4), Sodium("kompas-caserecord key id", k1));
  EXPECT_EQ(*rotating->UnwrapDataKey(old_wrap, "org-a/p1"), data_key);  // K1 is previous.
  EXPECT_FALSE(rotating->IsWrappedWithCurrentKey(old_wrap));
  EXPECT_EQ(new_ring->UnwrapDataKey(old_wrap, "org-a/p1").status().code(),
            absl::StatusCode::kDataLoss);

  const std::string new_wrap = rotating->WrapDataKey(data_key, "org-a/p1");
  EXPECT_EQ(new_wrap.substr(1, 4), Sodium("kompas-caserecord key id", k3));
  EXPECT_TRUE(rotating->IsWrappedWithCurrentKey(new_wrap));
  EXPECT_EQ(*new_ring->UnwrapDataKey(new_wrap, "org-a/p1"), data_key);
  EXPECT_FALSE(old_ring->UnwrapDataKey(new_wrap, "org-a/p1").ok());  // Nothing new for K1.
  EXPECT_FALSE(rotating->UnwrapDataKey(new_wrap, "org-b/p1").ok());  // Still bound to its row.
  // The key id is authenticated: pointing it at another key of the ring does not open it.
  std::string relabelled = new_wrap;
  relabelled.replace(1, 4, Sodium("kompas-caserecord key id", k2));
  EXPECT_FALSE(rotating->UnwrapDataKey(relabelled, "org-a/p1").ok());
  EXPECT_EQ(rotating->deployment_key_id(),
            absl::BytesToHexString(Sodium("kompas-caserecord key id", k3)));
  EXPECT_TRUE(rotating->rotating());
  EXPECT_FALSE(new_ring->rotating());
}

TEST(KeyRingTest, WrappedKeysFromBeforeKeyIdsStillOpen) {
  ASSERT_GE(sodium_init(), 0);
  const std::string k1 = KeyRing::NewDataKey(), k2 = KeyRing::NewDataKey();
  const std::string s = KeyRing::NewDataKey();
  const std::string data_key = KeyRing::NewDataKey();
  // Format 1, made here with libsodium: 1 ‖ nonce ‖ ciphertext ‖ tag, the binding as AD.
  std::string legacy(1 + 24 + 32 + 16, '\0');
  auto* p = reinterpret_cast<unsigned char*>(legacy.data());
  p[0] = 1;
  randombytes_buf(p + 1, 24);
  unsigned long long n = 0;
  const std::string binding = "org-a/p1";
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      p + 25, &n, reinterpret_cast<const unsigned char*>(data_key.data()), 32,
      reinterpret_cast<const unsigned char*>(binding.data()), binding.size(), nullptr, p + 1,
      reinterpret_cast<const unsigned char*>(k1.data()));
  EXPECT_EQ(*KeyRing::FromKeys(k1, s).value()->UnwrapDataKey(legacy, binding), data_key);
  EXPECT_EQ(*KeyRing::FromKeys(k2, s, {k1}).value()->UnwrapDataKey(legacy, binding), data_key);
  EXPECT_FALSE(KeyRing::FromKeys(k2, s).value()->UnwrapDataKey(legacy, binding).ok());
  EXPECT_FALSE(KeyRing::FromKeys(k2, s, {k1}).value()->IsWrappedWithCurrentKey(legacy));
}

TEST(KeyRingTest, BsnHashesUnderEverySecretCurrentFirst) {
  ASSERT_GE(sodium_init(), 0);
  const std::string k = KeyRing::NewDataKey(), s1 = KeyRing::NewDataKey();
  const std::string s2 = KeyRing::NewDataKey();
  auto ring = *KeyRing::FromKeys(k, s2, {}, {s1});
  auto hmac = [](const std::string& secret) {
    const std::string message = absl::StrCat("org-a", std::string(1, '\0'), "111222333");
    unsigned char mac[32];
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), 32);
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                  message.size());
    crypto_auth_hmacsha256_final(&state, mac);
    return std::string(reinterpret_cast<const char*>(mac), 32);
  };
  EXPECT_EQ(ring->BsnHash("org-a", "111222333"), hmac(s2));
  EXPECT_THAT(ring->BsnHashes("org-a", "111222333"), ::testing::ElementsAre(hmac(s2), hmac(s1)));
}

TEST(KeyRingTest, FromKeysRefusesWrongLengthsAndRepeatedKeys) {
  const std::string k = KeyRing::NewDataKey(), s = KeyRing::NewDataKey();
  EXPECT_EQ(KeyRing::FromKeys(k, s, {"short"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(KeyRing::FromKeys(k, s, {k}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(KeyRing::FromKeys(k, s, {}, {k}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(KeyRing::FromKeys(k, k).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(KeyRingTest, PreviousKeyFilesThatAreMissingOrMismatchedAreRefusedByName) {
  absl::StatusOr<std::string> dir = kompas::testing::MakeTempDir("keys");
  ASSERT_TRUE(dir.ok());
  auto write = [&](const std::string& name, const std::string& content) {
    std::ofstream(*dir + "/" + name) << content;
    return *dir + "/" + name;
  };
  const std::string k1 = KeyRing::NewDataKey(), k2 = KeyRing::NewDataKey();
  const std::string s1 = KeyRing::NewDataKey(), s2 = KeyRing::NewDataKey();
  KeyFiles files;
  files.deployment_key_file = write("k2.key", absl::BytesToHexString(k2) + "\n");
  files.bsn_secret_file = write("s2.key", absl::BytesToHexString(s2) + "\n");
  const std::string old_key = write("k1.key", absl::BytesToHexString(k1) + "\n");
  const std::string old_secret = write("s1.key", s1);  // Raw bytes.
  files.previous_deployment_key_files = {old_key};
  files.previous_bsn_secret_files = {old_secret};
  absl::StatusOr<std::shared_ptr<const KeyRing>> ring = KeyRing::FromFiles(files);
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ((*ring)->previous_deployment_key_count(), 1u);
  EXPECT_EQ((*ring)->previous_bsn_secret_count(), 1u);
  EXPECT_THAT((*ring)->DescribeDeploymentKeys(), HasSubstr("k1.key"));

  auto refused = [&](KeyFiles f) { return KeyRing::FromFiles(f).status(); };
  KeyFiles missing = files;
  missing.previous_deployment_key_files = {old_key, *dir + "/gone.key"};
  absl::Status s = refused(missing);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("previous deployment key file '" + *dir + "/gone.key'"));

  KeyFiles malformed = files;
  malformed.previous_bsn_secret_files = {write("bad.key", "not a key\n")};
  s = refused(malformed);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("bad.key"));

  KeyFiles current_again = files;  // The new key also listed as previous.
  current_again.previous_deployment_key_files = {files.deployment_key_file};
  s = refused(current_again);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("k2.key"));

  KeyFiles swapped = files;  // The old BSN secret given as a previous deployment key.
  swapped.previous_deployment_key_files = {old_secret};
  s = refused(swapped);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("s1.key"));
  EXPECT_THAT(s.message(), HasSubstr("wrong flag"));

  KeyFiles twice = files;
  twice.previous_deployment_key_files = {old_key, write("k1-copy.key", k1)};
  s = refused(twice);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("k1-copy.key"));
  (void)kompas::testing::RemoveTree(*dir);
}

TEST(IdTest, IdsAreRandomLowercase) {
  const std::string a = NewId();
  EXPECT_EQ(a.size(), 20u);
  EXPECT_NE(a, NewId());
  for (const char c : a) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '9'));
}

}  // namespace
}  // namespace kompas::caserecord::storage

namespace kompas::caserecord::storage {
namespace {

// 23:30 UTC on 1 March 2026 is 00:30 on 2 March in the Netherlands (CET, UTC+1); 22:30 UTC on
// 1 July is 00:30 on 2 July (CEST, UTC+2): a session logged then is dated the Dutch day.
TEST(DateTest, DaysAreDutchCalendarDays) {
  const absl::Time winter =
      absl::FromCivil(absl::CivilSecond(2026, 3, 1, 23, 30, 0), absl::UTCTimeZone());
  EXPECT_EQ(Date::FromTime(winter), (Date{2026, 3, 2}));
  const absl::Time summer =
      absl::FromCivil(absl::CivilSecond(2026, 7, 1, 22, 30, 0), absl::UTCTimeZone());
  EXPECT_EQ(Date::FromTime(summer), (Date{2026, 7, 2}));
  EXPECT_EQ(Date::FromTime(summer - absl::Hours(1)), (Date{2026, 7, 1}));
}

}  // namespace
}  // namespace kompas::caserecord::storage
