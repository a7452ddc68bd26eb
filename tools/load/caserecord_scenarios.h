// Load scenarios for the case-record service.
#ifndef KOMPAS_TOOLS_LOAD_CASERECORD_SCENARIOS_H_
#define KOMPAS_TOOLS_LOAD_CASERECORD_SCENARIOS_H_

#include "absl/status/status.h"
#include "tools/load/scenario.h"

namespace kompas::load {

// caserecord-create (CreateParticipant: an acknowledged, audited, durable write) and
// caserecord-list (ListParticipants, the first page of 50 of a caseload).
absl::Status AddCaseRecordScenarios(ScenarioRegistry& registry);

}  // namespace kompas::load

#endif  // KOMPAS_TOOLS_LOAD_CASERECORD_SCENARIOS_H_
