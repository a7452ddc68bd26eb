#include "services/common/server_main.h"

#include <cstdint>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0",
          "host:port to serve gRPC on; port 0 picks a free port (logged as event=listening)");
ABSL_FLAG(std::string, tokens_file, "",
          "API tokens file (JSON Lines, hashes only; see kompas-admin). Reloaded on SIGHUP.");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain; with --tls_key enables TLS");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for --tls_cert");
ABSL_FLAG(std::string, metrics_listen, "",
          "host:port for the Prometheus /metrics endpoint; empty disables it");
ABSL_FLAG(std::int32_t, max_message_bytes, 4 * 1024 * 1024,
          "largest request or response message accepted, in bytes");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(20),
          "on SIGTERM, how long in-flight calls may take to finish before they are cancelled");
ABSL_FLAG(absl::Duration, dependency_poll_interval, absl::Seconds(1),
          "how often critical dependencies are probed for the health status");
ABSL_FLAG(bool, reflection, true,
          "serve gRPC server reflection (the public API schema; no token needed)");
ABSL_FLAG(std::string, redis, "",
          "Redis for the read-through cache: unix:///path/to/redis.sock or tcp://host:port; "
          "empty disables the cache. Redis is never critical: when it is down, slow or "
          "answers garbage, calls compute their answers (and health stays SERVING)");
ABSL_FLAG(absl::Duration, redis_ttl, absl::Minutes(10), "expiry of answers stored in Redis");
ABSL_FLAG(absl::Duration, redis_command_timeout, absl::Milliseconds(50),
          "the longest one call waits on Redis in total (GET, and SET after a miss); past it "
          "the call computes its answer and the cache is skipped until a background "
          "reconnect succeeds");
ABSL_FLAG(absl::Duration, redis_connect_timeout, absl::Milliseconds(200),
          "per connection attempt to Redis (made only by the background reconnect thread)");
ABSL_FLAG(std::int32_t, redis_pool_size, 8,
          "Redis connections kept open; a call that finds none free skips the cache");

namespace kompas {

int RunServerMain(int argc, char** argv, absl::string_view service_name, absl::string_view usage,
                  const ServiceSetup& setup) {
  absl::SetProgramUsageMessage(usage);
  absl::ParseCommandLine(argc, argv);

  ServerConfig config;
  config.service_name = std::string(service_name);
  config.listen = absl::GetFlag(FLAGS_listen);
  config.tokens_file = absl::GetFlag(FLAGS_tokens_file);
  config.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  config.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  config.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  config.max_receive_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  config.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  config.dependency_poll_interval = absl::GetFlag(FLAGS_dependency_poll_interval);
  config.reflection = absl::GetFlag(FLAGS_reflection);
  config.redis.url = absl::GetFlag(FLAGS_redis);
  config.redis.ttl = absl::GetFlag(FLAGS_redis_ttl);
  config.redis.command_timeout = absl::GetFlag(FLAGS_redis_command_timeout);
  config.redis.connect_timeout = absl::GetFlag(FLAGS_redis_connect_timeout);
  config.redis.pool_size = absl::GetFlag(FLAGS_redis_pool_size);

  Logger startup_log(stderr, std::string(service_name));
  // Declared before the runtime so that the services outlive the server that calls them.
  std::vector<std::shared_ptr<void>> keep_alive;
  absl::StatusOr<std::unique_ptr<ServerRuntime>> runtime = ServerRuntime::Create(config);
  if (!runtime.ok()) {
    startup_log.Error("startup_failed", {{"error", std::string(runtime.status().message())}});
    return 2;
  }
  if (absl::Status s = setup(**runtime, keep_alive); !s.ok()) {
    startup_log.Error("startup_failed", {{"error", std::string(s.message())}});
    return 2;
  }
  if (absl::Status s = (*runtime)->Start(); !s.ok()) {
    startup_log.Error("startup_failed", {{"error", std::string(s.message())}});
    return 2;
  }
  return (*runtime)->RunUntilSignal();
}

}  // namespace kompas
