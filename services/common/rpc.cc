#include "services/common/rpc.h"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "services/common/validation.h"

namespace kompas {
namespace {

// Metadata values we record must be short, printable tokens: nothing a person could use to
// smuggle personal data or forge log structure.
bool IsSafeId(absl::string_view v) {
  return !v.empty() && v.size() <= 64 && std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ':';
  });
}

std::optional<absl::string_view> Metadata(const grpc::CallbackServerContext* ctx,
                                          absl::string_view key) {
  const auto& md = ctx->client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return std::nullopt;
  return absl::string_view(it->second.data(), it->second.size());
}

std::string NewRequestId() {
  std::array<unsigned char, 8> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, 17> hex{};
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  return std::string(hex.data(), 16);
}

constexpr std::array<absl::string_view, 17> kCodeNames = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};

absl::string_view CodeName(absl::StatusCode code) {
  auto i = static_cast<std::size_t>(code);
  return i < kCodeNames.size() ? kCodeNames[i] : "UNKNOWN";
}

void LogAndCount(const RpcEnv& env, const MethodSpec& spec, const CallInfo& info,
                 absl::StatusCode code, absl::Time start) {
  const absl::Duration latency = absl::Now() - start;
  if (env.metrics != nullptr) env.metrics->Record(spec.name, CodeName(code), latency);
  if (env.logger != nullptr) {
    env.logger->Info("rpc", {{"method", std::string(spec.name)},
                             {"tenant", info.principal.tenant},
                             {"token_id", info.principal.token_id},
                             {"actor", info.actor},
                             {"code", std::string(CodeName(code))},
                             {"latency_us", absl::ToInt64Microseconds(latency)},
                             {"request_id", info.request_id}});
  }
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

PendingCall::PendingCall(const RpcEnv& env, const MethodSpec& spec,
                         grpc::ServerUnaryReactor* reactor, absl::Time start, CallInfo info)
    : env_(env), spec_(spec), reactor_(reactor), start_(start), info_(std::move(info)) {}

PendingCall::~PendingCall() {
  if (!finished_) Finish(absl::InternalError("the handler dropped the call without an answer"));
}

void PendingCall::Finish(const absl::Status& status) {
  if (finished_) return;
  finished_ = true;
  // A call the client cancelled (or whose deadline passed) is logged as such, whatever the
  // handler concluded: nobody received that answer.
  const bool cancelled = info_.context != nullptr && info_.context->IsCancelled();
  LogAndCount(env_, spec_, info_, cancelled ? absl::StatusCode::kCancelled : status.code(), start_);
  reactor_->Finish(ToGrpcStatus(status));
}

absl::StatusOr<CallInfo> AuthenticateCall(const RpcEnv& env, grpc::CallbackServerContext* ctx,
                                          const MethodSpec& spec, absl::Time start) {
  CallInfo info;
  info.context = ctx;
  std::optional<absl::string_view> rid = Metadata(ctx, "x-request-id");
  info.request_id = rid.has_value() && IsSafeId(*rid) ? std::string(*rid) : NewRequestId();
  ctx->AddInitialMetadata("x-request-id", info.request_id);

  absl::Status failure;
  absl::StatusOr<Principal> principal = env.auth->Authenticate(Metadata(ctx, "authorization"));
  if (!principal.ok()) {
    failure = principal.status();
  } else {
    info.principal = *std::move(principal);
    failure = CheckScope(info.principal, spec.scope);
    std::optional<absl::string_view> actor = Metadata(ctx, "x-kompas-actor");
    if (failure.ok() && actor.has_value()) {
      if (IsSafeId(*actor)) {
        info.actor = std::string(*actor);
      } else {
        failure = InvalidField("metadata x-kompas-actor",
                               "must be 1-64 characters of A-Z, a-z, 0-9, '-', '_', '.', ':' "
                               "(a pseudonymous id, never a name)");
      }
    }
  }
  if (!failure.ok()) {
    LogAndCount(env, spec, info, failure.code(), start);
    return failure;
  }
  return info;
}

void LogCallEnd(const RpcEnv& env, const MethodSpec& spec, const CallInfo& info,
                absl::StatusCode code, absl::Time start) {
  LogAndCount(env, spec, info, code, start);
}

std::unique_ptr<PendingCall> BeginCall(const RpcEnv& env, grpc::CallbackServerContext* ctx,
                                       const MethodSpec& spec, grpc::ServerUnaryReactor* reactor) {
  const absl::Time start = absl::Now();
  absl::StatusOr<CallInfo> info = AuthenticateCall(env, ctx, spec, start);
  if (!info.ok()) {
    reactor->Finish(ToGrpcStatus(info.status()));
    return nullptr;
  }
  return std::make_unique<PendingCall>(env, spec, reactor, start, *std::move(info));
}

}  // namespace kompas
