#include "tools/cli/stack_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tools/cli/health.h"

namespace kompas::cli {
namespace {

using ::testing::HasSubstr;

TEST(StackFileTest, ReadsAddressesAndTokenRelativeToTheFile) {
  const std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/token") << "kmp_abc_def\n";
  absl::StatusOr<StackFile> s = ParseStackFile(
      R"({"services":{"budget":"127.0.0.1:5"},"token_file":"token"})", "stack.json", dir);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->services.at("budget"), "127.0.0.1:5");
  EXPECT_EQ(s->token, "kmp_abc_def");
}

TEST(StackFileTest, ErrorsNameTheFileAndField) {
  EXPECT_THAT(std::string(ParseStackFile("[", "s.json", ".").status().message()),
              HasSubstr("s.json: not a JSON object"));
  EXPECT_THAT(
      std::string(ParseStackFile(R"({"services":{"budget":3}})", "s.json", ".").status().message()),
      HasSubstr("services.budget must be a host:port string"));
  EXPECT_THAT(std::string(LoadStackFile("/nonexistent/stack.json").status().message()),
              HasSubstr("scripts/stack up"));
}

TEST(StackFileTest, FlagsGiveAddressesAndToken) {
  const std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/my-token") << "kmp_x_y\n";
  absl::StatusOr<StackFile> s =
      StackFromFlags("budget=10.0.0.5:443, catalog=h:1", dir + "/my-token");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->services.at("budget"), "10.0.0.5:443");
  EXPECT_EQ(s->services.at("catalog"), "h:1");
  EXPECT_EQ(s->token, "kmp_x_y");
  EXPECT_THAT(std::string(StackFromFlags("budget", "").status().message()),
              HasSubstr("--services: 'budget' must be name=host:port"));
}

TEST(HealthTest, UnreachableServiceIsReportedNotHung) {
  StackFile stack;
  stack.services["budget"] = "127.0.0.1:1";  // nothing listens on port 1
  std::vector<HealthRow> rows = CheckHealth(stack, absl::Milliseconds(500));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, "UNREACHABLE");
  EXPECT_LT(rows[0].latency, absl::Seconds(2));
  EXPECT_THAT(FormatHealthTable(rows), HasSubstr("budget"));
  EXPECT_THAT(FormatHealthJson(rows), HasSubstr("\"status\": \"UNREACHABLE\""));
}

}  // namespace
}  // namespace kompas::cli
