// The parameters of the Dutch income rules that the budget formulas use, as one typed
// struct, and the table that maps each file key to its field and unit. The values live in
// data/rules/nl/*.yaml; this file only says what must be there and in which unit.
//
// Representation: money in euro cents (int64), rates in parts per million (35,75 % =
// 357500), counts, months and years as plain integers.
#ifndef KOMPAS_SERVICES_BUDGET_RULES_RULE_PARAMS_H_
#define KOMPAS_SERVICES_BUDGET_RULES_RULE_PARAMS_H_

#include <cstdint>
#include <optional>
#include <span>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kompas::budget {

enum class Unit : std::uint8_t {
  kEurPerHour,
  kEurPerMonth,
  kEurPerQuarter,
  kEurPerYear,
  kEur,    // a stock (assets) or a one-off amount
  kRatio,  // written as a decimal fraction: 0.3575
  kCount,
  kMonths,
  kYears,
};

absl::string_view UnitName(Unit unit);  // as written in the files: "EUR/hour", "ratio", …
std::optional<Unit> ParseUnit(absl::string_view name);
int UnitScale(Unit unit);  // decimals stored: 2 for money, 6 for ratios, 0 otherwise

struct RuleParams {
  // Wet minimumloon en minimumvakantiebijslag (WML)
  std::int64_t wml_hourly_21plus = 0;      // cents/hour
  std::int64_t referentieminimumloon = 0;  // cents/month, art. 8 lid 1 b
  std::int64_t vakantiebijslag_rate = 0;   // ppm, art. 15

  // Wet IB 2001 box 1, below AOW age
  std::int64_t ib_bracket1_upper = 0;  // cents/year
  std::int64_t ib_bracket1_rate = 0;   // ppm (tax + volksverzekeringen)
  std::int64_t ib_bracket2_upper = 0;
  std::int64_t ib_bracket2_rate = 0;
  std::int64_t ib_bracket3_rate = 0;
  std::int64_t ahk_max = 0;  // algemene heffingskorting, art. 8.10
  std::int64_t ahk_phaseout_start = 0;
  std::int64_t ahk_phaseout_rate = 0;
  std::int64_t ak_seg1_upper = 0;  // arbeidskorting, art. 8.11
  std::int64_t ak_seg1_rate = 0;
  std::int64_t ak_seg2_upper = 0;
  std::int64_t ak_seg2_rate = 0;
  std::int64_t ak_seg3_upper = 0;
  std::int64_t ak_seg3_rate = 0;
  std::int64_t ak_max = 0;
  std::int64_t ak_phaseout_rate = 0;
  std::int64_t iack_threshold = 0;  // inkomensafhankelijke combinatiekorting, art. 8.14a
  std::int64_t iack_rate = 0;
  std::int64_t iack_max = 0;
  std::int64_t iack_child_age_below = 0;  // years

  // Wet op de zorgtoeslag
  std::int64_t zt_standaardpremie = 0;  // cents/year per adult
  std::int64_t zt_drempelinkomen = 0;
  std::int64_t zt_normpremie_rate_single = 0;
  std::int64_t zt_normpremie_rate_partners = 0;
  std::int64_t zt_phaseout_rate = 0;
  std::int64_t zt_income_limit_single = 0;
  std::int64_t zt_income_limit_partners = 0;
  std::int64_t zt_asset_limit_single = 0;
  std::int64_t zt_asset_limit_partners = 0;

  // Wet op de huurtoeslag (2026 system)
  std::int64_t ht_kwaliteitskortingsgrens = 0;  // cents/month
  std::int64_t ht_aftoppingsgrens_1_2 = 0;
  std::int64_t ht_aftoppingsgrens_3plus = 0;
  std::int64_t ht_max_huurgrens = 0;
  std::int64_t ht_max_huurgrens_young = 0;
  std::int64_t ht_rate_band1 = 0;
  std::int64_t ht_rate_band2 = 0;
  std::int64_t ht_rate_band3 = 0;
  std::int64_t ht_basishuur_1 = 0;
  std::int64_t ht_basishuur_2plus = 0;
  std::int64_t ht_inkomensijkpunt_1 = 0;  // cents/year
  std::int64_t ht_inkomensijkpunt_2plus = 0;
  std::int64_t ht_afbouw_rate_1 = 0;
  std::int64_t ht_afbouw_rate_2plus = 0;
  std::int64_t ht_child_income_disregard = 0;  // cents/year
  std::int64_t ht_asset_limit_person = 0;
  std::int64_t ht_asset_limit_partners = 0;
  std::int64_t ht_young_age_below = 0;  // years

  // Wet op het kindgebonden budget
  std::int64_t kgb_per_child = 0;  // cents/year
  std::int64_t kgb_alleenstaande_ouderkop = 0;
  std::int64_t kgb_supplement_12_15 = 0;
  std::int64_t kgb_supplement_16_17 = 0;
  std::int64_t kgb_threshold_single = 0;
  std::int64_t kgb_threshold_partners = 0;
  std::int64_t kgb_phaseout_rate = 0;
  std::int64_t kgb_asset_limit_single = 0;
  std::int64_t kgb_asset_limit_partners = 0;

  // Algemene Kinderbijslagwet
  std::int64_t akw_quarter_0_5 = 0;  // cents/quarter
  std::int64_t akw_quarter_6_11 = 0;
  std::int64_t akw_quarter_12_17 = 0;

  // Wet kinderopvang
  std::int64_t kot_max_rate_dagopvang = 0;  // cents/hour
  std::int64_t kot_max_rate_bso = 0;
  std::int64_t kot_max_rate_gastouder = 0;
  std::int64_t kot_max_hours = 0;              // per child per month
  std::int64_t kot_rate_top = 0;               // ppm, first and further children
  std::int64_t kot_rate_top_income_upper = 0;  // cents/year: the top rate applies up to here

  // Participatiewet
  std::int64_t pw_norm_single = 0;        // cents/month incl. vakantietoeslag, art. 21 a
  std::int64_t pw_norm_couple = 0;        // art. 21 b
  std::int64_t pw_norm_young_single = 0;  // art. 20, 18–20
  std::int64_t pw_adult_age = 0;          // years
  std::int64_t pw_kostendeler_base = 0;   // ppm: the 40 in (40 + A×30)/(A×100)
  std::int64_t pw_kostendeler_step = 0;   // ppm: the 30
  std::int64_t pw_kostendeler_age = 0;    // years: housemates from this age count
  std::int64_t pw_vrijlating_rate = 0;    // art. 31 lid 2 n
  std::int64_t pw_vrijlating_max = 0;     // cents/month
  std::int64_t pw_vrijlating_months = 0;
  std::int64_t pw_vrijlating_min_age = 0;  // years; art. 31 lid 5: n and r not under this age
  std::int64_t pw_sp_vrijlating_rate = 0;  // art. 31 lid 2 r
  std::int64_t pw_sp_vrijlating_max = 0;
  std::int64_t pw_sp_vrijlating_months = 0;
  std::int64_t pw_sp_vrijlating_child_age_below = 0;  // years
  std::int64_t pw_asset_limit_single = 0;             // art. 34
  std::int64_t pw_asset_limit_family = 0;
};

struct ParamSpec {
  absl::string_view key;
  Unit unit;
  std::int64_t RuleParams::*field;
};

// The thresholds the formulas assume ascend (brackets, credit segments, huurtoeslag limits) and
// stay within sane bounds; INVALID_ARGUMENT naming the first key that breaks it. Run on every
// loaded rule-set and again after what-if overrides.
absl::Status CheckConsistency(const RuleParams& p);

// Every parameter a rule-set file must define, exactly once.
std::span<const ParamSpec> ParamSpecs();
const ParamSpec* FindParamSpec(absl::string_view key);

}  // namespace kompas::budget

#endif  // KOMPAS_SERVICES_BUDGET_RULES_RULE_PARAMS_H_
