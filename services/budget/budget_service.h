// kompas.budget.v1.BudgetService on the shared runtime: each handler authenticates (scope
// compass), then runs BudgetLogic inline (pure CPU work, microseconds).
#ifndef KOMPAS_SERVICES_BUDGET_BUDGET_SERVICE_H_
#define KOMPAS_SERVICES_BUDGET_BUDGET_SERVICE_H_

#include <memory>

#include "kompas/budget/v1/budget.grpc.pb.h"
#include "services/budget/api/budget_logic.h"
#include "services/common/redis_cache.h"
#include "services/common/rpc.h"

namespace kompas::budget {

inline constexpr char kBudgetServiceName[] = "kompas.budget.v1.BudgetService";

class BudgetServiceImpl final : public v1::BudgetService::CallbackService {
 public:
  // `cache` may be null or disabled: then every call computes.
  BudgetServiceImpl(const RpcEnv& env, std::shared_ptr<const BudgetLogic> logic,
                    RedisCache* cache = nullptr)
      : env_(env), logic_(std::move(logic)), cache_(cache) {}

  grpc::ServerUnaryReactor* GetRequiredBudget(grpc::CallbackServerContext* ctx,
                                              const v1::GetRequiredBudgetRequest* request,
                                              v1::GetRequiredBudgetResponse* response) override;
  grpc::ServerUnaryReactor* CalculateIncome(grpc::CallbackServerContext* ctx,
                                            const v1::CalculateIncomeRequest* request,
                                            v1::CalculateIncomeResponse* response) override;
  grpc::ServerUnaryReactor* CalculateIncomeBatch(
      grpc::CallbackServerContext* ctx, const v1::CalculateIncomeBatchRequest* request,
      v1::CalculateIncomeBatchResponse* response) override;
  grpc::ServerUnaryReactor* GetIncomeCurve(grpc::CallbackServerContext* ctx,
                                           const v1::GetIncomeCurveRequest* request,
                                           v1::GetIncomeCurveResponse* response) override;
  grpc::ServerUnaryReactor* FindRequiredWage(grpc::CallbackServerContext* ctx,
                                             const v1::FindRequiredWageRequest* request,
                                             v1::FindRequiredWageResponse* response) override;
  grpc::ServerUnaryReactor* ListRuleSets(grpc::CallbackServerContext* ctx,
                                         const v1::ListRuleSetsRequest* request,
                                         v1::ListRuleSetsResponse* response) override;

 private:
  const RpcEnv& env_;
  std::shared_ptr<const BudgetLogic> logic_;
  RedisCache* cache_;
};

// Today's date in the Netherlands (the default rule_date).
absl::CivilDay TodayInNetherlands();

}  // namespace kompas::budget

#endif  // KOMPAS_SERVICES_BUDGET_BUDGET_SERVICE_H_
