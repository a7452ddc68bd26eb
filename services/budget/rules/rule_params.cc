#include "services/budget/rules/rule_params.h"

#include <array>
#include <string>

namespace kompas::budget {
namespace {

constexpr std::array<std::pair<Unit, absl::string_view>, 9> kUnitNames = {{
    {Unit::kEurPerHour, "EUR/hour"},
    {Unit::kEurPerMonth, "EUR/month"},
    {Unit::kEurPerQuarter, "EUR/quarter"},
    {Unit::kEurPerYear, "EUR/year"},
    {Unit::kEur, "EUR"},
    {Unit::kRatio, "ratio"},
    {Unit::kCount, "count"},
    {Unit::kMonths, "months"},
    {Unit::kYears, "years"},
}};

// File key → field. Keys are the field names with the first '_' as '.', grouped by law.
const ParamSpec kSpecs[] = {
    {"wml.hourly_21plus", Unit::kEurPerHour, &RuleParams::wml_hourly_21plus},
    {"wml.referentieminimumloon", Unit::kEurPerMonth, &RuleParams::referentieminimumloon},
    {"wml.vakantiebijslag_rate", Unit::kRatio, &RuleParams::vakantiebijslag_rate},
    {"ib.bracket1_upper", Unit::kEurPerYear, &RuleParams::ib_bracket1_upper},
    {"ib.bracket1_rate", Unit::kRatio, &RuleParams::ib_bracket1_rate},
    {"ib.bracket2_upper", Unit::kEurPerYear, &RuleParams::ib_bracket2_upper},
    {"ib.bracket2_rate", Unit::kRatio, &RuleParams::ib_bracket2_rate},
    {"ib.bracket3_rate", Unit::kRatio, &RuleParams::ib_bracket3_rate},
    {"ahk.max", Unit::kEurPerYear, &RuleParams::ahk_max},
    {"ahk.phaseout_start", Unit::kEurPerYear, &RuleParams::ahk_phaseout_start},
    {"ahk.phaseout_rate", Unit::kRatio, &RuleParams::ahk_phaseout_rate},
    {"ak.seg1_upper", Unit::kEurPerYear, &RuleParams::ak_seg1_upper},
    {"ak.seg1_rate", Unit::kRatio, &RuleParams::ak_seg1_rate},
    {"ak.seg2_upper", Unit::kEurPerYear, &RuleParams::ak_seg2_upper},
    {"ak.seg2_rate", Unit::kRatio, &RuleParams::ak_seg2_rate},
    {"ak.seg3_upper", Unit::kEurPerYear, &RuleParams::ak_seg3_upper},
    {"ak.seg3_rate", Unit::kRatio, &RuleParams::ak_seg3_rate},
    {"ak.max", Unit::kEurPerYear, &RuleParams::ak_max},
    {"ak.phaseout_rate", Unit::kRatio, &RuleParams::ak_phaseout_rate},
    {"iack.threshold", Unit::kEurPerYear, &RuleParams::iack_threshold},
    {"iack.rate", Unit::kRatio, &RuleParams::iack_rate},
    {"iack.max", Unit::kEurPerYear, &RuleParams::iack_max},
    {"iack.child_age_below", Unit::kYears, &RuleParams::iack_child_age_below},
    {"zt.standaardpremie", Unit::kEurPerYear, &RuleParams::zt_standaardpremie},
    {"zt.drempelinkomen", Unit::kEurPerYear, &RuleParams::zt_drempelinkomen},
    {"zt.normpremie_rate_single", Unit::kRatio, &RuleParams::zt_normpremie_rate_single},
    {"zt.normpremie_rate_partners", Unit::kRatio, &RuleParams::zt_normpremie_rate_partners},
    {"zt.phaseout_rate", Unit::kRatio, &RuleParams::zt_phaseout_rate},
    {"zt.income_limit_single", Unit::kEurPerYear, &RuleParams::zt_income_limit_single},
    {"zt.income_limit_partners", Unit::kEurPerYear, &RuleParams::zt_income_limit_partners},
    {"zt.asset_limit_single", Unit::kEur, &RuleParams::zt_asset_limit_single},
    {"zt.asset_limit_partners", Unit::kEur, &RuleParams::zt_asset_limit_partners},
    {"ht.kwaliteitskortingsgrens", Unit::kEurPerMonth, &RuleParams::ht_kwaliteitskortingsgrens},
    {"ht.aftoppingsgrens_1_2", Unit::kEurPerMonth, &RuleParams::ht_aftoppingsgrens_1_2},
    {"ht.aftoppingsgrens_3plus", Unit::kEurPerMonth, &RuleParams::ht_aftoppingsgrens_3plus},
    {"ht.max_huurgrens", Unit::kEurPerMonth, &RuleParams::ht_max_huurgrens},
    {"ht.max_huurgrens_young", Unit::kEurPerMonth, &RuleParams::ht_max_huurgrens_young},
    {"ht.rate_band1", Unit::kRatio, &RuleParams::ht_rate_band1},
    {"ht.rate_band2", Unit::kRatio, &RuleParams::ht_rate_band2},
    {"ht.rate_band3", Unit::kRatio, &RuleParams::ht_rate_band3},
    {"ht.basishuur_1", Unit::kEurPerMonth, &RuleParams::ht_basishuur_1},
    {"ht.basishuur_2plus", Unit::kEurPerMonth, &RuleParams::ht_basishuur_2plus},
    {"ht.inkomensijkpunt_1", Unit::kEurPerYear, &RuleParams::ht_inkomensijkpunt_1},
    {"ht.inkomensijkpunt_2plus", Unit::kEurPerYear, &RuleParams::ht_inkomensijkpunt_2plus},
    {"ht.afbouw_rate_1", Unit::kRatio, &RuleParams::ht_afbouw_rate_1},
    {"ht.afbouw_rate_2plus", Unit::kRatio, &RuleParams::ht_afbouw_rate_2plus},
    {"ht.child_income_disregard", Unit::kEurPerYear, &RuleParams::ht_child_income_disregard},
    {"ht.asset_limit_person", Unit::kEur, &RuleParams::ht_asset_limit_person},
    {"ht.asset_limit_partners", Unit::kEur, &RuleParams::ht_asset_limit_partners},
    {"ht.young_age_below", Unit::kYears, &RuleParams::ht_young_age_below},
    {"kgb.per_child", Unit::kEurPerYear, &RuleParams::kgb_per_child},
    {"kgb.alleenstaande_ouderkop", Unit::kEurPerYear, &RuleParams::kgb_alleenstaande_ouderkop},
    {"kgb.supplement_12_15", Unit::kEurPerYear, &RuleParams::kgb_supplement_12_15},
    {"kgb.supplement_16_17", Unit::kEurPerYear, &RuleParams::kgb_supplement_16_17},
    {"kgb.threshold_single", Unit::kEurPerYear, &RuleParams::kgb_threshold_single},
    {"kgb.threshold_partners", Unit::kEurPerYear, &RuleParams::kgb_threshold_partners},
    {"kgb.phaseout_rate", Unit::kRatio, &RuleParams::kgb_phaseout_rate},
    {"kgb.asset_limit_single", Unit::kEur, &RuleParams::kgb_asset_limit_single},
    {"kgb.asset_limit_partners", Unit::kEur, &RuleParams::kgb_asset_limit_partners},
    {"akw.quarter_0_5", Unit::kEurPerQuarter, &RuleParams::akw_quarter_0_5},
    {"akw.quarter_6_11", Unit::kEurPerQuarter, &RuleParams::akw_quarter_6_11},
    {"akw.quarter_12_17", Unit::kEurPerQuarter, &RuleParams::akw_quarter_12_17},
    {"kot.max_rate_dagopvang", Unit::kEurPerHour, &RuleParams::kot_max_rate_dagopvang},
    {"kot.max_rate_bso", Unit::kEurPerHour, &RuleParams::kot_max_rate_bso},
    {"kot.max_rate_gastouder", Unit::kEurPerHour, &RuleParams::kot_max_rate_gastouder},
    {"kot.max_hours", Unit::kCount, &RuleParams::kot_max_hours},
    {"kot.rate_top", Unit::kRatio, &RuleParams::kot_rate_top},
    {"kot.rate_top_income_upper", Unit::kEurPerYear, &RuleParams::kot_rate_top_income_upper},
    {"pw.norm_single", Unit::kEurPerMonth, &RuleParams::pw_norm_single},
    {"pw.norm_couple", Unit::kEurPerMonth, &RuleParams::pw_norm_couple},
    {"pw.norm_young_single", Unit::kEurPerMonth, &RuleParams::pw_norm_young_single},
    {"pw.adult_age", Unit::kYears, &RuleParams::pw_adult_age},
    {"pw.kostendeler_base", Unit::kRatio, &RuleParams::pw_kostendeler_base},
    {"pw.kostendeler_step", Unit::kRatio, &RuleParams::pw_kostendeler_step},
    {"pw.kostendeler_age", Unit::kYears, &RuleParams::pw_kostendeler_age},
    {"pw.vrijlating_rate", Unit::kRatio, &RuleParams::pw_vrijlating_rate},
    {"pw.vrijlating_max", Unit::kEurPerMonth, &RuleParams::pw_vrijlating_max},
    {"pw.vrijlating_months", Unit::kMonths, &RuleParams::pw_vrijlating_months},
    {"pw.vrijlating_min_age", Unit::kYears, &RuleParams::pw_vrijlating_min_age},
    {"pw.sp_vrijlating_rate", Unit::kRatio, &RuleParams::pw_sp_vrijlating_rate},
    {"pw.sp_vrijlating_max", Unit::kEurPerMonth, &RuleParams::pw_sp_vrijlating_max},
    {"pw.sp_vrijlating_months", Unit::kMonths, &RuleParams::pw_sp_vrijlating_months},
    {"pw.sp_vrijlating_child_age_below", Unit::kYears,
     &RuleParams::pw_sp_vrijlating_child_age_below},
    {"pw.asset_limit_single", Unit::kEur, &RuleParams::pw_asset_limit_single},
    {"pw.asset_limit_family", Unit::kEur, &RuleParams::pw_asset_limit_family},
};

}  // namespace

absl::string_view UnitName(Unit unit) {
  for (const auto& [u, name] : kUnitNames) {
    if (u == unit) return name;
  }
  return "?";
}

std::optional<Unit> ParseUnit(absl::string_view name) {
  for (const auto& [u, n] : kUnitNames) {
    if (n == name) return u;
  }
  return std::nullopt;
}

int UnitScale(Unit unit) {
  switch (unit) {
    case Unit::kEurPerHour:
    case Unit::kEurPerMonth:
    case Unit::kEurPerQuarter:
    case Unit::kEurPerYear:
    case Unit::kEur:
      return 2;
    case Unit::kRatio:
      return 6;
    case Unit::kCount:
    case Unit::kMonths:
    case Unit::kYears:
      return 0;
  }
  return 0;
}

absl::Status CheckConsistency(const RuleParams& p) {
  struct Order {
    std::int64_t lower;
    std::int64_t upper;
    const char* key;  // the key named when upper < lower
    const char* rule;
  };
  const Order orders[] = {
      {p.ib_bracket1_upper, p.ib_bracket2_upper, "ib.bracket2_upper",
       "must not lie below ib.bracket1_upper"},
      {p.ak_seg1_upper, p.ak_seg2_upper, "ak.seg2_upper", "must not lie below ak.seg1_upper"},
      {p.ak_seg2_upper, p.ak_seg3_upper, "ak.seg3_upper", "must not lie below ak.seg2_upper"},
      {p.ht_kwaliteitskortingsgrens, p.ht_aftoppingsgrens_1_2, "ht.aftoppingsgrens_1_2",
       "must not lie below ht.kwaliteitskortingsgrens"},
      {p.ht_kwaliteitskortingsgrens, p.ht_aftoppingsgrens_3plus, "ht.aftoppingsgrens_3plus",
       "must not lie below ht.kwaliteitskortingsgrens"},
      {p.ht_aftoppingsgrens_3plus, p.ht_max_huurgrens, "ht.max_huurgrens",
       "must not lie below the aftoppingsgrenzen"},
      {p.ht_aftoppingsgrens_1_2, p.ht_max_huurgrens, "ht.max_huurgrens",
       "must not lie below the aftoppingsgrenzen"},
  };
  for (const Order& o : orders) {
    if (o.upper < o.lower) return absl::InvalidArgumentError(std::string(o.key) + ": " + o.rule);
  }
  // An hourly minimum wage above € 1.000 is no Dutch rule; it also bounds the wage searches.
  if (p.wml_hourly_21plus < 1 || p.wml_hourly_21plus > 100'000) {
    return absl::InvalidArgumentError("wml.hourly_21plus: must lie between 0,01 and 1000,00");
  }
  return absl::OkStatus();
}

std::span<const ParamSpec> ParamSpecs() { return kSpecs; }

const ParamSpec* FindParamSpec(absl::string_view key) {
  for (const ParamSpec& spec : kSpecs) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

}  // namespace kompas::budget
