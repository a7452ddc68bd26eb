#include "services/common/tokens.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace kompas {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

TEST(TokenTableTest, CreatedTokenVerifiesWithItsTenantAndScopes) {
  TokenTable table;
  absl::StatusOr<std::string> token = table.Create("gm0014", {Scope::kCompass, Scope::kRecordsRead},
                                                   kNow, kNow + absl::Hours(1), "");
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_THAT(*token, ::testing::StartsWith("kmp_"));

  absl::StatusOr<Principal> p = table.Verify(*token, kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->tenant, "gm0014");
  EXPECT_EQ(p->token_id, table.records()[0].id);
}

TEST(TokenTableTest, TheFileHoldsOnlyTheHash) {
  TokenTable table;
  std::string token = *table.Create("gm0935", {Scope::kCompass}, kNow, kNow + absl::Hours(1), "");
  std::string secret = std::vector<std::string>(absl::StrSplit(token, '_'))[2];
  const std::string file = table.Serialize();
  EXPECT_THAT(file, ::testing::Not(HasSubstr(secret)));
  EXPECT_THAT(file, HasSubstr("blake2b256:"));
}

TEST(TokenTableTest, SerializeParsesBackToAnEquivalentTable) {
  TokenTable table;
  std::string a = *table.Create("gm0014", {Scope::kCompass}, kNow, kNow + absl::Hours(5), "pilot");
  std::string b =
      *table.Create("stichting-x", {Scope::kRecordsWrite}, kNow, kNow + absl::Hours(5), "");
  ASSERT_TRUE(table.Revoke(table.records()[1].id, kNow).ok());

  absl::StatusOr<TokenTable> back = TokenTable::Parse(table.Serialize(), "tokens.jsonl");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->Verify(a, kNow + absl::Minutes(1)).ok());
  EXPECT_EQ(back->Verify(b, kNow + absl::Minutes(1)).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(back->records()[0].note, "pilot");
}

TEST(TokenTableTest, RejectsWrongSecretExpiredRevokedAndMissingScope) {
  TokenTable table;
  std::string token = *table.Create("gm0014", {Scope::kCompass}, kNow, kNow + absl::Hours(1), "");
  std::string forged = token;
  forged.back() = forged.back() == '0' ? '1' : '0';

  auto code = [&](absl::string_view t, Scope s, absl::Time at) {
    absl::StatusOr<Principal> p = table.Verify(t, at);
    return p.ok() ? CheckScope(*p, s).code() : p.status().code();
  };
  EXPECT_EQ(code(forged, Scope::kCompass, kNow), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(code("kmp_unknownid_00", Scope::kCompass, kNow), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(code("not-a-token", Scope::kCompass, kNow), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(code(token, Scope::kCompass, kNow + absl::Hours(1)),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(code(token, Scope::kRecordsWrite, kNow), absl::StatusCode::kPermissionDenied);

  ASSERT_TRUE(table.Revoke(table.records()[0].id, kNow).ok());
  absl::Status revoked = table.Verify(token, kNow).status();
  EXPECT_EQ(revoked.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(revoked.message(), HasSubstr("revoked"));
  EXPECT_THAT(revoked.message(), ::testing::Not(HasSubstr(token)));
}

TEST(TokenTableTest, ParseErrorsNameFileLineAndKey) {
  TokenTable table;
  (void)*table.Create("gm0014", {Scope::kCompass}, kNow, kNow + absl::Hours(1), "");
  const std::string good = table.Serialize();  // comment line 1, token line 2

  struct Case {
    std::string extra_line;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"{not json", "tokens.jsonl:3: not a valid JSON object"},
      {R"({"id":"abcdefgh","tenant":"t","scopes":["compass"],"expires":"2030-01-01T00:00:00Z","hash":"blake2b256:)" +
           std::string(64, 'a') + R"(","colour":"red"})",
       "tokens.jsonl:3: unknown key 'colour'"},
      {R"({"id":"abcdefgh","tenant":"t","scopes":["admin"],"expires":"2030-01-01T00:00:00Z","hash":"blake2b256:)" +
           std::string(64, 'a') + R"("})",
       "tokens.jsonl:3: 'scopes' holds an unknown scope"},
      {R"({"id":"abcdefgh","tenant":"t","scopes":["compass"],"expires":"soon","hash":"blake2b256:)" +
           std::string(64, 'a') + R"("})",
       "tokens.jsonl:3: 'expires' is not an RFC 3339 time"},
      {R"({"id":"abcdefgh","tenant":"t","scopes":["compass"],"expires":"2030-01-01T00:00:00Z"})",
       "tokens.jsonl:3: missing key 'hash'"},
      {R"({"id":"ABC","tenant":"t","scopes":["compass"],"expires":"2030-01-01T00:00:00Z","hash":"blake2b256:)" +
           std::string(64, 'a') + R"("})",
       "tokens.jsonl:3: 'id' must be 8-32 characters"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<TokenTable> parsed =
        TokenTable::Parse(good + c.extra_line + "\n", "tokens.jsonl");
    ASSERT_FALSE(parsed.ok()) << c.extra_line;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(c.expected)) << c.extra_line;
  }
  // The same id twice.
  std::string token_line = std::vector<std::string>(absl::StrSplit(good, '\n'))[1];
  absl::StatusOr<TokenTable> dup = TokenTable::Parse(good + token_line + "\n", "tokens.jsonl");
  ASSERT_FALSE(dup.ok());
  EXPECT_THAT(dup.status().message(), HasSubstr("tokens.jsonl:3: duplicate token id"));
}

TEST(TokenTableTest, CreateValidatesItsInput) {
  TokenTable table;
  EXPECT_EQ(table.Create("Bad Tenant", {Scope::kCompass}, kNow, kNow + absl::Hours(1), "")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(table.Create("gm0014", {}, kNow, kNow + absl::Hours(1), "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(table.Create("gm0014", {Scope::kCompass}, kNow, kNow, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(table.Revoke("nosuchid00", kNow).code(), absl::StatusCode::kNotFound);
}

TEST(UpdateTokensFileTest, ConcurrentWritersLoseNoToken) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/tokens-", ::getpid(), ".jsonl");
  std::remove(path.c_str());
  std::vector<std::thread> writers;
  for (int i = 0; i < 4; ++i) {
    writers.emplace_back([&] {
      for (int j = 0; j < 5; ++j) {
        absl::Status s = UpdateTokensFile(path, true, [](TokenTable& t) {
          return t
              .Create("gm0014", {Scope::kCompass}, absl::Now(), absl::Now() + absl::Hours(1), "")
              .status();
        });
        ASSERT_TRUE(s.ok()) << s;
      }
    });
  }
  for (auto& w : writers) w.join();
  absl::StatusOr<TokenTable> table = TokenTable::Load(path);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->records().size(), 20u);
  EXPECT_EQ(UpdateTokensFile(path + ".missing", false, [](TokenTable&) { return absl::OkStatus(); })
                .code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace kompas
