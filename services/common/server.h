// The process around a Kompas service: listening socket (port 0 allowed), optional TLS,
// health and reflection, authentication, per-call logs and metrics, critical-dependency
// monitoring, SIGHUP reload (tokens, and data through reload hooks) and a graceful drain on
// SIGTERM/SIGINT.
//
// Health: the overall service ("") and each registered service report SERVING while every
// critical dependency's probe succeeds. Redis and other Kompas services are never critical.
#ifndef KOMPAS_SERVICES_COMMON_SERVER_H_
#define KOMPAS_SERVICES_COMMON_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/auth.h"
#include "services/common/logging.h"
#include "services/common/metrics.h"
#include "services/common/redis_cache.h"
#include "services/common/rpc.h"

namespace prometheus {
class Exposer;
}

namespace kompas {

struct ServerConfig {
  std::string service_name;  // "budget", for logs
  std::string listen = "127.0.0.1:0";
  std::string tls_cert_file;  // both or neither
  std::string tls_key_file;
  std::string tokens_file;
  std::string metrics_listen;  // "127.0.0.1:9464"; empty: no metrics endpoint
  std::int32_t max_receive_message_bytes = 4 * 1024 * 1024;
  absl::Duration drain_timeout = absl::Seconds(20);
  absl::Duration dependency_poll_interval = absl::Seconds(1);
  bool reflection = true;
  // The read-through cache (redis.url empty: disabled). Never a critical dependency.
  RedisCacheOptions redis;
};

struct CriticalDependency {
  std::string name;
  std::function<absl::Status()> probe;  // must return within a bounded time
};

// The grpc.health.v1 service name for liveness probes: SERVING from start-up until the drain
// begins, also while a critical dependency is down (the overall status "" and each service's
// own name report readiness: NOT_SERVING then).
inline constexpr char kLivenessService[] = "kompas.liveness";

class ServerRuntime {
 public:
  // Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (call it from main before any
  // thread starts, so every later thread inherits the mask), loads the tokens file and the
  // TLS files. Any error names the file and line to fix.
  static absl::StatusOr<std::unique_ptr<ServerRuntime>> Create(ServerConfig config);
  ~ServerRuntime();

  const RpcEnv& env() const { return env_; }
  Logger& logger() { return logger_; }
  RpcMetrics& metrics() { return metrics_; }
  Authenticator& authenticator() { return *auth_; }
  // Always usable: disabled (every call computes) when no Redis is configured.
  RedisCache& cache() { return *cache_; }

  // `full_name` is the service's full proto name, used for its health status.
  void AddService(grpc::Service* service, std::string full_name);
  void AddCriticalDependency(CriticalDependency dependency);
  // Runs on SIGHUP after the tokens reload, e.g. to reload a service's data files. An error is
  // logged (`reload_failed` with the hook's name); the service keeps serving what it had.
  void AddReloadHook(std::string name, std::function<absl::Status()> hook);

  // Builds and starts the server, logs {"event":"listening","port":N}.
  absl::Status Start();
  int port() const { return port_; }

  // Serves until SIGTERM/SIGINT, then drains; reloads tokens on SIGHUP. Returns the exit code.
  int RunUntilSignal();

  // Drain: health NOT_SERVING, stop accepting, let in-flight calls finish within the drain
  // timeout, then cancel what remains.
  void Drain();

 private:
  explicit ServerRuntime(ServerConfig config);
  void CheckDependencies();
  void SetServing(bool serving);

  ServerConfig config_;
  Logger logger_;
  RpcMetrics metrics_;
  std::unique_ptr<Authenticator> auth_;
  RpcEnv env_;
  std::shared_ptr<grpc::ServerCredentials> credentials_;
  std::vector<std::pair<grpc::Service*, std::string>> services_;
  std::vector<CriticalDependency> dependencies_;
  std::vector<std::pair<std::string, std::function<absl::Status()>>> reload_hooks_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
  std::optional<bool> serving_;
  std::vector<std::string> down_;  // names of dependencies currently failing
  std::unique_ptr<RedisCache> cache_;
};

}  // namespace kompas

#endif  // KOMPAS_SERVICES_COMMON_SERVER_H_
