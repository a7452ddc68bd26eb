#include "services/budget/budget_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/common/netherlands_time.h"

namespace kompas::budget {
namespace {

constexpr MethodSpec kGetRequiredBudget{"kompas.budget.v1.BudgetService/GetRequiredBudget",
                                        Scope::kCompass};
constexpr MethodSpec kCalculateIncome{"kompas.budget.v1.BudgetService/CalculateIncome",
                                      Scope::kCompass};
constexpr MethodSpec kCalculateIncomeBatch{"kompas.budget.v1.BudgetService/CalculateIncomeBatch",
                                           Scope::kCompass};
constexpr MethodSpec kGetIncomeCurve{"kompas.budget.v1.BudgetService/GetIncomeCurve",
                                     Scope::kCompass};
constexpr MethodSpec kFindRequiredWage{"kompas.budget.v1.BudgetService/FindRequiredWage",
                                       Scope::kCompass};
constexpr MethodSpec kListRuleSets{"kompas.budget.v1.BudgetService/ListRuleSets", Scope::kCompass};

// Part of the cache key with the data version: change it whenever the same data gives different
// answers (new fields, notices, schemes), so that old and new replicas never share answers.
constexpr char kAnswerFormat[] = "answers-2";

}  // namespace

absl::CivilDay TodayInNetherlands() { return DutchDay(absl::Now()); }

grpc::ServerUnaryReactor* BudgetServiceImpl::GetRequiredBudget(
    grpc::CallbackServerContext* ctx, const v1::GetRequiredBudgetRequest* request,
    v1::GetRequiredBudgetResponse* response) {
  return ServeUnary(env_, ctx, kGetRequiredBudget, [&](const CallInfo& call) {
    return logic_->GetRequiredBudget(*request, *response, call.principal.tenant);
  });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::CalculateIncome(
    grpc::CallbackServerContext* ctx, const v1::CalculateIncomeRequest* request,
    v1::CalculateIncomeResponse* response) {
  return ServeUnary(env_, ctx, kCalculateIncome, [&](const CallInfo& call) {
    return logic_->CalculateIncome(*request, *response, call.principal.tenant);
  });
}

// Only the batch goes through Redis: one household over up to 1000 scenarios costs
// milliseconds, while a single CalculateIncome costs microseconds, less than a round trip to
// Redis. The key holds the data version and, when the request names no rule_date, today's
// date (the answer depends on it). The tenant part is the tenant when it has its own budget
// standard (its answers differ), else empty (all organisations share the answer).
grpc::ServerUnaryReactor* BudgetServiceImpl::CalculateIncomeBatch(
    grpc::CallbackServerContext* ctx, const v1::CalculateIncomeBatchRequest* request,
    v1::CalculateIncomeBatchResponse* response) {
  return ServeUnary(env_, ctx, kCalculateIncomeBatch, [&](const CallInfo& call) -> absl::Status {
    const std::string& tenant = call.principal.tenant;
    const auto compute = [&] { return logic_->CalculateIncomeBatch(*request, *response, tenant); };
    if (cache_ == nullptr || !cache_->enabled()) return compute();
    const std::string version =
        absl::StrCat(kAnswerFormat, "|", logic_->data().version, "|",
                     request->has_rule_date() ? "dated" : absl::FormatCivilTime(logic_->Today()));
    return cache_
        ->Fill(CacheKey::Of("budget", "CalculateIncomeBatch", version,
                            logic_->data().HasOrgStandard(tenant) ? tenant : "", *request),
               *response, compute)
        .status();
  });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::GetIncomeCurve(
    grpc::CallbackServerContext* ctx, const v1::GetIncomeCurveRequest* request,
    v1::GetIncomeCurveResponse* response) {
  return ServeUnary(env_, ctx, kGetIncomeCurve, [&](const CallInfo& call) {
    return logic_->GetIncomeCurve(*request, *response, call.principal.tenant);
  });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::FindRequiredWage(
    grpc::CallbackServerContext* ctx, const v1::FindRequiredWageRequest* request,
    v1::FindRequiredWageResponse* response) {
  return ServeUnary(env_, ctx, kFindRequiredWage, [&](const CallInfo& call) {
    return logic_->FindRequiredWage(*request, *response, call.principal.tenant);
  });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::ListRuleSets(grpc::CallbackServerContext* ctx,
                                                          const v1::ListRuleSetsRequest* request,
                                                          v1::ListRuleSetsResponse* response) {
  return ServeUnary(env_, ctx, kListRuleSets,
                    [&](const CallInfo&) { return logic_->ListRuleSets(*request, *response); });
}

}  // namespace kompas::budget
