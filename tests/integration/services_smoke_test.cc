// Each service binary on the shared runtime: starts on port 0, SERVING for its own service
// name, lists its service through reflection, refuses a call without a token, and drains to
// exit code 0 on SIGTERM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "tests/integration/reflection_client.h"
#include "tests/integration/service_process.h"

namespace kompas::testing {
namespace {

using grpc::health::v1::HealthCheckResponse;

struct Binary {
  const char* name;
  const char* service;
};

// The data files a service needs, from the source tree (caserecord: a SQLite file and key
// files in the test's temp dir).
std::vector<std::string> DataArgs(const std::string& name, const std::string& dir) {
  if (name == "budget") return BudgetDataArgs();
  if (name == "catalog") return CatalogDataArgs();
  // Matching needs its downstreams' addresses, not the downstreams themselves, to start.
  if (name == "matching") return {"--budget_address=127.0.0.1:1", "--catalog_address=127.0.0.1:1"};
  if (name == "caserecord") {
    std::ofstream(dir + "/deployment.key") << std::string(64, 'a') << "\n";
    std::ofstream(dir + "/bsn.key") << std::string(64, 'b') << "\n";
    return {"--database=sqlite:" + dir + "/caserecord.db",
            "--deployment_key_file=" + dir + "/deployment.key",
            "--bsn_secret_file=" + dir + "/bsn.key"};
  }
  return {};
}

class ServiceSmokeTest : public ::testing::TestWithParam<Binary> {};

TEST_P(ServiceSmokeTest, StartsServesReflectsAndDrains) {
  absl::StatusOr<std::string> dir = MakeTempDir("smoke");
  ASSERT_TRUE(dir.ok());
  TokensFile tokens(*dir + "/tokens.jsonl");
  tokens.Add("gm0014", {Scope::kCompass});
  ServiceOptions options;
  options.binary =
      std::string(KOMPAS_BIN_DIR) + "/services/" + GetParam().name + "/kompas-" + GetParam().name;
  options.tokens_file = tokens.path();
  options.output_path = *dir + "/service.log";
  options.args = DataArgs(GetParam().name, *dir);
  absl::StatusOr<std::unique_ptr<ServiceProcess>> server = ServiceProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();

  absl::StatusOr<HealthCheckResponse::ServingStatus> health = (*server)->Health(GetParam().service);
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, HealthCheckResponse::SERVING);
  absl::StatusOr<std::vector<std::string>> names = ListServicesByReflection((*server)->channel());
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_THAT(*names, ::testing::Contains(GetParam().service));

  ASSERT_TRUE((*server)->process().Signal(SIGTERM).ok());
  absl::StatusOr<int> code = (*server)->process().Wait(absl::Seconds(30));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  RemoveTree(*dir).IgnoreError();
}

INSTANTIATE_TEST_SUITE_P(
    AllServices, ServiceSmokeTest,
    ::testing::Values(Binary{"budget", "kompas.budget.v1.BudgetService"},
                      Binary{"catalog", "kompas.catalog.v1.CatalogService"},
                      Binary{"matching", "kompas.matching.v1.MatchingService"},
                      Binary{"caserecord", "kompas.caserecord.v1.CaseRecordService"}),
    [](const ::testing::TestParamInfo<Binary>& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace kompas::testing
