// A read-through cache in Redis (hiredis) for answers that are pure functions of
// (service, method, data/rule version, tenant-dependent inputs, request).
//
//   const CacheKey key = CacheKey::Of("budget", "CalculateIncome", rules.version(),
//                                     tenant_budget_standard_id, *request);
//   absl::StatusOr<Cached<CalculateIncomeResponse>> answer =
//       cache.ReadThrough<CalculateIncomeResponse>(key, [&] { return Calculate(*request); });
//
// Fail-open: Redis missing, down, slow, full or answering garbage never changes an answer;
// the call computes it and the outcome is counted in
//   kompas_cache_requests_total{service,method,result}
//     result = hit | miss | garbage | error | timeout | down | busy | disabled
//   kompas_cache_stores_total{service,method,result}
//     result = stored | error | timeout | skipped | too_large
//   kompas_cache_connected                  1 while the pool is connected
//   kompas_cache_reconnects_total{result}   result = ok | failed (background attempts)
//
// Time: all Redis I/O of one ReadThrough (the GET and, on a miss, the SET) together waits at
// most `command_timeout`; sockets are non-blocking and every wait is a poll with the
// remaining budget. A timeout or I/O error marks the cache down: from then on calls skip
// Redis at once (result `down`) while ONE background thread reconnects the whole pool with
// jittered exponential backoff. No call ever connects. Contexts live in a small pool; a call
// that finds none free skips the cache (result `busy`) instead of waiting.
//
// Errors (non-OK results of `compute`) are never cached. Values carry a header (magic,
// format version, length, and a BLAKE2b digest over the key and the payload), so bytes that
// are not ours, truncated, or stored under another key read as `garbage`, a miss.
//
// Thread-safe. Free of gRPC (it links hiredis, libsodium, protobuf and prometheus-cpp core
// only), so ThreadSanitizer tests can exercise it.
#ifndef KOMPAS_SERVICES_COMMON_REDIS_CACHE_H_
#define KOMPAS_SERVICES_COMMON_REDIS_CACHE_H_

#include <google/protobuf/message_lite.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

struct redisContext;

namespace prometheus {
class Counter;
class Gauge;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace kompas {

struct RedisCacheOptions {
  // "unix:///path/to/redis.sock" or "tcp://host:port" ("tcp://[::1]:6379" for IPv6).
  // Empty: the cache is disabled and every call computes.
  std::string url;
  // Per connection attempt; connects happen only on the background thread.
  absl::Duration connect_timeout = absl::Milliseconds(200);
  // The longest one ReadThrough waits on Redis in total (GET, and SET after a miss).
  absl::Duration command_timeout = absl::Milliseconds(50);
  // Expiry of stored answers (SET ... PX).
  absl::Duration ttl = absl::Minutes(10);
  // Connections kept open; a call finding none free skips the cache.
  int pool_size = 8;
  // Larger answers are not stored.
  std::size_t max_value_bytes = 1024 * 1024;
  // Reconnect backoff while Redis is down: each wait is uniform in [b/2, b], b doubling from
  // the initial value up to the maximum.
  absl::Duration reconnect_initial_backoff = absl::Milliseconds(100);
  absl::Duration reconnect_max_backoff = absl::Seconds(5);
  // Told about state changes: ("redis_up", "") and ("redis_down", reason). Called from the
  // thread that noticed, outside the cache's locks; must not call back into the cache.
  std::function<void(absl::string_view event, absl::string_view detail)> on_event;
};

// Where a unix:// or tcp:// URL points.
struct RedisAddress {
  std::string unix_path;  // set for unix://
  std::string host;       // set for tcp://
  int port = 0;
};
// INVALID_ARGUMENT naming the expected forms for anything else.
absl::StatusOr<RedisAddress> ParseRedisUrl(absl::string_view url);

// The Redis key of one cached answer:
//   kompas:<service>:<method>:<version>:<64 hex digits>
// The hex digits are BLAKE2b-256 over the length-prefixed service, method, version,
// tenant part and request bytes, so two keys are equal only if all five are. The tenant part
// is whatever in the answer differs per organisation (its budget standard, municipal rules);
// pass "" when the answer is the same for every organisation. It never appears in clear.
class CacheKey {
 public:
  // `request` is serialized deterministically (map entries sorted).
  static CacheKey Of(absl::string_view service, absl::string_view method, absl::string_view version,
                     absl::string_view tenant_part, const google::protobuf::MessageLite& request);
  static CacheKey OfBytes(absl::string_view service, absl::string_view method,
                          absl::string_view version, absl::string_view tenant_part,
                          absl::string_view request_bytes);

  const std::string& redis_key() const { return redis_key_; }
  const std::string& service() const { return service_; }
  const std::string& method() const { return method_; }

 private:
  CacheKey(std::string service, std::string method, std::string redis_key)
      : service_(std::move(service)),
        method_(std::move(method)),
        redis_key_(std::move(redis_key)) {}

  std::string service_;
  std::string method_;
  std::string redis_key_;
};

enum class CacheOutcome : std::uint8_t {
  kHit,       // answered from Redis
  kMiss,      // not in Redis: computed (and stored)
  kGarbage,   // a value that is not a valid answer for this key: computed (and overwritten)
  kError,     // Redis answered an error or the connection failed: computed
  kTimeout,   // Redis did not answer within the budget: computed, cache marked down
  kDown,      // cache down (reconnecting in the background): Redis skipped, computed
  kBusy,      // no free connection in the pool: Redis skipped, computed
  kDisabled,  // no Redis configured: computed
};
absl::string_view CacheOutcomeName(CacheOutcome outcome);

enum class StoreOutcome : std::uint8_t { kStored, kError, kTimeout, kSkipped, kTooLarge };
absl::string_view StoreOutcomeName(StoreOutcome outcome);

template <class Resp>
struct Cached {
  Resp value;
  bool from_cache = false;
};

// Value framing, exposed for tests: 4-byte magic "KMPC", format version byte, 3 zero bytes,
// payload length (u32, little endian), 16-byte BLAKE2b over (key, payload), payload.
std::string EncodeCacheValue(absl::string_view redis_key, absl::string_view payload);
// The payload, or nullopt when `value` is not a well-formed value for `redis_key`.
std::optional<absl::string_view> DecodeCacheValue(absl::string_view redis_key,
                                                  absl::string_view value);

class RedisCache {
 public:
  // INVALID_ARGUMENT for a malformed URL or out-of-range options. Redis being unreachable is
  // not an error: the cache starts down and connects in the background. Makes one connection
  // attempt before returning (bounded by connect_timeout + command_timeout), so a Redis that
  // is up at start serves the first calls. `registry` may be null (metrics kept privately);
  // otherwise it must outlive the cache. The background thread inherits the caller's signal
  // mask.
  static absl::StatusOr<std::unique_ptr<RedisCache>> Create(RedisCacheOptions options,
                                                            prometheus::Registry* registry);

  RedisCache(const RedisCache&) = delete;
  RedisCache& operator=(const RedisCache&) = delete;
  // Stops the reconnect thread and closes the pool. No call may be in progress.
  ~RedisCache();

  bool enabled() const { return address_.has_value(); }
  // True while the pool is connected (calls use Redis).
  bool connected() const;

  // The answer for `key`: from Redis when it holds a valid one, else `compute()`, whose OK
  // result is stored with the TTL. Errors from `compute` are returned as they are.
  template <class Resp>
  absl::StatusOr<Cached<Resp>> ReadThrough(const CacheKey& key,
                                           absl::FunctionRef<absl::StatusOr<Resp>()> compute) {
    static_assert(std::is_base_of_v<google::protobuf::MessageLite, Resp>,
                  "ReadThrough caches protobuf messages");
    Cached<Resp> answer;
    absl::StatusOr<bool> hit = ReadThroughRaw(
        key,
        [&answer](absl::string_view payload) {
          return answer.value.ParseFromArray(payload.data(), static_cast<int>(payload.size()));
        },
        [&answer, &compute]() -> absl::StatusOr<std::string> {
          absl::StatusOr<Resp> computed = compute();
          if (!computed.ok()) return computed.status();
          answer.value = *std::move(computed);
          return answer.value.SerializeAsString();
        });
    if (!hit.ok()) return hit.status();
    answer.from_cache = *hit;
    return answer;
  }

  // In place, for handlers that fill a response message: on a hit `*response` is parsed
  // from Redis; otherwise it is cleared and `compute()` fills it. Returns whether it was a
  // hit, or compute's error.
  absl::StatusOr<bool> Fill(const CacheKey& key, google::protobuf::MessageLite& response,
                            absl::FunctionRef<absl::Status()> compute);

  // The core, on payload bytes. `accept` parses a payload from Redis (false: garbage);
  // `compute` produces the answer and returns its payload (an error is returned as is).
  // Returns true on a hit. Counts exactly one request outcome.
  absl::StatusOr<bool> ReadThroughRaw(const CacheKey& key,
                                      absl::FunctionRef<bool(absl::string_view payload)> accept,
                                      absl::FunctionRef<absl::StatusOr<std::string>()> compute);

  // Metric values, for tests and diagnostics.
  double RequestCount(absl::string_view service, absl::string_view method,
                      CacheOutcome outcome) const;
  double StoreCount(absl::string_view service, absl::string_view method,
                    StoreOutcome outcome) const;
  double ReconnectCount(bool ok) const;

  struct PoolStats {
    bool connected = false;
    int idle = 0;                  // contexts in the pool, free
    int in_use = 0;                // contexts lent to calls
    std::uint64_t generation = 0;  // +1 per successful (re)connect of the pool
  };
  PoolStats pool_stats() const;

 private:
  struct Lent {
    redisContext* context = nullptr;
    std::uint64_t generation = 0;
  };
  enum class Io : std::uint8_t { kOk, kTimeout, kBroken };
  // Remaining time one call may still wait on Redis.
  struct Budget {
    absl::Duration remaining;
  };
  struct Reply;

  RedisCache(RedisCacheOptions options, std::optional<RedisAddress> address,
             prometheus::Registry* registry);

  // Takes a free context, or says why not (kDown, kBusy).
  std::optional<Lent> Acquire(CacheOutcome* skipped);
  // Gives a healthy context back (or frees it if the pool it came from is gone).
  void Release(Lent lent);
  // Frees a failed context and, if its pool is the current one, marks the cache down.
  void Fail(Lent lent, absl::string_view reason);
  // Runs one command within `budget` on context `c`.
  Io Exec(redisContext* c, std::initializer_list<absl::string_view> args, Budget& budget,
          Reply& reply);

  StoreOutcome Store(const CacheKey& key, absl::string_view payload, Budget& budget);
  void Count(const CacheKey& key, CacheOutcome outcome);
  void Count(const CacheKey& key, StoreOutcome outcome);

  // Connects and PINGs pool_size contexts; all or none.
  absl::StatusOr<std::vector<redisContext*>> ConnectPool();
  absl::StatusOr<redisContext*> ConnectOne();
  void InstallPool(std::vector<redisContext*> pool);
  void ReconnectLoop();
  void Emit(absl::string_view event, absl::string_view detail) const;

  const RedisCacheOptions options_;
  const std::optional<RedisAddress> address_;

  std::shared_ptr<prometheus::Registry> owned_registry_;  // when none was given
  prometheus::Family<prometheus::Counter>* requests_ = nullptr;
  prometheus::Family<prometheus::Counter>* stores_ = nullptr;
  prometheus::Gauge* connected_gauge_ = nullptr;
  prometheus::Counter* reconnect_ok_ = nullptr;
  prometheus::Counter* reconnect_failed_ = nullptr;

  mutable std::mutex mu_;
  std::condition_variable wake_;  // the reconnect thread: cache went down, or stop
  bool up_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<redisContext*> idle_ ABSL_GUARDED_BY(mu_);
  int in_use_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread reconnector_;
};

}  // namespace kompas

#endif  // KOMPAS_SERVICES_COMMON_REDIS_CACHE_H_
