// The matching service without a network. The first byte picks:
//   0  Match: a MatchRequest (the rest), its profile through ValidateProfile;
//   1  MatchBatch: a MatchBatchRequest (the rest), every profile through ValidateProfile;
//   2  the ranking pipeline of matching_service.cc on a valid profile, with the downstream
//      answers taken from the input (chunks: profile, SearchOccupationsResponse,
//      CalculateIncomeBatchResponse for the candidates, ListCareerStepsResponse, and the
//      CalculateIncomeBatchResponse for the route steps): SelectCandidates, EntryWage,
//      MedianWage, BuildRoutePlan and RankCandidates. As the service does, the budget answers are
//      brought to the number of results asked for (the service refuses any other count).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "fuzz/fuzz_input.h"
#include "services/matching/matching_logic.h"

namespace {

namespace matching = kompas::matching;
namespace v1 = kompas::matching::v1;
namespace cv1 = kompas::catalog::v1;
namespace bv1 = kompas::budget::v1;

void Validate(const v1::MatchProfile& profile) {
  std::string field;
  const absl::Status status = matching::ValidateProfile(profile, &field);
  kompas::fuzz::RequireNoInternalError(status);
}

// Exactly `n` results: the missing ones empty, the surplus dropped.
void Resize(bv1::CalculateIncomeBatchResponse& r, int n) {
  while (r.results_size() < n) r.add_results();
  while (r.results_size() > n) r.mutable_results()->RemoveLast();
}

void Rank(kompas::fuzz::FuzzInput& in) {
  const auto profile = in.ParseChunk<v1::MatchProfile>();
  std::string field;
  if (!matching::ValidateProfile(profile, &field).ok()) return;
  const auto found = in.ParseChunk<cv1::SearchOccupationsResponse>();
  const std::vector<const cv1::Occupation*> candidates = matching::SelectCandidates(found);
  auto money = in.ParseChunk<bv1::CalculateIncomeBatchResponse>();
  Resize(money, static_cast<int>(candidates.size()) + 1);
  const auto steps = in.ParseChunk<cv1::ListCareerStepsResponse>();
  std::vector<const cv1::Occupation*> all;
  for (const cv1::Occupation& o : found.occupations()) all.push_back(&o);

  const std::int64_t required = money.required_budget().total().cents();
  std::vector<matching::Evaluated> evaluated(candidates.size());
  int route_steps = 0;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    matching::Evaluated& e = evaluated[i];
    e.occupation = candidates[i];
    e.wage = matching::EntryWage(*candidates[i]);
    (void)matching::MedianWage(*candidates[i]);
    (void)matching::ShortestTraining(*candidates[i], profile.education_level());
    e.money = &money.results(static_cast<int>(i) + 1);
    const bool lonend = e.money->calculation().disposable_income().cents() >= required;
    e.plan = matching::BuildRoutePlan(profile, *candidates[i], lonend, steps, all);
    route_steps += static_cast<int>(e.plan.steps.size());
  }
  auto route_money = in.ParseChunk<bv1::CalculateIncomeBatchResponse>();
  Resize(route_money, route_steps);
  int next = 0;
  for (matching::Evaluated& e : evaluated) {
    for (std::size_t k = 0; k < e.plan.steps.size(); ++k)
      e.route_money.push_back(&route_money.results(next++));
  }
  v1::MatchResult result;
  matching::RankCandidates(profile, evaluated, required, "Regio", result);
  (void)result.SerializeAsString();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  kompas::fuzz::QuietProtobufLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kompas::fuzz::FuzzInput in(data, size);
  switch (in.Byte() % 3) {
    case 0:
      Validate(in.ParseRest<v1::MatchRequest>().profile());
      break;
    case 1: {
      const auto batch = in.ParseRest<v1::MatchBatchRequest>();
      for (const v1::MatchProfile& p : batch.profiles()) Validate(p);
      break;
    }
    default:
      Rank(in);
      break;
  }
  return 0;
}
