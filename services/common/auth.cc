#include "services/common/auth.h"

#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace kompas {

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::Create(std::string tokens_file,
                                                                     Clock clock) {
  if (tokens_file.empty()) {
    return absl::InvalidArgumentError("--tokens_file is required: every call needs a token");
  }
  absl::StatusOr<TokenTable> table = TokenTable::Load(tokens_file);
  if (!table.ok()) return table.status();
  auto auth = std::make_unique<Authenticator>(*std::move(table), std::move(clock));
  auth->tokens_file_ = std::move(tokens_file);
  return auth;
}

Authenticator::Authenticator(TokenTable table, Clock clock)
    : clock_(std::move(clock)), table_(std::make_shared<const TokenTable>(std::move(table))) {}

absl::StatusOr<Principal> Authenticator::Authenticate(
    std::optional<absl::string_view> authorization) const {
  if (!authorization.has_value()) {
    return absl::UnauthenticatedError("missing 'authorization: Bearer <token>' metadata");
  }
  absl::string_view value = *authorization;
  if (!absl::ConsumePrefix(&value, "Bearer ") && !absl::ConsumePrefix(&value, "bearer ")) {
    return absl::UnauthenticatedError("'authorization' metadata must be 'Bearer <token>'");
  }
  std::shared_ptr<const TokenTable> table;
  {
    absl::MutexLock lock(&mu_);
    table = table_;
  }
  return table->Verify(absl::StripAsciiWhitespace(value), clock_());
}

absl::Status Authenticator::Reload() {
  if (tokens_file_.empty()) return absl::FailedPreconditionError("no tokens file to reload");
  absl::StatusOr<TokenTable> table = TokenTable::Load(tokens_file_);
  if (!table.ok()) return table.status();
  auto fresh = std::make_shared<const TokenTable>(*std::move(table));
  absl::MutexLock lock(&mu_);
  table_ = std::move(fresh);
  return absl::OkStatus();
}

}  // namespace kompas
