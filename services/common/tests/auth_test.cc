#include "services/common/auth.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "absl/strings/str_cat.h"

namespace kompas {
namespace {

TEST(AuthenticatorTest, RequiresBearerMetadata) {
  absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  TokenTable table;
  std::string token = *table.Create("gm0014", {Scope::kCompass}, now, now + absl::Hours(1), "");
  Authenticator auth(std::move(table), [&] { return now; });

  EXPECT_EQ(auth.Authenticate(std::nullopt).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(auth.Authenticate(token).status().code(),
            absl::StatusCode::kUnauthenticated);  // no "Bearer " prefix
  EXPECT_EQ(auth.Authenticate("Basic " + token).status().code(),
            absl::StatusCode::kUnauthenticated);
  absl::StatusOr<Principal> p = auth.Authenticate("Bearer " + token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->tenant, "gm0014");
  now += absl::Hours(2);  // the injected clock moves past the expiry
  EXPECT_EQ(auth.Authenticate("Bearer " + token).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(AuthenticatorTest, ReloadPicksUpRevocationAndKeepsOldTableOnError) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/auth-", ::getpid(), ".jsonl");
  std::string token;
  ASSERT_TRUE(UpdateTokensFile(path, true, [&](TokenTable& t) {
                token = *t.Create("gm0014", {Scope::kCompass}, absl::Now(),
                                  absl::Now() + absl::Hours(1), "");
                return absl::OkStatus();
              }).ok());
  absl::StatusOr<std::unique_ptr<Authenticator>> auth = Authenticator::Create(path);
  ASSERT_TRUE(auth.ok()) << auth.status();
  ASSERT_TRUE((*auth)->Authenticate("Bearer " + token).ok());

  ASSERT_TRUE(UpdateTokensFile(path, false, [](TokenTable& t) {
                return t.Revoke(t.records()[0].id, absl::Now());
              }).ok());
  EXPECT_TRUE((*auth)->Authenticate("Bearer " + token).ok()) << "not reloaded yet";
  ASSERT_TRUE((*auth)->Reload().ok());
  EXPECT_EQ((*auth)->Authenticate("Bearer " + token).status().code(),
            absl::StatusCode::kUnauthenticated);

  std::ofstream(path, std::ios::app) << "garbage\n";
  absl::Status s = (*auth)->Reload();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), ::testing::HasSubstr(path + ":3:"));
}

TEST(AuthenticatorTest, CreateNamesTheMissingFile) {
  absl::StatusOr<std::unique_ptr<Authenticator>> auth =
      Authenticator::Create("/nonexistent/tokens");
  ASSERT_FALSE(auth.ok());
  EXPECT_THAT(auth.status().message(), ::testing::HasSubstr("/nonexistent/tokens"));
  EXPECT_FALSE(Authenticator::Create("").ok());
}

}  // namespace
}  // namespace kompas
