// The budget-standard loader on bytes (ParseBudgetStandard); a standard that loads is asked for
// the non-housing amount of every household shape it covers, in a year before, inside and after
// its CPI years.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz/fuzz_input.h"
#include "services/budget/standard/budget_standard.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace budget = kompas::budget;
  kompas::fuzz::FuzzInput in(data, size);
  const std::uint8_t teenagers = in.Byte();
  auto standard = budget::ParseBudgetStandard(in.Rest(), "fuzz.yaml");
  kompas::fuzz::RequireNoInternalError(standard.status());
  if (!standard.ok()) return 0;
  if (standard->years.empty()) std::abort();  // the loader promises base_year first
  for (int adults = 1; adults <= budget::kStandardMaxAdults; ++adults) {
    for (int children = 0; children <= budget::kStandardMaxChildren; ++children) {
      for (const int year : {standard->base_year - 1, standard->base_year,
                             standard->years.back().year, standard->years.back().year + 1}) {
        const int teens = children == 0 ? 0 : teenagers % (children + 1);
        auto amount = budget::NonHousingMonthly(*standard, year, adults, children, teens);
        kompas::fuzz::RequireNoInternalError(amount.status());
        if (amount.ok() && amount->cents < 0) std::abort();
      }
    }
  }
  return 0;
}
