#include "tools/cli/budget_client.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace kompas::cli {

absl::StatusOr<std::shared_ptr<grpc::Channel>> ServiceChannel(const StackFile& stack,
                                                              absl::string_view service) {
  auto it = stack.services.find(std::string(service));
  if (it == stack.services.end()) {
    return absl::NotFoundError(absl::StrCat("the stack names no ", service, " service"));
  }
  return grpc::CreateChannel(it->second, grpc::InsecureChannelCredentials());
}

absl::Status FromGrpcFor(absl::string_view service, const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(service, ": ", status.error_message()));
}

absl::StatusOr<std::unique_ptr<kompas::budget::v1::BudgetService::Stub>> BudgetStub(
    const StackFile& stack) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = ServiceChannel(stack, "budget");
  if (!channel.ok()) return channel.status();
  return kompas::budget::v1::BudgetService::NewStub(*channel);
}

void PrepareContext(grpc::ClientContext& ctx, const StackFile& stack, absl::Duration timeout) {
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  ctx.AddMetadata("authorization", "Bearer " + stack.token);
}

absl::Status FromGrpc(const grpc::Status& status) { return FromGrpcFor("budget", status); }

}  // namespace kompas::cli
