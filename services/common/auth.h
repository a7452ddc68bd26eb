// Authentication of calls: the bearer token in the `authorization` metadata, checked against
// the tokens file, which is reloaded on SIGHUP. The tenant of a call comes from here and
// nowhere else.
#ifndef KOMPAS_SERVICES_COMMON_AUTH_H_
#define KOMPAS_SERVICES_COMMON_AUTH_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/tokens.h"

namespace kompas {

using Clock = std::function<absl::Time()>;

class Authenticator {
 public:
  // Loads `tokens_file`; fails (naming file and line) if it cannot be read or parsed.
  static absl::StatusOr<std::unique_ptr<Authenticator>> Create(std::string tokens_file,
                                                               Clock clock = absl::Now);
  // For tests: a fixed table, no file.
  Authenticator(TokenTable table, Clock clock);

  // `authorization` is the raw metadata value ("Bearer kmp_..."), absent if not sent.
  // Establishes who calls (UNAUTHENTICATED if that fails); scopes are checked by the caller
  // with CheckScope, so that a refused call can still be logged with its tenant.
  absl::StatusOr<Principal> Authenticate(std::optional<absl::string_view> authorization) const;

  // Re-reads the tokens file. On error the previous table stays in force.
  absl::Status Reload();

 private:
  std::string tokens_file_;
  Clock clock_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const TokenTable> table_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kompas

#endif  // KOMPAS_SERVICES_COMMON_AUTH_H_
