#include "tools/load/caserecord_scenarios.h"

#include "kompas/caserecord/v1/caserecord.grpc.pb.h"

namespace kompas::load {
namespace {

namespace v1 = ::kompas::caserecord::v1;
using v1::CaseRecordService;

}  // namespace

absl::Status AddCaseRecordScenarios(ScenarioRegistry& registry) {
  absl::Status s = registry.Add({
      .name = "caserecord-create",
      .description = "kompas.caserecord.v1.CaseRecordService/CreateParticipant: one participant "
                     "(name and phone encrypted, audited) per call; counts acknowledged, i.e. "
                     "committed, writes (needs --target and --token with records.write)",
      .create = [](const ScenarioParams& params) -> ScenarioOrStatus {
        v1::CreateParticipantRequest request;
        v1::Participant* p = request.mutable_participant();
        p->set_display_name("Deelnemer Belasting");
        p->mutable_contact()->set_phone("0612345678");
        p->set_mentor("load-mentor");
        p->set_gemeente_code("GM0014");
        p->mutable_intake_date()->set_year(2026);
        p->mutable_intake_date()->set_month(1);
        p->mutable_intake_date()->set_day(5);
        return std::make_unique<
            UnaryScenario<CaseRecordService, v1::CreateParticipantRequest, v1::Participant>>(
            params, std::move(request),
            [](CaseRecordService::Stub& stub, grpc::ClientContext* context,
               const v1::CreateParticipantRequest* req, v1::Participant* resp,
               std::function<void(grpc::Status)> done) {
              stub.async()->CreateParticipant(context, req, resp, std::move(done));
            });
      },
  });
  if (!s.ok()) return s;
  return registry.Add({
      .name = "caserecord-list",
      .description = "kompas.caserecord.v1.CaseRecordService/ListParticipants: the first page "
                     "(50) of the organisation's caseload, names decrypted (needs --target and "
                     "--token with records.read)",
      .create = [](const ScenarioParams& params) -> ScenarioOrStatus {
        v1::ListParticipantsRequest request;
        request.set_page_size(50);
        return std::make_unique<UnaryScenario<CaseRecordService, v1::ListParticipantsRequest,
                                              v1::ListParticipantsResponse>>(
            params, std::move(request),
            [](CaseRecordService::Stub& stub, grpc::ClientContext* context,
               const v1::ListParticipantsRequest* req, v1::ListParticipantsResponse* resp,
               std::function<void(grpc::Status)> done) {
              stub.async()->ListParticipants(context, req, resp, std::move(done));
            });
      },
  });
}

}  // namespace kompas::load
