#include <cstdint>

#include "services/common/validation.h"
#include "tests/testserver/testing_service.h"

namespace kompas::testing {
namespace {

constexpr MethodSpec kCompute{"kompas.testing.v1.TestingService/Compute", Scope::kCompass};

// Change the version whenever the computation changes: answers cached by the old one are
// then never read again.
constexpr absl::string_view kComputeVersion = "sumsq-v1";
constexpr std::int64_t kPrime = 1'000'000'007;
constexpr std::int64_t kTerms = 200'000;
constexpr std::int64_t kMaxN = 1'000'000;

// (n² + (n+1)² + ... + (n+kTerms-1)²) mod kPrime, one term at a time: a few hundred
// microseconds of CPU whatever n is. The modulo inside the loop keeps the compiler from
// replacing the loop by the closed form, which is what the tests check the answer against.
std::int64_t SumOfSquaresMod(std::int64_t n) {
  std::int64_t sum = 0;
  for (std::int64_t j = n; j < n + kTerms; ++j) sum = (sum + (j * j) % kPrime) % kPrime;
  return sum;
}

}  // namespace

grpc::ServerUnaryReactor* TestingServiceImpl::Compute(grpc::CallbackServerContext* ctx,
                                                      const v1::ComputeRequest* request,
                                                      v1::ComputeResponse* response) {
  // Inline on the callback thread: CPU work plus at most --redis_command_timeout on Redis.
  return ServeUnary(env_, ctx, kCompute, [this, request, response](const CallInfo&) {
    if (absl::Status s = CheckRange("n", request->n(), 0, kMaxN); !s.ok()) return s;
    const auto compute = [request, response] {
      response->set_result(SumOfSquaresMod(request->n()));
      return absl::OkStatus();
    };
    if (cache_ == nullptr) return compute();
    // Tenant part "": the answer is the same for every organisation, so they share it.
    absl::StatusOr<bool> hit = cache_->Fill(
        CacheKey::Of("testing", "Compute", kComputeVersion, "", *request), *response, compute);
    if (!hit.ok()) return hit.status();
    response->set_from_cache(*hit);
    return absl::OkStatus();
  });
}

}  // namespace kompas::testing
