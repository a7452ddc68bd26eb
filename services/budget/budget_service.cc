#include "services/budget/budget_service.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace kompas::budget {
namespace {

constexpr MethodSpec kGetRequiredBudget{"kompas.budget.v1.BudgetService/GetRequiredBudget",
                                        Scope::kCompass};
constexpr MethodSpec kCalculateIncome{"kompas.budget.v1.BudgetService/CalculateIncome",
                                      Scope::kCompass};
constexpr MethodSpec kCalculateIncomeBatch{"kompas.budget.v1.BudgetService/CalculateIncomeBatch",
                                           Scope::kCompass};
constexpr MethodSpec kListRuleSets{"kompas.budget.v1.BudgetService/ListRuleSets", Scope::kCompass};

}  // namespace

absl::CivilDay TodayInNetherlands() {
  static const absl::TimeZone zone = [] {
    absl::TimeZone tz;
    return absl::LoadTimeZone("Europe/Amsterdam", &tz) ? tz : absl::UTCTimeZone();
  }();
  return absl::ToCivilDay(absl::Now(), zone);
}

grpc::ServerUnaryReactor* BudgetServiceImpl::GetRequiredBudget(
    grpc::CallbackServerContext* ctx, const v1::GetRequiredBudgetRequest* request,
    v1::GetRequiredBudgetResponse* response) {
  return ServeUnary(env_, ctx, kGetRequiredBudget, [&](const CallInfo&) {
    return logic_->GetRequiredBudget(*request, *response);
  });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::CalculateIncome(
    grpc::CallbackServerContext* ctx, const v1::CalculateIncomeRequest* request,
    v1::CalculateIncomeResponse* response) {
  return ServeUnary(env_, ctx, kCalculateIncome,
                    [&](const CallInfo&) { return logic_->CalculateIncome(*request, *response); });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::CalculateIncomeBatch(
    grpc::CallbackServerContext* ctx, const v1::CalculateIncomeBatchRequest* request,
    v1::CalculateIncomeBatchResponse* response) {
  return ServeUnary(env_, ctx, kCalculateIncomeBatch, [&](const CallInfo&) {
    return logic_->CalculateIncomeBatch(*request, *response);
  });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::ListRuleSets(grpc::CallbackServerContext* ctx,
                                                          const v1::ListRuleSetsRequest* request,
                                                          v1::ListRuleSetsResponse* response) {
  return ServeUnary(env_, ctx, kListRuleSets,
                    [&](const CallInfo&) { return logic_->ListRuleSets(*request, *response); });
}

}  // namespace kompas::budget
