#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "re2/re2.h"

namespace kompas::testing {
namespace {

constexpr char kDefaultPath[] = "/usr/local/bin:/usr/bin:/bin";
constexpr size_t kOutputTailChars = 2000;

// What the child reports through the error pipe when a step before exec fails.
enum class ChildStep : int { kSetpgid, kStdio, kSetgroups, kSetgid, kSetuid, kExec };

struct ChildFailure {
  int step;
  int error;
};

const char* ChildStepName(int step) {
  switch (static_cast<ChildStep>(step)) {
    case ChildStep::kSetpgid:
      return "setpgid";
    case ChildStep::kStdio:
      return "dup2";
    case ChildStep::kSetgroups:
      return "setgroups";
    case ChildStep::kSetgid:
      return "setgid";
    case ChildStep::kSetuid:
      return "setuid";
    case ChildStep::kExec:
      return "execve";
  }
  return "child setup";
}

// Only async-signal-safe calls from here on: this runs in the forked child.
[[noreturn]] void ChildFail(int error_fd, ChildStep step) {
  const ChildFailure failure = {static_cast<int>(step), errno};
  while (write(error_fd, &failure, sizeof failure) == -1 && errno == EINTR) {
  }
  _exit(127);
}

std::string EnvName(const std::string& entry) { return entry.substr(0, entry.find('=')); }

void SetEnv(std::vector<std::string>& env, const std::string& name, const std::string& value) {
  env.erase(std::remove_if(env.begin(), env.end(),
                           [&name](const std::string& entry) { return EnvName(entry) == name; }),
            env.end());
  env.push_back(absl::StrCat(name, "=", value));
}

std::string GetEnv(const std::vector<std::string>& env, const std::string& name) {
  for (const std::string& entry : env) {
    if (EnvName(entry) == name) return entry.substr(name.size() + 1);
  }
  return "";
}

bool IsExecutableFile(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(path.c_str(), X_OK) == 0;
}

absl::StatusOr<std::string> ResolveProgram(const std::string& program, std::string search_path) {
  if (program.empty()) return absl::InvalidArgumentError("argv[0] is empty");
  if (program.find('/') != std::string::npos) {
    if (IsExecutableFile(program)) return program;
    return absl::NotFoundError(absl::StrCat("no executable file at ", program));
  }
  if (search_path.empty()) search_path = kDefaultPath;
  for (absl::string_view dir : absl::StrSplit(search_path, ':')) {
    std::string candidate = absl::StrCat(dir.empty() ? "." : dir, "/", program);
    if (IsExecutableFile(candidate)) return candidate;
  }
  return absl::NotFoundError(
      absl::StrCat("program '", program, "' not found in PATH=", search_path));
}

struct UserIds {
  uid_t uid;
  gid_t gid;
  std::string home;
};

absl::StatusOr<UserIds> LookUpUser(const std::string& name) {
  struct passwd entry;
  struct passwd* result = nullptr;
  std::vector<char> buffer(16384);
  const int error = getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &result);
  if (error != 0) return absl::ErrnoToStatus(error, absl::StrCat("getpwnam_r(", name, ")"));
  if (result == nullptr) return absl::NotFoundError(absl::StrCat("no such user: ", name));
  return UserIds{entry.pw_uid, entry.pw_gid, entry.pw_dir};
}

std::string Tail(const std::string& text) {
  if (text.size() <= kOutputTailChars) return text;
  return absl::StrCat("...", text.substr(text.size() - kOutputTailChars));
}

// The first line of `output` that contains `needle` or matches `regex`. The unterminated last
// line counts only if `include_partial`.
std::optional<std::string> FindLine(absl::string_view output, absl::string_view needle,
                                    const RE2& regex, bool include_partial) {
  size_t start = 0;
  while (start < output.size()) {
    const size_t end = output.find('\n', start);
    if (end == absl::string_view::npos && !include_partial) break;
    const absl::string_view line = output.substr(
        start, end == absl::string_view::npos ? absl::string_view::npos : end - start);
    if (absl::StrContains(line, needle) ||
        (regex.ok() && RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), regex))) {
      return std::string(line);
    }
    if (end == absl::string_view::npos) break;
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Subprocess>> Subprocess::Start(SubprocessOptions options) {
  if (options.argv.empty()) return absl::InvalidArgumentError("Subprocess: argv is empty");

  // Everything the child needs is prepared here: after fork() it may only make
  // async-signal-safe calls.
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    env.emplace_back(*entry);
  }
  std::optional<UserIds> user;
  if (options.run_as_user.has_value()) {
    absl::StatusOr<UserIds> ids = LookUpUser(*options.run_as_user);
    if (!ids.ok()) return ids.status();
    user = *std::move(ids);
    SetEnv(env, "HOME", user->home);
    SetEnv(env, "USER", *options.run_as_user);
    SetEnv(env, "LOGNAME", *options.run_as_user);
  }
  for (const auto& [name, value] : options.env_overrides) SetEnv(env, name, value);

  absl::StatusOr<std::string> program = ResolveProgram(options.argv[0], GetEnv(env, "PATH"));
  if (!program.ok()) return program.status();

  std::vector<char*> argv_ptrs;
  for (std::string& arg : options.argv) argv_ptrs.push_back(arg.data());
  argv_ptrs.push_back(nullptr);
  std::vector<char*> env_ptrs;
  for (std::string& entry : env) env_ptrs.push_back(entry.data());
  env_ptrs.push_back(nullptr);

  const int stdin_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (stdin_fd == -1) return absl::ErrnoToStatus(errno, "open /dev/null");
  const std::string& output_path = options.output_path.empty() ? "/dev/null" : options.output_path;
  const int output_fd = open(output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (output_fd == -1) {
    const int error = errno;
    close(stdin_fd);
    return absl::ErrnoToStatus(error, absl::StrCat("open ", output_path));
  }
  int error_pipe[2];
  if (pipe2(error_pipe, O_CLOEXEC) == -1) {
    const int error = errno;
    close(stdin_fd);
    close(output_fd);
    return absl::ErrnoToStatus(error, "pipe2");
  }
  const long open_max = sysconf(_SC_OPEN_MAX);
  const int max_fd = static_cast<int>(std::clamp(open_max, 1024L, 65536L));

  const pid_t pid = fork();
  if (pid == 0) {
    const int error_fd = error_pipe[1];
    if (setpgid(0, 0) == -1) ChildFail(error_fd, ChildStep::kSetpgid);
    sigset_t all_unblocked;
    sigemptyset(&all_unblocked);
    sigprocmask(SIG_SETMASK, &all_unblocked, nullptr);
    struct sigaction default_action;
    std::memset(&default_action, 0, sizeof default_action);
    default_action.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &default_action, nullptr);
    if (dup2(stdin_fd, STDIN_FILENO) == -1 || dup2(output_fd, STDOUT_FILENO) == -1 ||
        dup2(output_fd, STDERR_FILENO) == -1) {
      ChildFail(error_fd, ChildStep::kStdio);
    }
    // Descriptors this process opened without O_CLOEXEC must not leak into the child (a
    // leaked socket would keep a connection open after the test closed it).
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == -1) {
      for (int fd = 3; fd < max_fd; ++fd) fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    if (user.has_value()) {
      if (setgroups(1, &user->gid) == -1) ChildFail(error_fd, ChildStep::kSetgroups);
      if (setgid(user->gid) == -1) ChildFail(error_fd, ChildStep::kSetgid);
      if (setuid(user->uid) == -1) ChildFail(error_fd, ChildStep::kSetuid);
    }
    execve(program->c_str(), argv_ptrs.data(), env_ptrs.data());
    ChildFail(error_fd, ChildStep::kExec);
  }

  const int fork_error = errno;
  close(stdin_fd);
  close(output_fd);
  close(error_pipe[1]);
  if (pid == -1) {
    close(error_pipe[0]);
    return absl::ErrnoToStatus(fork_error, "fork");
  }
  // The pipe closes on a successful exec (O_CLOEXEC); otherwise the child reports the step
  // that failed.
  ChildFailure failure = {0, 0};
  ssize_t got;
  do {
    got = read(error_pipe[0], &failure, sizeof failure);
  } while (got == -1 && errno == EINTR);
  close(error_pipe[0]);
  if (got == static_cast<ssize_t>(sizeof failure)) {
    int status = 0;
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR) {
    }
    return absl::ErrnoToStatus(
        failure.error, absl::StrCat(ChildStepName(failure.step), " failed starting ", *program,
                                    " (", absl::StrJoin(options.argv, " "), ")"));
  }
  return std::unique_ptr<Subprocess>(new Subprocess(std::move(options), pid));
}

Subprocess::Subprocess(SubprocessOptions options, pid_t pid)
    : options_(std::move(options)), pid_(pid) {}

Subprocess::~Subprocess() {
  if (reaped_) return;
  // The unreaped child keeps its pid and process-group id reserved, so this cannot hit an
  // unrelated group. SIGKILL also ends stopped (SIGSTOP) processes.
  kill(-pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) == -1 && errno == EINTR) {
  }
}

void Subprocess::Poll() {
  if (exit_code_.has_value()) return;
  siginfo_t info;
  std::memset(&info, 0, sizeof info);
  int rc;
  do {
    rc = waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
  } while (rc == -1 && errno == EINTR);
  if (rc == -1) {
    if (errno == ECHILD) {  // Reaped behind our back (e.g. SIGCHLD set to SIG_IGN).
      exit_code_ = -1;
      reaped_ = true;
    }
    return;
  }
  if (info.si_pid != pid_) return;  // Still running.
  exit_code_ = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
}

bool Subprocess::Running() {
  Poll();
  return !exit_code_.has_value();
}

absl::Status Subprocess::Signal(int sig) {
  if (!Running()) {
    return absl::FailedPreconditionError(
        absl::StrCat("pid ", pid_, " already exited with code ", *exit_code_));
  }
  if (kill(pid_, sig) == -1) return absl::ErrnoToStatus(errno, absl::StrCat("kill ", pid_));
  return absl::OkStatus();
}

absl::Status Subprocess::SignalGroup(int sig) {
  if (reaped_) return absl::FailedPreconditionError("child was reaped elsewhere");
  if (kill(-pid_, sig) == -1) {
    return absl::ErrnoToStatus(errno, absl::StrCat("kill process group ", pid_));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> Subprocess::Wait(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Duration pause = absl::Milliseconds(1);
  while (true) {
    Poll();
    if (exit_code_.has_value()) return *exit_code_;
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(absl::StrCat("pid ", pid_, " (", options_.argv[0],
                                                      ") still running after ",
                                                      absl::FormatDuration(timeout)));
    }
    absl::SleepFor(std::min(pause, left));
    pause = std::min(pause * 2, absl::Milliseconds(20));
  }
}

std::string Subprocess::ReadOutput() const {
  if (options_.output_path.empty()) return "";
  absl::StatusOr<std::string> output = ReadFileToString(options_.output_path);
  return output.ok() ? *std::move(output) : std::string();
}

size_t Subprocess::OutputSize() const {
  struct stat info;
  if (options_.output_path.empty() || stat(options_.output_path.c_str(), &info) != 0) return 0;
  return static_cast<size_t>(info.st_size);
}

absl::StatusOr<std::string> Subprocess::WaitForOutput(absl::string_view needle,
                                                      absl::Duration timeout, size_t start_offset) {
  const RE2 regex(re2::StringPiece(needle.data(), needle.size()), RE2::Quiet);
  const absl::Time deadline = absl::Now() + timeout;
  absl::Duration pause = absl::Milliseconds(1);
  while (true) {
    Poll();  // Before reading, so that output written before an exit is seen.
    const bool exited = exit_code_.has_value();
    const std::string output = ReadOutput();
    const absl::string_view searched =
        absl::string_view(output).substr(std::min(start_offset, output.size()));
    std::optional<std::string> line = FindLine(searched, needle, regex, exited);
    if (line.has_value()) return *std::move(line);
    if (exited) {
      return absl::FailedPreconditionError(
          absl::StrCat(options_.argv[0], " exited with code ", *exit_code_,
                       " before printing a line matching '", needle, "'; output:\n", Tail(output)));
    }
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(
          absl::StrCat(options_.argv[0], " printed no line matching '", needle, "' within ",
                       absl::FormatDuration(timeout), "; output:\n", Tail(output)));
    }
    absl::SleepFor(std::min(pause, left));
    pause = std::min(pause * 2, absl::Milliseconds(20));
  }
}

absl::StatusOr<std::string> MakeTempDir(absl::string_view prefix) {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string base = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  std::string name(prefix);
  std::replace(name.begin(), name.end(), '/', '_');
  std::string path_template = absl::StrCat(base == "/" ? "" : base, "/", name, "XXXXXX");
  if (mkdtemp(path_template.data()) == nullptr) {
    return absl::ErrnoToStatus(errno, absl::StrCat("mkdtemp ", path_template));
  }
  return path_template;
}

absl::StatusOr<std::string> ReadFileToString(absl::string_view path) {
  const std::string file_path(path);
  const int fd = open(file_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd == -1) return absl::ErrnoToStatus(errno, absl::StrCat("open ", path));
  std::string content;
  char buffer[65536];
  while (true) {
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got == -1 && errno == EINTR) continue;
    if (got == -1) {
      const int error = errno;
      close(fd);
      return absl::ErrnoToStatus(error, absl::StrCat("read ", path));
    }
    if (got == 0) break;
    content.append(buffer, static_cast<size_t>(got));
  }
  close(fd);
  return content;
}

absl::Status RemoveTree(absl::string_view path) {
  const std::filesystem::path target(std::string{path});
  if (target.empty() || target.lexically_normal() == "/") {
    return absl::InvalidArgumentError(absl::StrCat("RemoveTree refuses '", path, "'"));
  }
  std::error_code error;
  std::filesystem::remove_all(target, error);
  if (error) {
    return absl::ErrnoToStatus(error.value(), absl::StrCat("remove ", path, ": ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace kompas::testing
