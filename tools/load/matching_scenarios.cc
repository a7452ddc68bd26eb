#include "tools/load/matching_scenarios.h"

#include "absl/strings/str_cat.h"
#include "kompas/matching/v1/matching.grpc.pb.h"

namespace kompas::load {
namespace {

using kompas::matching::v1::MatchingService;
using kompas::matching::v1::MatchProfile;
using kompas::matching::v1::MatchRequest;
using kompas::matching::v1::MatchResponse;

void SetDate(kompas::type::v1::Date* d, int year, int month, int day) {
  d->set_year(year);
  d->set_month(month);
  d->set_day(day);
}

}  // namespace

std::vector<MatchProfile> DistinctProfiles(int count) {
  // Groningen, Maastricht (the pilots), Amsterdam, Rotterdam, Utrecht.
  static const char* const kGemeenten[] = {"GM0014", "GM0935", "GM0363", "GM0599", "GM0344"};
  std::vector<MatchProfile> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    MatchProfile p;
    p.set_profile_id(absl::StrCat("load-", i));
    kompas::type::v1::Household* h = p.mutable_household();
    h->set_gemeente_code(kGemeenten[i % 5]);
    auto* a = h->add_adults();
    SetDate(a->mutable_birth_date(), 1970 + i % 33, 1 + i % 12, 1 + i % 28);
    a->mutable_health_premium()->set_cents(15'000 + 10 * (i % 100));
    if (i % 3 == 0) SetDate(h->add_adults()->mutable_birth_date(), 1972 + i % 30, 6, 1);
    for (int c = 0; c < i % 4; ++c)
      SetDate(h->add_children()->mutable_birth_date(), 2009 + (i + 5 * c) % 16, 3, 1);
    h->mutable_housing()->set_tenure(kompas::type::v1::HOUSING_TENURE_RENTED);
    h->mutable_housing()->set_self_contained(true);
    h->mutable_housing()->mutable_bare_rent()->set_cents(45'000 + 37 * i % 60'000);
    h->mutable_housing()->mutable_energy()->set_cents(12'000 + 50 * (i % 80));
    p.set_job_seeker(1);
    p.set_education_level(static_cast<kompas::catalog::v1::EducationLevel>(2 + i % 4));
    p.set_available_minutes_per_week(60 * (16 + i % 25));
    p.set_max_training_months(12 * (i % 4));
    p.set_max_candidates(20);
    SetDate(p.mutable_rule_date(), 2026, 3, 1);
    out.push_back(std::move(p));
  }
  return out;
}

namespace {

ScenarioOrStatus MatchScenario(const ScenarioParams& params, int profiles) {
  std::vector<MatchRequest> requests;
  requests.reserve(static_cast<std::size_t>(profiles));
  for (MatchProfile& p : DistinctProfiles(profiles)) {
    MatchRequest r;
    *r.mutable_profile() = std::move(p);
    requests.push_back(std::move(r));
  }
  return std::make_unique<UnaryScenario<MatchingService, MatchRequest, MatchResponse>>(
      params, std::move(requests),
      [](MatchingService::Stub& stub, grpc::ClientContext* context, const MatchRequest* req,
         MatchResponse* resp, std::function<void(grpc::Status)> done) {
        stub.async()->Match(context, req, resp, std::move(done));
      });
}

}  // namespace

absl::Status AddMatchingScenarios(ScenarioRegistry& registry) {
  absl::Status s = registry.Add({
      .name = "match",
      .description = "kompas.matching.v1.MatchingService/Match over 1,000 distinct profiles in "
                     "five gemeenten (needs --target: a kompas-matching with its budget and "
                     "catalog, and --token with scope compass); after the first 1,000 calls "
                     "budget answers mostly from Redis",
      .create = [](const ScenarioParams& params) { return MatchScenario(params, 1000); },
  });
  if (!s.ok()) return s;
  return registry.Add({
      .name = "match-50k",
      .description = "the same over 50,000 distinct profiles: in a run of minutes nearly every "
                     "budget answer is computed (Redis misses)",
      .create = [](const ScenarioParams& params) { return MatchScenario(params, 50'000); },
  });
}

}  // namespace kompas::load
