// The echo scenario and its in-process server: kompas.testing.v1.TestingService/Echo with an
// empty (or --payload_bytes) payload.
//
// EchoServer is a plain gRPC callback service that implements Echo and nothing else: no
// auth, no logging, no metrics. Called in the same process over loopback TCP, it measures
// the transport ceiling (gRPC + HTTP/2 + protobuf on this machine) that every other figure
// is compared with. Pointed at kompas-testserver instead (--target), the same scenario adds
// the shared runtime's cost per call (token check, JSON log line, metrics).
#ifndef KOMPAS_TOOLS_LOAD_ECHO_H_
#define KOMPAS_TOOLS_LOAD_ECHO_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kompas/testing/v1/testing.grpc.pb.h"
#include "tools/load/scenario.h"

namespace kompas::load {

class EchoServer final : public LocalServer {
 public:
  // Listens on `address` ("127.0.0.1:0": a free port).
  static absl::StatusOr<std::unique_ptr<EchoServer>> Start(
      absl::string_view address = "127.0.0.1:0");

  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;
  // Shuts down, cancelling calls still running after a second.
  ~EchoServer() override;

  std::string target() const override { return target_; }
  std::string description() const override;
  int port() const { return port_; }

 private:
  class Service final : public kompas::testing::v1::TestingService::CallbackService {
    grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                   const kompas::testing::v1::EchoRequest* request,
                                   kompas::testing::v1::EchoResponse* response) override;
  };

  EchoServer() = default;

  Service service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string target_;
};

// Registers "echo" (with EchoServer as its local server).
absl::Status AddEchoScenario(ScenarioRegistry& registry);

}  // namespace kompas::load

#endif  // KOMPAS_TOOLS_LOAD_ECHO_H_
