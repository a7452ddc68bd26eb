// Load scenarios for the matching service.
#ifndef KOMPAS_TOOLS_LOAD_MATCHING_SCENARIOS_H_
#define KOMPAS_TOOLS_LOAD_MATCHING_SCENARIOS_H_

#include <vector>

#include "absl/status/status.h"
#include "kompas/matching/v1/matching.pb.h"
#include "tools/load/scenario.h"

namespace kompas::load {

// `count` distinct profiles: households in five pilot and large gemeenten, 1 or 2 adults,
// 0 to 3 children, rents and hours spread out; deterministic.
std::vector<kompas::matching::v1::MatchProfile> DistinctProfiles(int count);

// match: MatchingService/Match over 1,000 distinct profiles; match-50k over 50,000 (so that
// budget's Redis answers mostly miss).
absl::Status AddMatchingScenarios(ScenarioRegistry& registry);

}  // namespace kompas::load

#endif  // KOMPAS_TOOLS_LOAD_MATCHING_SCENARIOS_H_
