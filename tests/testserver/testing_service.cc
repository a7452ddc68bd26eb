#include "tests/testserver/testing_service.h"

#include <grpcpp/alarm.h>

#include <chrono>
#include <memory>

#include "services/common/validation.h"

namespace kompas::testing {
namespace {

constexpr MethodSpec kEcho{"kompas.testing.v1.TestingService/Echo", Scope::kCompass};
constexpr MethodSpec kSleep{"kompas.testing.v1.TestingService/Sleep", Scope::kCompass};
constexpr MethodSpec kWhoAmI{"kompas.testing.v1.TestingService/WhoAmI", Scope::kRecordsRead};

// Keeps the call and its timer together until the timer fires.
struct SleepingCall {
  std::unique_ptr<PendingCall> call;
  grpc::Alarm alarm;
};

}  // namespace

grpc::ServerUnaryReactor* TestingServiceImpl::Echo(grpc::CallbackServerContext* ctx,
                                                   const v1::EchoRequest* request,
                                                   v1::EchoResponse* response) {
  return ServeUnary(env_, ctx, kEcho, [&](const CallInfo&) {
    response->set_payload(request->payload());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* TestingServiceImpl::Sleep(grpc::CallbackServerContext* ctx,
                                                    const v1::SleepRequest* request,
                                                    v1::SleepResponse* response) {
  return ServeUnaryAsync(env_, ctx, kSleep, [request, response](std::unique_ptr<PendingCall> call) {
    if (absl::Status s = CheckRange("delay_ms", request->delay_ms(), 0, 60000); !s.ok()) {
      call->Finish(s);
      return;
    }
    auto* sleeping = new SleepingCall{std::move(call), {}};
    const auto deadline =
        std::chrono::system_clock::now() + std::chrono::milliseconds(request->delay_ms());
    const std::int32_t delay = request->delay_ms();
    sleeping->alarm.Set(deadline, [sleeping, response, delay](bool fired) {
      response->set_slept_ms(delay);
      sleeping->call->Finish(fired ? absl::OkStatus()
                                   : absl::CancelledError("sleep interrupted by shutdown"));
      delete sleeping;
    });
  });
}

grpc::ServerUnaryReactor* TestingServiceImpl::WhoAmI(grpc::CallbackServerContext* ctx,
                                                     const v1::WhoAmIRequest*,
                                                     v1::WhoAmIResponse* response) {
  return ServeUnary(env_, ctx, kWhoAmI, [response](const CallInfo& call) {
    response->set_tenant(call.principal.tenant);
    response->set_token_id(call.principal.token_id);
    response->set_actor(call.actor);
    return absl::OkStatus();
  });
}

}  // namespace kompas::testing
