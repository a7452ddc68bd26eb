// The registry of every scenario kompas-load offers. A new scenario: one Add...Scenario
// function next to its code, and one line here.
#include <cstdio>
#include <cstdlib>

#include "tools/load/budget_scenarios.h"
#include "tools/load/caserecord_scenarios.h"
#include "tools/load/catalog_scenarios.h"
#include "tools/load/echo.h"
#include "tools/load/matching_scenarios.h"
#include "tools/load/scenario.h"

namespace kompas::load {

namespace {

// Registration only fails for a programming error (a duplicate or unnamed scenario).
void MustAdd(const absl::Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "kompas-load: %s\n", std::string(status.message()).c_str());
    std::abort();
  }
}

}  // namespace

ScenarioRegistry BuiltinScenarios() {
  ScenarioRegistry registry;
  MustAdd(AddEchoScenario(registry));
  MustAdd(AddBudgetScenarios(registry));
  MustAdd(AddCaseRecordScenarios(registry));
  MustAdd(AddCatalogScenarios(registry));
  MustAdd(AddMatchingScenarios(registry));
  return registry;
}

}  // namespace kompas::load
