// Relay: calls TestingService.Sleep on another testserver through the shared client helper,
// the subject of the client helper's integration tests.
//
// The number of attempts the helper made is in RelayResponse.attempts on success and, on
// success and failure alike, in the trailing metadata `x-kompas-attempts` (an error carries
// no response message); a failure's message says it too ("… after 3 attempts: …").
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/common/client.h"
#include "services/common/validation.h"
#include "tests/testserver/testing_service.h"

namespace kompas::testing {
namespace {

constexpr MethodSpec kRelay{"kompas.testing.v1.TestingService/Relay", Scope::kCompass};

using TestingDownstream = Downstream<v1::TestingService>;

// Only a test server relays to addresses its callers name; still, bound what they can make
// it hold.
constexpr std::size_t kMaxTargets = 64;
constexpr std::size_t kMaxTargetBytes = 256;

// One Downstream (and so one channel) per target, for the life of the process.
class DownstreamPool {
 public:
  absl::StatusOr<const TestingDownstream*> Get(const std::string& target, Logger* logger) {
    absl::MutexLock lock(&mu_);
    if (auto it = downstreams_.find(target); it != downstreams_.end()) return it->second.get();
    if (downstreams_.size() >= kMaxTargets) {
      return absl::ResourceExhaustedError(
          absl::StrCat("target: this server relays to at most ", kMaxTargets, " targets"));
    }
    DownstreamConfig config;
    config.service = "testserver";
    config.address = target;
    config.default_timeout = absl::Seconds(65);  // Sleep takes up to 60 s; callers set less
    config.logger = logger;
    absl::StatusOr<std::unique_ptr<TestingDownstream>> created =
        TestingDownstream::Create(std::move(config));
    if (!created.ok()) return created.status();
    const TestingDownstream* downstream = created->get();
    downstreams_.emplace(target, *std::move(created));
    return downstream;
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<TestingDownstream>> downstreams_
      ABSL_GUARDED_BY(mu_);
};

DownstreamPool& Pool() {
  static auto* pool = new DownstreamPool();  // never destroyed: calls may outlive main
  return *pool;
}

// The incoming call and the outgoing request and response, until the relayed call ends.
struct RelayedCall {
  std::unique_ptr<PendingCall> call;
  v1::SleepRequest request;
  v1::SleepResponse response;
};

}  // namespace

grpc::ServerUnaryReactor* TestingServiceImpl::Relay(grpc::CallbackServerContext* ctx,
                                                    const v1::RelayRequest* request,
                                                    v1::RelayResponse* response) {
  return ServeUnaryAsync(
      env_, ctx, kRelay, [this, request, response](std::unique_ptr<PendingCall> call) {
        Validator v;
        v.Check(CheckRequired("target", !request->target().empty()))
            .Check(CheckMaxLength("target", request->target(), kMaxTargetBytes));
        if (!v.ok()) {
          call->Finish(v.status());
          return;
        }
        absl::StatusOr<const TestingDownstream*> downstream =
            Pool().Get(request->target(), env_.logger);
        if (!downstream.ok()) {
          call->Finish(downstream.status());
          return;
        }
        auto* relayed = new RelayedCall{std::move(call), {}, {}};
        relayed->request.set_delay_ms(request->delay_ms());
        CallOptions options;
        options.idempotent = request->idempotent();
        (*downstream)
            ->Call(&v1::TestingService::Stub::async_interface::Sleep, &relayed->request,
                   &relayed->response, options, &relayed->call->info(),
                   [relayed, response](absl::Status status, CallStats stats) {
                     std::unique_ptr<RelayedCall> owned(relayed);
                     owned->call->info().context->AddTrailingMetadata(
                         "x-kompas-attempts", std::to_string(stats.attempts));
                     if (status.ok()) {
                       response->set_slept_ms(owned->response.slept_ms());
                       response->set_attempts(stats.attempts);
                     }
                     owned->call->Finish(status);
                   });
      });
}

}  // namespace kompas::testing
