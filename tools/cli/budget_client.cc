#include "tools/cli/budget_client.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace kompas::cli {

absl::StatusOr<std::unique_ptr<kompas::budget::v1::BudgetService::Stub>> BudgetStub(
    const StackFile& stack) {
  auto it = stack.services.find("budget");
  if (it == stack.services.end()) return absl::NotFoundError("the stack names no budget service");
  return kompas::budget::v1::BudgetService::NewStub(
      grpc::CreateChannel(it->second, grpc::InsecureChannelCredentials()));
}

void PrepareContext(grpc::ClientContext& ctx, const StackFile& stack, absl::Duration timeout) {
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  ctx.AddMetadata("authorization", "Bearer " + stack.token);
}

absl::Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat("budget: ", status.error_message()));
}

}  // namespace kompas::cli
