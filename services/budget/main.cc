// kompas-budget: the Dutch income rules as a service.
#include "absl/flags/flag.h"
#include "services/budget/budget_service.h"
#include "services/common/server_main.h"

ABSL_FLAG(std::string, rules_dir, "data/rules/nl",
          "directory of rule-set files (*.yaml), one per period; validated at start-up");
ABSL_FLAG(std::string, budget_standard, "data/budget-standards/nl-armoedegrens-2023-afgeleid.yaml",
          "the budget standard (need side) file");
ABSL_FLAG(std::string, org_budget_standards, "",
          "directory of organisations' own budget standards, one <tenant>.yaml each (optional)");
ABSL_FLAG(std::string, municipal_dir, "data/municipal",
          "directory of municipal minima schemes, one GM<code>.yaml per gemeente; empty = none "
          "(answers then say that local schemes are not included)");
ABSL_FLAG(std::string, gemeenten, "data/regions/gemeente_arbeidsmarktregio_2026.csv",
          "the list of gemeente codes a household may name");

int main(int argc, char** argv) {
  return kompas::RunServerMain(
      argc, argv, "budget", "kompas-budget: Dutch income rules (gRPC; see README.md)",
      [](kompas::ServerRuntime& rt, std::vector<std::shared_ptr<void>>& keep) -> absl::Status {
        kompas::budget::BudgetDataFiles files;
        files.rules_dir = absl::GetFlag(FLAGS_rules_dir);
        files.standard_file = absl::GetFlag(FLAGS_budget_standard);
        files.gemeenten_file = absl::GetFlag(FLAGS_gemeenten);
        files.municipal_dir = absl::GetFlag(FLAGS_municipal_dir);
        files.org_standards_dir = absl::GetFlag(FLAGS_org_budget_standards);
        absl::StatusOr<std::shared_ptr<const kompas::budget::BudgetData>> data =
            kompas::budget::LoadBudgetData(files);
        if (!data.ok()) return data.status();
        auto logic = std::make_shared<const kompas::budget::BudgetLogic>(
            *data, kompas::budget::TodayInNetherlands);
        auto service =
            std::make_shared<kompas::budget::BudgetServiceImpl>(rt.env(), logic, &rt.cache());
        rt.AddService(service.get(), kompas::budget::kBudgetServiceName);
        rt.logger().Info("rules_loaded", {{"version", (*data)->version}});
        keep.push_back(service);
        return absl::OkStatus();
      });
}
