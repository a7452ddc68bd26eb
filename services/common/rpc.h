// The one path every Kompas RPC takes: authenticate (tenant from the token), run the
// handler, then one JSON log line and the metrics, whatever the outcome.
//
//   grpc::ServerUnaryReactor* Foo(grpc::CallbackServerContext* ctx, const FooRequest* req,
//                                 FooResponse* resp) override {
//     return ServeUnary(env_, ctx, kFooMethod, [req, resp](const CallInfo& call) {
//       return DoFoo(call.principal.tenant, *req, *resp);   // absl::Status
//     });
//   }
//
// Handlers that must block (a database) take the `PendingCall` with ServeUnaryAsync, move it
// to a worker and call Finish there: a callback thread is never blocked.
#ifndef KOMPAS_SERVICES_COMMON_RPC_H_
#define KOMPAS_SERVICES_COMMON_RPC_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/auth.h"
#include "services/common/logging.h"
#include "services/common/metrics.h"
#include "services/common/tokens.h"

namespace kompas {

// What every handler shares: set up once per server by ServerRuntime.
struct RpcEnv {
  const Authenticator* auth = nullptr;
  Logger* logger = nullptr;
  RpcMetrics* metrics = nullptr;
};

struct MethodSpec {
  absl::string_view name;  // full name, "kompas.budget.v1.BudgetService/CalculateIncome"
  Scope scope;
};

// The caller as established for this call.
struct CallInfo {
  Principal principal;
  std::string actor;       // x-kompas-actor: a member system's pseudonymous mentor id; may be empty
  std::string request_id;  // x-request-id if sent and well-formed, else generated
  grpc::CallbackServerContext* context = nullptr;
};

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// An authenticated call not yet answered. Finish exactly once; a PendingCall destroyed
// without Finish answers INTERNAL, so no call is ever left hanging.
class PendingCall {
 public:
  PendingCall(const RpcEnv& env, const MethodSpec& spec, grpc::ServerUnaryReactor* reactor,
              absl::Time start, CallInfo info);
  PendingCall(const PendingCall&) = delete;
  PendingCall& operator=(const PendingCall&) = delete;
  ~PendingCall();

  const CallInfo& info() const { return info_; }
  void Finish(const absl::Status& status);

 private:
  RpcEnv env_;
  MethodSpec spec_;
  grpc::ServerUnaryReactor* reactor_;
  absl::Time start_;
  CallInfo info_;
  bool finished_ = false;
};

// Authenticates and checks the common metadata; on failure the call is already answered
// (and logged) and nullptr is returned.
std::unique_ptr<PendingCall> BeginCall(const RpcEnv& env, grpc::CallbackServerContext* ctx,
                                       const MethodSpec& spec, grpc::ServerUnaryReactor* reactor);

// For streaming handlers, which answer through their own reactor: authenticates and checks the
// common metadata like BeginCall. On failure the call is logged and counted, and the status is
// returned for the reactor's Finish. On success, log the end with LogCallEnd.
absl::StatusOr<CallInfo> AuthenticateCall(const RpcEnv& env, grpc::CallbackServerContext* ctx,
                                          const MethodSpec& spec, absl::Time start);
// One log line and the metrics for a call that AuthenticateCall let through.
void LogCallEnd(const RpcEnv& env, const MethodSpec& spec, const CallInfo& info,
                absl::StatusCode code, absl::Time start);

// Handler: absl::Status(const CallInfo&), run inline on the callback thread (CPU-only work).
template <typename Handler>
grpc::ServerUnaryReactor* ServeUnary(const RpcEnv& env, grpc::CallbackServerContext* ctx,
                                     const MethodSpec& spec, Handler&& handler) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  std::unique_ptr<PendingCall> call = BeginCall(env, ctx, spec, reactor);
  if (call != nullptr) call->Finish(handler(call->info()));
  return reactor;
}

// Handler: void(std::unique_ptr<PendingCall>); it finishes the call now or later.
template <typename Handler>
grpc::ServerUnaryReactor* ServeUnaryAsync(const RpcEnv& env, grpc::CallbackServerContext* ctx,
                                          const MethodSpec& spec, Handler&& handler) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  std::unique_ptr<PendingCall> call = BeginCall(env, ctx, spec, reactor);
  if (call != nullptr) handler(std::move(call));
  return reactor;
}

}  // namespace kompas

#endif  // KOMPAS_SERVICES_COMMON_RPC_H_
