// Load scenarios for the budget service.
#ifndef KOMPAS_TOOLS_LOAD_BUDGET_SCENARIOS_H_
#define KOMPAS_TOOLS_LOAD_BUDGET_SCENARIOS_H_

#include "absl/status/status.h"
#include "tools/load/scenario.h"

namespace kompas::load {

// budget-income (CalculateIncome) and budget-batch100 (CalculateIncomeBatch of 100).
absl::Status AddBudgetScenarios(ScenarioRegistry& registry);

}  // namespace kompas::load

#endif  // KOMPAS_TOOLS_LOAD_BUDGET_SCENARIOS_H_
