#include "services/budget/standard/budget_standard.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "services/budget/rules/decimal.h"
#include "services/budget/rules/yaml_fields.h"

namespace kompas::budget {
namespace {

using yaml::At;
using yaml::Bool;
using yaml::CheckKeys;
using yaml::Decimal;
using yaml::Int;
using yaml::RequireMap;
using yaml::Scalar;
using yaml::Text;

// Sanity bounds that also keep every product below in int64: amounts at most € 1.000.000 a month,
// equivalence factors ≤ 10.00, CPI factors ≤ 10.000000.
constexpr std::int64_t kMaxAmountCents = 100'000'000;
constexpr std::int64_t kMaxCbsFactor = 1'000;       // hundredths
constexpr std::int64_t kMaxCpiFactor = 10'000'000;  // millionths
constexpr std::int64_t kPpm = 1'000'000;

// value × factor / denominator, rounded half up (all operands non-negative and bounded).
std::int64_t MulRoundHalfUp(std::int64_t value, std::int64_t factor, std::int64_t denominator) {
  return (value * factor + denominator / 2) / denominator;
}

std::string Euros(std::int64_t cents) { return FormatScaledDecimal(cents, 2); }

absl::Status ParseAnchor(absl::string_view file, const YAML::Node& root, BudgetStandard& bs) {
  if (absl::Status s = RequireMap(file, root, "single_anchor", "single_anchor"); !s.ok()) return s;
  const YAML::Node node = root["single_anchor"];
  if (absl::Status s =
          CheckKeys(file, node, "single_anchor",
                    {"poverty_line", "assumed_rent", "assumed_energy", "assumed_health_premium",
                     "health_premium_estimated", "health_premium_derivation", "non_housing"});
      !s.ok()) {
    return s;
  }
  struct Field {
    const char* key;
    std::int64_t* out;
  };
  for (const Field& f :
       {Field{"poverty_line", &bs.poverty_line_single}, Field{"assumed_rent", &bs.assumed_rent},
        Field{"assumed_energy", &bs.assumed_energy},
        Field{"assumed_health_premium", &bs.assumed_health_premium},
        Field{"non_housing", &bs.non_housing_single}}) {
    absl::StatusOr<std::int64_t> v =
        Decimal(file, node, f.key, absl::StrCat("single_anchor.", f.key), 2, kMaxAmountCents);
    if (!v.ok()) return v.status();
    *f.out = *v;
  }
  absl::StatusOr<bool> est =
      Bool(file, node, "health_premium_estimated", "single_anchor.health_premium_estimated");
  if (!est.ok()) return est.status();
  bs.health_premium_estimated = *est;
  if (bs.health_premium_estimated) {
    absl::StatusOr<std::string> how =
        Text(file, node, "health_premium_derivation", "single_anchor.health_premium_derivation");
    if (!how.ok()) {
      return At(file, node, "single_anchor.health_premium_derivation",
                "an estimated premium must say how it was derived");
    }
    bs.health_premium_derivation = *how;
  }
  const std::int64_t expected =
      bs.poverty_line_single - bs.assumed_rent - bs.assumed_energy - bs.assumed_health_premium;
  if (expected <= 0) {
    return At(file, node, "single_anchor",
              "rent, energy and premium leave nothing of the poverty line");
  }
  if (bs.non_housing_single != expected) {
    return At(file, node["non_housing"], "single_anchor.non_housing",
              absl::StrCat(Euros(bs.non_housing_single),
                           " does not equal poverty_line − assumed_rent − assumed_energy − "
                           "assumed_health_premium = ",
                           Euros(expected)));
  }
  return absl::OkStatus();
}

absl::Status ParseBaseTable(absl::string_view file, const YAML::Node& root, const std::string& key,
                            BudgetStandard& bs) {
  const YAML::Node list = root[key];
  if (!list.IsDefined() || list.IsNull()) return At(file, root, key, "is required");
  if (!list.IsSequence()) return At(file, list, key, "must be a list of {adults, children, …}");
  std::array<std::array<bool, kStandardMaxChildren + 1>, kStandardMaxAdults> seen{};
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node node = list[i];
    const std::string path = absl::StrCat(key, "[", i, "]");
    if (!node.IsMap()) return At(file, node, path, "must be a mapping");
    if (absl::Status s =
            CheckKeys(file, node, path, {"adults", "children", "cbs_factor", "amount"});
        !s.ok()) {
      return s;
    }
    absl::StatusOr<int> adults = Int(file, node, "adults", path + ".adults", 1, kStandardMaxAdults);
    if (!adults.ok()) return adults.status();
    absl::StatusOr<int> children =
        Int(file, node, "children", path + ".children", 0, kStandardMaxChildren);
    if (!children.ok()) return children.status();
    const auto a = static_cast<std::size_t>(*adults - 1);
    const auto c = static_cast<std::size_t>(*children);
    if (seen[a][c]) {
      return At(file, node, path,
                absl::StrCat("adults ", *adults, ", children ", *children, " given twice"));
    }
    seen[a][c] = true;
    absl::StatusOr<std::int64_t> factor =
        Decimal(file, node, "cbs_factor", path + ".cbs_factor", 2, kMaxCbsFactor);
    if (!factor.ok()) return factor.status();
    absl::StatusOr<std::int64_t> amount =
        Decimal(file, node, "amount", path + ".amount", 2, kMaxAmountCents);
    if (!amount.ok()) return amount.status();
    if (a == 0 && c == 0 && *factor != 100) {
      return At(file, node["cbs_factor"], path + ".cbs_factor",
                "the single person (1 adult, 0 children) is the anchor: the factor must be 1.00");
    }
    const std::int64_t expected = MulRoundHalfUp(bs.non_housing_single, *factor, 100);
    if (*amount != expected) {
      return At(file, node["amount"], path + ".amount",
                absl::StrCat(Euros(*amount), " does not equal single_anchor.non_housing × ",
                             FormatScaledDecimal(*factor, 2), " = ", Euros(expected),
                             " (rounded half up to the cent)"));
    }
    bs.cbs_factor[a][c] = *factor;
    bs.base[a][c] = *amount;
  }
  for (std::size_t a = 0; a < seen.size(); ++a) {
    for (std::size_t c = 0; c < seen[a].size(); ++c) {
      if (!seen[a][c]) {
        return At(file, list, key,
                  absl::StrCat("adults ", a + 1, ", children ", c,
                               " missing (every household of 1–2 adults and 0–4 children)"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ParseTeenagers(absl::string_view file, const YAML::Node& root, BudgetStandard& bs) {
  const char* key = "teenager_supplement";
  if (absl::Status s = RequireMap(file, root, key, key); !s.ok()) return s;
  const YAML::Node node = root[key];
  if (absl::Status s =
          CheckKeys(file, node, key, {"amount", "min_age", "max_age", "derived", "derivation"});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::int64_t> amount =
      Decimal(file, node, "amount", "teenager_supplement.amount", 2, kMaxAmountCents);
  if (!amount.ok()) return amount.status();
  absl::StatusOr<int> min_age = Int(file, node, "min_age", "teenager_supplement.min_age", 0, 17);
  if (!min_age.ok()) return min_age.status();
  absl::StatusOr<int> max_age = Int(file, node, "max_age", "teenager_supplement.max_age", 0, 17);
  if (!max_age.ok()) return max_age.status();
  if (*max_age < *min_age) {
    return At(file, node["max_age"], "teenager_supplement.max_age", "lies below min_age");
  }
  absl::StatusOr<bool> derived = Bool(file, node, "derived", "teenager_supplement.derived");
  if (!derived.ok()) return derived.status();
  if (*derived) {
    absl::StatusOr<std::string> how =
        Text(file, node, "derivation", "teenager_supplement.derivation");
    if (!how.ok()) {
      return At(file, node, "teenager_supplement.derivation",
                "a derived supplement must say how it was derived");
    }
    bs.teenager_supplement_derivation = *how;
  }
  bs.teenager_supplement = *amount;
  bs.teenager_min_age = *min_age;
  bs.teenager_max_age = *max_age;
  bs.teenager_supplement_derived = *derived;
  return absl::OkStatus();
}

absl::Status ParseYears(absl::string_view file, const YAML::Node& root, BudgetStandard& bs) {
  if (absl::Status s = RequireMap(file, root, "years", "years"); !s.ok()) return s;
  const YAML::Node years = root["years"];
  for (const auto& kv : years) {
    const std::string key = kv.first.Scalar();
    const std::string path = absl::StrCat("years.", key);
    const bool four_digits = key.size() == 4 && std::all_of(key.begin(), key.end(), [](char c) {
                               return c >= '0' && c <= '9';
                             });
    if (!four_digits) return At(file, kv.first, path, "a year must be written as YYYY");
    CpiYear y;
    y.year = std::stoi(key);
    if (y.year < bs.base_year) {
      return At(file, kv.first, path, absl::StrCat("lies before base_year ", bs.base_year));
    }
    if (std::any_of(bs.years.begin(), bs.years.end(),
                    [&](const CpiYear& o) { return o.year == y.year; })) {
      return At(file, kv.first, path, "given twice");
    }
    const YAML::Node node = kv.second;
    if (!node.IsMap()) return At(file, node, path, "must be a mapping with cpi_factor, …");
    if (absl::Status s =
            CheckKeys(file, node, path, {"cpi_factor", "estimated", "source", "derivation"});
        !s.ok()) {
      return s;
    }
    absl::StatusOr<std::int64_t> factor =
        Decimal(file, node, "cpi_factor", path + ".cpi_factor", 6, kMaxCpiFactor);
    if (!factor.ok()) return factor.status();
    if (*factor == 0) return At(file, node["cpi_factor"], path + ".cpi_factor", "must be positive");
    absl::StatusOr<bool> est = Bool(file, node, "estimated", path + ".estimated");
    if (!est.ok()) return est.status();
    absl::StatusOr<std::string> source = Text(file, node, "source", path + ".source");
    if (!source.ok()) return source.status();
    y.factor_ppm = *factor;
    y.estimated = *est;
    y.source = *source;
    if (y.estimated) {
      absl::StatusOr<std::string> how = node["derivation"].IsDefined()
                                            ? Text(file, node, "derivation", path + ".derivation")
                                            : absl::StatusOr<std::string>("");
      if (!how.ok() || how->empty()) {
        return At(file, node, path + ".derivation",
                  "an estimated factor must say how it was derived");
      }
      y.derivation = *how;
    }
    if (y.year == bs.base_year && y.factor_ppm != kPpm) {
      return At(file, node["cpi_factor"], path + ".cpi_factor",
                "the base year's factor must be 1.000000");
    }
    bs.years.push_back(std::move(y));
  }
  std::sort(bs.years.begin(), bs.years.end(),
            [](const CpiYear& a, const CpiYear& b) { return a.year < b.year; });
  int expected = bs.base_year;
  for (const CpiYear& y : bs.years) {
    if (y.year != expected) {
      return At(file, years, "years",
                absl::StrCat(expected, " missing (years run from base_year ", bs.base_year,
                             " without gaps)"));
    }
    ++expected;
  }
  if (bs.years.empty()) {
    return At(file, years, "years", absl::StrCat(bs.base_year, " missing (the base year)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BudgetStandard> ParseBudgetStandard(absl::string_view yaml,
                                                   absl::string_view file_name) {
  absl::StatusOr<YAML::Node> loaded = yaml::LoadMapping(yaml, file_name);
  if (!loaded.ok()) return loaded.status();
  const YAML::Node root = *loaded;
  BudgetStandard bs;
  bs.file_name = std::string(file_name);
  absl::StatusOr<int> base_year = Int(file_name, root, "base_year", "base_year", 1990, 2200);
  if (!base_year.ok()) return base_year.status();
  bs.base_year = *base_year;
  const std::string table_key = absl::StrCat("base_", bs.base_year);
  if (absl::Status s = CheckKeys(
          file_name, root, "(top)",
          {"budget_standard", "title", "derived", "base_year", "derivation", "limitations",
           "sources", "single_anchor", table_key, "teenager_supplement", "years"});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> id = Text(file_name, root, "budget_standard", "budget_standard");
  if (!id.ok()) return id.status();
  absl::StatusOr<std::string> title = Text(file_name, root, "title", "title");
  if (!title.ok()) return title.status();
  absl::StatusOr<bool> derived = Bool(file_name, root, "derived", "derived");
  if (!derived.ok()) return derived.status();
  bs.id = *id;
  bs.title = *title;
  bs.derived = *derived;
  if (bs.derived || root["derivation"].IsDefined()) {
    absl::StatusOr<std::string> how = Text(file_name, root, "derivation", "derivation");
    if (!how.ok()) {
      return At(file_name, root, "derivation", "a derived standard must say how it was derived");
    }
    bs.derivation = *how;
  }
  if (root["limitations"].IsDefined()) {
    absl::StatusOr<std::string> limits = Text(file_name, root, "limitations", "limitations");
    if (!limits.ok()) return limits.status();
    bs.limitations = *limits;
  }
  absl::StatusOr<std::vector<Source>> sources = yaml::Sources(file_name, root);
  if (!sources.ok()) return sources.status();
  bs.sources = *std::move(sources);
  if (absl::Status s = ParseAnchor(file_name, root, bs); !s.ok()) return s;
  if (absl::Status s = ParseBaseTable(file_name, root, table_key, bs); !s.ok()) return s;
  if (absl::Status s = ParseTeenagers(file_name, root, bs); !s.ok()) return s;
  if (absl::Status s = ParseYears(file_name, root, bs); !s.ok()) return s;
  return bs;
}

absl::StatusOr<BudgetStandard> LoadBudgetStandardFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot open"));
  std::stringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot read"));
  return ParseBudgetStandard(buf.str(), path);
}

absl::StatusOr<NonHousingAmount> NonHousingMonthly(const BudgetStandard& standard, int year,
                                                   int adults, int children, int teenagers) {
  if (adults < 1 || adults > kStandardMaxAdults) {
    return absl::InvalidArgumentError(
        absl::StrCat("household.adults: the budget standard covers 1 or ", kStandardMaxAdults,
                     " adults, not ", adults));
  }
  if (children < 0) {
    return absl::InvalidArgumentError("household.children: must not be negative");
  }
  if (children > kStandardMaxChildren) {
    return absl::InvalidArgumentError(
        absl::StrCat("household.children: the budget standard covers at most ",
                     kStandardMaxChildren, " children"));
  }
  if (teenagers < 0 || teenagers > children) {
    return absl::InvalidArgumentError(absl::StrCat("household.children: ", teenagers,
                                                   " teenagers among ", children, " children"));
  }
  if (standard.years.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("budget standard '", standard.id, "' has no CPI factors"));
  }
  if (year < standard.years.front().year) {
    return absl::InvalidArgumentError(
        absl::StrCat("rule_date: year ", year, " precedes budget standard '", standard.id,
                     "' (base year ", standard.years.front().year, ")"));
  }
  const CpiYear* cpi = &standard.years.back();
  for (const CpiYear& y : standard.years) {
    if (y.year == year) cpi = &y;
  }
  const std::int64_t base =
      standard.base[static_cast<std::size_t>(adults - 1)][static_cast<std::size_t>(children)] +
      static_cast<std::int64_t>(teenagers) * standard.teenager_supplement;
  NonHousingAmount out;
  out.cents = MulRoundHalfUp(base, cpi->factor_ppm, kPpm);
  out.factor_estimated = cpi->estimated;
  out.base_estimated = standard.health_premium_estimated;
  out.year_used = cpi->year;
  out.outdated = year > cpi->year;
  return out;
}

}  // namespace kompas::budget
