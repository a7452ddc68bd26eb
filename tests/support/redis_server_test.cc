#include "tests/support/redis_server.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kompas::testing {
namespace {

using ::testing::HasSubstr;

struct ContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
using RedisContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

// A hiredis connection with `timeout` for the connect and for every reply.
absl::StatusOr<RedisContextPtr> Connect(const std::string& socket_path, absl::Duration timeout) {
  RedisContextPtr context(
      redisConnectUnixWithTimeout(socket_path.c_str(), absl::ToTimeval(timeout)));
  if (context == nullptr) return absl::InternalError("out of memory");
  if (context->err != 0) return absl::UnavailableError(context->errstr);
  if (redisSetTimeout(context.get(), absl::ToTimeval(timeout)) != REDIS_OK) {
    return absl::InternalError(context->errstr);
  }
  return context;
}

// Runs one command; a string or status reply as text, "(nil)" for nil.
absl::StatusOr<std::string> Command(redisContext* context, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data()));
  if (reply == nullptr) return absl::UnavailableError(context->errstr);
  absl::StatusOr<std::string> result;
  switch (reply->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      result = std::string(reply->str, reply->len);
      break;
    case REDIS_REPLY_NIL:
      result = "(nil)";
      break;
    default:
      result = absl::InternalError(
          absl::StrCat("reply type ", reply->type, ": ", reply->str == nullptr ? "" : reply->str));
  }
  freeReplyObject(reply);
  return result;
}

// Runs one command on a new connection: the reply as Command() gives it, or "ERROR: ...".
std::string RunCommand(const std::string& socket_path, const std::vector<std::string>& args) {
  absl::StatusOr<RedisContextPtr> context = Connect(socket_path, absl::Seconds(5));
  if (!context.ok()) return absl::StrCat("ERROR: ", context.status().ToString());
  absl::StatusOr<std::string> reply = Command(context->get(), args);
  return reply.ok() ? *reply : absl::StrCat("ERROR: ", reply.status().ToString());
}

// CONFIG GET <name>: the value, or "?" if the reply is not a [name, value] array.
std::string ConfigValue(const std::string& socket_path, const std::string& name) {
  absl::StatusOr<RedisContextPtr> context = Connect(socket_path, absl::Seconds(5));
  if (!context.ok()) return "?";
  auto* reply =
      static_cast<redisReply*>(redisCommand(context->get(), "CONFIG GET %s", name.c_str()));
  if (reply == nullptr) return "?";
  std::string value = "?";
  if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 2 &&
      reply->element[1]->type == REDIS_REPLY_STRING) {
    value = std::string(reply->element[1]->str, reply->element[1]->len);
  }
  freeReplyObject(reply);
  return value;
}

std::unique_ptr<RedisServer> StartServer() {
  absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start();
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

TEST(RedisServerTest, AnswersPingSetAndGetOnAPrivateUnixSocket) {
  std::unique_ptr<RedisServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->url(), "unix://" + server->socket_path());
  struct stat info;
  ASSERT_EQ(stat(server->socket_path().c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0700u);

  EXPECT_TRUE(PingRedis(server->socket_path(), absl::Seconds(1)).ok());
  EXPECT_EQ(RunCommand(server->socket_path(), {"PING"}), "PONG");
  EXPECT_EQ(RunCommand(server->socket_path(), {"SET", "greeting", "hallo wereld"}), "OK");
  EXPECT_EQ(RunCommand(server->socket_path(), {"GET", "greeting"}), "hallo wereld");
  // No TCP listener, no persistence.
  EXPECT_EQ(ConfigValue(server->socket_path(), "port"), "0");
  EXPECT_EQ(ConfigValue(server->socket_path(), "save"), "");
  EXPECT_EQ(ConfigValue(server->socket_path(), "appendonly"), "no");
}

TEST(RedisServerTest, ServersAreIndependent) {
  std::unique_ptr<RedisServer> first = StartServer();
  std::unique_ptr<RedisServer> second = StartServer();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_NE(first->socket_path(), second->socket_path());
  EXPECT_EQ(RunCommand(first->socket_path(), {"SET", "key", "first"}), "OK");
  EXPECT_EQ(RunCommand(second->socket_path(), {"GET", "key"}), "(nil)");
}

TEST(RedisServerTest, KillMakesPingFail) {
  std::unique_ptr<RedisServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  const pid_t pid = server->pid();
  ASSERT_TRUE(server->Kill().ok());
  EXPECT_FALSE(server->running());
  EXPECT_EQ(kill(pid, 0), -1);
  EXPECT_EQ(PingRedis(server->socket_path(), absl::Milliseconds(200)).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_THAT(RunCommand(server->socket_path(), {"PING"}), ::testing::StartsWith("ERROR"));
  EXPECT_EQ(server->Kill().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(RedisServerTest, RestartAfterKillAnswersAgainWithEmptyData) {
  std::unique_ptr<RedisServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  const std::string socket_path = server->socket_path();
  EXPECT_EQ(RunCommand(socket_path, {"SET", "key", "value"}), "OK");
  ASSERT_TRUE(server->Kill().ok());
  ASSERT_TRUE(server->Restart().ok());
  EXPECT_EQ(server->socket_path(), socket_path);
  EXPECT_TRUE(PingRedis(socket_path, absl::Seconds(1)).ok());
  EXPECT_EQ(RunCommand(socket_path, {"GET", "key"}), "(nil)");
}

TEST(RedisServerTest, StopIsCleanAndRestartWorks) {
  std::unique_ptr<RedisServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  absl::Status stopped = server->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped;
  EXPECT_FALSE(server->running());
  EXPECT_THAT(server->ReadLog(), HasSubstr("SIGTERM"));
  EXPECT_FALSE(PingRedis(server->socket_path(), absl::Milliseconds(200)).ok());
  ASSERT_TRUE(server->Restart().ok());
  EXPECT_TRUE(PingRedis(server->socket_path(), absl::Seconds(1)).ok());
  // Restarting a running server stops it cleanly first.
  const pid_t old_pid = server->pid();
  ASSERT_TRUE(server->Restart().ok());
  EXPECT_NE(server->pid(), old_pid);
  EXPECT_TRUE(PingRedis(server->socket_path(), absl::Seconds(1)).ok());
}

TEST(RedisServerTest, PauseMakesACommandTimeOutAndResumeAnswers) {
  std::unique_ptr<RedisServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(server->Pause().ok());

  absl::StatusOr<RedisContextPtr> context = Connect(server->socket_path(), absl::Milliseconds(200));
  ASSERT_TRUE(context.ok()) << "a paused server still accepts connections: " << context.status();
  const absl::Time start = absl::Now();
  absl::StatusOr<std::string> reply = Command(context->get(), {"PING"});
  const absl::Duration waited = absl::Now() - start;
  EXPECT_FALSE(reply.ok());
  EXPECT_GE(waited, absl::Milliseconds(150));
  EXPECT_LT(waited, absl::Seconds(1));

  ASSERT_TRUE(server->Resume().ok());
  EXPECT_TRUE(PingRedis(server->socket_path(), absl::Seconds(1)).ok());
}

TEST(RedisServerTest, StartUnresponsiveAcceptsButNeverAnswers) {
  absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::StartUnresponsive();
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string socket_path = (*server)->socket_path();
  const absl::Time start = absl::Now();
  EXPECT_EQ(PingRedis(socket_path, absl::Milliseconds(200)).code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));

  // Restart works on a paused server, and the destructor kills a paused one.
  ASSERT_TRUE((*server)->Restart().ok());
  EXPECT_TRUE(PingRedis(socket_path, absl::Seconds(1)).ok());
  ASSERT_TRUE((*server)->Pause().ok());
  const pid_t pid = (*server)->pid();
  server->reset();
  EXPECT_EQ(kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST(RedisServerTest, StartFailsLoudlyForAMissingBinary) {
  absl::StatusOr<std::unique_ptr<RedisServer>> server =
      RedisServer::Start({.binary = "kompas-no-such-redis-server"});
  EXPECT_EQ(server.status().code(), absl::StatusCode::kNotFound);
}

TEST(RedisServerTest, StartReportsAServerThatExitsDuringStartup) {
  absl::StatusOr<std::unique_ptr<RedisServer>> server =
      RedisServer::Start({.extra_args = {"--no-such-option", "1"}});
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(server.status().message(), HasSubstr("no-such-option"));
}

}  // namespace
}  // namespace kompas::testing
