// The gateway: REST/JSON over HTTP for the public RPCs of budget, catalog, matching and case
// record, plus the mentor's web page. It adds no rules of its own: each call is translated
// (services/gateway/transcode.h) and sent on with the caller's bearer token, which the service
// checks (tenant and scope come from the token there, as for a gRPC caller).
//
//   GET  /                 the web page (files of --web_root, read at start-up)
//   GET  /openapi.json     the OpenAPI 3 description (services/gateway/openapi.h)
//   GET  /healthz          the gateway is up; GET /readyz: every configured service SERVING
//   …    /v1/…             the routes of the services' google.api.http rules
#ifndef KOMPAS_SERVICES_GATEWAY_GATEWAY_H_
#define KOMPAS_SERVICES_GATEWAY_GATEWAY_H_

#include <httplib.h>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/logging.h"
#include "services/common/metrics.h"
#include "services/gateway/route.h"

namespace kompas::gateway {

struct GatewayConfig {
  // Service short name ("budget", "catalog", "matching", "caserecord") → gRPC address. A
  // service without an address answers 503 (UNAVAILABLE) on its routes.
  std::map<std::string, std::string> addresses;
  std::string upstream_tls_roots_pem;  // empty: plaintext to the services
  std::string web_root;                // directory of the web page; empty: no page
  absl::Duration rpc_timeout = absl::Seconds(30);
  absl::Duration stream_timeout = absl::Minutes(10);
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  std::string api_version = "1.0.0";
};

class Gateway {
 public:
  static absl::StatusOr<std::unique_ptr<Gateway>> Create(GatewayConfig config, Logger* logger);
  ~Gateway();

  // Installs the handlers on `server` (which the caller binds, runs and stops).
  void Register(httplib::Server& server);

  const std::vector<Route>& routes() const { return routes_; }
  const std::string& openapi() const { return openapi_; }
  // Requests by operation (the RPC's name) and gRPC code, and their latency.
  const RpcMetrics& metrics() const { return metrics_; }

 private:
  struct Upstream;
  struct StaticFile {
    std::string content_type;
    std::string body;
  };

  Gateway(GatewayConfig config, Logger* logger);
  void Handle(const httplib::Request& req, httplib::Response& res);
  absl::StatusCode HandleRoute(const Route& route, const std::vector<std::string>& values,
                               const httplib::Request& req, httplib::Response& res);
  absl::StatusCode HandleStream(const Route& route, Upstream& upstream, std::string request_bytes,
                                const httplib::Request& req, httplib::Response& res);
  void HandleReady(httplib::Response& res);
  // Returns the status's code, so handlers can `return SendProblem(…)`.
  absl::StatusCode SendProblem(httplib::Response& res, const absl::Status& status,
                               const google::protobuf::Descriptor* request, int http_status = 0);
  void AddApiHeaders(httplib::Response& res) const;

  GatewayConfig config_;
  Logger* logger_;
  std::vector<Route> routes_;
  std::map<std::string, std::unique_ptr<Upstream>> upstreams_;
  std::map<std::string, StaticFile> files_;  // "/index.html" → file
  std::string openapi_;
  RpcMetrics metrics_;
};

}  // namespace kompas::gateway

#endif  // KOMPAS_SERVICES_GATEWAY_GATEWAY_H_
