// A real redis-server for tests, private to one test: its own temp dir, a unix socket only
// (Redis reads `--port 0` as "no TCP", so a system Redis on 6379 never gets in the way), no
// persistence. Parallel-safe under `ctest -j`.
//
// "A Redis that never answers" is this same server paused with SIGSTOP (Pause(), or
// StartUnresponsive()): the kernel still completes connects into the listen backlog, so a
// client connects fine and then waits forever for a reply — exactly a hung Redis. Resume()
// (SIGCONT) lets it answer again, including the commands queued meanwhile.
//
// Thread-compatible: use one RedisServer from one thread at a time.
#ifndef KOMPAS_TESTS_SUPPORT_REDIS_SERVER_H_
#define KOMPAS_TESTS_SUPPORT_REDIS_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tests/support/subprocess.h"

namespace kompas::testing {

struct RedisServerOptions {
  // Looked up in PATH unless it contains a '/'.
  std::string binary = "redis-server";
  // Appended to the command line, e.g. {"--maxmemory", "1mb"}.
  std::vector<std::string> extra_args = {};
  // How long Start()/Restart() wait for PING to answer.
  absl::Duration startup_timeout = absl::Seconds(10);
};

class RedisServer {
 public:
  // Starts redis-server on <new temp dir>/redis.sock and returns once PING answers on it.
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(RedisServerOptions options = {});
  // Start() followed by Pause(): a socket that accepts connections but never answers.
  static absl::StatusOr<std::unique_ptr<RedisServer>> StartUnresponsive(
      RedisServerOptions options = {});

  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Kills the server (SIGKILL) if it still runs and deletes the temp dir.
  ~RedisServer();

  const std::string& socket_path() const { return socket_path_; }
  // "unix://" + socket_path(), the form services take in --redis.
  std::string url() const { return "unix://" + socket_path_; }
  // The server's log (its stdout and stderr across every start).
  std::string ReadLog() const;
  // True while the server process exists (also while paused).
  bool running();
  // The server's pid; 0 when it is not running.
  pid_t pid() const;

  // Clean stop: SIGTERM (plus SIGCONT, should it be paused), then waits for exit code 0.
  absl::Status Stop();
  // SIGKILL: the server dies at once and leaves its socket file behind.
  absl::Status Kill();
  // Stops the server if it runs, then starts a fresh one (empty data) on the same socket path.
  absl::Status Restart();
  // SIGSTOP / SIGCONT.
  absl::Status Pause();
  absl::Status Resume();

 private:
  RedisServer(RedisServerOptions options, std::string dir);
  absl::Status Launch();

  RedisServerOptions options_;
  std::string dir_;
  std::string socket_path_;
  std::string log_path_;
  std::unique_ptr<Subprocess> process_;
};

// Connects to the unix socket at `socket_path` and sends PING, with `timeout` for the connect
// and for the reply. OK only on a PONG reply; UNAVAILABLE otherwise.
absl::Status PingRedis(absl::string_view socket_path, absl::Duration timeout);

}  // namespace kompas::testing

#endif  // KOMPAS_TESTS_SUPPORT_REDIS_SERVER_H_
