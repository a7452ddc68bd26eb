// The Career Compass ranking, as pure functions over the answers of job-catalog and budget: no
// network, no rules and no catalogue data of its own. matching_service.cc fetches the inputs
// and calls these.
//
// For one profile:
//  1. Candidates: the occupations of the household's labour-market region whose demand there is
//     at least "gemiddeld" (SearchOccupations, ordered by demand then median wage).
//  2. The wage used per candidate (EntryWage): a cao entry wage where the catalogue has one,
//     else the CBS 25th percentile (as indexed, never below the adult minimum wage). An entry
//     wage, not the median: a participant starts at the bottom of the scale.
//  3. Money: one CalculateIncomeBatch with the current situation and each candidate at the
//     job seeker's available hours, with the next cliff above each wage.
//  4. Routes (BuildRoutePlan) for a candidate that is not reachable now (an education gap) or
//     not lonend now, over 60 months: (a) the shortest training into the occupation that reaches
//     its level (none when reachable now) and then work at the entry wage; (b) 24 months later the
//     occupation's median wage (experience); (c) then the career step from it with the largest
//     median wage gain, after its training, at the new occupation's entry wage. During training
//     the household keeps its current income (a paid BBL wage is not counted: conservative).
//  5. Score (ScoreCandidate), components 0..1000, weighted (DefaultWeights):
//       margin        0 at a shortfall of 25 % of the required budget or more, 1000 at a surplus
//                     of 20 % or more, linear between;
//       demand        zeer ruim 0, ruim 250, gemiddeld 500, krap 750, zeer krap 1000;
//       reachability  1000 reachable now; else 1000 − 1000 × training months / 60 (at least
//                     100) when a training fits the job seeker's maximum; 0 otherwise;
//       cliff risk    1000 without a cliff up to twice the wage; else 1000 × (1 − s × (1 − d))
//                     with d the distance to the cliff as a share of the wage (0..1) and s its
//                     depth as a share of € 100 a month (0..1).
//     Occupations the job seeker can reach (now, or by a training within their maximum) rank
//     above the others; within each group by total, then margin, then occupation code; then no
//     candidate stays above one
//     that pays less gross per hour but leaves the household more (a cliff or a lost scheme in
//     between), and its reasons say so.
#ifndef KOMPAS_SERVICES_MATCHING_MATCHING_LOGIC_H_
#define KOMPAS_SERVICES_MATCHING_MATCHING_LOGIC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "kompas/budget/v1/budget.pb.h"
#include "kompas/catalog/v1/catalog.pb.h"
#include "kompas/matching/v1/matching.pb.h"

namespace kompas::matching {

namespace cv1 = ::kompas::catalog::v1;
namespace bv1 = ::kompas::budget::v1;

inline constexpr int kProjectionMonths = 60;
inline constexpr int kExperienceMonths = 24;
inline constexpr int kDefaultMaxCandidates = 20;
inline constexpr int kMaxCandidates = 100;

v1::ScoreWeights DefaultWeights();

// INVALID_ARGUMENT naming the field ("profile.available_minutes_per_week: …"); `field_path` (may
// be null) gets the path within the profile, for MatchBatch's ProfileError. The gemeente code is
// checked by job-catalog (unknown → INVALID_ARGUMENT as well, see matching_service.cc).
absl::Status ValidateProfile(const v1::MatchProfile& profile, std::string* field_path);

// The occupations worth ranking: demand in the region at least gemiddeld.
std::vector<const cv1::Occupation*> SelectCandidates(const cv1::SearchOccupationsResponse& found);

// The entry wage (see above) and the median, each with its source and a note.
v1::WageUsed EntryWage(const cv1::Occupation& occupation);
v1::WageUsed MedianWage(const cv1::Occupation& occupation);

// The shortest training into `occupation` that reaches `level`; null if none.
const cv1::Training* ShortestTraining(const cv1::Occupation& occupation, cv1::EducationLevel level);

// What a candidate needs from budget for its route, and the route's skeleton.
struct PlannedStep {
  std::string occupation;  // resource name
  std::string title;
  const cv1::Training* training = nullptr;  // null: no training
  int start_month = 0;
  int qualified_month = 0;
  v1::WageUsed wage;
};
struct RoutePlan {
  bool needed = false;      // not reachable now, or not lonend now
  bool reachable = true;    // a training fits the job seeker's maximum (or none is needed)
  int training_months = 0;  // into the candidate itself
  std::vector<PlannedStep> steps;
};

// `career_steps`: ListCareerSteps from the candidate (depth 1), may be empty. `lonend_now` is the
// candidate's lonend flag at its entry wage.
RoutePlan BuildRoutePlan(const v1::MatchProfile& profile, const cv1::Occupation& candidate,
                         bool lonend_now, const cv1::ListCareerStepsResponse& career_steps,
                         const std::vector<const cv1::Occupation*>& known);

// Everything known about one candidate once budget has answered.
struct Evaluated {
  const cv1::Occupation* occupation = nullptr;
  v1::WageUsed wage;
  const bv1::ScenarioResult* money = nullptr;  // at the entry wage
  RoutePlan plan;
  std::vector<const bv1::ScenarioResult*> route_money;  // one per plan step
};

// Scores, ranks and explains the candidates; fills `result` (candidates, weights). `region_name`
// is the region's display name for the sentences.
void RankCandidates(const v1::MatchProfile& profile, const std::vector<Evaluated>& evaluated,
                    std::int64_t required_budget, const std::string& region_name,
                    v1::MatchResult& result);

}  // namespace kompas::matching

#endif  // KOMPAS_SERVICES_MATCHING_MATCHING_LOGIC_H_
