// kompas-matching: ranks jobs and routes for a household.
#include "services/common/server_main.h"
#include "services/matching/matching_service.h"

int main(int argc, char** argv) {
  return kompas::RunServerMain(
      argc, argv, "matching",
      "kompas-matching: ranks jobs and routes for a household (gRPC; see README.md)",
      [](kompas::ServerRuntime& rt, std::vector<std::shared_ptr<void>>& keep) {
        auto service = std::make_shared<kompas::matching::MatchingServiceImpl>(rt.env());
        rt.AddService(service.get(), kompas::matching::kMatchingServiceName);
        keep.push_back(service);
        return absl::OkStatus();
      });
}
