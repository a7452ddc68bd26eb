// Elfproef, key files, sealing and BSN hashing (no database).
#include "services/caserecord/storage/crypto.h"

#include <fstream>

#include "absl/strings/escaping.h"
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
