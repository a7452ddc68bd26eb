// RedisCache under concurrency: many threads share a pool smaller than their number while
// Redis is killed, restarted, paused and resumed. Every answer must be right and every call
// bounded; under ThreadSanitizer (scripts/test --tsan) it must also be free of data races.
// Links only kompas_cache and the test support: no gRPC, whose Debian build TSan cannot see into.
#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "services/common/redis_cache.h"
#include "services/common/tests/redis_cache_test_util.h"
#include "tests/support/redis_server.h"

namespace kompas::testing {
namespace {

using google::protobuf::Int64Value;

constexpr absl::string_view kService = "testing";
constexpr absl::string_view kMethod = "Cube";
constexpr CacheOutcome kAllOutcomes[] = {
    CacheOutcome::kHit,     CacheOutcome::kMiss, CacheOutcome::kGarbage, CacheOutcome::kError,
    CacheOutcome::kTimeout, CacheOutcome::kDown, CacheOutcome::kBusy,    CacheOutcome::kDisabled};

std::int64_t Answer(std::int64_t x) { return x * x * x - 11; }

CacheKey KeyFor(std::int64_t x) {
  Int64Value request;
  request.set_value(x);
  return CacheKey::Of(kService, kMethod, "v1", "", request);
}

absl::StatusOr<Cached<Int64Value>> Cube(RedisCache& cache, std::int64_t x) {
  return cache.ReadThrough<Int64Value>(KeyFor(x), [x]() -> absl::StatusOr<Int64Value> {
    Int64Value answer;
    answer.set_value(Answer(x));
    return answer;
  });
}

RedisCacheOptions OptionsFor(const RedisServer& redis) {
  RedisCacheOptions options;
  options.url = redis.url();
  options.command_timeout = absl::Milliseconds(50);
  options.connect_timeout = absl::Milliseconds(200);
  options.pool_size = 3;  // fewer than the threads: some calls find the pool empty
  options.reconnect_initial_backoff = absl::Milliseconds(5);
  options.reconnect_max_backoff = absl::Milliseconds(50);
  return options;
}

TEST(RedisCacheConcurrencyTest, ManyThreadsThroughKillRestartPauseAndResume) {
  absl::StatusOr<std::unique_ptr<RedisServer>> started = RedisServer::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  RedisServer& redis = **started;
  const RedisCacheOptions options = OptionsFor(redis);
  absl::StatusOr<std::unique_ptr<RedisCache>> created = RedisCache::Create(options, nullptr);
  ASSERT_TRUE(created.ok()) << created.status();
  RedisCache& cache = **created;

  constexpr int kThreads = 8;
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> calls{0};
  std::atomic<std::int64_t> wrong{0};
  std::atomic<std::int64_t> hits{0};
  std::atomic<std::int64_t> slowest_us{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t));
      std::uniform_int_distribution<std::int64_t> pick(0, 31);
      while (!stop.load()) {
        const std::int64_t x = pick(rng);
        absl::StatusOr<Cached<Int64Value>> got;
        const absl::Duration took = TimeIt([&] { got = Cube(cache, x); });
        if (!got.ok() || got->value.value() != Answer(x)) ++wrong;
        if (got.ok() && got->from_cache) ++hits;
        std::int64_t us = absl::ToInt64Microseconds(took);
        std::int64_t seen = slowest_us.load();
        while (us > seen && !slowest_us.compare_exchange_weak(seen, us)) {
        }
        ++calls;
      }
    });
  }
  // Lets the threads make `n` more calls (progress, whatever state Redis is in).
  const auto more_calls = [&](std::int64_t n) {
    const std::int64_t target = calls.load() + n;
    return WaitUntil([&] { return calls.load() >= target; }, absl::Seconds(60));
  };
  // Lets the threads be answered `n` more times from Redis.
  const auto more_hits = [&](std::int64_t n) {
    const std::int64_t target = hits.load() + n;
    return WaitUntil([&] { return hits.load() >= target; }, absl::Seconds(60));
  };

  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(more_hits(100));
    ASSERT_TRUE(redis.Kill().ok());
    ASSERT_TRUE(WaitUntil([&] { return !cache.connected(); }, absl::Seconds(10)));
    ASSERT_TRUE(more_calls(300));
    ASSERT_TRUE(redis.Restart().ok());  // empty: hits resume once answers are stored again
    ASSERT_TRUE(WaitUntil([&] { return cache.connected(); }, absl::Seconds(10)));
    ASSERT_TRUE(more_hits(100));
    ASSERT_TRUE(redis.Pause().ok());
    // Calls holding a context wait out the command timeout; the others find the pool empty.
    ASSERT_TRUE(WaitUntil([&] { return !cache.connected(); }, absl::Seconds(10)));
    ASSERT_TRUE(more_calls(300));
    ASSERT_TRUE(redis.Resume().ok());
    ASSERT_TRUE(WaitUntil([&] { return cache.connected(); }, absl::Seconds(10)));
  }
  ASSERT_TRUE(more_hits(100));  // hits resume after the last reconnect
  stop = true;
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(wrong.load(), 0);
  // Each call waits on Redis for at most the command timeout; the margin is for TSan's
  // slowdown on a loaded two-core machine.
  const absl::Duration slowest = absl::Microseconds(slowest_us.load());
  EXPECT_LT(slowest, options.command_timeout + absl::Milliseconds(450));
  double counted = 0;
  for (CacheOutcome outcome : kAllOutcomes) {
    counted += cache.RequestCount(kService, kMethod, outcome);
    std::printf("%s=%.0f ", std::string(CacheOutcomeName(outcome)).c_str(),
                cache.RequestCount(kService, kMethod, outcome));
  }
  std::printf("\ncalls=%lld slowest=%s\n", static_cast<long long>(calls.load()),
              absl::FormatDuration(slowest).c_str());
  EXPECT_EQ(counted, static_cast<double>(calls.load())) << "one outcome per call";
  EXPECT_GT(cache.RequestCount(kService, kMethod, CacheOutcome::kDown), 0);
  EXPECT_GT(cache.RequestCount(kService, kMethod, CacheOutcome::kTimeout), 0);

  const RedisCache::PoolStats pool = cache.pool_stats();
  EXPECT_TRUE(pool.connected);
  EXPECT_EQ(pool.in_use, 0);
  EXPECT_EQ(pool.idle, options.pool_size);
  EXPECT_GE(pool.generation, 7u);  // the first connect and two per round
}

TEST(RedisCacheConcurrencyTest, DestroyedWhileReconnectingAndWhileCallsRun) {
  absl::StatusOr<std::unique_ptr<RedisServer>> started = RedisServer::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  RedisServer& redis = **started;
  ASSERT_TRUE(redis.Pause().ok());  // every reconnect attempt now waits on its PING
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<std::unique_ptr<RedisCache>> created =
        RedisCache::Create(OptionsFor(redis), nullptr);
    ASSERT_TRUE(created.ok()) << created.status();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&cache = **created, t] {
        for (int n = 0; n < 50; ++n) EXPECT_EQ(Cube(cache, t)->value.value(), Answer(t));
      });
    }
    for (std::thread& t : threads) t.join();
    created->reset();  // joins a reconnect thread that may be mid-attempt
  }
}

}  // namespace
}  // namespace kompas::testing
