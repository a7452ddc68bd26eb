#include "services/common/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>

#include <cerrno>
#include <csignal>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "prometheus/exposer.h"
#include "services/common/tls.h"

namespace kompas {
namespace {

sigset_t HandledSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

ServerRuntime::ServerRuntime(ServerConfig config)
    : config_(std::move(config)), logger_(stderr, config_.service_name) {}

ServerRuntime::~ServerRuntime() {
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
  }
}

absl::StatusOr<std::unique_ptr<ServerRuntime>> ServerRuntime::Create(ServerConfig config) {
  sigset_t set = HandledSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  if (config.max_receive_message_bytes <= 0) {
    return absl::InvalidArgumentError("--max_message_bytes must be positive");
  }
  if (config.dependency_poll_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--dependency_poll_interval must be positive");
  }
  std::unique_ptr<ServerRuntime> rt(new ServerRuntime(std::move(config)));
  absl::StatusOr<std::unique_ptr<Authenticator>> auth =
      Authenticator::Create(rt->config_.tokens_file);
  if (!auth.ok()) return auth.status();
  rt->auth_ = *std::move(auth);

  const bool has_cert = !rt->config_.tls_cert_file.empty();
  const bool has_key = !rt->config_.tls_key_file.empty();
  if (has_cert != has_key) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key must be given together");
  }
  if (has_cert) {
    absl::StatusOr<TlsFiles> tls =
        LoadTlsFiles(rt->config_.tls_cert_file, rt->config_.tls_key_file);
    if (!tls.ok()) return tls.status();
    grpc::SslServerCredentialsOptions options;
    options.pem_key_cert_pairs.push_back({tls->private_key_pem, tls->cert_chain_pem});
    rt->credentials_ = grpc::SslServerCredentials(options);
  } else {
    rt->credentials_ = grpc::InsecureServerCredentials();
  }
  rt->env_ = RpcEnv{rt->auth_.get(), &rt->logger_, &rt->metrics_};

  // After the signal mask is set: the cache's reconnect thread inherits it.
  RedisCacheOptions cache_options = rt->config_.redis;
  Logger* logger = &rt->logger_;
  cache_options.on_event = [logger, url = cache_options.url](absl::string_view event,
                                                             absl::string_view detail) {
    nlohmann::ordered_json fields = {{"redis", url}};
    if (!detail.empty()) fields["error"] = std::string(detail);
    if (event == "redis_up") {
      logger->Info(event, fields);
    } else {
      logger->Error(event, fields);
    }
  };
  absl::StatusOr<std::unique_ptr<RedisCache>> cache =
      RedisCache::Create(std::move(cache_options), rt->metrics_.registry().get());
  if (!cache.ok()) return cache.status();
  rt->cache_ = *std::move(cache);
  return rt;
}

void ServerRuntime::AddService(grpc::Service* service, std::string full_name) {
  services_.emplace_back(service, std::move(full_name));
}

void ServerRuntime::AddReloadHook(std::string name, std::function<absl::Status()> hook) {
  reload_hooks_.emplace_back(std::move(name), std::move(hook));
}

void ServerRuntime::AddCriticalDependency(CriticalDependency dependency) {
  dependencies_.push_back(std::move(dependency));
}

absl::Status ServerRuntime::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  if (config_.reflection) grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config_.listen, credentials_, &port_);
  builder.SetMaxReceiveMessageSize(config_.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(config_.max_receive_message_bytes);
  // Connections are closed (gracefully) after 5 minutes, so that clients balancing
  // round-robin over a service's replicas (client.cc) spread onto new replicas after a scale-up.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, 5 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, 30 * 1000);
  for (auto& [service, name] : services_) builder.RegisterService(service);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config_.listen, " (address in use or not valid?)"));
  }
  if (!config_.metrics_listen.empty()) {
    try {  // prometheus-cpp reports a busy port by throwing; contain it here.
      exposer_ = std::make_unique<prometheus::Exposer>(config_.metrics_listen);
      exposer_->RegisterCollectable(metrics_.registry());
    } catch (const std::exception& e) {
      // The gRPC server already runs: stop it before the caller frees the services.
      server_->Shutdown(std::chrono::system_clock::now());
      server_->Wait();
      server_.reset();
      return absl::UnavailableError(
          absl::StrCat("cannot serve metrics on ", config_.metrics_listen, ": ", e.what()));
    }
  }
  // Liveness: SERVING while the process runs and is not draining, whatever its critical
  // dependencies do (a database outage is not cured by a restart; readiness reports that).
  server_->GetHealthCheckService()->SetServingStatus(std::string(kLivenessService), true);
  CheckDependencies();
  nlohmann::ordered_json fields = {
      {"address", config_.listen},
      {"port", port_},
      {"tls", credentials_ != nullptr && !config_.tls_cert_file.empty()}};
  if (exposer_ != nullptr) fields["metrics_port"] = exposer_->GetListeningPorts().front();
  logger_.Info("listening", fields);
  return absl::OkStatus();
}

void ServerRuntime::SetServing(bool serving) {
  if (serving_.has_value() && *serving_ == serving) return;
  serving_ = serving;
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  health->SetServingStatus("", serving);
  for (const auto& [service, name] : services_) health->SetServingStatus(name, serving);
  logger_.Info("health", {{"serving", serving}, {"dependencies_down", down_}});
}

void ServerRuntime::CheckDependencies() {
  std::vector<std::string> down;
  for (const CriticalDependency& dep : dependencies_) {
    if (!dep.probe().ok()) down.push_back(dep.name);
  }
  if (down != down_) {
    for (const std::string& name : down) logger_.Error("dependency_down", {{"dependency", name}});
  }
  down_ = std::move(down);
  SetServing(down_.empty());
}

int ServerRuntime::RunUntilSignal() {
  sigset_t set = HandledSignals();
  const absl::Duration poll = config_.dependency_poll_interval;
  while (true) {
    timespec ts = absl::ToTimespec(poll);
    int sig = sigtimedwait(&set, nullptr, &ts);
    if (sig < 0) {
      if (errno == EAGAIN || errno == EINTR) {
        CheckDependencies();
        continue;
      }
      logger_.Error("sigtimedwait_failed", {{"errno", errno}});
      return 1;
    }
    if (sig == SIGHUP) {
      absl::Status s = auth_->Reload();
      if (s.ok()) {
        logger_.Info("tokens_reloaded");
      } else {
        logger_.Error("tokens_reload_failed", {{"error", std::string(s.message())}});
      }
      for (const auto& [name, hook] : reload_hooks_) {
        absl::Status r = hook();
        if (r.ok()) {
          logger_.Info("reloaded", {{"what", name}});
        } else {
          logger_.Error("reload_failed", {{"what", name}, {"error", std::string(r.message())}});
        }
      }
      continue;
    }
    logger_.Info("draining", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    Drain();
    logger_.Info("stopped");
    return 0;
  }
}

void ServerRuntime::Drain() {
  if (server_ == nullptr) return;
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  SetServing(false);
  health->Shutdown();  // NOT_SERVING for every service from now on, watchers told
  const auto deadline = std::chrono::system_clock::now() +
                        std::chrono::microseconds(absl::ToInt64Microseconds(config_.drain_timeout));
  server_->Shutdown(deadline);
  server_->Wait();
  server_.reset();
}

}  // namespace kompas
