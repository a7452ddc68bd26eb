// What every `kompas` command that talks to a service shares: the channel, the call context
// (deadline, bearer token) and errors that name the service; the budget stub.
#ifndef KOMPAS_TOOLS_CLI_BUDGET_CLIENT_H_
#define KOMPAS_TOOLS_CLI_BUDGET_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kompas/budget/v1/budget.grpc.pb.h"
#include "tools/cli/stack_file.h"

namespace kompas::cli {

// A channel to the stack's `service` ("budget", "catalog", …); NOT_FOUND when it names none.
absl::StatusOr<std::shared_ptr<grpc::Channel>> ServiceChannel(const StackFile& stack,
                                                              absl::string_view service);
// OK, or the gRPC error with its code and "<service>: " before the message.
absl::Status FromGrpcFor(absl::string_view service, const grpc::Status& status);

// NOT_FOUND when the stack names no budget service.
absl::StatusOr<std::unique_ptr<kompas::budget::v1::BudgetService::Stub>> BudgetStub(
    const StackFile& stack);
// Deadline now + `timeout` and `authorization: Bearer <token>`.
void PrepareContext(grpc::ClientContext& ctx, const StackFile& stack, absl::Duration timeout);
// OK, or the gRPC error with its code and "budget: " before the message.
absl::Status FromGrpc(const grpc::Status& status);

}  // namespace kompas::cli

#endif  // KOMPAS_TOOLS_CLI_BUDGET_CLIENT_H_
