// Helpers shared by the RedisCache tests: a direct hiredis connection to poke at the test's
// Redis (plant garbage, read TTLs and server stats), polling, and timing. gRPC-free.
#ifndef KOMPAS_SERVICES_COMMON_TESTS_REDIS_CACHE_TEST_UTIL_H_
#define KOMPAS_SERVICES_COMMON_TESTS_REDIS_CACHE_TEST_UTIL_H_

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace kompas::testing {

// Polls `condition` every millisecond until it holds (true) or `timeout` passes (false).
inline bool WaitUntil(const std::function<bool()>& condition, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!condition()) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

// Wall time taken by `f`, on the steady clock.
template <class F>
absl::Duration TimeIt(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return absl::FromChrono(std::chrono::steady_clock::now() - start);
}

// One blocking hiredis connection to a unix socket, for the test's own commands.
class RedisTestClient {
 public:
  static absl::StatusOr<std::unique_ptr<RedisTestClient>> Connect(const std::string& socket_path) {
    redisContext* c = redisConnectUnixWithTimeout(socket_path.c_str(), timeval{5, 0});
    if (c == nullptr || c->err != 0) {
      std::string error = c == nullptr ? "allocation failed" : c->errstr;
      if (c != nullptr) redisFree(c);
      return absl::UnavailableError(absl::StrCat("connect to ", socket_path, ": ", error));
    }
    redisSetTimeout(c, timeval{5, 0});
    return std::unique_ptr<RedisTestClient>(new RedisTestClient(c));
  }
  RedisTestClient(const RedisTestClient&) = delete;
  RedisTestClient& operator=(const RedisTestClient&) = delete;
  ~RedisTestClient() { redisFree(context_); }

  // The reply as text: strings, status and error replies as they are, integers in decimal,
  // nil as "(nil)".
  absl::StatusOr<std::string> Command(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const std::string& a : args) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    if (reply == nullptr) return absl::UnavailableError(context_->errstr);
    std::string text;
    switch (reply->type) {
      case REDIS_REPLY_INTEGER:
        text = absl::StrCat(reply->integer);
        break;
      case REDIS_REPLY_NIL:
        text = "(nil)";
        break;
      default:
        if (reply->str != nullptr) text.assign(reply->str, reply->len);
    }
    freeReplyObject(reply);
    return text;
  }

  // A field of INFO, e.g. "total_connections_received"; -1 if absent.
  std::int64_t InfoField(absl::string_view field) {
    absl::StatusOr<std::string> info = Command({"INFO", "all"});
    if (!info.ok()) return -1;
    const std::string needle = absl::StrCat(field, ":");
    const std::size_t at = info->find(needle);
    if (at == std::string::npos) return -1;
    const std::size_t end = info->find("\r\n", at);
    std::int64_t value = -1;
    if (!absl::SimpleAtoi(info->substr(at + needle.size(), end - at - needle.size()), &value)) {
      return -1;
    }
    return value;
  }

 private:
  explicit RedisTestClient(redisContext* c) : context_(c) {}
  redisContext* context_;
};

}  // namespace kompas::testing

#endif  // KOMPAS_SERVICES_COMMON_TESTS_REDIS_CACHE_TEST_UTIL_H_
