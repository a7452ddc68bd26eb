#include "tests/testserver/testing_service.h"

namespace kompas::testing {

// Placeholder until the relay piece of Foundation II lands: answers UNIMPLEMENTED.
grpc::ServerUnaryReactor* TestingServiceImpl::Relay(grpc::CallbackServerContext* ctx,
                                                    const v1::RelayRequest*, v1::RelayResponse*) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "Relay is not built yet"));
  return reactor;
}

}  // namespace kompas::testing
