// Integer money arithmetic for the income formulas. One convention, used everywhere:
//  - amounts are euro cents (int64); rates are parts per million (35,75 % = 357500);
//  - applying a rate rounds half away from zero to the cent;
//  - yearly → monthly divides by 12, rounding half away from zero to the cent, unless a
//    law prescribes whole euros (then FloorEuros, in the claimant's disfavour as the
//    Dienst Toeslagen pays whole euros per month).
#ifndef KOMPAS_SERVICES_BUDGET_INCOME_ARITH_H_
#define KOMPAS_SERVICES_BUDGET_INCOME_ARITH_H_

#include <algorithm>
#include <cstdint>

#include "absl/numeric/int128.h"

namespace kompas::budget {

inline std::int64_t DivRound(std::int64_t num, std::int64_t den) {
  const std::int64_t q = num / den;
  const std::int64_t r = num % den;
  if (2 * (r < 0 ? -r : r) >= den) return q + (num < 0 ? -1 : 1);
  return q;
}

// cents × ppm / 1e6, rounded half away from zero. 128-bit keeps large products exact.
inline std::int64_t ApplyRate(std::int64_t cents, std::int64_t ppm) {
  const absl::int128 product = absl::int128(cents) * ppm;
  const absl::int128 q = product / 1'000'000;
  const absl::int128 r = product % 1'000'000;
  absl::int128 result = q;
  if (2 * (r < 0 ? -r : r) >= 1'000'000) result += product < 0 ? -1 : 1;
  return static_cast<std::int64_t>(result);
}

inline std::int64_t Positive(std::int64_t x) { return std::max<std::int64_t>(x, 0); }

inline std::int64_t MonthlyFromYearly(std::int64_t yearly) { return DivRound(yearly, 12); }

// Rounds a non-negative amount down to whole euros (returns cents).
inline std::int64_t FloorEuros(std::int64_t cents) { return cents <= 0 ? 0 : cents / 100 * 100; }

inline std::int64_t RoundEuros(std::int64_t cents) { return DivRound(cents, 100) * 100; }

}  // namespace kompas::budget

#endif  // KOMPAS_SERVICES_BUDGET_INCOME_ARITH_H_
