// Dutch income rules: the gRPC face of the budget service. The logic lives in this library so that
// it is testable without a network; main.cc only wires it into the shared runtime.
#ifndef KOMPAS_SERVICES_BUDGET_BUDGET_SERVICE_H_
#define KOMPAS_SERVICES_BUDGET_BUDGET_SERVICE_H_

#include "kompas/budget/v1/budget.grpc.pb.h"
#include "services/common/rpc.h"

namespace kompas::budget {

inline constexpr char kBudgetServiceName[] = "kompas.budget.v1.BudgetService";

// What a household needs and what work really leaves it (issues 5 and 6).
// Methods not yet built answer UNIMPLEMENTED (gRPC's default); see the README's status table.
class BudgetServiceImpl final : public kompas::budget::v1::BudgetService::CallbackService {
 public:
  explicit BudgetServiceImpl(const RpcEnv& env) : env_(env) {}

 private:
  [[maybe_unused]] const RpcEnv& env_;
};

}  // namespace kompas::budget

#endif  // KOMPAS_SERVICES_BUDGET_BUDGET_SERVICE_H_
