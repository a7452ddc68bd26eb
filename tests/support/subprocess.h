// Child processes for tests: start a real program, capture its output in a file, wait for a
// line, signal it, and never leave anything behind.
//
// Every child is the leader of its own process group. Destroying a Subprocess sends SIGKILL to
// the whole group (the child and anything it started that did not leave the group with
// setsid/setpgid) and reaps the child, so a failing test cannot leak processes. The child is
// not reaped before destruction (an exited child stays a zombie until then), so its pid and
// process-group id cannot be reused by an unrelated process while the Subprocess exists.
//
// Thread-compatible: use one Subprocess from one thread at a time.
#ifndef KOMPAS_TESTS_SUPPORT_SUBPROCESS_H_
#define KOMPAS_TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kompas::testing {

// Every member has a default, so designated initializers may name any subset.
struct SubprocessOptions {
  // Program and arguments. argv[0] is looked up in the child's PATH (after env_overrides)
  // unless it contains a '/'.
  std::vector<std::string> argv = {};
  // The child's stdout and stderr are appended to this file (created 0644 if missing).
  // Empty: the output is discarded. stdin is always /dev/null.
  std::string output_path = {};
  // Set in the child's environment on top of this process's environment; later entries win.
  std::vector<std::pair<std::string, std::string>> env_overrides = {};
  // Run the child as this user (uid, primary gid, no supplementary groups; HOME, USER and
  // LOGNAME set from the password entry unless overridden). Needs root.
  std::optional<std::string> run_as_user = std::nullopt;
};

class Subprocess {
 public:
  // Starts the child and returns once it has exec'd the program. Fails with NOT_FOUND when
  // the program or user does not exist, INVALID_ARGUMENT for an empty argv, and otherwise
  // with the errno of the step that failed (open, fork, setuid, execve, ...).
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(SubprocessOptions options);

  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // SIGKILL to the process group if anything in it is still alive, then reaps the child.
  ~Subprocess();

  // The child's pid, which is also its process-group id.
  pid_t pid() const { return pid_; }
  const SubprocessOptions& options() const { return options_; }

  // True while the child has not exited. Never blocks.
  bool Running();

  // Sends `sig` to the child only. FAILED_PRECONDITION if it has already exited.
  absl::Status Signal(int sig);
  // Sends `sig` to every process in the child's process group.
  absl::Status SignalGroup(int sig);

  // Waits for the child to exit and returns its exit code, or 128 + the signal number when a
  // signal killed it (as a shell reports it). DEADLINE_EXCEEDED if it is still running after
  // `timeout` (the child is left running). May be called again after it returned.
  absl::StatusOr<int> Wait(absl::Duration timeout);

  // Everything in output_path so far (including output appended before Start).
  std::string ReadOutput() const;

  // Waits until a complete output line contains `needle` as a plain substring, or matches it
  // as an RE2 regular expression (partial match), and returns that line without its newline.
  // The search starts at the beginning of the output (or at `start_offset`), so it returns
  // the first such line. The last, unterminated line is considered only once the child has exited.
  // DEADLINE_EXCEEDED after `timeout`; FAILED_PRECONDITION as soon as the child exits without
  // having printed such a line. Both errors quote the tail of the output.
  // To wait for a line printed after some event (a second reload, say), pass the
  // OutputSize() taken before the event as `start_offset`: only output from there on counts.
  absl::StatusOr<std::string> WaitForOutput(absl::string_view needle, absl::Duration timeout,
                                            size_t start_offset = 0);
  // Bytes in output_path so far.
  size_t OutputSize() const;

 private:
  Subprocess(SubprocessOptions options, pid_t pid);

  // Non-blocking check that records the exit code without reaping the child.
  void Poll();

  SubprocessOptions options_;
  pid_t pid_;
  std::optional<int> exit_code_;  // Set once the child has exited.
  bool reaped_ = false;           // True only if someone else reaped the child (ECHILD).
};

// Creates a new, empty directory (mode 0700) named <$TMPDIR or /tmp>/<prefix>XXXXXX and returns
// its path. Unique even across processes running in parallel (mkdtemp). A '/' in `prefix` is
// replaced by '_'.
absl::StatusOr<std::string> MakeTempDir(absl::string_view prefix);

// The whole content of the file at `path` (also for /proc files, whose size reads as 0).
absl::StatusOr<std::string> ReadFileToString(absl::string_view path);

// Deletes `path` and everything below it (symlinks are removed, not followed). OK if `path`
// does not exist. Refuses an empty path and "/".
absl::Status RemoveTree(absl::string_view path);

}  // namespace kompas::testing

#endif  // KOMPAS_TESTS_SUPPORT_SUBPROCESS_H_
