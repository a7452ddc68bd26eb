#include "tests/integration/service_process.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace kompas::testing {

using grpc::health::v1::HealthCheckResponse;

std::string TokensFile::Add(const std::string& tenant, std::vector<Scope> scopes,
                            absl::Duration expires_in) {
  std::string token;
  absl::Status s = UpdateTokensFile(path_, true, [&](TokenTable& t) {
    // Backdate creation so that a negative `expires_in` still yields created < expires.
    const absl::Time now = absl::Now();
    absl::StatusOr<std::string> created = t.Create(
        tenant, std::move(scopes), now + expires_in - absl::Hours(1), now + expires_in, "test");
    if (!created.ok()) return created.status();
    token = *created;
    return absl::OkStatus();
  });
  if (!s.ok()) std::abort();
  return token;
}

void TokensFile::Revoke(const std::string& token) {
  const std::string id = std::vector<std::string>(absl::StrSplit(token, '_'))[1];
  absl::Status s =
      UpdateTokensFile(path_, false, [&](TokenTable& t) { return t.Revoke(id, absl::Now()); });
  if (!s.ok()) std::abort();
}

absl::StatusOr<std::unique_ptr<ServiceProcess>> ServiceProcess::Start(ServiceOptions options,
                                                                      absl::Duration timeout) {
  SubprocessOptions sp;
  sp.argv = {options.binary, "--listen=127.0.0.1:0", "--tokens_file=" + options.tokens_file};
  sp.argv.insert(sp.argv.end(), options.args.begin(), options.args.end());
  sp.output_path = options.output_path;
  absl::StatusOr<std::unique_ptr<Subprocess>> process = Subprocess::Start(std::move(sp));
  if (!process.ok()) return process.status();

  auto service = std::unique_ptr<ServiceProcess>(new ServiceProcess());
  service->process_ = *std::move(process);
  absl::StatusOr<std::string> line =
      service->process_->WaitForOutput("\"event\":\"listening\"", timeout);
  if (!line.ok()) {
    return absl::Status(line.status().code(), absl::StrCat(line.status().message(), "; output:\n",
                                                           service->process_->ReadOutput()));
  }
  nlohmann::json j = nlohmann::json::parse(*line, nullptr, false);
  if (j.is_discarded() || !j.contains("port")) {
    return absl::InternalError(absl::StrCat("unparseable listening line: ", *line));
  }
  service->port_ = j["port"].get<int>();
  service->channel_ = grpc::CreateChannel(service->address(), grpc::InsecureChannelCredentials());
  if (options.wait_for_serving) {
    if (absl::Status s = service->WaitForHealth(HealthCheckResponse::SERVING, timeout); !s.ok()) {
      return s;
    }
  }
  return service;
}

absl::StatusOr<HealthCheckResponse::ServingStatus> ServiceProcess::Health(
    const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc::health::v1::HealthCheckRequest req;
  req.set_service(service);
  HealthCheckResponse resp;
  grpc::Status s = stub->Check(&ctx, req, &resp);
  if (!s.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  }
  return resp.status();
}

absl::Status ServiceProcess::WaitForHealth(HealthCheckResponse::ServingStatus want,
                                           absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<HealthCheckResponse::ServingStatus> last = absl::UnknownError("not checked");
  while (absl::Now() < deadline) {
    last = Health();
    if (last.ok() && *last == want) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "health never became ", HealthCheckResponse::ServingStatus_Name(want), "; last: ",
      last.ok() ? HealthCheckResponse::ServingStatus_Name(*last) : last.status().ToString()));
}

void AddBearer(grpc::ClientContext& ctx, const std::string& token) {
  ctx.AddMetadata("authorization", "Bearer " + token);
}

std::vector<std::string> BudgetDataArgs(const std::string& rules_dir) {
  const std::string data = std::string(KOMPAS_SOURCE_DIR) + "/data";
  return {"--rules_dir=" + (rules_dir.empty() ? data + "/rules/nl" : rules_dir),
          "--budget_standard=" + data + "/budget-standards/nl-armoedegrens-2023-afgeleid.yaml",
          "--gemeenten=" + data + "/regions/gemeente_arbeidsmarktregio_2026.csv",
          "--municipal_dir=" + data + "/municipal"};
}

std::vector<std::string> CatalogDataArgs() {
  const std::string data = std::string(KOMPAS_SOURCE_DIR) + "/data";
  return {"--catalog_dirs=" + data + "/jobs," + data + "/regions"};
}

}  // namespace kompas::testing
