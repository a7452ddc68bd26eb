// RedisCache against a real redis-server (tests/support/redis_server.h): hits, misses,
// garbage, tenant separation, and the fail-open paths (Redis killed, restarted, paused, busy).
// gRPC-free, so it also runs under ThreadSanitizer.
#include "services/common/redis_cache.h"

#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/tests/redis_cache_test_util.h"
#include "tests/support/redis_server.h"

namespace kompas::testing {
namespace {

using google::protobuf::Int64Value;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

constexpr absl::string_view kService = "testing";
constexpr absl::string_view kMethod = "Square";

// The answer the tests cache: x² + 7 (+ 1000 per tenant, so tenants differ).
std::int64_t Answer(std::int64_t x, absl::string_view tenant = "") {
  return x * x + 7 + (tenant.empty() ? 0 : 1000 * static_cast<std::int64_t>(tenant.size()));
}

CacheKey KeyFor(std::int64_t x, absl::string_view tenant = "") {
  Int64Value request;
  request.set_value(x);
  return CacheKey::Of(kService, kMethod, "v1", tenant, request);
}

// ---------------------------------------------------------------------------------------------
// Keys, URLs and value framing (no Redis needed)

TEST(CacheKeyTest, EqualInputsGiveEqualKeysAndEveryPartCounts) {
  Int64Value a;
  a.set_value(42);
  Int64Value b;
  b.set_value(43);
  const std::string base = CacheKey::Of("budget", "Net", "2025.1", "gm0014", a).redis_key();
  EXPECT_EQ(CacheKey::Of("budget", "Net", "2025.1", "gm0014", a).redis_key(), base);
  EXPECT_NE(CacheKey::Of("catalog", "Net", "2025.1", "gm0014", a).redis_key(), base);
  EXPECT_NE(CacheKey::Of("budget", "Gross", "2025.1", "gm0014", a).redis_key(), base);
  EXPECT_NE(CacheKey::Of("budget", "Net", "2025.2", "gm0014", a).redis_key(), base);
  EXPECT_NE(CacheKey::Of("budget", "Net", "2025.1", "gm0935", a).redis_key(), base);
  EXPECT_NE(CacheKey::Of("budget", "Net", "2025.1", "", a).redis_key(), base);
  EXPECT_NE(CacheKey::Of("budget", "Net", "2025.1", "gm0014", b).redis_key(), base);
}

TEST(CacheKeyTest, ReadablePrefixThenAHashThatHidesTheTenantPart) {
  const CacheKey key = KeyFor(3, "gm0014-budget-standard");
  EXPECT_THAT(key.redis_key(), MatchesRegex("kompas:testing:Square:v1:[0-9a-f]{64}"));
  EXPECT_THAT(key.redis_key(), Not(HasSubstr("gm0014")));
  EXPECT_EQ(key.service(), "testing");
  EXPECT_EQ(key.method(), "Square");
}

TEST(CacheKeyTest, ShiftingBytesBetweenPartsGivesADifferentKey) {
  // Were the parts simply joined, these would collide.
  EXPECT_NE(CacheKey::OfBytes("s", "m", "v", "ab", "c").redis_key(),
            CacheKey::OfBytes("s", "m", "v", "a", "bc").redis_key());
  EXPECT_NE(CacheKey::OfBytes("s", "m", "v:1", "t", "r").redis_key(),
            CacheKey::OfBytes("s", "m", "v", "1:t", "r").redis_key());
}

TEST(CacheKeyTest, MapsSerializeDeterministically) {
  google::protobuf::Struct forward;
  google::protobuf::Struct backward;
  for (int i = 0; i < 50; ++i) {
    (*forward.mutable_fields())[absl::StrCat("k", i)].set_number_value(i);
    (*backward.mutable_fields())[absl::StrCat("k", 49 - i)].set_number_value(49 - i);
  }
  EXPECT_EQ(CacheKey::Of("s", "m", "v", "", forward).redis_key(),
            CacheKey::Of("s", "m", "v", "", backward).redis_key());
}

TEST(ParseRedisUrlTest, AcceptsUnixAndTcp) {
  absl::StatusOr<RedisAddress> unix_address = ParseRedisUrl("unix:///run/redis/redis.sock");
  ASSERT_TRUE(unix_address.ok()) << unix_address.status();
  EXPECT_EQ(unix_address->unix_path, "/run/redis/redis.sock");
  absl::StatusOr<RedisAddress> tcp = ParseRedisUrl("tcp://redis.kompas.svc:6379");
  ASSERT_TRUE(tcp.ok()) << tcp.status();
  EXPECT_EQ(tcp->host, "redis.kompas.svc");
  EXPECT_EQ(tcp->port, 6379);
  absl::StatusOr<RedisAddress> v6 = ParseRedisUrl("tcp://[::1]:6380");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 6380);
}

TEST(ParseRedisUrlTest, RejectsAnythingElseSayingWhatIsExpected) {
  for (const char* url : {"redis://localhost:6379", "localhost:6379", "unix://relative.sock",
                          "unix://", "tcp://localhost", "tcp://:6379", "tcp://host:0",
                          "tcp://host:65536", "tcp://host:port", "tcp://[::1", "tcp://[::1]6379"}) {
    absl::StatusOr<RedisAddress> parsed = ParseRedisUrl(url);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_THAT(parsed.status().message(), HasSubstr("unix:///path/to/redis.sock")) << url;
  }
  EXPECT_FALSE(ParseRedisUrl(absl::StrCat("unix:///", std::string(200, 'x'))).ok());
}

TEST(CacheValueTest, RoundTripsAndRejectsEveryCorruption) {
  const std::string key = KeyFor(1).redis_key();
  const std::string payload = "\x08\x2a answer";
  const std::string value = EncodeCacheValue(key, payload);
  ASSERT_EQ(DecodeCacheValue(key, value), absl::string_view(payload));
  ASSERT_EQ(DecodeCacheValue(key, EncodeCacheValue(key, "")), absl::string_view());

  for (std::size_t i = 0; i < value.size(); ++i) {
    std::string flipped = value;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
    EXPECT_EQ(DecodeCacheValue(key, flipped), std::nullopt) << "byte " << i;
  }
  for (std::size_t n = 0; n < value.size(); ++n) {
    EXPECT_EQ(DecodeCacheValue(key, value.substr(0, n)), std::nullopt) << "length " << n;
  }
  EXPECT_EQ(DecodeCacheValue(key, value + "x"), std::nullopt);
  EXPECT_EQ(DecodeCacheValue(KeyFor(2).redis_key(), value), std::nullopt) << "other key";
  EXPECT_EQ(DecodeCacheValue(key, "garbage"), std::nullopt);
}

TEST(RedisCacheOptionsTest, MisconfigurationIsRejectedAtCreation) {
  const auto code = [](RedisCacheOptions options) {
    return RedisCache::Create(std::move(options), nullptr).status().code();
  };
  RedisCacheOptions options;
  options.url = "redis://x:1";
  EXPECT_EQ(code(options), absl::StatusCode::kInvalidArgument);
  options = {};
  options.command_timeout = absl::ZeroDuration();
  EXPECT_EQ(code(options), absl::StatusCode::kInvalidArgument);
  options = {};
  options.pool_size = 0;
  EXPECT_EQ(code(options), absl::StatusCode::kInvalidArgument);
  options = {};
  options.ttl = absl::Microseconds(10);
  EXPECT_EQ(code(options), absl::StatusCode::kInvalidArgument);
  options = {};
  options.reconnect_max_backoff = absl::Milliseconds(1);
  EXPECT_EQ(code(options), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(RedisCacheOptions{}), absl::StatusCode::kOk);  // disabled, but valid
}

// ---------------------------------------------------------------------------------------------
// Against a real Redis

class RedisCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<RedisServer>> redis = RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
  }

  RedisCacheOptions Options() const {
    RedisCacheOptions options;
    options.url = redis_->url();
    options.command_timeout = absl::Milliseconds(50);
    options.connect_timeout = absl::Milliseconds(200);
    options.ttl = absl::Minutes(5);
    options.pool_size = 4;
    options.reconnect_initial_backoff = absl::Milliseconds(10);
    options.reconnect_max_backoff = absl::Milliseconds(100);
    return options;
  }

  std::unique_ptr<RedisCache> MakeCache(RedisCacheOptions options) {
    absl::StatusOr<std::unique_ptr<RedisCache>> cache =
        RedisCache::Create(std::move(options), nullptr);
    EXPECT_TRUE(cache.ok()) << cache.status();
    return cache.ok() ? *std::move(cache) : nullptr;
  }

  // Reads x² + 7 through the cache; counts the computations in computed_.
  absl::StatusOr<Cached<Int64Value>> Square(RedisCache& cache, std::int64_t x,
                                            absl::string_view tenant = "") {
    return cache.ReadThrough<Int64Value>(KeyFor(x, tenant), [&]() -> absl::StatusOr<Int64Value> {
      ++computed_;
      Int64Value answer;
      answer.set_value(Answer(x, tenant));
      return answer;
    });
  }

  // A call that must answer correctly; returns whether it was a hit.
  bool CheckedSquare(RedisCache& cache, std::int64_t x, absl::string_view tenant = "") {
    absl::StatusOr<Cached<Int64Value>> got = Square(cache, x, tenant);
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok()) return false;
    EXPECT_EQ(got->value.value(), Answer(x, tenant)) << "x=" << x << " tenant=" << tenant;
    return got->from_cache;
  }

  double Requests(const RedisCache& cache, CacheOutcome outcome) const {
    return cache.RequestCount(kService, kMethod, outcome);
  }
  double Stores(const RedisCache& cache, StoreOutcome outcome) const {
    return cache.StoreCount(kService, kMethod, outcome);
  }

  std::unique_ptr<RedisTestClient> Client() {
    absl::StatusOr<std::unique_ptr<RedisTestClient>> client =
        RedisTestClient::Connect(redis_->socket_path());
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  std::unique_ptr<RedisServer> redis_;
  std::atomic<int> computed_{0};
};

TEST_F(RedisCacheTest, DisabledCacheComputesEveryTime) {
  RedisCacheOptions options;  // no url
  std::unique_ptr<RedisCache> cache = MakeCache(options);
  ASSERT_NE(cache, nullptr);
  EXPECT_FALSE(cache->enabled());
  EXPECT_FALSE(CheckedSquare(*cache, 5));
  EXPECT_FALSE(CheckedSquare(*cache, 5));
  EXPECT_EQ(computed_, 2);
  EXPECT_EQ(Requests(*cache, CacheOutcome::kDisabled), 2);
}

TEST_F(RedisCacheTest, SecondCallIsServedFromRedis) {
  std::unique_ptr<RedisCache> cache = MakeCache(Options());
  ASSERT_NE(cache, nullptr);
  ASSERT_TRUE(cache->connected());  // Create connected before returning
  EXPECT_FALSE(CheckedSquare(*cache, 12));
  EXPECT_TRUE(CheckedSquare(*cache, 12));
  EXPECT_EQ(computed_, 1);
  EXPECT_EQ(Requests(*cache, CacheOutcome::kMiss), 1);
  EXPECT_EQ(Requests(*cache, CacheOutcome::kHit), 1);
  EXPECT_EQ(Stores(*cache, StoreOutcome::kStored), 1);

  // Stored framed, with the TTL.
  std::unique_ptr<RedisTestClient> client = Client();
  ASSERT_NE(client, nullptr);
  absl::StatusOr<std::string> raw = client->Command({"GET", KeyFor(12).redis_key()});
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_THAT(*raw, StartsWith("KMPC"));
  absl::StatusOr<std::string> pttl = client->Command({"PTTL", KeyFor(12).redis_key()});
  ASSERT_TRUE(pttl.ok()) << pttl.status();
  std::int64_t ms = 0;
  ASSERT_TRUE(absl::SimpleAtoi(*pttl, &ms)) << *pttl;
  EXPECT_GT(ms, 0);
  EXPECT_LE(ms, absl::ToInt64Milliseconds(absl::Minutes(5)));
}

TEST_F(RedisCacheTest, FillParsesIntoTheResponseInPlace) {
  std::unique_ptr<RedisCache> cache = MakeCache(Options());
  ASSERT_NE(cache, nullptr);
  for (bool want_hit : {false, true}) {
    Int64Value response;
    response.set_value(-1);  // stale content must not leak into the answer
    absl::StatusOr<bool> hit = cache->Fill(KeyFor(9), response, [&] {
      ++computed_;
      response.set_value(Answer(9));
      return absl::OkStatus();
    });
    ASSERT_TRUE(hit.ok()) << hit.status();
    EXPECT_EQ(*hit, want_hit);
    EXPECT_EQ(response.value(), Answer(9));
  }
  EXPECT_EQ(computed_, 1);
}

TEST_F(RedisCacheTest, ErrorsAreReturnedAndNeverCached) {
  std::unique_ptr<RedisCache> cache = MakeCache(Options());
  ASSERT_NE(cache, nullptr);
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<Cached<Int64Value>> got =
        cache->ReadThrough<Int64Value>(KeyFor(4), [&]() -> absl::StatusOr<Int64Value> {
          ++computed_;
          return absl::NotFoundError("no such occupation");
        });
    EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(got.status().message(), "no such occupation");
  }
  EXPECT_EQ(computed_, 2);
  EXPECT_EQ(Stores(*cache, StoreOutcome::kStored), 0);
  std::unique_ptr<RedisTestClient> client = Client();
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(*client->Command({"EXISTS", KeyFor(4).redis_key()}), "0");
}

TEST_F(RedisCacheTest, TenantPartSeparatesAnswers) {
  std::unique_ptr<RedisCache> cache = MakeCache(Options());
  ASSERT_NE(cache, nullptr);
  EXPECT_FALSE(CheckedSquare(*cache, 7, "gm0014"));
  EXPECT_FALSE(CheckedSquare(*cache, 7, "gm0935x"));  // not served gm0014's answer
  EXPECT_FALSE(CheckedSquare(*cache, 7));
  EXPECT_TRUE(CheckedSquare(*cache, 7, "gm0014"));
  EXPECT_TRUE(CheckedSquare(*cache, 7, "gm0935x"));
  EXPECT_TRUE(CheckedSquare(*cache, 7));
  EXPECT_EQ(computed_, 3);
}

TEST_F(RedisCacheTest, GarbageIsAMissCountedAndOverwritten) {
  std::unique_ptr<RedisCache> cache = MakeCache(Options());
  ASSERT_NE(cache, nullptr);
  std::unique_ptr<RedisTestClient> client = Client();
  ASSERT_NE(client, nullptr);

  Int64Value other_answer;
  other_answer.set_value(666);
  const std::string valid_for_33 = EncodeCacheValue(KeyFor(33).redis_key(), "\x08\x01");
  const std::vector<std::pair<std::int64_t, std::string>> planted = {
      {31, "not a cache value at all"},
      {32, std::string("KMPC\x01\0\0\0", 8)},                 // header only
      {33, valid_for_33.substr(0, valid_for_33.size() - 1)},  // truncated
      {34, EncodeCacheValue(KeyFor(99).redis_key(), other_answer.SerializeAsString())},  // moved
      {35, EncodeCacheValue(KeyFor(35).redis_key(), "\xff\xff\xff")},  // framed, not a message
  };
  for (const auto& [x, value] : planted) {
    ASSERT_EQ(*client->Command({"SET", KeyFor(x).redis_key(), value}), "OK");
    EXPECT_FALSE(CheckedSquare(*cache, x)) << x;
    EXPECT_TRUE(CheckedSquare(*cache, x)) << x << ": the garbage was overwritten";
  }
  EXPECT_EQ(Requests(*cache, CacheOutcome::kGarbage), static_cast<double>(planted.size()));
  EXPECT_EQ(Requests(*cache, CacheOutcome::kHit), static_cast<double>(planted.size()));
  EXPECT_EQ(computed_, static_cast<int>(planted.size()));
  EXPECT_TRUE(cache->connected());  // garbage is not a reason to drop the connection
}

TEST_F(RedisCacheTest, WrongTypeUnderTheKeyIsAnErrorAnsweredCorrectly) {
  std::unique_ptr<RedisCache> cache = MakeCache(Options());
  ASSERT_NE(cache, nullptr);
  std::unique_ptr<RedisTestClient> client = Client();
  ASSERT_NE(client, nullptr);
  ASSERT_EQ(*client->Command({"LPUSH", KeyFor(8).redis_key(), "x"}), "1");
  EXPECT_FALSE(CheckedSquare(*cache, 8));  // GET answers WRONGTYPE
  EXPECT_EQ(Requests(*cache, CacheOutcome::kError), 1);
  EXPECT_TRUE(cache->connected());
  EXPECT_TRUE(CheckedSquare(*cache, 8));  // SET replaced the list
}

TEST_F(RedisCacheTest, AnswersLargerThanTheLimitAreNotStored) {
  RedisCacheOptions options = Options();
  options.max_value_bytes = 4;
  std::unique_ptr<RedisCache> cache = MakeCache(options);
  ASSERT_NE(cache, nullptr);
  EXPECT_FALSE(CheckedSquare(*cache, 1000000));  // 10^12 + 7 takes 6 bytes as a varint
  EXPECT_FALSE(CheckedSquare(*cache, 1000000));
  EXPECT_EQ(Stores(*cache, StoreOutcome::kTooLarge), 2);
  EXPECT_FALSE(CheckedSquare(*cache, 0));  // small answers are stored
  EXPECT_TRUE(CheckedSquare(*cache, 0));
}

TEST_F(RedisCacheTest, RedisKilledCallsStayCorrectAndPromptThenHitsResumeAfterRestart) {
  std::unique_ptr<RedisCache> cache = MakeCache(Options());
  ASSERT_NE(cache, nullptr);
  CheckedSquare(*cache, 2);
  ASSERT_TRUE(CheckedSquare(*cache, 2));

  ASSERT_TRUE(redis_->Kill().ok());
  absl::Duration slowest;
  for (int i = 0; i < 50; ++i) {
    const absl::Duration took = TimeIt([&] { EXPECT_FALSE(CheckedSquare(*cache, i % 5)); });
    slowest = std::max(slowest, took);
  }
  EXPECT_LT(slowest, absl::Milliseconds(200));
  std::printf("Redis killed: slowest of 50 calls %s\n", absl::FormatDuration(slowest).c_str());
  EXPECT_FALSE(cache->connected());
  // The first call found the connection closed; the others skipped Redis.
  EXPECT_EQ(Requests(*cache, CacheOutcome::kError), 1);
  EXPECT_EQ(Requests(*cache, CacheOutcome::kDown), 49);
  EXPECT_TRUE(WaitUntil([&] { return cache->ReconnectCount(false) >= 1; }, absl::Seconds(5)));

  ASSERT_TRUE(redis_->Restart().ok());
  ASSERT_TRUE(WaitUntil([&] { return cache->connected(); }, absl::Seconds(5)));
  EXPECT_FALSE(CheckedSquare(*cache, 2));  // a fresh Redis is empty
  EXPECT_TRUE(CheckedSquare(*cache, 2));
}

TEST_F(RedisCacheTest, OnlyTheBackgroundThreadConnectsWhileManyCallsRun) {
  RedisCacheOptions options = Options();
  std::unique_ptr<RedisCache> cache = MakeCache(options);
  ASSERT_NE(cache, nullptr);
  ASSERT_TRUE(redis_->Kill().ok());

  std::atomic<bool> stop{false};
  std::atomic<int> calls{0};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (std::int64_t i = t; !stop.load(); i = (i + 1) % 20) {
        absl::StatusOr<Cached<Int64Value>> got = Square(*cache, i);
        if (!got.ok() || got->value.value() != Answer(i)) ++wrong;
        ++calls;
      }
    });
  }
  ASSERT_TRUE(WaitUntil([&] { return calls.load() > 2000; }, absl::Seconds(20)));
  ASSERT_TRUE(redis_->Restart().ok());
  const bool reconnected = WaitUntil([&] { return cache->connected(); }, absl::Seconds(5));
  // Let the calls use the new pool for a while.
  const bool hits =
      WaitUntil([&] { return Requests(*cache, CacheOutcome::kHit) >= 200; }, absl::Seconds(20));
  stop = true;
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(reconnected);
  EXPECT_TRUE(hits);
  EXPECT_EQ(wrong, 0);

  // Connections the restarted Redis saw: RedisServer's start-up PING, the one pool of
  // `pool_size` (perhaps one failed round before it), and this client. Thousands of calls
  // connected none.
  std::unique_ptr<RedisTestClient> client = Client();
  ASSERT_NE(client, nullptr);
  const std::int64_t connections = client->InfoField("total_connections_received");
  EXPECT_GE(connections, options.pool_size + 1);
  EXPECT_LE(connections, 2 * options.pool_size + 2);
}

TEST_F(RedisCacheTest, ReconnectAttemptsBackOff) {
  std::unique_ptr<RedisCache> cache = MakeCache(Options());  // backoff 10ms doubling to 100ms
  ASSERT_NE(cache, nullptr);
  ASSERT_TRUE(redis_->Kill().ok());
  CheckedSquare(*cache, 1);  // notices
  ASSERT_FALSE(cache->connected());
  const double before = cache->ReconnectCount(false);
  absl::SleepFor(absl::Seconds(1));  // a measurement window, not a wait for a condition
  const double attempts = cache->ReconnectCount(false) - before;
  // Waits are uniform in [b/2, b] with b = 10, 20, 40, 80, 100, 100, ... ms: at most
  // 4 + 1000/50 = 24 attempts in a second; a loop without backoff would make thousands.
  EXPECT_GE(attempts, 5);
  EXPECT_LE(attempts, 24);
}

// These use a longer command timeout, so that "waited for it" and "skipped Redis" stay far
// apart even on a loaded machine.
TEST_F(RedisCacheTest, UnresponsiveRedisCostsOneCommandTimeoutThenIsSkipped) {
  RedisCacheOptions options = Options();
  options.command_timeout = absl::Milliseconds(200);
  std::unique_ptr<RedisCache> cache = MakeCache(options);
  ASSERT_NE(cache, nullptr);
  CheckedSquare(*cache, 3);
  ASSERT_TRUE(CheckedSquare(*cache, 3));

  ASSERT_TRUE(redis_->Pause().ok());  // accepts, never answers
  const absl::Duration first = TimeIt([&] { EXPECT_FALSE(CheckedSquare(*cache, 3)); });
  EXPECT_GE(first, options.command_timeout);
  EXPECT_LT(first, options.command_timeout + absl::Milliseconds(150));
  EXPECT_EQ(Requests(*cache, CacheOutcome::kTimeout), 1);
  EXPECT_FALSE(cache->connected());
  absl::Duration slowest;
  for (int i = 0; i < 20; ++i) {
    slowest = std::max(slowest, TimeIt([&] { EXPECT_FALSE(CheckedSquare(*cache, 3)); }));
  }
  EXPECT_LT(slowest, absl::Milliseconds(100));  // microseconds, in fact
  EXPECT_EQ(Requests(*cache, CacheOutcome::kDown), 20);
  std::printf("Redis paused: first call %s, slowest of the next 20 %s\n",
              absl::FormatDuration(first).c_str(), absl::FormatDuration(slowest).c_str());
  // The reconnect thread connects (the kernel accepts) but PING times out.
  EXPECT_TRUE(WaitUntil([&] { return cache->ReconnectCount(false) >= 2; }, absl::Seconds(5)));
  EXPECT_FALSE(cache->connected());

  ASSERT_TRUE(redis_->Resume().ok());
  ASSERT_TRUE(WaitUntil([&] { return cache->connected(); }, absl::Seconds(5)));
  EXPECT_TRUE(CheckedSquare(*cache, 3));  // the data survived the pause
}

TEST_F(RedisCacheTest, StartsAgainstAnUnresponsiveRedisWithoutHanging) {
  ASSERT_TRUE(redis_->Pause().ok());
  RedisCacheOptions options = Options();
  options.command_timeout = absl::Milliseconds(200);
  std::unique_ptr<RedisCache> cache;
  const absl::Duration created = TimeIt([&] { cache = MakeCache(options); });
  ASSERT_NE(cache, nullptr);
  EXPECT_LT(created, options.connect_timeout + options.command_timeout + absl::Milliseconds(150));
  EXPECT_FALSE(cache->connected());
  absl::Duration slowest;
  for (int i = 0; i < 10; ++i) {
    slowest = std::max(slowest, TimeIt([&] { EXPECT_FALSE(CheckedSquare(*cache, 6)); }));
  }
  EXPECT_LT(slowest, absl::Milliseconds(100));
  ASSERT_TRUE(redis_->Resume().ok());
  ASSERT_TRUE(WaitUntil([&] { return cache->connected(); }, absl::Seconds(5)));
  EXPECT_FALSE(CheckedSquare(*cache, 6));
  EXPECT_TRUE(CheckedSquare(*cache, 6));
}

TEST_F(RedisCacheTest, StartsWhileRedisIsDownAndConnectsWhenItComes) {
  ASSERT_TRUE(redis_->Kill().ok());
  std::unique_ptr<RedisCache> cache = MakeCache(Options());
  ASSERT_NE(cache, nullptr);
  EXPECT_FALSE(cache->connected());
  EXPECT_FALSE(CheckedSquare(*cache, 10));
  EXPECT_EQ(Requests(*cache, CacheOutcome::kDown), 1);
  ASSERT_TRUE(redis_->Restart().ok());
  ASSERT_TRUE(WaitUntil([&] { return cache->connected(); }, absl::Seconds(5)));
  EXPECT_FALSE(CheckedSquare(*cache, 10));
  EXPECT_TRUE(CheckedSquare(*cache, 10));
}

TEST_F(RedisCacheTest, NoFreeConnectionSkipsTheCacheInsteadOfWaiting) {
  RedisCacheOptions options = Options();
  options.pool_size = 1;
  options.command_timeout = absl::Seconds(10);  // the blocked call holds the only context
  std::unique_ptr<RedisCache> cache = MakeCache(options);
  ASSERT_NE(cache, nullptr);
  ASSERT_TRUE(redis_->Pause().ok());
  std::thread blocked([&] { CheckedSquare(*cache, 20); });
  ASSERT_TRUE(WaitUntil([&] { return cache->pool_stats().in_use == 1; }, absl::Seconds(5)));

  const absl::Duration took = TimeIt([&] { EXPECT_FALSE(CheckedSquare(*cache, 21)); });
  EXPECT_LT(took, absl::Milliseconds(100));  // not the 10 s the blocked call may take
  EXPECT_EQ(Requests(*cache, CacheOutcome::kBusy), 1);

  ASSERT_TRUE(redis_->Resume().ok());  // the blocked GET is answered (a miss)
  blocked.join();
  EXPECT_EQ(Requests(*cache, CacheOutcome::kMiss), 1);
  EXPECT_TRUE(cache->connected());
  EXPECT_EQ(cache->pool_stats().idle, 1);
}

TEST_F(RedisCacheTest, StateChangesAreReported) {
  std::mutex mu;
  std::vector<std::string> events;
  RedisCacheOptions options = Options();
  options.on_event = [&](absl::string_view event, absl::string_view detail) {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back(absl::StrCat(event, detail.empty() ? "" : ": ", detail));
  };
  std::unique_ptr<RedisCache> cache = MakeCache(options);
  ASSERT_NE(cache, nullptr);
  ASSERT_TRUE(redis_->Kill().ok());
  CheckedSquare(*cache, 1);
  ASSERT_TRUE(redis_->Restart().ok());
  ASSERT_TRUE(WaitUntil([&] { return cache->connected(); }, absl::Seconds(5)));
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(events.size(), 3u) << ::testing::PrintToString(events);
  EXPECT_EQ(events[0], "redis_up");
  EXPECT_THAT(events[1], StartsWith("redis_down: "));
  EXPECT_EQ(events[2], "redis_up");
}

}  // namespace
}  // namespace kompas::testing
