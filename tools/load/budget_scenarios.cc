#include "tools/load/budget_scenarios.h"

#include "kompas/budget/v1/budget.grpc.pb.h"
#include "services/budget/api/sample_household.h"

namespace kompas::load {
namespace {

using kompas::budget::v1::BudgetService;
using kompas::budget::v1::CalculateIncomeBatchRequest;
using kompas::budget::v1::CalculateIncomeBatchResponse;
using kompas::budget::v1::CalculateIncomeRequest;
using kompas::budget::v1::CalculateIncomeResponse;

void RuleDate(kompas::type::v1::Date* d) {
  d->set_year(2026);
  d->set_month(3);
  d->set_day(1);
}

}  // namespace

absl::Status AddBudgetScenarios(ScenarioRegistry& registry) {
  absl::Status s = registry.Add({
      .name = "budget-income",
      .description = "kompas.budget.v1.BudgetService/CalculateIncome for the demo household "
                     "(needs --target: a kompas-budget, and --token with scope compass)",
      .create = [](const ScenarioParams& params) -> ScenarioOrStatus {
        CalculateIncomeRequest request;
        *request.mutable_household() = kompas::budget::SampleHousehold();
        RuleDate(request.mutable_rule_date());
        return std::make_unique<
            UnaryScenario<BudgetService, CalculateIncomeRequest, CalculateIncomeResponse>>(
            params, std::move(request),
            [](BudgetService::Stub& stub, grpc::ClientContext* context,
               const CalculateIncomeRequest* req, CalculateIncomeResponse* resp,
               std::function<void(grpc::Status)> done) {
              stub.async()->CalculateIncome(context, req, resp, std::move(done));
            });
      },
  });
  if (!s.ok()) return s;
  return registry.Add({
      .name = "budget-batch100",
      .description = "kompas.budget.v1.BudgetService/CalculateIncomeBatch: 100 wage/hours "
                     "scenarios of the demo household (needs --target and --token); served "
                     "from Redis when the service has --redis",
      .create = [](const ScenarioParams& params) -> ScenarioOrStatus {
        CalculateIncomeBatchRequest request;
        *request.mutable_household() = kompas::budget::SampleHousehold();
        RuleDate(request.mutable_rule_date());
        for (int i = 0; i < 100; ++i) {
          auto* w = request.add_scenarios()->add_work();
          w->set_adult_number(1);
          w->mutable_gross_hourly_wage()->set_cents(1471 + 10 * (i % 80));
          w->set_minutes_per_week(60 * (8 + i % 33));
        }
        return std::make_unique<UnaryScenario<BudgetService, CalculateIncomeBatchRequest,
                                              CalculateIncomeBatchResponse>>(
            params, std::move(request),
            [](BudgetService::Stub& stub, grpc::ClientContext* context,
               const CalculateIncomeBatchRequest* req, CalculateIncomeBatchResponse* resp,
               std::function<void(grpc::Status)> done) {
              stub.async()->CalculateIncomeBatch(context, req, resp, std::move(done));
            });
      },
  });
}

}  // namespace kompas::load
