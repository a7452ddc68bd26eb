// ranks jobs and routes for a household: the gRPC face of the matching service. The logic lives in
// this library so that it is testable without a network; main.cc only wires it into the shared
// runtime.
#ifndef KOMPAS_SERVICES_MATCHING_MATCHING_SERVICE_H_
#define KOMPAS_SERVICES_MATCHING_MATCHING_SERVICE_H_

#include "kompas/matching/v1/matching.grpc.pb.h"
#include "services/common/rpc.h"

namespace kompas::matching {

inline constexpr char kMatchingServiceName[] = "kompas.matching.v1.MatchingService";

// Ranks lonend, duurzaam jobs and routes for one household or a caseload (issue 8).
// Methods not yet built answer UNIMPLEMENTED (gRPC's default); see the README's status table.
class MatchingServiceImpl final : public kompas::matching::v1::MatchingService::CallbackService {
 public:
  explicit MatchingServiceImpl(const RpcEnv& env) : env_(env) {}

 private:
  [[maybe_unused]] const RpcEnv& env_;
};

}  // namespace kompas::matching

#endif  // KOMPAS_SERVICES_MATCHING_MATCHING_SERVICE_H_
