#include "services/budget/rules/decimal.h"

#include <limits>

#include "absl/strings/str_cat.h"

namespace kompas::budget {

absl::StatusOr<std::int64_t> ParseScaledDecimal(absl::string_view text, int scale) {
  const absl::string_view original = text;
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("'", original, "' ", why));
  };
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return bad("is not a number");
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max() / 10;
  std::int64_t value = 0;
  int fraction_digits = -1;  // -1: no decimal point seen yet
  bool any_digit = false;
  for (char c : text) {
    if (c == '.') {
      if (fraction_digits >= 0) return bad("has two decimal points");
      fraction_digits = 0;
      continue;
    }
    if (c < '0' || c > '9') return bad("is not a plain decimal number (use 1234.56)");
    if (fraction_digits >= 0 && ++fraction_digits > scale) {
      return bad(absl::StrCat("has more than ", scale, " decimals"));
    }
    if (value > kMax) return bad("is too large");
    value = value * 10 + (c - '0');
    any_digit = true;
  }
  if (!any_digit) return bad("is not a number");
  for (int i = fraction_digits < 0 ? 0 : fraction_digits; i < scale; ++i) {
    if (value > kMax) return bad("is too large");
    value *= 10;
  }
  return negative ? -value : value;
}

std::string FormatScaledDecimal(std::int64_t value, int scale) {
  std::string fraction;
  for (int i = 0; i < scale; ++i) {
    fraction.insert(fraction.begin(), static_cast<char>('0' + value % 10));
    value /= 10;
  }
  return absl::StrCat(value, ".", fraction);
}

}  // namespace kompas::budget
