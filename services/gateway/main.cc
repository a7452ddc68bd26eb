// kompas-gateway: REST/JSON and the mentor's web page in front of the four services
// (services/gateway/gateway.h). Serves until SIGTERM or SIGINT, then finishes the requests in
// flight and exits 0; exits 2 on a configuration error, naming it.
#include <httplib.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "prometheus/exposer.h"
#include "services/common/logging.h"
#include "services/gateway/gateway.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:8080", "HTTP address host:port (port 0: any free)");
ABSL_FLAG(std::string, budget_address, "", "budget's gRPC address");
ABSL_FLAG(std::string, catalog_address, "", "catalog's gRPC address");
ABSL_FLAG(std::string, matching_address, "", "matching's gRPC address");
ABSL_FLAG(std::string, caserecord_address, "", "case record's gRPC address");
ABSL_FLAG(std::string, upstream_tls_roots, "",
          "PEM file of the roots the services' TLS certificates chain to; empty: plaintext");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain; with --tls_key serves HTTPS");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for --tls_cert");
ABSL_FLAG(std::string, web_root, "", "directory of the web page (index.html …); empty: no page");
ABSL_FLAG(absl::Duration, rpc_timeout, absl::Seconds(30), "deadline of one call to a service");
ABSL_FLAG(absl::Duration, stream_timeout, absl::Minutes(10),
          "deadline of a streaming call (MatchBatch)");
ABSL_FLAG(std::int32_t, max_body_bytes, 8 * 1024 * 1024, "largest request body accepted");
ABSL_FLAG(std::int32_t, http_threads, 16, "requests handled at once");
ABSL_FLAG(std::string, probe, "",
          "instead of serving: GET this URL (http://host:port/path), print the answer, exit 0 "
          "on 200 and 1 otherwise (a container's HEALTHCHECK without curl)");
ABSL_FLAG(std::string, metrics_listen, "",
          "host:port for Prometheus /metrics (requests by operation and code); empty: none");

namespace {

int ConfigError(const std::string& message) {
  std::fprintf(stderr, "kompas-gateway: %s\n", message.c_str());
  return 2;
}

// --probe: one GET, for a container's HEALTHCHECK (the runtime image has no curl).
int Probe(const std::string& url) {
  constexpr absl::string_view kScheme = "http://";
  if (!absl::StartsWith(url, kScheme)) return ConfigError("--probe must be http://host:port/path");
  absl::string_view rest = absl::string_view(url).substr(kScheme.size());
  const size_t slash = rest.find('/');
  const std::string host_port(rest.substr(0, slash));
  const std::string path = slash == absl::string_view::npos ? "/" : std::string(rest.substr(slash));
  httplib::Client client("http://" + host_port);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(3, 0);
  httplib::Result r = client.Get(path);
  if (!r) {
    std::fprintf(stderr, "kompas-gateway --probe %s: %s\n", url.c_str(),
                 httplib::to_string(r.error()).c_str());
    return 1;
  }
  std::printf("%d %s\n", r->status, r->body.c_str());
  return r->status == 200 ? 0 : 1;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "REST/JSON gateway and web page for the Kompas services.\n"
      "  kompas-gateway --listen=127.0.0.1:8080 --budget_address=… --catalog_address=… "
      "--matching_address=… --caserecord_address=… --web_root=services/gateway/web");
  absl::ParseCommandLine(argc, argv);
  if (const std::string probe = absl::GetFlag(FLAGS_probe); !probe.empty()) return Probe(probe);
  // SIGTERM and SIGINT go to the waiting thread below, not to the HTTP workers.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  kompas::Logger logger(stderr, "gateway");
  kompas::gateway::GatewayConfig config;
  config.addresses = {{"budget", absl::GetFlag(FLAGS_budget_address)},
                      {"catalog", absl::GetFlag(FLAGS_catalog_address)},
                      {"matching", absl::GetFlag(FLAGS_matching_address)},
                      {"caserecord", absl::GetFlag(FLAGS_caserecord_address)}};
  config.web_root = absl::GetFlag(FLAGS_web_root);
  config.rpc_timeout = absl::GetFlag(FLAGS_rpc_timeout);
  config.stream_timeout = absl::GetFlag(FLAGS_stream_timeout);
  if (config.rpc_timeout <= absl::ZeroDuration() || config.stream_timeout <= absl::ZeroDuration()) {
    return ConfigError("--rpc_timeout and --stream_timeout must be positive");
  }
  const std::int32_t max_body = absl::GetFlag(FLAGS_max_body_bytes);
  const std::int32_t threads = absl::GetFlag(FLAGS_http_threads);
  if (max_body < 1024) return ConfigError("--max_body_bytes must be at least 1024");
  if (threads < 1 || threads > 1024) return ConfigError("--http_threads must be 1..1024");
  config.max_body_bytes = static_cast<std::size_t>(max_body);
  if (const std::string roots = absl::GetFlag(FLAGS_upstream_tls_roots); !roots.empty()) {
    if (!ReadFile(roots, &config.upstream_tls_roots_pem)) {
      return ConfigError("--upstream_tls_roots " + roots + ": cannot read it");
    }
  }
  std::pair<std::string, std::string> hostport =
      absl::StrSplit(absl::GetFlag(FLAGS_listen), absl::MaxSplits(':', 1));
  int port = 0;
  if (hostport.first.empty() || !absl::SimpleAtoi(hostport.second, &port) || port < 0 ||
      port > 65535) {
    return ConfigError("--listen must be host:port, like 127.0.0.1:8080");
  }

  absl::StatusOr<std::unique_ptr<kompas::gateway::Gateway>> gateway =
      kompas::gateway::Gateway::Create(config, &logger);
  if (!gateway.ok()) return ConfigError(std::string(gateway.status().message()));

  std::unique_ptr<httplib::Server> server;
  const std::string cert = absl::GetFlag(FLAGS_tls_cert);
  const std::string key = absl::GetFlag(FLAGS_tls_key);
  if (cert.empty() != key.empty()) return ConfigError("--tls_cert and --tls_key go together");
  if (!cert.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(cert.c_str(), key.c_str());
    if (!tls->is_valid()) return ConfigError("--tls_cert/--tls_key: cannot load them");
    server = std::move(tls);
  } else {
    server = std::make_unique<httplib::Server>();
  }
  server->new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  // Without TCP_NODELAY a small answer waits ~40 ms for the client's delayed ACK (Nagle).
  server->set_tcp_nodelay(true);
  server->set_keep_alive_max_count(1000);
  server->set_read_timeout(10, 0);
  server->set_write_timeout(30, 0);
  (*gateway)->Register(*server);

  if (port == 0) {
    port = server->bind_to_any_port(hostport.first);
    if (port < 0) return ConfigError("--listen: cannot bind " + hostport.first);
  } else if (!server->bind_to_port(hostport.first, port)) {
    return ConfigError("--listen: cannot bind " + absl::GetFlag(FLAGS_listen));
  }
  std::unique_ptr<prometheus::Exposer> exposer;
  if (const std::string metrics = absl::GetFlag(FLAGS_metrics_listen); !metrics.empty()) {
    try {  // prometheus-cpp reports a busy port by throwing
      exposer = std::make_unique<prometheus::Exposer>(metrics);
      exposer->RegisterCollectable((*gateway)->metrics().registry());
    } catch (const std::exception& e) {
      return ConfigError("--metrics_listen " + metrics + ": " + e.what());
    }
  }
  logger.Info("listening", {{"address", hostport.first},
                            {"port", port},
                            {"tls", !cert.empty()},
                            {"routes", (*gateway)->routes().size()}});

  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    logger.Info("draining", {{"signal", sig}});
    server->stop();
  });
  const bool served = server->listen_after_bind();
  if (!served) {
    // The listener ended without a signal: release the waiting thread and report it.
    kill(getpid(), SIGTERM);
  }
  stopper.join();
  logger.Info("stopped");
  return served ? 0 : 1;
}
