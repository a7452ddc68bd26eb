#include "tests/support/redis_server.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"

namespace kompas::testing {
namespace {

constexpr size_t kLogTailChars = 2000;

std::string Tail(const std::string& text) {
  if (text.size() <= kLogTailChars) return text;
  return absl::StrCat("...", text.substr(text.size() - kLogTailChars));
}

struct RedisContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
struct RedisReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};

// The state letter from /proc/<pid>/stat ('R', 'S', 'T' for stopped, ...); '?' if unknown.
char ProcessState(pid_t pid) {
  absl::StatusOr<std::string> read = ReadFileToString(absl::StrCat("/proc/", pid, "/stat"));
  if (!read.ok()) return '?';
  const std::string& stat = *read;
  // The command name in parentheses may contain spaces: the state follows the last ')'.
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return '?';
  return stat[paren + 2];
}

// Waits until the state of `pid` is (or, with `negate`, is no longer) 'T' (stopped).
absl::Status WaitForStopped(pid_t pid, bool stopped) {
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (absl::Now() < deadline) {
    const char state = ProcessState(pid);
    if ((state == 'T') == stopped) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(1));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("pid ", pid, stopped ? " did not stop" : " did not continue"));
}

}  // namespace

absl::Status PingRedis(absl::string_view socket_path, absl::Duration timeout) {
  const std::string path(socket_path);
  const timeval tv = absl::ToTimeval(timeout);
  std::unique_ptr<redisContext, RedisContextDeleter> context(
      redisConnectUnixWithTimeout(path.c_str(), tv));
  if (context == nullptr) return absl::ResourceExhaustedError("cannot allocate a redisContext");
  if (context->err != 0) {
    return absl::UnavailableError(absl::StrCat("connect to ", path, ": ", context->errstr));
  }
  if (redisSetTimeout(context.get(), tv) != REDIS_OK) {
    return absl::UnavailableError(absl::StrCat("redisSetTimeout: ", context->errstr));
  }
  std::unique_ptr<redisReply, RedisReplyDeleter> reply(
      static_cast<redisReply*>(redisCommand(context.get(), "PING")));
  if (reply == nullptr) {
    return absl::UnavailableError(absl::StrCat("PING on ", path, ": ", context->errstr));
  }
  const std::string text =
      reply->str == nullptr ? std::string() : std::string(reply->str, reply->len);
  if (reply->type != REDIS_REPLY_STATUS || text != "PONG") {
    return absl::UnavailableError(absl::StrCat("PING on ", path, " answered: ", text));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(RedisServerOptions options) {
  absl::StatusOr<std::string> dir = MakeTempDir("kompas-redis-");
  if (!dir.ok()) return dir.status();
  std::unique_ptr<RedisServer> server(new RedisServer(std::move(options), *std::move(dir)));
  if (server->socket_path_.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return absl::FailedPreconditionError(
        absl::StrCat("unix socket path too long (set a shorter TMPDIR): ", server->socket_path_));
  }
  absl::Status launched = server->Launch();
  if (!launched.ok()) return launched;
  return server;
}

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::StartUnresponsive(
    RedisServerOptions options) {
  absl::StatusOr<std::unique_ptr<RedisServer>> server = Start(std::move(options));
  if (!server.ok()) return server.status();
  absl::Status paused = (*server)->Pause();
  if (!paused.ok()) return paused;
  return server;
}

RedisServer::RedisServer(RedisServerOptions options, std::string dir)
    : options_(std::move(options)),
      dir_(std::move(dir)),
      socket_path_(dir_ + "/redis.sock"),
      log_path_(dir_ + "/redis.log") {}

RedisServer::~RedisServer() {
  process_.reset();  // SIGKILL (works on a paused server too) and reap.
  (void)RemoveTree(dir_);
}

absl::Status RedisServer::Launch() {
  unlink(socket_path_.c_str());  // A killed server leaves its socket file behind.
  SubprocessOptions spawn;
  // --port 0: no TCP listener at all. --save '' and --appendonly no: nothing on disk.
  // clang-format off
  spawn.argv = {options_.binary,
                "--port", "0",
                "--unixsocket", socket_path_,
                "--unixsocketperm", "700",
                "--save", "",
                "--appendonly", "no",
                "--dir", dir_,
                "--daemonize", "no"};
  // clang-format on
  spawn.argv.insert(spawn.argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  spawn.output_path = log_path_;
  absl::StatusOr<std::unique_ptr<Subprocess>> process = Subprocess::Start(std::move(spawn));
  if (!process.ok()) return process.status();
  process_ = *std::move(process);

  const absl::Time deadline = absl::Now() + options_.startup_timeout;
  absl::Status ping;
  while (absl::Now() < deadline) {
    if (!process_->Running()) {
      const int code = *process_->Wait(absl::ZeroDuration());
      process_.reset();
      return absl::FailedPreconditionError(absl::StrCat(
          "redis-server exited with code ", code, " during start-up; log:\n", Tail(ReadLog())));
    }
    ping = PingRedis(socket_path_, absl::Milliseconds(200));
    if (ping.ok()) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(5));
  }
  process_.reset();
  return absl::DeadlineExceededError(absl::StrCat(
      "redis-server did not answer PING within ", absl::FormatDuration(options_.startup_timeout),
      " (", ping.message(), "); log:\n", Tail(ReadLog())));
}

std::string RedisServer::ReadLog() const {
  absl::StatusOr<std::string> log = ReadFileToString(log_path_);
  return log.ok() ? *std::move(log) : std::string();
}

bool RedisServer::running() { return process_ != nullptr && process_->Running(); }

pid_t RedisServer::pid() const { return process_ == nullptr ? 0 : process_->pid(); }

absl::Status RedisServer::Stop() {
  if (process_ == nullptr) return absl::OkStatus();
  if (process_->Running()) {
    absl::Status signalled = process_->Signal(SIGTERM);
    if (signalled.ok()) signalled = process_->Signal(SIGCONT);  // In case it is paused.
    if (!signalled.ok() && process_->Running()) return signalled;
  }
  absl::StatusOr<int> code = process_->Wait(absl::Seconds(10));
  process_.reset();  // On timeout this kills it.
  if (!code.ok()) return code.status();
  if (*code != 0) {
    return absl::InternalError(
        absl::StrCat("redis-server exited with code ", *code, "; log:\n", Tail(ReadLog())));
  }
  return absl::OkStatus();
}

absl::Status RedisServer::Kill() {
  if (!running()) return absl::FailedPreconditionError("redis-server is not running");
  process_.reset();  // SIGKILL to the process group, then reap.
  return absl::OkStatus();
}

absl::Status RedisServer::Restart() {
  if (running()) {
    absl::Status stopped = Stop();
    if (!stopped.ok()) return stopped;
  }
  process_.reset();
  return Launch();
}

absl::Status RedisServer::Pause() {
  if (!running()) return absl::FailedPreconditionError("redis-server is not running");
  absl::Status signalled = process_->Signal(SIGSTOP);
  if (!signalled.ok()) return signalled;
  return WaitForStopped(process_->pid(), true);
}

absl::Status RedisServer::Resume() {
  if (!running()) return absl::FailedPreconditionError("redis-server is not running");
  absl::Status signalled = process_->Signal(SIGCONT);
  if (!signalled.ok()) return signalled;
  return WaitForStopped(process_->pid(), false);
}

}  // namespace kompas::testing
