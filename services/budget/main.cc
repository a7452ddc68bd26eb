// kompas-budget: Dutch income rules.
#include "services/budget/budget_service.h"
#include "services/common/server_main.h"

int main(int argc, char** argv) {
  return kompas::RunServerMain(
      argc, argv, "budget", "kompas-budget: Dutch income rules (gRPC; see README.md)",
      [](kompas::ServerRuntime& rt, std::vector<std::shared_ptr<void>>& keep) {
        auto service = std::make_shared<kompas::budget::BudgetServiceImpl>(rt.env());
        rt.AddService(service.get(), kompas::budget::kBudgetServiceName);
        keep.push_back(service);
        return absl::OkStatus();
      });
}
