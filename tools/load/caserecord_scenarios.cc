#include "tools/load/caserecord_scenarios.h"

#include <chrono>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kompas/caserecord/v1/caserecord.grpc.pb.h"

namespace kompas::load {
namespace {

namespace v1 = ::kompas::caserecord::v1;
using v1::CaseRecordService;

v1::CreateParticipantRequest NewParticipant() {
  v1::CreateParticipantRequest request;
  v1::Participant* p = request.mutable_participant();
  p->set_display_name("Deelnemer Belasting");
  p->mutable_contact()->set_phone("0612345678");
  p->set_mentor("load-mentor");
  p->set_gemeente_code("GM0014");
  p->mutable_intake_date()->set_year(2026);
  p->mutable_intake_date()->set_month(1);
  p->mutable_intake_date()->set_day(5);
  return request;
}

std::unique_ptr<Scenario> CreateScenario(const ScenarioParams& params) {
  return std::make_unique<
      UnaryScenario<CaseRecordService, v1::CreateParticipantRequest, v1::Participant>>(
      params, NewParticipant(),
      [](CaseRecordService::Stub& stub, grpc::ClientContext* context,
         const v1::CreateParticipantRequest* req, v1::Participant* resp,
         std::function<void(grpc::Status)> done) {
        stub.async()->CreateParticipant(context, req, resp, std::move(done));
      });
}

std::unique_ptr<Scenario> ListScenario(const ScenarioParams& params) {
  v1::ListParticipantsRequest request;
  request.set_page_size(50);
  return std::make_unique<
      UnaryScenario<CaseRecordService, v1::ListParticipantsRequest, v1::ListParticipantsResponse>>(
      params, std::move(request),
      [](CaseRecordService::Stub& stub, grpc::ClientContext* context,
         const v1::ListParticipantsRequest* req, v1::ListParticipantsResponse* resp,
         std::function<void(grpc::Status)> done) {
        stub.async()->ListParticipants(context, req, resp, std::move(done));
      });
}

}  // namespace

absl::Status AddCaseRecordScenarios(ScenarioRegistry& registry) {
  absl::Status s = registry.Add({
      .name = "caserecord-create",
      .description = "kompas.caserecord.v1.CaseRecordService/CreateParticipant: one participant "
                     "(name and phone encrypted, audited) per call; counts acknowledged, i.e. "
                     "committed, writes (needs --target and --token with records.write)",
      .create = [](const ScenarioParams& params) -> ScenarioOrStatus {
        return CreateScenario(params);
      },
  });
  if (!s.ok()) return s;
  s = registry.Add({
      .name = "caserecord-list",
      .description = "kompas.caserecord.v1.CaseRecordService/ListParticipants: the first page "
                     "(50) of the organisation's caseload, names decrypted (needs --target and "
                     "--token with records.read)",
      .create = [](const ScenarioParams& params) -> ScenarioOrStatus {
        return ListScenario(params);
      },
  });
  if (!s.ok()) return s;
  return registry.Add({
      .name = "caserecord-mixed",
      .description = "a mentor's mix on kompas.caserecord.v1.CaseRecordService: of every five "
                     "calls one CreateParticipant, two ListParticipants (page of 50) and two "
                     "GetParticipant of 100 participants made before the run (needs --target "
                     "and --token with records.read and records.write)",
      .create = [](const ScenarioParams& params) -> ScenarioOrStatus {
        // The participants to read, made (and committed) before the clock starts.
        std::vector<v1::GetParticipantRequest> gets;
        auto setup = CaseRecordService::NewStub(params.channels.front());
        for (int i = 0; i < 100; ++i) {
          grpc::ClientContext context;
          PrepareContext(context, params);
          context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
          v1::Participant made;
          grpc::Status status = setup->CreateParticipant(&context, NewParticipant(), &made);
          if (!status.ok()) {
            return absl::UnavailableError(absl::StrCat(
                "caserecord-mixed: setting up participants failed: ", status.error_message()));
          }
          gets.emplace_back().set_name(made.name());
        }
        std::vector<MixedScenario::Part> parts;
        parts.push_back({CreateScenario(params), 1});
        parts.push_back({ListScenario(params), 2});
        parts.push_back(
            {std::make_unique<
                 UnaryScenario<CaseRecordService, v1::GetParticipantRequest, v1::Participant>>(
                 params, std::move(gets),
                 [](CaseRecordService::Stub& stub, grpc::ClientContext* context,
                    const v1::GetParticipantRequest* req, v1::Participant* resp,
                    std::function<void(grpc::Status)> done) {
                   stub.async()->GetParticipant(context, req, resp, std::move(done));
                 }),
             2});
        return std::make_unique<MixedScenario>(std::move(parts));
      },
  });
}

}  // namespace kompas::load
