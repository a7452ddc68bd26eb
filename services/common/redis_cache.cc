#include "services/common/redis_cache.h"

#include <fcntl.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace kompas {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr absl::string_view kMagic = "KMPC";
constexpr char kFormatVersion = 1;
constexpr std::size_t kDigestBytes = 16;
constexpr std::size_t kHeaderBytes = 4 + 1 + 3 + 4 + kDigestBytes;
constexpr std::size_t kMaxValueBytesLimit = 512u * 1024 * 1024;  // Redis' own string limit
constexpr int kMaxPoolSize = 1024;

void EnsureSodium() {
  // crypto_generichash works before sodium_init(), but sodium_init picks the fast code path;
  // it is idempotent and thread-safe.
  static const bool initialised = sodium_init() >= 0;
  (void)initialised;
}

void HashField(crypto_generichash_state& state, absl::string_view bytes) {
  std::array<unsigned char, 8> length{};
  std::uint64_t n = bytes.size();
  for (unsigned char& b : length) {
    b = static_cast<unsigned char>(n & 0xffu);
    n >>= 8;
  }
  crypto_generichash_update(&state, length.data(), length.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(bytes.data()),
                            bytes.size());
}

std::array<unsigned char, kDigestBytes> ValueDigest(absl::string_view redis_key,
                                                    absl::string_view payload) {
  EnsureSodium();
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kDigestBytes);
  HashField(state, redis_key);
  HashField(state, payload);
  std::array<unsigned char, kDigestBytes> digest{};
  crypto_generichash_final(&state, digest.data(), digest.size());
  return digest;
}

std::chrono::nanoseconds ToChrono(absl::Duration d) { return absl::ToChronoNanoseconds(d); }

// Waits until `fd` is ready for `events` or `deadline` passes.
bool WaitReady(int fd, short events, SteadyClock::time_point deadline) {
  while (true) {
    const SteadyClock::time_point now = SteadyClock::now();
    if (now >= deadline) return false;
    const timespec ts = absl::ToTimespec(absl::FromChrono(deadline - now));
    pollfd p{fd, events, 0};
    const int ready = ppoll(&p, 1, &ts, nullptr);
    if (ready > 0) return true;  // errors and hang-ups surface in the read or write
    if (ready < 0 && errno != EINTR) return true;
  }
}

std::string ReplyText(const redisReply* reply) {
  if (reply == nullptr || reply->str == nullptr) return std::string();
  return std::string(reply->str, reply->len);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// URL, key, value framing

absl::StatusOr<RedisAddress> ParseRedisUrl(absl::string_view url) {
  const auto invalid = [url](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis url \"", url, "\": ", why,
                     " (expected unix:///path/to/redis.sock or tcp://host:port)"));
  };
  RedisAddress address;
  if (absl::ConsumePrefix(&url, "unix://")) {
    if (url.empty() || url.front() != '/') return invalid("needs an absolute socket path");
    if (url.size() >= sizeof(sockaddr_un{}.sun_path)) return invalid("socket path too long");
    address.unix_path = std::string(url);
    return address;
  }
  if (!absl::ConsumePrefix(&url, "tcp://")) return invalid("unknown scheme");
  absl::string_view host;
  absl::string_view port;
  if (absl::ConsumePrefix(&url, "[")) {  // [v6 address]:port
    const std::size_t close = url.find(']');
    if (close == absl::string_view::npos) return invalid("unterminated [");
    host = url.substr(0, close);
    url.remove_prefix(close + 1);
    if (!absl::ConsumePrefix(&url, ":")) return invalid("needs :port");
    port = url;
  } else {
    const std::size_t colon = url.rfind(':');
    if (colon == absl::string_view::npos) return invalid("needs :port");
    host = url.substr(0, colon);
    port = url.substr(colon + 1);
  }
  int port_number = 0;
  if (host.empty() || absl::StrContains(host, '/')) return invalid("needs a host");
  if (!absl::SimpleAtoi(port, &port_number) || port_number < 1 || port_number > 65535) {
    return invalid("port must be 1..65535");
  }
  address.host = std::string(host);
  address.port = port_number;
  return address;
}

CacheKey CacheKey::Of(absl::string_view service, absl::string_view method,
                      absl::string_view version, absl::string_view tenant_part,
                      const google::protobuf::MessageLite& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    request.SerializePartialToCodedStream(&out);
  }  // `out` flushes into `bytes` here.
  return OfBytes(service, method, version, tenant_part, bytes);
}

CacheKey CacheKey::OfBytes(absl::string_view service, absl::string_view method,
                           absl::string_view version, absl::string_view tenant_part,
                           absl::string_view request_bytes) {
  EnsureSodium();
  crypto_generichash_state state;
  std::array<unsigned char, 32> digest{};
  crypto_generichash_init(&state, nullptr, 0, digest.size());
  for (absl::string_view field : {service, method, version, tenant_part, request_bytes}) {
    HashField(state, field);
  }
  crypto_generichash_final(&state, digest.data(), digest.size());
  const absl::string_view digest_bytes(reinterpret_cast<const char*>(digest.data()), digest.size());
  return CacheKey(std::string(service), std::string(method),
                  absl::StrCat("kompas:", service, ":", method, ":", version, ":",
                               absl::BytesToHexString(digest_bytes)));
}

std::string EncodeCacheValue(absl::string_view redis_key, absl::string_view payload) {
  std::string value;
  value.reserve(kHeaderBytes + payload.size());
  value.append(kMagic.data(), kMagic.size());
  value.push_back(kFormatVersion);
  value.append(3, '\0');
  auto length = static_cast<std::uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) {
    value.push_back(static_cast<char>(length & 0xffu));
    length >>= 8;
  }
  const std::array<unsigned char, kDigestBytes> digest = ValueDigest(redis_key, payload);
  value.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  value.append(payload.data(), payload.size());
  return value;
}

std::optional<absl::string_view> DecodeCacheValue(absl::string_view redis_key,
                                                  absl::string_view value) {
  if (value.size() < kHeaderBytes) return std::nullopt;
  if (value.substr(0, 4) != kMagic || value[4] != kFormatVersion) return std::nullopt;
  if (value[5] != '\0' || value[6] != '\0' || value[7] != '\0') return std::nullopt;
  std::uint64_t length = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    length |= static_cast<std::uint64_t>(static_cast<unsigned char>(value[8 + i])) << (8 * i);
  }
  const absl::string_view payload = value.substr(kHeaderBytes);
  if (length != payload.size()) return std::nullopt;
  const std::array<unsigned char, kDigestBytes> digest = ValueDigest(redis_key, payload);
  if (std::memcmp(digest.data(), value.data() + 12, kDigestBytes) != 0) return std::nullopt;
  return payload;
}

absl::string_view CacheOutcomeName(CacheOutcome outcome) {
  switch (outcome) {
    case CacheOutcome::kHit:
      return "hit";
    case CacheOutcome::kMiss:
      return "miss";
    case CacheOutcome::kGarbage:
      return "garbage";
    case CacheOutcome::kError:
      return "error";
    case CacheOutcome::kTimeout:
      return "timeout";
    case CacheOutcome::kDown:
      return "down";
    case CacheOutcome::kBusy:
      return "busy";
    case CacheOutcome::kDisabled:
      return "disabled";
  }
  return "unknown";
}

absl::string_view StoreOutcomeName(StoreOutcome outcome) {
  switch (outcome) {
    case StoreOutcome::kStored:
      return "stored";
    case StoreOutcome::kError:
      return "error";
    case StoreOutcome::kTimeout:
      return "timeout";
    case StoreOutcome::kSkipped:
      return "skipped";
    case StoreOutcome::kTooLarge:
      return "too_large";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// The cache

struct RedisCache::Reply {
  Reply() = default;
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  ~Reply() {
    if (reply != nullptr) freeReplyObject(reply);
  }
  redisReply* reply = nullptr;
  std::string error;  // why the connection broke
};

absl::StatusOr<std::unique_ptr<RedisCache>> RedisCache::Create(RedisCacheOptions options,
                                                               prometheus::Registry* registry) {
  std::optional<RedisAddress> address;
  if (!options.url.empty()) {
    absl::StatusOr<RedisAddress> parsed = ParseRedisUrl(options.url);
    if (!parsed.ok()) return parsed.status();
    address = *std::move(parsed);
  }
  const auto positive = [](absl::Duration d) { return d > absl::ZeroDuration(); };
  if (!positive(options.connect_timeout) || !positive(options.command_timeout)) {
    return absl::InvalidArgumentError("redis connect and command timeouts must be positive");
  }
  if (options.ttl < absl::Milliseconds(1)) {
    return absl::InvalidArgumentError("redis ttl must be at least 1ms");
  }
  if (options.pool_size < 1 || options.pool_size > kMaxPoolSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis pool size must be 1..", kMaxPoolSize, ", not ", options.pool_size));
  }
  if (options.max_value_bytes < 1 || options.max_value_bytes > kMaxValueBytesLimit) {
    return absl::InvalidArgumentError("redis max value bytes must be 1..512MiB");
  }
  if (!positive(options.reconnect_initial_backoff) ||
      options.reconnect_max_backoff < options.reconnect_initial_backoff) {
    return absl::InvalidArgumentError(
        "redis reconnect backoff: initial must be positive and at most the maximum");
  }
  EnsureSodium();

  std::unique_ptr<RedisCache> cache(new RedisCache(std::move(options), address, registry));
  if (!cache->enabled()) return cache;
  absl::StatusOr<std::vector<redisContext*>> pool = cache->ConnectPool();
  if (pool.ok()) {
    cache->reconnect_ok_->Increment();
    cache->InstallPool(*std::move(pool));
  } else {
    cache->reconnect_failed_->Increment();
    cache->Emit("redis_down", pool.status().message());
  }
  cache->reconnector_ = std::thread([c = cache.get()] { c->ReconnectLoop(); });
  return cache;
}

RedisCache::RedisCache(RedisCacheOptions options, std::optional<RedisAddress> address,
                       prometheus::Registry* registry)
    : options_(std::move(options)), address_(std::move(address)) {
  if (registry == nullptr) {
    owned_registry_ = std::make_shared<prometheus::Registry>();
    registry = owned_registry_.get();
  }
  requests_ = &prometheus::BuildCounter()
                   .Name("kompas_cache_requests_total")
                   .Help(
                       "Read-through cache lookups by service, method and result "
                       "(hit, miss, garbage, error, timeout, down, busy, disabled)")
                   .Register(*registry);
  stores_ = &prometheus::BuildCounter()
                 .Name("kompas_cache_stores_total")
                 .Help(
                     "Answers written to the cache after a miss, by service, method and "
                     "result (stored, error, timeout, skipped, too_large)")
                 .Register(*registry);
  connected_gauge_ = &prometheus::BuildGauge()
                          .Name("kompas_cache_connected")
                          .Help("1 while the Redis connection pool is up, else 0")
                          .Register(*registry)
                          .Add({});
  auto& reconnects = prometheus::BuildCounter()
                         .Name("kompas_cache_reconnects_total")
                         .Help("Attempts to connect the Redis pool, by result (ok, failed)")
                         .Register(*registry);
  reconnect_ok_ = &reconnects.Add({{"result", "ok"}});
  reconnect_failed_ = &reconnects.Add({{"result", "failed"}});
}

RedisCache::~RedisCache() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (reconnector_.joinable()) reconnector_.join();
  std::lock_guard<std::mutex> lock(mu_);
  for (redisContext* c : idle_) redisFree(c);
  idle_.clear();
}

bool RedisCache::connected() const {
  std::lock_guard<std::mutex> lock(mu_);
  return up_;
}

RedisCache::PoolStats RedisCache::pool_stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return PoolStats{up_, static_cast<int>(idle_.size()), in_use_, generation_};
}

absl::StatusOr<bool> RedisCache::Fill(const CacheKey& key, google::protobuf::MessageLite& response,
                                      absl::FunctionRef<absl::Status()> compute) {
  return ReadThroughRaw(
      key,
      [&response](absl::string_view payload) {
        return response.ParseFromArray(payload.data(), static_cast<int>(payload.size()));
      },
      [&response, &compute]() -> absl::StatusOr<std::string> {
        response.Clear();
        if (absl::Status s = compute(); !s.ok()) return s;
        return response.SerializeAsString();
      });
}

absl::StatusOr<bool> RedisCache::ReadThroughRaw(
    const CacheKey& key, absl::FunctionRef<bool(absl::string_view payload)> accept,
    absl::FunctionRef<absl::StatusOr<std::string>()> compute) {
  if (!enabled()) {
    Count(key, CacheOutcome::kDisabled);
    absl::StatusOr<std::string> computed = compute();
    if (!computed.ok()) return computed.status();
    return false;
  }

  Budget budget{options_.command_timeout};
  CacheOutcome outcome = CacheOutcome::kMiss;
  if (std::optional<Lent> lent = Acquire(&outcome); lent.has_value()) {
    Reply reply;
    const Io io = Exec(lent->context, {"GET", key.redis_key()}, budget, reply);
    if (io != Io::kOk) {
      outcome = io == Io::kTimeout ? CacheOutcome::kTimeout : CacheOutcome::kError;
      Fail(*lent, io == Io::kTimeout ? "no reply to GET within the command timeout"
                                     : absl::StrCat("GET: ", reply.error));
    } else {
      Release(*lent);
      const redisReply* r = reply.reply;
      if (r->type == REDIS_REPLY_NIL) {
        outcome = CacheOutcome::kMiss;
      } else if (r->type == REDIS_REPLY_ERROR) {
        outcome = CacheOutcome::kError;  // e.g. WRONGTYPE, LOADING; the connection is fine
      } else if (r->type != REDIS_REPLY_STRING) {
        outcome = CacheOutcome::kGarbage;
      } else {
        const std::optional<absl::string_view> payload =
            DecodeCacheValue(key.redis_key(), absl::string_view(r->str, r->len));
        outcome =
            payload.has_value() && payload->size() <= options_.max_value_bytes && accept(*payload)
                ? CacheOutcome::kHit
                : CacheOutcome::kGarbage;
      }
    }
  }
  Count(key, outcome);
  if (outcome == CacheOutcome::kHit) return true;

  absl::StatusOr<std::string> payload = compute();
  if (!payload.ok()) return payload.status();  // errors are never cached
  Count(key, Store(key, *payload, budget));
  return false;
}

StoreOutcome RedisCache::Store(const CacheKey& key, absl::string_view payload, Budget& budget) {
  if (payload.size() > options_.max_value_bytes) return StoreOutcome::kTooLarge;
  if (budget.remaining <= absl::ZeroDuration()) return StoreOutcome::kSkipped;
  CacheOutcome skipped = CacheOutcome::kDown;
  std::optional<Lent> lent = Acquire(&skipped);
  if (!lent.has_value()) return StoreOutcome::kSkipped;
  const std::string value = EncodeCacheValue(key.redis_key(), payload);
  const std::string ttl_ms = absl::StrCat(absl::ToInt64Milliseconds(options_.ttl));
  Reply reply;
  const Io io = Exec(lent->context, {"SET", key.redis_key(), value, "PX", ttl_ms}, budget, reply);
  if (io != Io::kOk) {
    Fail(*lent, io == Io::kTimeout ? "no reply to SET within the command timeout"
                                   : absl::StrCat("SET: ", reply.error));
    return io == Io::kTimeout ? StoreOutcome::kTimeout : StoreOutcome::kError;
  }
  Release(*lent);
  return reply.reply->type == REDIS_REPLY_STATUS && ReplyText(reply.reply) == "OK"
             ? StoreOutcome::kStored
             : StoreOutcome::kError;  // e.g. OOM with maxmemory and noeviction
}

std::optional<RedisCache::Lent> RedisCache::Acquire(CacheOutcome* skipped) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!up_) {
    *skipped = CacheOutcome::kDown;
    return std::nullopt;
  }
  if (idle_.empty()) {
    *skipped = CacheOutcome::kBusy;
    return std::nullopt;
  }
  Lent lent{idle_.back(), generation_};
  idle_.pop_back();
  ++in_use_;
  return lent;
}

void RedisCache::Release(Lent lent) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_use_;
    if (up_ && lent.generation == generation_) {
      idle_.push_back(lent.context);
      return;
    }
  }
  redisFree(lent.context);  // its pool was dropped while it was lent
}

void RedisCache::Fail(Lent lent, absl::string_view reason) {
  const std::string why(reason);  // may point into the context freed below
  std::vector<redisContext*> dropped;
  bool went_down = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_use_;
    if (up_ && lent.generation == generation_) {
      up_ = false;
      went_down = true;
      dropped.swap(idle_);
      connected_gauge_->Set(0);
    }
  }
  redisFree(lent.context);
  for (redisContext* c : dropped) redisFree(c);
  if (went_down) {
    wake_.notify_all();
    Emit("redis_down", why);
  }
}

RedisCache::Io RedisCache::Exec(redisContext* c, std::initializer_list<absl::string_view> args,
                                Budget& budget, Reply& reply) {
  constexpr std::size_t kMaxArgs = 8;
  std::array<const char*, kMaxArgs> argv{};
  std::array<std::size_t, kMaxArgs> lengths{};
  std::size_t argc = 0;
  for (absl::string_view arg : args) {
    if (argc == kMaxArgs) return Io::kBroken;
    argv[argc] = arg.data();
    lengths[argc] = arg.size();
    ++argc;
  }
  const SteadyClock::time_point start = SteadyClock::now();
  const SteadyClock::time_point deadline = start + ToChrono(budget.remaining);
  const Io io = [&] {
    char* formatted = nullptr;
    const int length =
        redisFormatCommandArgv(&formatted, static_cast<int>(argc), argv.data(), lengths.data());
    if (length < 0) {
      reply.error = "cannot format the command";
      return Io::kBroken;
    }
    const std::unique_ptr<char, void (*)(char*)> command(formatted, redisFreeCommand);
    // Sent here rather than by hiredis, whose write() would raise SIGPIPE (killing the
    // process) on a connection the server has closed; MSG_NOSIGNAL makes that plain EPIPE.
    // The socket is non-blocking: send what fits, wait for room, until the command is out.
    for (std::size_t sent = 0; sent < static_cast<std::size_t>(length);) {
      const ssize_t n =
          send(c->fd, formatted + sent, static_cast<std::size_t>(length) - sent, MSG_NOSIGNAL);
      if (n >= 0) {
        sent += static_cast<std::size_t>(n);
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (!WaitReady(c->fd, POLLOUT, deadline)) return Io::kTimeout;
      } else if (errno != EINTR) {
        reply.error = absl::StrCat("send: ", std::strerror(errno));
        return Io::kBroken;
      }
    }
    void* out = nullptr;
    while (true) {
      if (redisGetReplyFromReader(c, &out) != REDIS_OK) break;
      if (out != nullptr) {
        reply.reply = static_cast<redisReply*>(out);
        return Io::kOk;
      }
      if (!WaitReady(c->fd, POLLIN, deadline)) return Io::kTimeout;
      if (redisBufferRead(c) != REDIS_OK) break;
    }
    reply.error = c->errstr;  // EOF, read error or protocol error
    return Io::kBroken;
  }();
  budget.remaining -= absl::FromChrono(SteadyClock::now() - start);
  return io;
}

void RedisCache::Count(const CacheKey& key, CacheOutcome outcome) {
  requests_
      ->Add({{"service", key.service()},
             {"method", key.method()},
             {"result", std::string(CacheOutcomeName(outcome))}})
      .Increment();
}

void RedisCache::Count(const CacheKey& key, StoreOutcome outcome) {
  stores_
      ->Add({{"service", key.service()},
             {"method", key.method()},
             {"result", std::string(StoreOutcomeName(outcome))}})
      .Increment();
}

namespace {

double CounterValue(prometheus::Family<prometheus::Counter>& family,
                    const std::map<std::string, std::string>& labels) {
  return family.Has(labels) ? family.Add(labels).Value() : 0;
}

}  // namespace

double RedisCache::RequestCount(absl::string_view service, absl::string_view method,
                                CacheOutcome outcome) const {
  return CounterValue(*requests_, {{"service", std::string(service)},
                                   {"method", std::string(method)},
                                   {"result", std::string(CacheOutcomeName(outcome))}});
}

double RedisCache::StoreCount(absl::string_view service, absl::string_view method,
                              StoreOutcome outcome) const {
  return CounterValue(*stores_, {{"service", std::string(service)},
                                 {"method", std::string(method)},
                                 {"result", std::string(StoreOutcomeName(outcome))}});
}

double RedisCache::ReconnectCount(bool ok) const {
  return ok ? reconnect_ok_->Value() : reconnect_failed_->Value();
}

// ---------------------------------------------------------------------------------------------
// Connections (only ever made by Create and the reconnect thread)

absl::StatusOr<redisContext*> RedisCache::ConnectOne() {
  const timeval connect_tv = absl::ToTimeval(options_.connect_timeout);
  redisContext* c =
      address_->unix_path.empty()
          ? redisConnectWithTimeout(address_->host.c_str(), address_->port, connect_tv)
          : redisConnectUnixWithTimeout(address_->unix_path.c_str(), connect_tv);
  if (c == nullptr) return absl::ResourceExhaustedError("cannot allocate a redis context");
  std::unique_ptr<redisContext, void (*)(redisContext*)> owned(c, redisFree);
  const auto failed = [this, c](absl::string_view what) {
    return absl::UnavailableError(absl::StrCat(what, " ", options_.url, ": ", c->errstr));
  };
  if (c->err != 0) return failed("connect to");
  // The socket timeouts are a backstop; every wait on the call path is a poll with the call's
  // remaining budget, on a non-blocking socket.
  if (redisSetTimeout(c, absl::ToTimeval(options_.command_timeout)) != REDIS_OK) {
    return failed("set timeouts on");
  }
  if (address_->unix_path.empty() && redisEnableKeepAlive(c) != REDIS_OK) {
    return failed("enable keep-alive on");
  }
  const int flags = fcntl(c->fd, F_GETFL);
  if (flags < 0 || fcntl(c->fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    return absl::UnavailableError(absl::StrCat("fcntl O_NONBLOCK: ", std::strerror(errno)));
  }
  c->flags &= ~REDIS_BLOCK;  // hiredis: EAGAIN is "try again", not an error

  Budget budget{options_.command_timeout};
  Reply reply;
  const Io io = Exec(c, {"PING"}, budget, reply);
  if (io == Io::kTimeout) {
    return absl::UnavailableError(absl::StrCat("no reply to PING from ", options_.url, " within ",
                                               absl::FormatDuration(options_.command_timeout)));
  }
  if (io != Io::kOk) {
    return absl::UnavailableError(absl::StrCat("PING to ", options_.url, ": ", reply.error));
  }
  if (reply.reply->type != REDIS_REPLY_STATUS || ReplyText(reply.reply) != "PONG") {
    return absl::UnavailableError(
        absl::StrCat("PING to ", options_.url, " answered: ", ReplyText(reply.reply)));
  }
  return owned.release();
}

absl::StatusOr<std::vector<redisContext*>> RedisCache::ConnectPool() {
  std::vector<redisContext*> pool;
  const auto fail = [&pool](absl::Status status) {
    for (redisContext* open : pool) redisFree(open);
    return status;
  };
  for (int i = 0; i < options_.pool_size; ++i) {
    if (i > 0) {  // each attempt may take connect + command timeout: let shutdown cut it short
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return fail(absl::CancelledError("shutting down"));
    }
    absl::StatusOr<redisContext*> c = ConnectOne();
    if (!c.ok()) return fail(c.status());
    pool.push_back(*c);
  }
  return pool;
}

void RedisCache::InstallPool(std::vector<redisContext*> pool) {
  bool installed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stop_ && !up_) {
      idle_ = std::move(pool);
      up_ = true;
      ++generation_;
      connected_gauge_->Set(1);
      installed = true;
    }
  }
  if (!installed) {
    for (redisContext* c : pool) redisFree(c);
    return;
  }
  Emit("redis_up", "");
}

void RedisCache::ReconnectLoop() {
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  absl::Duration backoff = options_.reconnect_initial_backoff;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    if (up_) {
      backoff = options_.reconnect_initial_backoff;
      wake_.wait(lock, [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return stop_ || !up_; });
      continue;
    }
    // Down. Wait a jittered backoff so that the replicas of a service do not reconnect in step,
    // then try the whole pool. Calls meanwhile skip Redis; none of them connects.
    const absl::Duration wait = backoff * jitter(rng);
    if (wake_.wait_for(lock, ToChrono(wait),
                       [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return stop_; })) {
      break;
    }
    lock.unlock();
    absl::StatusOr<std::vector<redisContext*>> pool = ConnectPool();
    if (pool.ok()) {
      reconnect_ok_->Increment();
      InstallPool(*std::move(pool));
    } else {
      reconnect_failed_->Increment();
      backoff = std::min(backoff * 2, options_.reconnect_max_backoff);
    }
    lock.lock();
  }
}

void RedisCache::Emit(absl::string_view event, absl::string_view detail) const {
  if (options_.on_event) options_.on_event(event, detail);
}

}  // namespace kompas
