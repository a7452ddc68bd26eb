#include "tools/load/echo.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"

namespace kompas::load {

using kompas::testing::v1::EchoRequest;
using kompas::testing::v1::EchoResponse;
using kompas::testing::v1::TestingService;

grpc::ServerUnaryReactor* EchoServer::Service::Echo(grpc::CallbackServerContext* context,
                                                    const EchoRequest* request,
                                                    EchoResponse* response) {
  response->set_payload(request->payload());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

absl::StatusOr<std::unique_ptr<EchoServer>> EchoServer::Start(absl::string_view address) {
  std::unique_ptr<EchoServer> server(new EchoServer());
  grpc::ServerBuilder builder;
  builder.AddListeningPort(std::string(address), grpc::InsecureServerCredentials(), &server->port_);
  builder.RegisterService(&server->service_);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("the in-process echo server could not listen on ", address));
  }
  const std::string host(address.substr(0, address.rfind(':')));
  server->target_ = absl::StrCat(host, ":", server->port_);
  return server;
}

EchoServer::~EchoServer() {
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    server_->Wait();
  }
}

std::string EchoServer::description() const {
  return "in-process echo server (plain gRPC callback service: no auth, no logging)";
}

absl::Status AddEchoScenario(ScenarioRegistry& registry) {
  return registry.Add({
      .name = "echo",
      .description = "kompas.testing.v1.TestingService/Echo with an empty (or --payload_bytes) "
                     "payload; without --target, against kompas-load's own echo server",
      .create = [](const ScenarioParams& params) -> ScenarioOrStatus {
        EchoRequest request;
        request.set_payload(std::string(static_cast<std::size_t>(params.payload_bytes), 'k'));
        return std::make_unique<UnaryScenario<TestingService, EchoRequest, EchoResponse>>(
            params, std::move(request),
            [](TestingService::Stub& stub, grpc::ClientContext* context, const EchoRequest* req,
               EchoResponse* resp, std::function<void(grpc::Status)> done) {
              stub.async()->Echo(context, req, resp, std::move(done));
            });
      },
      .start_local_server = []() -> absl::StatusOr<std::unique_ptr<LocalServer>> {
        absl::StatusOr<std::unique_ptr<EchoServer>> server = EchoServer::Start();
        if (!server.ok()) return server.status();
        return std::unique_ptr<LocalServer>(*std::move(server));
      },
  });
}

}  // namespace kompas::load
