// The budget service's requests, without a network: the first byte picks the RPC, the rest is
// that request's wire format, handed to BudgetLogic over the shipped data (data/), as the gRPC
// handlers do. Any status is fine; a crash, a sanitizer report or a bad answer is not.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "fuzz/fuzz_input.h"
#include "services/budget/api/budget_logic.h"

namespace {

namespace budget = kompas::budget;
namespace v1 = kompas::budget::v1;

const budget::BudgetLogic& Logic() {
  static const budget::BudgetLogic* logic = [] {
    const char* dir = std::getenv("KOMPAS_DATA_DIR");
    auto data = budget::LoadBudgetData(
        budget::BudgetDataFiles::InDirectory(dir != nullptr ? dir : KOMPAS_DATA_DIR));
    if (!data.ok()) std::abort();  // the shipped data must load
    // A fixed today: the answers must not depend on the day the fuzzer runs.
    return new budget::BudgetLogic(*std::move(data), [] { return absl::CivilDay(2026, 3, 16); });
  }();
  return *logic;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  kompas::fuzz::QuietProtobufLogs();
  Logic();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kompas::fuzz::FuzzInput in(data, size);
  const budget::BudgetLogic& logic = Logic();
  // Tenant "" uses the default standard; the others are organisations without one.
  const std::uint8_t choice = in.Byte();
  const std::string tenant = (choice & 0x80) != 0 ? "fuzz-org" : "";
  switch (choice % 6) {
    case 0: {
      const auto req = in.ParseRest<v1::GetRequiredBudgetRequest>();
      v1::GetRequiredBudgetResponse resp;
      kompas::fuzz::CheckAnswer(logic.GetRequiredBudget(req, resp, tenant), resp);
      break;
    }
    case 1: {
      const auto req = in.ParseRest<v1::CalculateIncomeRequest>();
      v1::CalculateIncomeResponse resp;
      kompas::fuzz::CheckAnswer(logic.CalculateIncome(req, resp, tenant), resp);
      break;
    }
    case 2: {
      const auto req = in.ParseRest<v1::CalculateIncomeBatchRequest>();
      v1::CalculateIncomeBatchResponse resp;
      kompas::fuzz::CheckAnswer(logic.CalculateIncomeBatch(req, resp, tenant), resp);
      break;
    }
    case 3: {
      const auto req = in.ParseRest<v1::ListRuleSetsRequest>();
      v1::ListRuleSetsResponse resp;
      kompas::fuzz::CheckAnswer(logic.ListRuleSets(req, resp), resp);
      break;
    }
    case 4: {
      const auto req = in.ParseRest<v1::GetIncomeCurveRequest>();
      v1::GetIncomeCurveResponse resp;
      kompas::fuzz::CheckAnswer(logic.GetIncomeCurve(req, resp, tenant), resp);
      break;
    }
    default: {
      const auto req = in.ParseRest<v1::FindRequiredWageRequest>();
      v1::FindRequiredWageResponse resp;
      kompas::fuzz::CheckAnswer(logic.FindRequiredWage(req, resp, tenant), resp);
      break;
    }
  }
  return 0;
}
