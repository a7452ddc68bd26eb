#include "tests/testserver/testing_service.h"

namespace kompas::testing {

// Placeholder until the compute piece of Foundation II lands: answers UNIMPLEMENTED.
grpc::ServerUnaryReactor* TestingServiceImpl::Compute(grpc::CallbackServerContext* ctx,
                                                      const v1::ComputeRequest*,
                                                      v1::ComputeResponse*) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "Compute is not built yet"));
  return reactor;
}

}  // namespace kompas::testing
