// kompas.testing.v1.TestingService on the shared runtime: the subject of the runtime's
// integration tests and the load generator's echo ceiling. Never in a production binary.
#ifndef KOMPAS_TESTS_TESTSERVER_TESTING_SERVICE_H_
#define KOMPAS_TESTS_TESTSERVER_TESTING_SERVICE_H_

#include "kompas/testing/v1/testing.grpc.pb.h"
#include "services/common/redis_cache.h"
#include "services/common/rpc.h"

namespace kompas::testing {

class TestingServiceImpl final : public kompas::testing::v1::TestingService::CallbackService {
 public:
  // `cache` (may be null: no caching) serves Compute; it must outlive the service.
  explicit TestingServiceImpl(const RpcEnv& env, RedisCache* cache = nullptr)
      : env_(env), cache_(cache) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const v1::EchoRequest* request,
                                 v1::EchoResponse* response) override;
  grpc::ServerUnaryReactor* Sleep(grpc::CallbackServerContext* ctx, const v1::SleepRequest* request,
                                  v1::SleepResponse* response) override;
  grpc::ServerUnaryReactor* WhoAmI(grpc::CallbackServerContext* ctx,
                                   const v1::WhoAmIRequest* request,
                                   v1::WhoAmIResponse* response) override;
  // relay.cc
  grpc::ServerUnaryReactor* Relay(grpc::CallbackServerContext* ctx, const v1::RelayRequest* request,
                                  v1::RelayResponse* response) override;
  // compute.cc
  grpc::ServerUnaryReactor* Compute(grpc::CallbackServerContext* ctx,
                                    const v1::ComputeRequest* request,
                                    v1::ComputeResponse* response) override;

 private:
  const RpcEnv& env_;
  RedisCache* cache_;
};

}  // namespace kompas::testing

#endif  // KOMPAS_TESTS_TESTSERVER_TESTING_SERVICE_H_
