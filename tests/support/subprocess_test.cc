#include "tests/support/subprocess.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kompas::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// True once `pid` no longer exists or is a zombie waiting for its new parent to reap it.
bool ProcessDead(pid_t pid) {
  absl::StatusOr<std::string> read = ReadFileToString(absl::StrCat("/proc/", pid, "/stat"));
  if (!read.ok()) return true;
  const std::string& stat = *read;
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

bool EventuallyDead(pid_t pid) {
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (absl::Now() < deadline) {
    if (ProcessDead(pid)) return true;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return false;
}

// Parses "<prefix><pid>" as printed by the shell scripts below.
pid_t ParsePid(absl::string_view line, absl::string_view prefix) {
  int value = 0;
  if (!absl::ConsumePrefix(&line, prefix) || !absl::SimpleAtoi(line, &value)) return 0;
  return value;
}

// The exit code; a failed Wait() fails the test and gives -1.
int WaitExit(Subprocess& process, absl::Duration timeout = absl::Seconds(10)) {
  absl::StatusOr<int> code = process.Wait(timeout);
  EXPECT_TRUE(code.ok()) << code.status();
  return code.ok() ? *code : -1;
}

class SubprocessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTempDir("kompas-subprocess-test-");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
    output_ = dir_ + "/output.log";
  }
  void TearDown() override { EXPECT_TRUE(RemoveTree(dir_).ok()); }

  std::unique_ptr<Subprocess> Shell(const std::string& script) {
    absl::StatusOr<std::unique_ptr<Subprocess>> process =
        Subprocess::Start({.argv = {"sh", "-c", script}, .output_path = output_});
    EXPECT_TRUE(process.ok()) << process.status();
    return process.ok() ? *std::move(process) : nullptr;
  }

  std::string dir_;
  std::string output_;
};

TEST_F(SubprocessTest, ReturnsTheExitCode) {
  for (const int code : {0, 1, 3, 255}) {
    std::unique_ptr<Subprocess> process = Shell(absl::StrCat("exit ", code));
    ASSERT_NE(process, nullptr);
    absl::StatusOr<int> exit_code = process->Wait(absl::Seconds(10));
    ASSERT_TRUE(exit_code.ok()) << exit_code.status();
    EXPECT_EQ(*exit_code, code);
    EXPECT_FALSE(process->Running());
    // Waiting again reports the same code.
    EXPECT_EQ(WaitExit(*process, absl::ZeroDuration()), code);
  }
}

TEST_F(SubprocessTest, ReportsDeathBySignalAs128PlusSignal) {
  std::unique_ptr<Subprocess> process = Shell("kill -KILL $$");
  ASSERT_NE(process, nullptr);
  absl::StatusOr<int> exit_code = process->Wait(absl::Seconds(10));
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 128 + SIGKILL);
}

TEST_F(SubprocessTest, SignalStopsTheChild) {
  std::unique_ptr<Subprocess> process = Shell("exec sleep 1000");
  ASSERT_NE(process, nullptr);
  EXPECT_TRUE(process->Running());
  ASSERT_TRUE(process->Signal(SIGTERM).ok());
  absl::StatusOr<int> exit_code = process->Wait(absl::Seconds(10));
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 128 + SIGTERM);
  EXPECT_EQ(process->Signal(SIGTERM).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SubprocessTest, WaitTimesOutAndLeavesTheChildRunning) {
  std::unique_ptr<Subprocess> process = Shell("exec sleep 1000");
  ASSERT_NE(process, nullptr);
  const absl::Time start = absl::Now();
  absl::StatusOr<int> exit_code = process->Wait(absl::Milliseconds(100));
  const absl::Duration waited = absl::Now() - start;
  EXPECT_EQ(exit_code.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_GE(waited, absl::Milliseconds(100));
  EXPECT_LT(waited, absl::Seconds(2));
  EXPECT_TRUE(process->Running());
}

TEST_F(SubprocessTest, AppendsStdoutAndStderrToTheOutputFile) {
  std::ofstream(output_) << "before\n";
  std::unique_ptr<Subprocess> process = Shell("echo out; echo err >&2");
  ASSERT_NE(process, nullptr);
  ASSERT_EQ(WaitExit(*process), 0);
  EXPECT_EQ(process->ReadOutput(), "before\nout\nerr\n");
}

TEST_F(SubprocessTest, StdinIsEmpty) {
  std::unique_ptr<Subprocess> process = Shell("cat; echo done");
  ASSERT_NE(process, nullptr);
  ASSERT_EQ(WaitExit(*process), 0);
  EXPECT_EQ(process->ReadOutput(), "done\n");
}

TEST_F(SubprocessTest, WaitForOutputReturnsTheFirstMatchingLine) {
  std::unique_ptr<Subprocess> process = Shell(
      "echo starting; sleep 0.2; echo 'listening on port 4242'; echo 'listening on port 5353';"
      "echo 'cost a+b (c) eur'; exec sleep 1000");
  ASSERT_NE(process, nullptr);
  absl::StatusOr<std::string> line = process->WaitForOutput(R"(port \d+$)", absl::Seconds(10));
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(*line, "listening on port 4242");
  // Regex metacharacters also match literally.
  line = process->WaitForOutput("a+b (c)", absl::Seconds(10));
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(*line, "cost a+b (c) eur");
}

TEST_F(SubprocessTest, WaitForOutputFromAnOffsetSkipsEarlierLines) {
  const std::string go = dir_ + "/go";
  std::unique_ptr<Subprocess> process = Shell("echo 'reloaded 1'; while [ ! -e " + go +
                                              " ]; do sleep 0.01; done; echo 'reloaded 2'; "
                                              "exec sleep 1000");
  ASSERT_NE(process, nullptr);
  ASSERT_TRUE(process->WaitForOutput("reloaded", absl::Seconds(10)).ok());
  const size_t offset = process->OutputSize();
  EXPECT_EQ(offset, std::string("reloaded 1\n").size());
  std::ofstream(go).flush();
  absl::StatusOr<std::string> line = process->WaitForOutput("reloaded", absl::Seconds(10), offset);
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(*line, "reloaded 2");
}

TEST_F(SubprocessTest, WaitForOutputIgnoresAnUnfinishedLineWhileRunning) {
  std::unique_ptr<Subprocess> process = Shell("printf 'ready-ish'; exec sleep 1000");
  ASSERT_NE(process, nullptr);
  absl::StatusOr<std::string> line = process->WaitForOutput("ready", absl::Milliseconds(300));
  EXPECT_EQ(line.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(line.status().message(), HasSubstr("ready-ish"));
}

TEST_F(SubprocessTest, WaitForOutputSeesTheLastLineAfterExit) {
  std::unique_ptr<Subprocess> process = Shell("printf 'ready'");
  ASSERT_NE(process, nullptr);
  absl::StatusOr<std::string> line = process->WaitForOutput("ready", absl::Seconds(10));
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(*line, "ready");
}

TEST_F(SubprocessTest, WaitForOutputTimesOut) {
  std::unique_ptr<Subprocess> process = Shell("echo nothing to see; exec sleep 1000");
  ASSERT_NE(process, nullptr);
  const absl::Time start = absl::Now();
  absl::StatusOr<std::string> line = process->WaitForOutput("never", absl::Milliseconds(200));
  const absl::Duration waited = absl::Now() - start;
  EXPECT_EQ(line.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_GE(waited, absl::Milliseconds(200));
  EXPECT_LT(waited, absl::Seconds(2));
}

TEST_F(SubprocessTest, WaitForOutputFailsAsSoonAsTheChildExits) {
  std::unique_ptr<Subprocess> process = Shell("echo bye; exit 2");
  ASSERT_NE(process, nullptr);
  const absl::Time start = absl::Now();
  absl::StatusOr<std::string> line = process->WaitForOutput("never", absl::Seconds(30));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(line.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(line.status().message(), HasSubstr("code 2"));
  EXPECT_THAT(line.status().message(), HasSubstr("bye"));
}

TEST_F(SubprocessTest, AppliesEnvironmentOverrides) {
  ASSERT_EQ(setenv("KOMPAS_SUBPROCESS_KEPT", "kept", 1), 0);
  absl::StatusOr<std::unique_ptr<Subprocess>> process = Subprocess::Start({
      .argv = {"sh", "-c", "echo \"$KOMPAS_A|$HOME|$KOMPAS_SUBPROCESS_KEPT\""},
      .output_path = output_,
      .env_overrides = {{"KOMPAS_A", "one"}, {"HOME", "/nowhere"}, {"KOMPAS_A", "two"}},
  });
  ASSERT_TRUE(process.ok()) << process.status();
  ASSERT_EQ(WaitExit(**process), 0);
  EXPECT_EQ((*process)->ReadOutput(), "two|/nowhere|kept\n");
  unsetenv("KOMPAS_SUBPROCESS_KEPT");
}

TEST_F(SubprocessTest, UsesThePathFromTheOverrides) {
  const std::string script = dir_ + "/kompas-hello";
  std::ofstream(script) << "#!/bin/sh\necho hello from path\n";
  ASSERT_EQ(chmod(script.c_str(), 0755), 0);
  absl::StatusOr<std::unique_ptr<Subprocess>> process = Subprocess::Start({
      .argv = {"kompas-hello"},
      .output_path = output_,
      .env_overrides = {{"PATH", "/nonexistent:" + dir_}},
  });
  ASSERT_TRUE(process.ok()) << process.status();
  ASSERT_EQ(WaitExit(**process), 0);
  EXPECT_EQ((*process)->ReadOutput(), "hello from path\n");
}

TEST_F(SubprocessTest, RejectsWhatCannotStart) {
  EXPECT_EQ(Subprocess::Start({.argv = {"kompas-no-such-program"}}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Subprocess::Start({.argv = {"/nonexistent/program"}}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Subprocess::Start({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Subprocess::Start({.argv = {"true"}, .output_path = dir_ + "/missing/out.log"})
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(
      Subprocess::Start({.argv = {"true"}, .run_as_user = "kompas-no-such-user"}).status().code(),
      absl::StatusCode::kNotFound);
}

TEST_F(SubprocessTest, RunsAsAnotherUser) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  absl::StatusOr<std::unique_ptr<Subprocess>> process = Subprocess::Start({
      .argv = {"sh", "-c", "echo \"$(id -un) $(id -G) $USER\""},
      .output_path = output_,
      .run_as_user = "nobody",
  });
  ASSERT_TRUE(process.ok()) << process.status();
  ASSERT_EQ(WaitExit(**process), 0);
  EXPECT_EQ((*process)->ReadOutput(), "nobody 65534 nobody\n");
}

TEST_F(SubprocessTest, DestructorKillsARunningChild) {
  std::unique_ptr<Subprocess> process = Shell("exec sleep 1000");
  ASSERT_NE(process, nullptr);
  const pid_t pid = process->pid();
  ASSERT_FALSE(ProcessDead(pid));
  process.reset();
  // Killed and reaped: the pid is gone, not even a zombie.
  EXPECT_EQ(kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST_F(SubprocessTest, DestructorKillsGrandchildren) {
  std::unique_ptr<Subprocess> process = Shell("sleep 1000 & echo \"grandchild=$!\"; wait");
  ASSERT_NE(process, nullptr);
  absl::StatusOr<std::string> line = process->WaitForOutput("grandchild=", absl::Seconds(10));
  ASSERT_TRUE(line.ok()) << line.status();
  const pid_t grandchild = ParsePid(*line, "grandchild=");
  ASSERT_GT(grandchild, 0) << *line;
  ASSERT_FALSE(ProcessDead(grandchild));
  process.reset();
  EXPECT_TRUE(EventuallyDead(grandchild));
}

TEST_F(SubprocessTest, DestructorKillsGrandchildrenOfAChildThatAlreadyExited) {
  std::unique_ptr<Subprocess> process = Shell("sleep 1000 & echo \"grandchild=$!\"");
  ASSERT_NE(process, nullptr);
  ASSERT_EQ(WaitExit(*process), 0);
  absl::StatusOr<std::string> line = process->WaitForOutput("grandchild=", absl::Seconds(1));
  ASSERT_TRUE(line.ok()) << line.status();
  const pid_t grandchild = ParsePid(*line, "grandchild=");
  ASSERT_GT(grandchild, 0);
  absl::SleepFor(absl::Milliseconds(50));
  ASSERT_FALSE(ProcessDead(grandchild)) << "the orphan should live until the destructor";
  process.reset();
  EXPECT_TRUE(EventuallyDead(grandchild));
}

TEST_F(SubprocessTest, SignalGroupReachesGrandchildren) {
  std::unique_ptr<Subprocess> process = Shell("sleep 1000 & echo \"grandchild=$!\"; wait");
  ASSERT_NE(process, nullptr);
  absl::StatusOr<std::string> line = process->WaitForOutput("grandchild=", absl::Seconds(10));
  ASSERT_TRUE(line.ok()) << line.status();
  const pid_t grandchild = ParsePid(*line, "grandchild=");
  ASSERT_GT(grandchild, 0);
  ASSERT_TRUE(process->SignalGroup(SIGTERM).ok());
  EXPECT_EQ(WaitExit(*process), 128 + SIGTERM);
  EXPECT_TRUE(EventuallyDead(grandchild));
}

TEST(TempDirTest, MakesUniquePrivateDirectories) {
  std::set<std::string> paths;
  std::mutex mutex;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&paths, &mutex] {
      for (int i = 0; i < 25; ++i) {
        absl::StatusOr<std::string> dir = MakeTempDir("kompas-unique-");
        ASSERT_TRUE(dir.ok()) << dir.status();
        const std::lock_guard<std::mutex> lock(mutex);
        paths.insert(*dir);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(paths.size(), 100u);
  for (const std::string& path : paths) {
    struct stat info;
    ASSERT_EQ(stat(path.c_str(), &info), 0) << path;
    EXPECT_TRUE(S_ISDIR(info.st_mode));
    EXPECT_EQ(info.st_mode & 0777, 0700u);
    EXPECT_THAT(std::filesystem::path(path).filename().string(), StartsWith("kompas-unique-"));
    EXPECT_TRUE(RemoveTree(path).ok());
  }
}

TEST(TempDirTest, HonoursTmpdir) {
  absl::StatusOr<std::string> base = MakeTempDir("kompas-base-");
  ASSERT_TRUE(base.ok()) << base.status();
  const char* old = std::getenv("TMPDIR");
  const std::optional<std::string> saved =
      old == nullptr ? std::nullopt : std::optional<std::string>(old);
  ASSERT_EQ(setenv("TMPDIR", (*base + "/").c_str(), 1), 0);
  absl::StatusOr<std::string> dir = MakeTempDir("a/b-");
  if (saved.has_value()) {
    setenv("TMPDIR", saved->c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_THAT(*dir, StartsWith(*base + "/a_b-"));
  EXPECT_TRUE(std::filesystem::is_directory(*dir));
  EXPECT_TRUE(RemoveTree(*base).ok());
}

TEST(TempDirTest, RemoveTreeDeletesEverythingBelowButFollowsNoLink) {
  absl::StatusOr<std::string> outside = MakeTempDir("kompas-outside-");
  absl::StatusOr<std::string> tree = MakeTempDir("kompas-tree-");
  ASSERT_TRUE(outside.ok() && tree.ok());
  std::ofstream(*outside + "/keep") << "keep";
  std::filesystem::create_directories(*tree + "/a/b/c");
  std::ofstream(*tree + "/a/b/c/file") << "x";
  std::filesystem::create_symlink(*outside, *tree + "/a/link");
  EXPECT_TRUE(RemoveTree(*tree).ok());
  EXPECT_FALSE(std::filesystem::exists(*tree));
  EXPECT_TRUE(std::filesystem::exists(*outside + "/keep"));
  EXPECT_TRUE(RemoveTree(*tree).ok()) << "a missing path is fine";
  EXPECT_TRUE(RemoveTree(*outside).ok());
}

TEST(TempDirTest, RemoveTreeRefusesRootAndEmpty) {
  EXPECT_EQ(RemoveTree("").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RemoveTree("/").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RemoveTree("/.").code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kompas::testing
