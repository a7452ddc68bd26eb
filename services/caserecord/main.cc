// kompas-caserecord: coaching records per organisation.
#include "services/caserecord/caserecord_service.h"
#include "services/common/server_main.h"

int main(int argc, char** argv) {
  return kompas::RunServerMain(
      argc, argv, "caserecord",
      "kompas-caserecord: coaching records per organisation (gRPC; see README.md)",
      [](kompas::ServerRuntime& rt, std::vector<std::shared_ptr<void>>& keep) {
        auto service = std::make_shared<kompas::caserecord::CaseRecordServiceImpl>(rt.env());
        rt.AddService(service.get(), kompas::caserecord::kCaseRecordServiceName);
        keep.push_back(service);
        return absl::OkStatus();
      });
}
