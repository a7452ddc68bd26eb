// kompas-matching: ranks jobs and routes for a household.
#include "absl/flags/flag.h"
#include "services/common/server_main.h"
#include "services/matching/matching_service.h"

ABSL_FLAG(std::string, catalog_address, "",
          "job-catalog's address, e.g. 127.0.0.1:50052 (required)");
ABSL_FLAG(std::string, budget_address, "", "budget's address, e.g. 127.0.0.1:50051 (required)");
ABSL_FLAG(absl::Duration, downstream_timeout, absl::Seconds(2),
          "the longest a call to job-catalog or budget may take (the caller's deadline may be "
          "shorter)");
ABSL_FLAG(int, batch_concurrency, 16,
          "MatchBatch: how many profiles of one stream are matched at the same time (1..64)");
ABSL_FLAG(absl::Duration, catalog_memo_ttl, absl::Seconds(10),
          "how long a gemeente's region and occupations are kept in process");

int main(int argc, char** argv) {
  return kompas::RunServerMain(
      argc, argv, "matching",
      "kompas-matching: ranks jobs and routes for a household (gRPC; see README.md)",
      [](kompas::ServerRuntime& rt, std::vector<std::shared_ptr<void>>& keep) -> absl::Status {
        using kompas::matching::BudgetClient;
        using kompas::matching::CatalogClient;
        if (absl::GetFlag(FLAGS_catalog_address).empty() ||
            absl::GetFlag(FLAGS_budget_address).empty()) {
          return absl::InvalidArgumentError("--catalog_address and --budget_address are required");
        }
        absl::StatusOr<std::unique_ptr<CatalogClient>> catalog =
            CatalogClient::Create({.service = "catalog",
                                   .address = absl::GetFlag(FLAGS_catalog_address),
                                   .default_timeout = absl::GetFlag(FLAGS_downstream_timeout),
                                   .logger = &rt.logger()});
        if (!catalog.ok()) return catalog.status();
        absl::StatusOr<std::unique_ptr<BudgetClient>> budget =
            BudgetClient::Create({.service = "budget",
                                  .address = absl::GetFlag(FLAGS_budget_address),
                                  .default_timeout = absl::GetFlag(FLAGS_downstream_timeout),
                                  .logger = &rt.logger()});
        if (!budget.ok()) return budget.status();
        const int concurrency = absl::GetFlag(FLAGS_batch_concurrency);
        if (concurrency < 1 || concurrency > 64) {
          return absl::InvalidArgumentError("--batch_concurrency must be between 1 and 64");
        }
        auto memo =
            std::make_shared<kompas::matching::CatalogMemo>(absl::GetFlag(FLAGS_catalog_memo_ttl));
        std::shared_ptr<CatalogClient> catalog_client = *std::move(catalog);
        std::shared_ptr<BudgetClient> budget_client = *std::move(budget);
        auto service = std::make_shared<kompas::matching::MatchingServiceImpl>(
            rt.env(),
            kompas::matching::MatchDeps{catalog_client.get(), budget_client.get(), memo.get()},
            concurrency);
        rt.AddService(service.get(), kompas::matching::kMatchingServiceName);
        // Destroyed in this order, on the main thread, after the server stopped: the clients
        // first (each waits for its calls in flight, whose callbacks use the memo), then the
        // memo and the service.
        keep.push_back(catalog_client);
        keep.push_back(budget_client);
        keep.push_back(memo);
        keep.push_back(service);
        return absl::OkStatus();
      });
}
