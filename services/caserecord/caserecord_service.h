// coaching records per organisation: the gRPC face of the caserecord service. The logic lives in
// this library so that it is testable without a network; main.cc only wires it into the shared
// runtime.
#ifndef KOMPAS_SERVICES_CASERECORD_CASERECORD_SERVICE_H_
#define KOMPAS_SERVICES_CASERECORD_CASERECORD_SERVICE_H_

#include "kompas/caserecord/v1/caserecord.grpc.pb.h"
#include "services/common/rpc.h"

namespace kompas::caserecord {

inline constexpr char kCaseRecordServiceName[] = "kompas.caserecord.v1.CaseRecordService";

// Participants' Mobility Mentoring records per organisation (issues 9 and 10).
// Methods not yet built answer UNIMPLEMENTED (gRPC's default); see the README's status table.
class CaseRecordServiceImpl final
    : public kompas::caserecord::v1::CaseRecordService::CallbackService {
 public:
  explicit CaseRecordServiceImpl(const RpcEnv& env) : env_(env) {}

 private:
  [[maybe_unused]] const RpcEnv& env_;
};

}  // namespace kompas::caserecord

#endif  // KOMPAS_SERVICES_CASERECORD_CASERECORD_SERVICE_H_
