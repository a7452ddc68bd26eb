// kompas-load scenarios for the job catalogue (kompas.catalog.v1.CatalogService).
#ifndef KOMPAS_TOOLS_LOAD_CATALOG_SCENARIOS_H_
#define KOMPAS_TOOLS_LOAD_CATALOG_SCENARIOS_H_

#include "absl/status/status.h"
#include "tools/load/scenario.h"

namespace kompas::load {

absl::Status AddCatalogScenarios(ScenarioRegistry& registry);

}  // namespace kompas::load

#endif  // KOMPAS_TOOLS_LOAD_CATALOG_SCENARIOS_H_
