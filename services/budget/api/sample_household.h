// The demo household as a proto, for benchmarks and the load generator (the same household
// as examples/single-parent-groningen.json, working 24 h at the 2026 minimum wage): a single
// parent of 34 with children of 4 and 9 in Groningen, renting at € 680.
#ifndef KOMPAS_SERVICES_BUDGET_API_SAMPLE_HOUSEHOLD_H_
#define KOMPAS_SERVICES_BUDGET_API_SAMPLE_HOUSEHOLD_H_

#include <tuple>

#include "kompas/type/v1/household.pb.h"

namespace kompas::budget {

inline kompas::type::v1::Household SampleHousehold() {
  kompas::type::v1::Household h;
  h.set_gemeente_code("GM0014");
  kompas::type::v1::Adult* a = h.add_adults();
  a->mutable_birth_date()->set_year(1992);
  a->mutable_birth_date()->set_month(4);
  a->mutable_birth_date()->set_day(12);
  a->mutable_gross_hourly_wage()->set_cents(1471);
  a->set_minutes_per_week(24 * 60);
  a->mutable_health_premium()->set_cents(15'900);
  a->mutable_commute_cost()->set_cents(4'000);
  for (const auto& [year, month, day] : {std::tuple{2021, 9, 3}, std::tuple{2016, 2, 20}}) {
    kompas::type::v1::Date* d = h.add_children()->mutable_birth_date();
    d->set_year(year);
    d->set_month(month);
    d->set_day(day);
  }
  kompas::type::v1::Housing* housing = h.mutable_housing();
  housing->set_tenure(kompas::type::v1::HOUSING_TENURE_RENTED);
  housing->set_self_contained(true);
  housing->mutable_bare_rent()->set_cents(68'000);
  housing->mutable_service_costs()->set_cents(3'500);
  housing->mutable_energy()->set_cents(16'000);
  h.mutable_assets()->set_cents(120'000);
  return h;
}

}  // namespace kompas::budget

#endif  // KOMPAS_SERVICES_BUDGET_API_SAMPLE_HOUSEHOLD_H_
