#include "services/budget/api/convert.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/validation.h"

namespace kompas::budget {
namespace {

namespace tv1 = ::kompas::type::v1;

constexpr std::int64_t kMaxMonthly = 10'000'00;      // € 10.000 a month for any one cost line
constexpr std::int64_t kMaxHourlyWage = 1'000'00;    // € 1.000 an hour
constexpr std::int64_t kMaxAssets = 100'000'000'00;  // € 100 million
constexpr std::int64_t kMaxYearly = 1'000'000'00;    // € 1 million a year
constexpr std::int32_t kMaxMinutesPerWeek = 80 * 60;
constexpr int kMinAdultAge = 18;
constexpr int kMaxAdultAge = 66;  // below the AOW age; pensioners are not covered
constexpr std::size_t kMaxChildren = 10;
constexpr std::size_t kMaxHousemates = 10;
constexpr std::size_t kMaxFixedCosts = 20;

absl::StatusOr<absl::CivilDay> DateOf(const tv1::Date& d, absl::string_view field) {
  const absl::CivilDay day(d.year(), d.month(), d.day());
  if (d.year() < 1900 || d.year() > 2200 || day.year() != d.year() || day.month() != d.month() ||
      day.day() != d.day()) {
    return InvalidField(field, "must be a valid calendar date");
  }
  return day;
}

int AgeAt(absl::CivilDay birth, absl::CivilDay on) {
  int age = static_cast<int>(on.year() - birth.year());
  if (on.month() < birth.month() || (on.month() == birth.month() && on.day() < birth.day())) --age;
  return age;
}

absl::StatusOr<int> Age(const tv1::Date& birth, bool present, absl::CivilDay rule_date,
                        const std::string& field) {
  if (!present) return InvalidField(field, "is required");
  absl::StatusOr<absl::CivilDay> day = DateOf(birth, field);
  if (!day.ok()) return day.status();
  if (*day > rule_date) return InvalidField(field, "must not lie after the rule date");
  return AgeAt(*day, rule_date);
}

absl::Status Money(const std::string& field, std::int64_t cents, std::int64_t max) {
  if (cents < 0) return InvalidField(field, "must not be negative");
  if (cents > max) return InvalidField(field, absl::StrCat("must be at most ", max, " cents"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<GemeenteSet> ParseGemeenten(absl::string_view csv, absl::string_view file_name) {
  GemeenteSet set;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(csv, '\n')) {
    ++line_no;
    line = absl::StripTrailingAsciiWhitespace(line);
    if (line.empty()) continue;
    if (line_no == 1) {
      if (line != "gm_code,gemeente_naam,am_code,am_naam") {
        return absl::InvalidArgumentError(
            absl::StrCat(file_name, ":1: header must be gm_code,gemeente_naam,am_code,am_naam"));
      }
      continue;
    }
    // Only the code is needed here; names may be quoted and hold commas, the code never.
    const absl::string_view code = line.substr(0, line.find(','));
    if (code.size() != 6 || !absl::StartsWith(code, "GM") ||
        code.find_first_not_of("0123456789", 2) != absl::string_view::npos ||
        line.size() <= code.size() + 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(file_name, ":", line_no, ": expected GMnnnn,name,AMnn,name"));
    }
    set.insert(std::string(code));
  }
  if (set.empty()) return absl::InvalidArgumentError(absl::StrCat(file_name, ": no gemeenten"));
  return set;
}

absl::StatusOr<absl::CivilDay> RuleDate(const tv1::Date& date, bool has_date, absl::CivilDay today,
                                        absl::string_view field) {
  if (!has_date) return today;
  return DateOf(date, field);
}

absl::StatusOr<HouseholdFacts> HouseholdFromProto(const tv1::Household& in,
                                                  absl::CivilDay rule_date,
                                                  const GemeenteSet& gemeenten) {
  HouseholdFacts h;
  if (in.adults_size() < 1 || in.adults_size() > 2) {
    return InvalidField("household.adults", "must hold 1 or 2 adults (two adults are partners)");
  }
  if (!gemeenten.contains(in.gemeente_code())) {
    return InvalidField("household.gemeente_code",
                        "must be a 2026 CBS gemeente code such as GM0014 (Groningen)");
  }
  for (int i = 0; i < in.adults_size(); ++i) {
    const tv1::Adult& a = in.adults(i);
    const std::string f = Indexed("household.adults", static_cast<std::size_t>(i));
    AdultFacts out;
    absl::StatusOr<int> age = Age(a.birth_date(), a.has_birth_date(), rule_date, f + ".birth_date");
    if (!age.ok()) return age.status();
    if (*age < kMinAdultAge || *age > kMaxAdultAge) {
      return InvalidField(f + ".birth_date",
                          absl::StrCat("the adult must be ", kMinAdultAge, " to ", kMaxAdultAge,
                                       " years old on the rule date (AOW age is not covered)"));
    }
    out.age = *age;
    Validator v;
    v.Check(Money(f + ".gross_hourly_wage.cents", a.gross_hourly_wage().cents(), kMaxHourlyWage))
        .Check(CheckRange(f + ".minutes_per_week", a.minutes_per_week(), 0, kMaxMinutesPerWeek))
        .Check(
            Money(f + ".other_monthly_income.cents", a.other_monthly_income().cents(), kMaxMonthly))
        .Check(Money(f + ".health_premium.cents", a.health_premium().cents(), kMaxMonthly))
        .Check(Money(f + ".commute_cost.cents", a.commute_cost().cents(), kMaxMonthly))
        .Check(CheckRange(f + ".vrijlating_months_used", a.vrijlating_months_used(), 0, 600))
        .Check(CheckRange(f + ".single_parent_vrijlating_months_used",
                          a.single_parent_vrijlating_months_used(), 0, 600));
    if (!v.ok()) return v.status();
    if (a.minutes_per_week() > 0 && a.gross_hourly_wage().cents() == 0) {
      return InvalidField(f + ".gross_hourly_wage", "is required when minutes_per_week > 0");
    }
    out.hourly_wage = a.gross_hourly_wage().cents();
    out.minutes_per_week = a.minutes_per_week();
    out.other_monthly_income = a.other_monthly_income().cents();
    out.health_premium_monthly = a.health_premium().cents();
    out.commute_monthly = a.commute_cost().cents();
    out.vrijlating_months_used = a.vrijlating_months_used();
    out.sp_vrijlating_months_used = a.single_parent_vrijlating_months_used();
    h.adults.push_back(out);
  }
  if (static_cast<std::size_t>(in.children_size()) > kMaxChildren) {
    return InvalidField("household.children", absl::StrCat("at most ", kMaxChildren, " children"));
  }
  for (int i = 0; i < in.children_size(); ++i) {
    const tv1::Child& c = in.children(i);
    const std::string f = Indexed("household.children", static_cast<std::size_t>(i));
    absl::StatusOr<int> age = Age(c.birth_date(), c.has_birth_date(), rule_date, f + ".birth_date");
    if (!age.ok()) return age.status();
    if (*age >= 18) {
      return InvalidField(
          f + ".birth_date",
          "a child must be under 18 on the rule date; older children are housemates");
    }
    ChildFacts out;
    out.age = *age;
    const tv1::Childcare& cc = c.childcare();
    Validator v;
    v.Check(CheckRange(f + ".childcare.hours_per_month", cc.hours_per_month(), 0, 744))
        .Check(Money(f + ".childcare.hourly_price.cents", cc.hourly_price().cents(), 100'00));
    if (!v.ok()) return v.status();
    switch (cc.type()) {
      case tv1::CHILDCARE_TYPE_UNSPECIFIED:
        out.childcare = Childcare::kNone;
        break;
      case tv1::CHILDCARE_TYPE_DAGOPVANG:
        out.childcare = Childcare::kDagopvang;
        break;
      case tv1::CHILDCARE_TYPE_BSO:
        out.childcare = Childcare::kBso;
        break;
      case tv1::CHILDCARE_TYPE_GASTOUDER:
        out.childcare = Childcare::kGastouder;
        break;
      default:
        return InvalidField(f + ".childcare.type", "unknown childcare type");
    }
    if (out.childcare == Childcare::kNone && cc.hours_per_month() > 0) {
      return InvalidField(f + ".childcare.type", "is required when hours_per_month > 0");
    }
    out.childcare_hours_per_month = cc.hours_per_month();
    out.childcare_hourly_price = cc.hourly_price().cents();
    h.children.push_back(out);
  }
  if (static_cast<std::size_t>(in.housemates_size()) > kMaxHousemates) {
    return InvalidField("household.housemates",
                        absl::StrCat("at most ", kMaxHousemates, " housemates"));
  }
  for (int i = 0; i < in.housemates_size(); ++i) {
    const tv1::Housemate& m = in.housemates(i);
    const std::string f = Indexed("household.housemates", static_cast<std::size_t>(i));
    absl::StatusOr<int> age = Age(m.birth_date(), m.has_birth_date(), rule_date, f + ".birth_date");
    if (!age.ok()) return age.status();
    if (absl::Status s = Money(f + ".yearly_income.cents", m.yearly_income().cents(), kMaxYearly);
        !s.ok()) {
      return s;
    }
    h.housemates.push_back({*age, m.kostendeler(), m.yearly_income().cents()});
  }
  const tv1::Housing& housing = in.housing();
  Validator v;
  v.Check(Money("household.housing.bare_rent.cents", housing.bare_rent().cents(), kMaxMonthly))
      .Check(Money("household.housing.service_costs.cents", housing.service_costs().cents(),
                   kMaxMonthly))
      .Check(Money("household.housing.energy.cents", housing.energy().cents(), kMaxMonthly))
      .Check(
          Money("household.housing.owner_costs.cents", housing.owner_costs().cents(), kMaxMonthly))
      .Check(Money("household.assets.cents", in.assets().cents(), kMaxAssets))
      .Check(Money("household.home_equity.cents", in.home_equity().cents(), kMaxAssets));
  if (!v.ok()) return v.status();
  if (housing.tenure() == tv1::HOUSING_TENURE_UNSPECIFIED) {
    return InvalidField("household.housing.tenure", "is required (RENTED, OWNED or OTHER)");
  }
  h.rents = housing.tenure() == tv1::HOUSING_TENURE_RENTED;
  h.self_contained = housing.self_contained();
  h.bare_rent = housing.bare_rent().cents();
  h.service_costs = housing.service_costs().cents();
  h.owner_costs = housing.owner_costs().cents();
  h.energy = housing.energy().cents();
  h.assets = in.assets().cents();
  if (static_cast<std::size_t>(in.fixed_costs_size()) > kMaxFixedCosts) {
    return InvalidField("household.fixed_costs",
                        absl::StrCat("at most ", kMaxFixedCosts, " items"));
  }
  for (int i = 0; i < in.fixed_costs_size(); ++i) {
    const std::string f = Indexed("household.fixed_costs", static_cast<std::size_t>(i));
    if (absl::Status s = CheckMaxLength(f + ".description", in.fixed_costs(i).description(), 200);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = Money(f + ".monthly_amount.cents",
                               in.fixed_costs(i).monthly_amount().cents(), kMaxMonthly);
        !s.ok()) {
      return s;
    }
    h.fixed_costs += in.fixed_costs(i).monthly_amount().cents();
  }
  return h;
}

absl::Status ApplyScenario(const kompas::budget::v1::WorkScenario& scenario,
                           absl::string_view field, HouseholdFacts& h) {
  if (scenario.work_size() < 1 || scenario.work_size() > 2) {
    return InvalidField(absl::StrCat(field, ".work"), "must name 1 or 2 adults");
  }
  bool seen[2] = {false, false};
  for (int i = 0; i < scenario.work_size(); ++i) {
    const auto& w = scenario.work(i);
    const std::string f = Indexed(absl::StrCat(field, ".work"), static_cast<std::size_t>(i));
    if (w.adult_number() < 1 || w.adult_number() > static_cast<int>(h.adults.size())) {
      return InvalidField(f + ".adult_number", absl::StrCat("must be 1..", h.adults.size()));
    }
    const auto idx = static_cast<std::size_t>(w.adult_number() - 1);
    if (seen[idx]) return InvalidField(f + ".adult_number", "names the same adult twice");
    seen[idx] = true;
    Validator v;
    v.Check(Money(f + ".gross_hourly_wage.cents", w.gross_hourly_wage().cents(), kMaxHourlyWage))
        .Check(CheckRange(f + ".minutes_per_week", w.minutes_per_week(), 0, kMaxMinutesPerWeek));
    if (w.has_commute_cost())
      v.Check(Money(f + ".commute_cost.cents", w.commute_cost().cents(), kMaxMonthly));
    if (!v.ok()) return v.status();
    if (w.minutes_per_week() > 0 && w.gross_hourly_wage().cents() == 0) {
      return InvalidField(f + ".gross_hourly_wage", "is required when minutes_per_week > 0");
    }
    AdultFacts& a = h.adults[idx];
    a.hourly_wage = w.gross_hourly_wage().cents();
    a.minutes_per_week = w.minutes_per_week();
    if (w.has_commute_cost()) a.commute_monthly = w.commute_cost().cents();
  }
  return absl::OkStatus();
}

}  // namespace kompas::budget
