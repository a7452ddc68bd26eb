// The scenario registry and the driver's checks, without a network.
#include "tools/load/load.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tools/load/tests/fake_scenarios.h"

namespace kompas::load {
namespace {

using ::testing::HasSubstr;

ScenarioSpec FakeSpec(std::string name) {
  ScenarioSpec spec;
  spec.name = std::move(name);
  spec.description = "a fake";
  spec.create = [](const ScenarioParams&) -> ScenarioOrStatus {
    return std::make_unique<InlineScenario>();
  };
  return spec;
}

std::string WriteTemp(const std::string& name, const std::string& contents) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::trunc) << contents;
  return path;
}

TEST(ScenarioRegistryTest, FindsWhatWasAdded) {
  ScenarioRegistry registry;
  ASSERT_TRUE(registry.Add(FakeSpec("zeta")).ok());
  ASSERT_TRUE(registry.Add(FakeSpec("alpha")).ok());
  ASSERT_NE(registry.Find("zeta"), nullptr);
  EXPECT_EQ(registry.Find("zeta")->name, "zeta");
  EXPECT_EQ(registry.Find("beta"), nullptr);
  const std::vector<const ScenarioSpec*> list = registry.List();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]->name, "alpha");
  EXPECT_EQ(list[1]->name, "zeta");
}

TEST(ScenarioRegistryTest, RejectsDuplicatesAndIncompleteSpecs) {
  ScenarioRegistry registry;
  ASSERT_TRUE(registry.Add(FakeSpec("echo2")).ok());
  EXPECT_EQ(registry.Add(FakeSpec("echo2")).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry.Add(FakeSpec("")).code(), absl::StatusCode::kInvalidArgument);
  ScenarioSpec no_create;
  no_create.name = "nothing";
  EXPECT_EQ(registry.Add(no_create).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.List().size(), 1u);
}

TEST(ScenarioRegistryTest, BuiltinsHaveEchoWithItsOwnServer) {
  const ScenarioRegistry registry = BuiltinScenarios();
  const ScenarioSpec* echo = registry.Find("echo");
  ASSERT_NE(echo, nullptr);
  EXPECT_TRUE(static_cast<bool>(echo->create));
  EXPECT_TRUE(static_cast<bool>(echo->start_local_server));
  EXPECT_THAT(echo->description, HasSubstr("Echo"));
}

TEST(RunScenarioTest, UnknownScenarioNamesTheKnownOnes) {
  ScenarioRegistry registry;
  ASSERT_TRUE(registry.Add(FakeSpec("alpha")).ok());
  ASSERT_TRUE(registry.Add(FakeSpec("beta")).ok());
  RunOptions options;
  options.scenario = "gamma";
  absl::StatusOr<RunOutcome> r = RunScenario(registry, options);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("unknown scenario 'gamma'; known: alpha, beta"));
}

TEST(RunScenarioTest, ScenarioWithoutLocalServerNeedsATarget) {
  ScenarioRegistry registry;
  ASSERT_TRUE(registry.Add(FakeSpec("remote-only")).ok());
  RunOptions options;
  options.scenario = "remote-only";
  absl::StatusOr<RunOutcome> r = RunScenario(registry, options);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("--target"));
}

TEST(RunScenarioTest, RejectsBadSettingsBeforeStarting) {
  const ScenarioRegistry registry = BuiltinScenarios();
  RunOptions options;
  options.deadline = absl::ZeroDuration();
  EXPECT_THAT(RunScenario(registry, options).status().message(), HasSubstr("deadline"));
  options = RunOptions();
  options.payload_bytes = -1;
  EXPECT_THAT(RunScenario(registry, options).status().message(), HasSubstr("payload_bytes"));
  options = RunOptions();
  options.connections = 0;
  EXPECT_THAT(RunScenario(registry, options).status().message(), HasSubstr("connections"));
  options = RunOptions();
  options.token = "two words";
  EXPECT_THAT(RunScenario(registry, options).status().message(), HasSubstr("token"));
  options = RunOptions();
  options.load.concurrency = -3;
  EXPECT_THAT(RunScenario(registry, options).status().message(), HasSubstr("concurrency"));
}

TEST(RunScenarioTest, RunsAFakeScenarioAgainstATarget) {
  ScenarioRegistry registry;
  ASSERT_TRUE(registry.Add(FakeSpec("fake")).ok());
  RunOptions options;
  options.scenario = "fake";
  options.target = "127.0.0.1:1";  // the fake never uses it
  options.load.warmup = absl::ZeroDuration();
  options.load.duration = absl::Milliseconds(50);
  options.load.concurrency = 2;
  absl::StatusOr<RunOutcome> r = RunScenario(registry, options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->info.scenario, "fake");
  EXPECT_EQ(r->info.target, "127.0.0.1:1");
  EXPECT_TRUE(r->info.local_server.empty());
  EXPECT_GT(r->result.calls, 0u);
  EXPECT_EQ(r->result.ok, r->result.calls);
}

TEST(TokenFileTest, ReadsOneTokenIgnoringWhitespace) {
  absl::StatusOr<std::string> token = ReadTokenFile(WriteTemp("t1", "\n  kmp_abc_def \n\n"));
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(*token, "kmp_abc_def");
}

TEST(TokenFileTest, RejectsEmptyOrSeveralLines) {
  EXPECT_EQ(ReadTokenFile(WriteTemp("t2", " \n")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadTokenFile(WriteTemp("t3", "a\nb\n")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadTokenFile(::testing::TempDir() + "/no-such-token-file").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace kompas::load
