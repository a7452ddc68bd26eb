// In-process speed of the budget answers (Google Benchmark):
//   build/release/services/budget/bench/budget_bench
// BM_CalculateIncome*: one household, all programmes, as the RPC does it (proto in, proto out)
// and the engine alone; BM_CalculateIncomeBatch/N: N wage/hours scenarios of one household.
#include <benchmark/benchmark.h>

#include "absl/strings/str_cat.h"
#include "services/budget/api/budget_logic.h"
#include "services/budget/api/sample_household.h"

namespace kompas::budget {
namespace {

namespace tv1 = ::kompas::type::v1;

std::shared_ptr<const BudgetData> Data() {
  static const std::shared_ptr<const BudgetData> data = [] {
    absl::StatusOr<std::shared_ptr<const BudgetData>> d =
        LoadBudgetData(BudgetDataFiles::InDirectory(KOMPAS_DATA_DIR));
    if (!d.ok()) std::abort();
    return *d;
  }();
  return data;
}

tv1::Household Household() { return SampleHousehold(); }

void SetRuleDate(tv1::Date* d) {
  d->set_year(2026);
  d->set_month(3);
  d->set_day(1);
}

void BM_CalculateIncomeRpcLogic(benchmark::State& state) {
  const BudgetLogic logic(Data(), [] { return absl::CivilDay(2026, 3, 1); });
  v1::CalculateIncomeRequest req;
  *req.mutable_household() = Household();
  SetRuleDate(req.mutable_rule_date());
  for (auto _ : state) {
    v1::CalculateIncomeResponse resp;
    absl::Status s = logic.CalculateIncome(req, resp);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(resp);
  }
}
BENCHMARK(BM_CalculateIncomeRpcLogic);

void BM_CalculateIncomeEngineTotals(benchmark::State& state) {
  const RuleSet& rules = *Data()->rules.Select(absl::CivilDay(2026, 3, 1))->rules;
  absl::StatusOr<HouseholdFacts> facts =
      HouseholdFromProto(Household(), absl::CivilDay(2026, 3, 1), Data()->gemeenten);
  if (!facts.ok()) std::abort();
  for (auto _ : state) {
    absl::StatusOr<IncomeResult> r = CalculateIncome(rules, *facts, /*with_lines=*/false);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_CalculateIncomeEngineTotals);

void BM_CalculateIncomeEngineLines(benchmark::State& state) {
  const RuleSet& rules = *Data()->rules.Select(absl::CivilDay(2026, 3, 1))->rules;
  absl::StatusOr<HouseholdFacts> facts =
      HouseholdFromProto(Household(), absl::CivilDay(2026, 3, 1), Data()->gemeenten);
  if (!facts.ok()) std::abort();
  for (auto _ : state) {
    absl::StatusOr<IncomeResult> r = CalculateIncome(rules, *facts, /*with_lines=*/true);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_CalculateIncomeEngineLines);

void BM_CalculateIncomeBatch(benchmark::State& state) {
  const BudgetLogic logic(Data(), [] { return absl::CivilDay(2026, 3, 1); });
  v1::CalculateIncomeBatchRequest req;
  *req.mutable_household() = Household();
  SetRuleDate(req.mutable_rule_date());
  for (int i = 0; i < state.range(0); ++i) {
    v1::AdultWork* w = req.add_scenarios()->add_work();
    w->set_adult_number(1);
    w->mutable_gross_hourly_wage()->set_cents(1471 + 10 * (i % 80));
    w->set_minutes_per_week(60 * (8 + i % 33));
  }
  for (auto _ : state) {
    v1::CalculateIncomeBatchResponse resp;
    absl::Status s = logic.CalculateIncomeBatch(req, resp);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(resp);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CalculateIncomeBatch)->Arg(1)->Arg(100)->Arg(1000);

void BM_GetIncomeCurve400(benchmark::State& state) {
  const BudgetLogic logic(Data(), [] { return absl::CivilDay(2026, 3, 1); });
  v1::GetIncomeCurveRequest req;
  *req.mutable_household() = Household();
  SetRuleDate(req.mutable_rule_date());
  req.set_adult_number(1);
  req.mutable_wage()->set_minutes_per_week(36 * 60);
  req.mutable_wage()->mutable_from_hourly_wage()->set_cents(1000);
  req.mutable_wage()->mutable_to_hourly_wage()->set_cents(1000 + 399 * 10);
  req.mutable_wage()->mutable_step()->set_cents(10);
  for (auto _ : state) {
    v1::GetIncomeCurveResponse resp;
    absl::Status s = logic.GetIncomeCurve(req, resp);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(resp);
  }
}
BENCHMARK(BM_GetIncomeCurve400);

void BM_FindRequiredWage(benchmark::State& state) {
  const BudgetLogic logic(Data(), [] { return absl::CivilDay(2026, 3, 1); });
  v1::FindRequiredWageRequest req;
  *req.mutable_household() = Household();
  SetRuleDate(req.mutable_rule_date());
  req.set_adult_number(1);
  req.set_minutes_per_week(32 * 60);
  for (auto _ : state) {
    v1::FindRequiredWageResponse resp;
    absl::Status s = logic.FindRequiredWage(req, resp);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(resp);
  }
}
BENCHMARK(BM_FindRequiredWage);

}  // namespace
}  // namespace kompas::budget

BENCHMARK_MAIN();
