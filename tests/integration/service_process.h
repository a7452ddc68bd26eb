// Starts a Kompas service binary for an integration test: port 0, a temp tokens file, output
// captured to a file, and waits until it logs its port and reports SERVING.
#ifndef KOMPAS_TESTS_INTEGRATION_SERVICE_PROCESS_H_
#define KOMPAS_TESTS_INTEGRATION_SERVICE_PROCESS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/common/tokens.h"
#include "tests/support/subprocess.h"

namespace kompas::testing {

// A tokens file in a test's temp dir, with helpers to mint tokens into it.
class TokensFile {
 public:
  explicit TokensFile(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }
  // Returns the secret token; `expires_in` may be negative for an already expired token.
  std::string Add(const std::string& tenant, std::vector<Scope> scopes,
                  absl::Duration expires_in = absl::Hours(1));
  void Revoke(const std::string& token);

 private:
  std::string path_;
};

struct ServiceOptions {
  std::string binary;
  std::vector<std::string> args;  // beyond --listen and --tokens_file
  std::string tokens_file;
  std::string output_path;
  bool wait_for_serving = true;
};

class ServiceProcess {
 public:
  static absl::StatusOr<std::unique_ptr<ServiceProcess>> Start(
      ServiceOptions options, absl::Duration timeout = absl::Seconds(20));

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  Subprocess& process() { return *process_; }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

  // grpc.health.v1 Check for `service` ("" = whole server).
  absl::StatusOr<grpc::health::v1::HealthCheckResponse::ServingStatus> Health(
      const std::string& service = "");
  absl::Status WaitForHealth(grpc::health::v1::HealthCheckResponse::ServingStatus want,
                             absl::Duration timeout);

 private:
  std::unique_ptr<Subprocess> process_;
  int port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
};

// Flags that point kompas-budget at the repository's data files (`rules_dir`: another rules
// directory, e.g. a broken copy; empty = the shipped one), and kompas-catalog at its files.
std::vector<std::string> BudgetDataArgs(const std::string& rules_dir = "");
std::vector<std::string> CatalogDataArgs();

// Adds `authorization: Bearer <token>` to a client context.
void AddBearer(grpc::ClientContext& ctx, const std::string& token);

}  // namespace kompas::testing

#endif  // KOMPAS_TESTS_INTEGRATION_SERVICE_PROCESS_H_
