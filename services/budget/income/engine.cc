#include "services/budget/income/engine.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/budget/income/arith.h"

namespace kompas::budget {
namespace {

constexpr std::int64_t kWeeksPerYear = 52;
constexpr std::int64_t kMinutesPerHour = 60;

// What the tax side gives one adult over a year, in cents.
struct AdultTax {
  std::int64_t wage = 0;     // excl. holiday allowance
  std::int64_t holiday = 0;  // vakantiebijslag
  std::int64_t other = 0;    // other taxable income
  std::int64_t tax = 0;      // box 1 before credits
  std::int64_t ahk = 0;      // credits as applied (capped by the tax, in this order)
  std::int64_t ak = 0;
  std::int64_t iack = 0;
  std::int64_t Net() const { return wage + holiday + other - tax + ahk + ak + iack; }
  std::int64_t NetWage() const {  // net of the work alone (for the vrijlating)
    return wage + holiday - tax + ahk + ak + iack;
  }
};

AdultTax TaxFor(const RuleParams& p, std::int64_t wage, std::int64_t other, bool iack_eligible) {
  AdultTax t;
  t.wage = wage;
  t.holiday = ApplyRate(wage, p.vakantiebijslag_rate);
  t.other = other;
  const std::int64_t arbeidsinkomen = t.wage + t.holiday;
  const std::int64_t taxable = arbeidsinkomen + other;
  t.tax = BoxOneTax(p, taxable);
  std::int64_t left = t.tax;  // art. 8.1: the credits never exceed the tax
  t.ahk = std::min(left, AlgemeneHeffingskorting(p, taxable));
  left -= t.ahk;
  t.ak = std::min(left, Arbeidskorting(p, arbeidsinkomen));
  left -= t.ak;
  t.iack = iack_eligible ? std::min(left, Iack(p, arbeidsinkomen)) : 0;
  return t;
}

// Net yearly income of `taxable` without work (for the bijstand gross-up).
std::int64_t NetOf(const RuleParams& p, std::int64_t arbeidsinkomen, std::int64_t other,
                   bool iack_eligible) {
  const std::int64_t taxable = arbeidsinkomen + other;
  std::int64_t left = BoxOneTax(p, taxable);
  left -= std::min(left, AlgemeneHeffingskorting(p, taxable));
  left -= std::min(left, Arbeidskorting(p, arbeidsinkomen));
  if (iack_eligible) left -= std::min(left, Iack(p, arbeidsinkomen));
  return taxable - left;
}

// The gross yearly bijstand whose net equals `net_share` on top of the adult's other income:
// bijstand is taxable income and counts in the toetsingsinkomen (Awir art. 8). Net income
// rises strictly with gross income here (marginal rate < 100 %), so bisection finds it.
std::int64_t GrossUpBijstand(const RuleParams& p, std::int64_t arbeidsinkomen, std::int64_t other,
                             bool iack_eligible, std::int64_t net_share) {
  if (net_share <= 0) return 0;
  const std::int64_t base = NetOf(p, arbeidsinkomen, other, iack_eligible);
  std::int64_t lo = net_share;  // gross ≥ net
  std::int64_t hi = net_share * 4;
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (NetOf(p, arbeidsinkomen, other + mid, iack_eligible) - base >= net_share) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

int Persons(const HouseholdFacts& h) {
  return static_cast<int>(h.adults.size() + h.children.size() + h.housemates.size());
}

bool HasChildBelow(const HouseholdFacts& h, std::int64_t age) {
  return std::any_of(h.children.begin(), h.children.end(),
                     [age](const ChildFacts& c) { return c.age < age; });
}

// Cumulative rounding: monthly parts of yearly amounts that add up exactly to the monthly
// total.
class MonthlySplitter {
 public:
  std::int64_t Next(std::int64_t yearly) {
    const std::int64_t before = DivRound(cumulative_, 12);
    cumulative_ += yearly;
    return DivRound(cumulative_, 12) - before;
  }

 private:
  std::int64_t cumulative_ = 0;
};

std::int64_t Zorgtoeslag(const RuleParams& p, const HouseholdFacts& h, std::int64_t ti,
                         std::vector<NoticeOut>& notices) {
  const bool partners = h.adults.size() == 2;
  const std::int64_t asset_limit = partners ? p.zt_asset_limit_partners : p.zt_asset_limit_single;
  if (h.assets > asset_limit) {
    notices.push_back({"ZORGTOESLAG_ASSETS_ABOVE_LIMIT",
                       "Geen zorgtoeslag: het vermogen is hoger dan de grens van " +
                           FormatEuro(asset_limit) + "."});
    return 0;
  }
  const std::int64_t limit = partners ? p.zt_income_limit_partners : p.zt_income_limit_single;
  if (ti > limit) return 0;
  // Wzt art. 2: standaardpremie (×2 with a partner) − normpremie.
  const std::int64_t premie = p.zt_standaardpremie * (partners ? 2 : 1);
  const std::int64_t normpremie =
      ApplyRate(p.zt_drempelinkomen,
                partners ? p.zt_normpremie_rate_partners : p.zt_normpremie_rate_single) +
      ApplyRate(Positive(ti - p.zt_drempelinkomen), p.zt_phaseout_rate);
  // Awir art. 14 lid 4: the yearly amount rounded to whole euros; per month / 12, rounded
  // down to whole euros (as the Belastingdienst's monthly table).
  return FloorEuros(RoundEuros(Positive(premie - normpremie)) / 12);
}

std::int64_t Kgb(const RuleParams& p, const HouseholdFacts& h, std::int64_t ti,
                 std::vector<NoticeOut>& notices) {
  if (h.children.empty()) return 0;
  const bool partners = h.adults.size() == 2;
  const std::int64_t asset_limit = partners ? p.kgb_asset_limit_partners : p.kgb_asset_limit_single;
  if (h.assets > asset_limit) {
    notices.push_back({"KGB_ASSETS_ABOVE_LIMIT",
                       "Geen kindgebonden budget: het vermogen is hoger dan de grens van " +
                           FormatEuro(asset_limit) + "."});
    return 0;
  }
  // Wet op het kindgebonden budget art. 2: per child, the age supplements, the
  // alleenstaande-ouderkop, minus the phase-out above the threshold income.
  std::int64_t max = 0;
  for (const ChildFacts& c : h.children) {
    max += p.kgb_per_child;
    if (c.age >= 12 && c.age <= 15) max += p.kgb_supplement_12_15;
    if (c.age >= 16 && c.age <= 17) max += p.kgb_supplement_16_17;
  }
  if (!partners) max += p.kgb_alleenstaande_ouderkop;
  const std::int64_t threshold = partners ? p.kgb_threshold_partners : p.kgb_threshold_single;
  const std::int64_t yearly =
      Positive(max - ApplyRate(Positive(ti - threshold), p.kgb_phaseout_rate));
  // Per month: the yearly amount / 12 rounded down to whole euros, without rounding to cents
  // first (Dienst Toeslagen, Berekening kindgebonden budget 2026: € 5.975,94 → € 497).
  return FloorEuros(yearly / 12);
}

std::int64_t Kinderbijslag(const RuleParams& p, const HouseholdFacts& h) {
  // AKW art. 12: an amount per quarter by age band; per month one third.
  std::int64_t per_quarter = 0;
  for (const ChildFacts& c : h.children) {
    per_quarter +=
        c.age <= 5 ? p.akw_quarter_0_5 : (c.age <= 11 ? p.akw_quarter_6_11 : p.akw_quarter_12_17);
  }
  return DivRound(per_quarter, 3);
}

// WHT art. 21 lid 2: the monthly reduction for income above the inkomensijkpunt.
struct HuurtoeslagIncome {
  std::int64_t ijkpunt = 0;    // cents per year
  std::int64_t reduction = 0;  // cents per month
};

HuurtoeslagIncome HuurtoeslagIncomeCorrection(const RuleParams& p, int persons,
                                              std::int64_t rekeninkomen) {
  const bool one_person = persons == 1;
  const std::int64_t ijkpunt = one_person ? p.ht_inkomensijkpunt_1 : p.ht_inkomensijkpunt_2plus;
  const std::int64_t afbouw = one_person ? p.ht_afbouw_rate_1 : p.ht_afbouw_rate_2plus;
  return {ijkpunt, DivRound(ApplyRate(Positive(rekeninkomen - ijkpunt), afbouw), 12)};
}

// "13,73 %" from parts per million.
std::string FormatPercent(std::int64_t ppm) {
  std::string digits = absl::StrCat(ppm / 10'000, ",", absl::StrFormat("%02d", (ppm / 100) % 100));
  if (digits.size() > 3 && digits.substr(digits.size() - 3) == ",00")
    digits.resize(digits.size() - 3);
  return digits + " %";
}

// The municipal schemes at this income (see engine.h). `income` is the net income the schemes
// test, `norm` the household's bijstandsnorm, both per month.
void ApplySchemes(const HouseholdFacts& h, std::int64_t income, std::int64_t norm,
                  std::int64_t asset_limit, IncomeResult& r) {
  const auto type = static_cast<std::size_t>(SchemeHouseholdOf(h.adults.size(), h.children.size()));
  int oldest = 0;
  for (const AdultFacts& a : h.adults) oldest = std::max(oldest, a.age);
  const auto children = static_cast<std::int64_t>(h.children.size());
  for (const Scheme& s : h.local_schemes->schemes) {
    SchemeOutcome o;
    o.scheme = &s;
    o.limit = ApplyRate(norm, s.income_limit_ppm);
    const bool age_ok = s.min_age == 0 || oldest >= s.min_age;
    if (s.amounts.present) {
      o.yearly = (s.amounts.by_household ? s.amounts.yearly[type] : 0) +
                 s.amounts.per_child_yearly * children;
    }
    switch (s.kind) {
      case SchemeKind::kYearlyPayment:
        o.eligible = age_ok && o.yearly > 0 && income <= o.limit && h.assets <= asset_limit;
        o.monthly = o.eligible ? MonthlyFromYearly(o.yearly) : 0;
        break;
      case SchemeKind::kTaxRemission:
        // The kwijtschelding's own bank-balance limits are lower and not modelled; the bijstand
        // asset limit keeps a household with savings from getting remission here.
        o.payable = ApplyRate(12 * Positive(income - o.limit), s.capacity_share_ppm);
        o.monthly = age_ok && h.assets <= asset_limit
                        ? MonthlyFromYearly(Positive(o.yearly - o.payable))
                        : 0;
        o.eligible = o.monthly > 0;
        break;
      case SchemeKind::kInKind:
        // A scheme with per-child amounts only is for households with children.
        o.eligible = age_ok && income <= o.limit &&
                     (s.amounts.by_household || !s.amounts.present || children > 0);
        break;
    }
    r.municipal += o.monthly;
    r.schemes.push_back(o);
  }
}

// The lines and notices that explain the schemes the household qualifies for.
void SchemeLines(const HouseholdFacts& h, IncomeResult& r) {
  const std::string& gemeente = h.local_schemes->name;
  for (const SchemeOutcome& o : r.schemes) {
    if (!o.eligible) continue;
    const Scheme& s = *o.scheme;
    const std::string sample =
        s.sample ? " Let op: een voorbeeldbedrag; het bedrag voor dit jaar is niet gevonden." : "";
    const std::string why = absl::StrCat(
        "het inkomen dat meetelt (", FormatEuro(r.scheme_income), " per maand) komt niet boven ",
        FormatPercent(s.income_limit_ppm), " van de bijstandsnorm (", FormatEuro(o.limit), ")");
    std::string text;
    switch (s.kind) {
      case SchemeKind::kYearlyPayment:
        text = absl::StrCat(s.title, " (", gemeente, "): ", FormatEuro(o.yearly),
                            " per jaar, hier per maand, omdat ", why,
                            ". Alleen als ook aan de andere voorwaarden van de gemeente is "
                            "voldaan.",
                            sample);
        break;
      case SchemeKind::kTaxRemission:
        text = absl::StrCat(
            s.title, ": ", FormatEuro(o.yearly - o.payable), " van de ", FormatEuro(o.yearly),
            " per jaar aan gemeentelijke belastingen hoef je niet te betalen",
            o.payable > 0
                ? absl::StrCat("; van wat het inkomen boven de kostennorm van ",
                               FormatEuro(o.limit), " per maand uitkomt (× 12) betaal je ",
                               FormatPercent(s.capacity_share_ppm), ": ", FormatEuro(o.payable),
                               " per jaar")
                : absl::StrCat(", omdat ", why),
            ". Je moet het wel aanvragen.", sample);
        break;
      case SchemeKind::kInKind:
        continue;  // a notice, see AddSchemeNotices
    }
    r.lines.push_back(
        {Component::kMunicipalScheme, 0, o.monthly, std::move(text), nullptr, false, &s});
  }
}

}  // namespace

void AddSchemeNotices(const HouseholdFacts& h, IncomeResult& r) {
  if (h.local_schemes == nullptr) {
    r.notices.push_back({"LOCAL_SCHEMES_NOT_INCLUDED",
                         "Regelingen van de gemeente (zoals kwijtschelding en de individuele "
                         "inkomenstoeslag) zijn niet meegerekend: ze zijn voor deze gemeente of "
                         "deze datum niet vastgelegd. Dit zijn alleen de landelijke regels."});
    return;
  }
  bool sample = false;
  for (const SchemeOutcome& o : r.schemes) {
    if (!o.eligible) continue;
    sample = sample || o.scheme->sample;
    if (o.scheme->kind != SchemeKind::kInKind) continue;
    r.notices.push_back(
        {"LOCAL_IN_KIND_SCHEME",
         absl::StrCat(
             "Je kunt gebruikmaken van ", o.scheme->title, " (", h.local_schemes->name,
             "): het inkomen dat meetelt (", FormatEuro(r.scheme_income),
             " per maand) komt niet boven ", FormatPercent(o.scheme->income_limit_ppm),
             " van de bijstandsnorm (", FormatEuro(o.limit),
             "). Dit levert geen geld op maar bespaart kosten; het telt niet mee in wat je "
             "te besteden hebt.")});
  }
  if (sample) {
    r.notices.push_back({"LOCAL_SCHEMES_SAMPLE",
                         absl::StrCat("Bedragen van regelingen van ", h.local_schemes->name,
                                      " zijn voorbeeldbedragen: de bedragen voor dit jaar zijn "
                                      "niet gevonden. Controleer ze bij de gemeente.")});
  }
}

namespace {

std::int64_t Huurtoeslag(const RuleParams& p, const HouseholdFacts& h, std::int64_t rekeninkomen,
                         std::vector<NoticeOut>& notices) {
  if (!h.rents || h.bare_rent <= 0) return 0;
  if (!h.self_contained) {
    notices.push_back(
        {"HUURTOESLAG_NOT_SELF_CONTAINED",
         "Geen huurtoeslag: alleen een zelfstandige woning geeft recht op huurtoeslag."});
    return 0;
  }
  const bool partners = h.adults.size() == 2;
  const std::int64_t asset_limit = partners ? p.ht_asset_limit_partners : p.ht_asset_limit_person;
  if (h.assets > asset_limit) {
    notices.push_back({"HUURTOESLAG_ASSETS_ABOVE_LIMIT",
                       "Geen huurtoeslag: het vermogen is hoger dan de grens van " +
                           FormatEuro(asset_limit) + "."});
    return 0;
  }
  const int persons = Persons(h);
  const bool one_person = persons == 1;
  const bool all_young =
      h.children.empty() &&
      std::all_of(h.adults.begin(), h.adults.end(),
                  [&](const AdultFacts& a) { return a.age < p.ht_young_age_below; }) &&
      std::all_of(h.housemates.begin(), h.housemates.end(),
                  [&](const HousemateFacts& m) { return m.age < p.ht_young_age_below; });
  // WHT art. 21 with Besluit art. 7 (2026): rekenhuur = kale huur; 100 % up to the
  // kwaliteitskortingsgrens, 65 % up to the aftoppingsgrens, 40 % up to the maximale
  // huurgrens, minus the income correction above the inkomensijkpunt.
  const std::int64_t rent = h.bare_rent;
  const std::int64_t basishuur = one_person ? p.ht_basishuur_1 : p.ht_basishuur_2plus;
  const std::int64_t kwal = p.ht_kwaliteitskortingsgrens;
  const std::int64_t a = ApplyRate(Positive(std::min(rent, kwal) - basishuur), p.ht_rate_band1);
  std::int64_t b = 0;
  std::int64_t c = 0;
  if (!all_young) {
    const std::int64_t aftop = persons <= 2 ? p.ht_aftoppingsgrens_1_2 : p.ht_aftoppingsgrens_3plus;
    b = ApplyRate(Positive(std::min(rent, aftop) - kwal), p.ht_rate_band2);
    c = ApplyRate(Positive(std::min(rent, p.ht_max_huurgrens) - aftop), p.ht_rate_band3);
  }
  const std::int64_t d = HuurtoeslagIncomeCorrection(p, persons, rekeninkomen).reduction;
  return FloorEuros(Positive(a + b + c - d));
}

absl::StatusOr<std::int64_t> Kinderopvangtoeslag(const RuleSet& rules, const HouseholdFacts& h,
                                                 std::int64_t ti, std::int64_t* full_cost) {
  const RuleParams& p = rules.params;
  *full_cost = 0;
  const bool all_work = std::all_of(h.adults.begin(), h.adults.end(),
                                    [](const AdultFacts& a) { return a.working(); });
  if (!all_work) return 0;
  auto max_rate = [&](const ChildFacts& c) {
    return c.childcare == Childcare::kDagopvang ? p.kot_max_rate_dagopvang
           : c.childcare == Childcare::kBso     ? p.kot_max_rate_bso
                                                : p.kot_max_rate_gastouder;
  };
  auto hours = [&](const ChildFacts& c) {
    return std::min<std::int64_t>(c.childcare_hours_per_month, p.kot_max_hours);
  };
  // The percentages for this income: from the table when the rule-set has one, else only the
  // top rate up to its income limit.
  std::int64_t first_rate = p.kot_rate_top;
  std::int64_t next_rate = p.kot_rate_top;
  if (rules.kot_table != nullptr) {
    const KotBand* band = &rules.kot_table->rows.front();
    for (const KotBand& b : rules.kot_table->rows) {
      if (b.income_from <= ti) band = &b;
    }
    first_rate = band->first_child;
    next_rate = band->next_child;
  } else if (ti > p.kot_rate_top_income_upper &&
             std::any_of(h.children.begin(), h.children.end(), [](const ChildFacts& c) {
               return c.childcare != Childcare::kNone && c.childcare_hours_per_month > 0;
             })) {
    return absl::UnimplementedError(absl::StrCat(
        "kinderopvangtoeslag above a toetsingsinkomen of ", FormatEuro(p.kot_rate_top_income_upper),
        " is not covered for this period: its rule-set has no percentage table"));
  }
  // The "first child" gets the first-child percentage: the child with the most subsidised
  // hours, then the highest subsidised cost (Besluit kinderopvangtoeslag; Berekening 2026,
  // stap 3).
  const ChildFacts* first = nullptr;
  for (const ChildFacts& c : h.children) {
    if (c.childcare == Childcare::kNone || c.childcare_hours_per_month <= 0) continue;
    if (first == nullptr || hours(c) > hours(*first) ||
        (hours(c) == hours(*first) &&
         hours(c) * std::min(c.childcare_hourly_price, max_rate(c)) >
             hours(*first) * std::min(first->childcare_hourly_price, max_rate(*first)))) {
      first = &c;
    }
  }
  std::int64_t toeslag = 0;
  for (const ChildFacts& c : h.children) {
    if (c.childcare == Childcare::kNone || c.childcare_hours_per_month <= 0) continue;
    *full_cost += c.childcare_hours_per_month * c.childcare_hourly_price;
    // Wet kinderopvang art. 1.7 and the Besluit kinderopvangtoeslag: the hours up to the
    // maximum, priced at most at the maximum hourly rate, times the percentage for the income.
    toeslag += ApplyRate(hours(c) * std::min(c.childcare_hourly_price, max_rate(c)),
                         &c == first ? first_rate : next_rate);
  }
  // Paid in whole euros per month (Berekening kinderopvangtoeslag 2026, stap 7).
  return FloorEuros(toeslag);
}

}  // namespace

std::string FormatHours(std::int32_t minutes) {
  const std::int32_t tenths = (minutes * 10 + 30) / 60;
  return tenths % 10 == 0 ? absl::StrCat(tenths / 10) : absl::StrCat(tenths / 10, ",", tenths % 10);
}

std::string FormatEuro(std::int64_t cents) {
  // Hand-rolled: this runs for every explanation line, and StrFormat costs more than the
  // income formulas themselves.
  const bool negative = cents < 0;
  std::uint64_t v =
      negative ? static_cast<std::uint64_t>(-(cents + 1)) + 1 : static_cast<std::uint64_t>(cents);
  char buf[40];
  char* end = buf + sizeof buf;
  char* p = end;
  *--p = static_cast<char>('0' + v % 10);
  v /= 10;
  *--p = static_cast<char>('0' + v % 10);
  v /= 10;
  *--p = ',';
  int digits = 0;
  do {
    if (digits > 0 && digits % 3 == 0) *--p = '.';
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
    ++digits;
  } while (v > 0);
  std::string out = negative ? "-€ " : "€ ";
  out.append(p, static_cast<std::size_t>(end - p));
  return out;
}

std::int64_t BoxOneTax(const RuleParams& p, std::int64_t x) {
  // Wet IB 2001 art. 2.10 (and Wfsv for the premiums in the first brackets).
  const std::int64_t in1 = std::min(x, p.ib_bracket1_upper);
  const std::int64_t in2 = std::clamp<std::int64_t>(x - p.ib_bracket1_upper, 0,
                                                    p.ib_bracket2_upper - p.ib_bracket1_upper);
  const std::int64_t in3 = Positive(x - p.ib_bracket2_upper);
  return ApplyRate(Positive(in1), p.ib_bracket1_rate) + ApplyRate(in2, p.ib_bracket2_rate) +
         ApplyRate(in3, p.ib_bracket3_rate);
}

std::int64_t AlgemeneHeffingskorting(const RuleParams& p, std::int64_t income) {
  // Art. 8.10: the maximum, reduced by the phase-out rate above the start.
  return Positive(p.ahk_max -
                  ApplyRate(Positive(income - p.ahk_phaseout_start), p.ahk_phaseout_rate));
}

std::int64_t Arbeidskorting(const RuleParams& p, std::int64_t ai) {
  // Art. 8.11 lid 1: each segment starts at the previous segment's end, stated in the law in
  // whole euros (2026: € 996 and € 5.300).
  if (ai <= 0) return 0;
  const std::int64_t base2 = RoundEuros(ApplyRate(p.ak_seg1_upper, p.ak_seg1_rate));
  const std::int64_t base3 =
      RoundEuros(base2 + ApplyRate(p.ak_seg2_upper - p.ak_seg1_upper, p.ak_seg2_rate));
  if (ai <= p.ak_seg1_upper) return ApplyRate(ai, p.ak_seg1_rate);
  if (ai <= p.ak_seg2_upper) return base2 + ApplyRate(ai - p.ak_seg1_upper, p.ak_seg2_rate);
  if (ai <= p.ak_seg3_upper) {
    return std::min(p.ak_max, base3 + ApplyRate(ai - p.ak_seg2_upper, p.ak_seg3_rate));
  }
  return Positive(p.ak_max - ApplyRate(ai - p.ak_seg3_upper, p.ak_phaseout_rate));
}

std::int64_t Iack(const RuleParams& p, std::int64_t ai) {
  // Art. 8.14a: a rate of the arbeidsinkomen above the threshold, up to the maximum.
  if (ai <= p.iack_threshold) return 0;
  return std::min(p.iack_max, ApplyRate(ai - p.iack_threshold, p.iack_rate));
}

absl::StatusOr<std::int64_t> BijstandNorm(const RuleParams& p, const HouseholdFacts& h) {
  const bool adult_all = std::all_of(h.adults.begin(), h.adults.end(),
                                     [&](const AdultFacts& a) { return a.age >= p.pw_adult_age; });
  if (h.adults.size() == 1 && !adult_all) {
    if (!h.children.empty()) {
      return absl::UnimplementedError(
          "bijstand for a single parent under 21 is not covered yet (Participatiewet art. 20)");
    }
    return p.pw_norm_young_single;  // art. 20 lid 1 a; no kostendelersnorm under 21
  }
  if (!adult_all) {
    return absl::UnimplementedError(
        "bijstand for partners of whom one is under 21 is not covered yet (Participatiewet art. "
        "20-21)");
  }
  // Art. 22a: with kostendelers the norm per person is ((40 + A × 30) / (A × 100)) × the
  // gehuwdennorm, A = the persons aged 21+ (kostendelers from 27, art. 19a) sharing the home.
  std::int64_t a = static_cast<std::int64_t>(h.adults.size());
  for (const HousemateFacts& m : h.housemates) {
    if (m.kostendeler && m.age >= p.pw_kostendeler_age) ++a;
  }
  if (a == static_cast<std::int64_t>(h.adults.size())) {
    return h.adults.size() == 2 ? p.pw_norm_couple : p.pw_norm_single;  // art. 21
  }
  const std::int64_t per_person =
      DivRound(ApplyRate(p.pw_norm_couple, p.pw_kostendeler_base + a * p.pw_kostendeler_step), a);
  return per_person * static_cast<std::int64_t>(h.adults.size());
}

absl::StatusOr<IncomeResult> CalculateIncome(const RuleSet& rules, const HouseholdFacts& h,
                                             bool with_lines) {
  const RuleParams& p = rules.params;
  IncomeResult r;
  const std::size_t n = h.adults.size();

  // IACK (art. 8.14a): a child under 12 at home; a single parent, or the partner with the
  // lower arbeidsinkomen.
  std::array<bool, 2> iack{false, false};
  std::array<std::int64_t, 2> wage_year{0, 0};
  for (std::size_t i = 0; i < n; ++i) {
    const AdultFacts& a = h.adults[i];
    wage_year[i] =
        a.working() ? DivRound(a.hourly_wage * a.minutes_per_week * kWeeksPerYear, kMinutesPerHour)
                    : 0;
  }
  if (HasChildBelow(h, p.iack_child_age_below)) {
    if (n == 1) {
      iack[0] = true;
    } else {
      iack[wage_year[0] <= wage_year[1] ? 0 : 1] = true;
    }
  }

  std::array<AdultTax, 2> tax;
  for (std::size_t i = 0; i < n; ++i) {
    tax[i] = TaxFor(p, wage_year[i], h.adults[i].other_monthly_income * 12, iack[i]);
  }

  // Bijstand (Participatiewet art. 19, 31, 32): the norm minus net income, after the
  // vrijlatingen for earnings.
  absl::StatusOr<std::int64_t> norm = BijstandNorm(p, h);
  if (!norm.ok()) return norm.status();
  std::int64_t net_income_month = 0;
  std::int64_t vrijlating = 0;
  const bool single_parent = n == 1 && HasChildBelow(h, p.pw_sp_vrijlating_child_age_below);
  for (std::size_t i = 0; i < n; ++i) {
    const AdultFacts& a = h.adults[i];
    net_income_month += MonthlyFromYearly(tax[i].Net());
    const std::int64_t net_wage_month = MonthlyFromYearly(tax[i].NetWage());
    if (net_wage_month <= 0) continue;
    if (a.age < p.pw_vrijlating_min_age) continue;            // art. 31 lid 5: not under 27
    if (a.vrijlating_months_used < p.pw_vrijlating_months) {  // art. 31 lid 2 n
      vrijlating += std::min(p.pw_vrijlating_max, ApplyRate(net_wage_month, p.pw_vrijlating_rate));
    } else if (single_parent && a.sp_vrijlating_months_used < p.pw_sp_vrijlating_months) {
      // Lid 2 r: a single parent, once the six months of onderdeel n have passed (r, 2°).
      vrijlating +=
          std::min(p.pw_sp_vrijlating_max, ApplyRate(net_wage_month, p.pw_sp_vrijlating_rate));
    }
  }
  const std::int64_t asset_limit =
      (n == 1 && h.children.empty()) ? p.pw_asset_limit_single : p.pw_asset_limit_family;
  std::int64_t bijstand = 0;
  if (h.assets > asset_limit) {
    r.notices.push_back({"BIJSTAND_ASSETS_ABOVE_LIMIT",
                         "Geen bijstand: het vermogen is hoger dan de grens van " +
                             FormatEuro(asset_limit) + " (Participatiewet art. 34)."});
  } else {
    const std::int64_t counted = Positive(net_income_month - vrijlating);
    bijstand = Positive(*norm - counted);
    r.bijstand_vrijlating = bijstand > 0 ? std::min(vrijlating, net_income_month) : 0;
  }
  r.bijstand = bijstand;

  // Toetsingsinkomen: the situation for a full year, bijstand at its gross equivalent,
  // shared equally between partners.
  std::int64_t ti = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t ai = tax[i].wage + tax[i].holiday;
    const std::int64_t share = bijstand * 12 / static_cast<std::int64_t>(n);
    ti += ai + tax[i].other + GrossUpBijstand(p, ai, tax[i].other, iack[i], share);
  }
  r.yearly_toetsingsinkomen = ti;
  std::int64_t rekeninkomen = ti;
  for (const HousemateFacts& m : h.housemates) rekeninkomen += m.yearly_income;

  r.zorgtoeslag = Zorgtoeslag(p, h, ti, r.notices);
  r.kindgebonden_budget = Kgb(p, h, ti, r.notices);
  r.kinderbijslag = Kinderbijslag(p, h);
  r.huurtoeslag = Huurtoeslag(p, h, rekeninkomen, r.notices);
  std::int64_t childcare_cost = 0;
  absl::StatusOr<std::int64_t> kot = Kinderopvangtoeslag(rules, h, ti, &childcare_cost);
  if (!kot.ok()) return kot.status();
  r.kinderopvangtoeslag = *kot;
  std::int64_t commute = 0;
  for (const AdultFacts& a : h.adults) {
    if (a.working()) commute += a.commute_monthly;
  }
  r.costs_of_working = childcare_cost + commute;
  r.childcare_cost = childcare_cost;
  r.commute_cost = commute;
  r.scheme_income = net_income_month + r.bijstand - r.bijstand_vrijlating;
  if (h.local_schemes != nullptr) {
    ApplySchemes(h, r.scheme_income, *norm, asset_limit, r);
  }

  // Monthly lines per adult from the yearly amounts, rounded cumulatively so they add up.
  for (std::size_t i = 0; i < n; ++i) {
    MonthlySplitter split;
    const AdultTax& t = tax[i];
    const std::int64_t wage_m = split.Next(t.wage);
    const std::int64_t holiday_m = split.Next(t.holiday);
    const std::int64_t other_m = split.Next(t.other);
    const std::int64_t tax_m = split.Next(-t.tax);
    const std::int64_t ahk_m = split.Next(t.ahk);
    const std::int64_t ak_m = split.Next(t.ak);
    const std::int64_t iack_m = split.Next(t.iack);
    r.gross_monthly_wage += wage_m;
    r.gross_monthly_income += wage_m + holiday_m + other_m;
    r.tax_and_credits += tax_m + ahk_m + ak_m + iack_m;
    r.net_wage += wage_m + holiday_m + tax_m + ahk_m + ak_m + iack_m;
    r.disposable += wage_m + holiday_m + other_m + tax_m + ahk_m + ak_m + iack_m;
    if (!with_lines) continue;
    const int adult = static_cast<int>(i) + 1;
    const AdultFacts& a = h.adults[i];
    auto add = [&](Component c, std::int64_t amount, std::string text, const ParamMeta& meta) {
      if (amount == 0 && c != Component::kGrossWage) return;
      r.lines.push_back({c, adult, amount, std::move(text), &meta, meta.estimated});
    };
    add(Component::kGrossWage, wage_m,
        a.working() ? absl::StrCat("Brutoloon: ", FormatEuro(a.hourly_wage), " per uur, ",
                                   absl::StrFormat("%.1f", a.minutes_per_week / 60.0),
                                   " uur per week, × 52 weken / 12 maanden.")
                    : "Geen betaald werk.",
        rules.Meta(&RuleParams::wml_hourly_21plus));
    add(Component::kHolidayAllowance, holiday_m,
        absl::StrCat("Vakantiegeld: ", FormatEuro(t.holiday),
                     " per jaar (8 % van het brutoloon), "
                     "hier per maand gerekend."),
        rules.Meta(&RuleParams::vakantiebijslag_rate));
    add(Component::kOtherIncome, other_m, "Overig inkomen, zoals opgegeven.",
        rules.Meta(&RuleParams::ib_bracket1_rate));
    add(Component::kIncomeTax, tax_m,
        absl::StrCat("Loon- en inkomstenheffing (box 1) over ",
                     FormatEuro(t.wage + t.holiday + t.other),
                     " per jaar, vóór heffingskortingen."),
        rules.Meta(&RuleParams::ib_bracket1_rate));
    add(Component::kAlgemeneHeffingskorting, ahk_m,
        absl::StrCat("Algemene heffingskorting: ", FormatEuro(t.ahk),
                     " per jaar minder belasting."),
        rules.Meta(&RuleParams::ahk_max));
    add(Component::kArbeidskorting, ak_m,
        absl::StrCat("Arbeidskorting: ", FormatEuro(t.ak),
                     " per jaar minder belasting omdat je werkt."),
        rules.Meta(&RuleParams::ak_max));
    add(Component::kIack, iack_m,
        absl::StrCat("Inkomensafhankelijke combinatiekorting: ", FormatEuro(t.iack),
                     " per jaar, omdat je werkt en een kind onder de 12 hebt."),
        rules.Meta(&RuleParams::iack_max));
  }

  const std::int64_t household_part = r.zorgtoeslag + r.huurtoeslag + r.kindgebonden_budget +
                                      r.kinderbijslag + r.kinderopvangtoeslag + r.bijstand +
                                      r.municipal - r.costs_of_working;
  r.disposable += household_part;
  if (with_lines) {
    auto add = [&](Component c, std::int64_t amount, std::string text, const ParamMeta& meta) {
      if (amount == 0) return;
      r.lines.push_back({c, 0, amount, std::move(text), &meta, meta.estimated});
    };
    const std::string ti_text = FormatEuro(ti);
    // Each toeslag line says why it is what it is: full, or reduced because the income lies
    // above the threshold of its law.
    const bool partners = h.adults.size() == 2;
    add(Component::kZorgtoeslag, r.zorgtoeslag,
        ti > p.zt_drempelinkomen
            ? absl::StrCat("Je zorgtoeslag is lager dan het maximum omdat het inkomen (", ti_text,
                           " per jaar) boven ", FormatEuro(p.zt_drempelinkomen),
                           " komt: elke euro daarboven kost ", FormatPercent(p.zt_phaseout_rate),
                           " zorgtoeslag (Wet op de zorgtoeslag, art. 2).")
            : absl::StrCat("Je krijgt de volle zorgtoeslag: het inkomen (", ti_text,
                           " per jaar) blijft onder ", FormatEuro(p.zt_drempelinkomen),
                           " (Wet op de zorgtoeslag, art. 2)."),
        rules.Meta(&RuleParams::zt_standaardpremie));
    const HuurtoeslagIncome ht = HuurtoeslagIncomeCorrection(p, Persons(h), rekeninkomen);
    add(Component::kHuurtoeslag, r.huurtoeslag,
        ht.reduction > 0
            ? absl::StrCat("Je huurtoeslag daalt met ", FormatEuro(ht.reduction),
                           " per maand omdat het inkomen (", FormatEuro(rekeninkomen),
                           " per jaar) boven ", FormatEuro(ht.ijkpunt),
                           " komt (Wet op de huurtoeslag, art. 21).")
            : absl::StrCat("Huurtoeslag bij een kale huur van ", FormatEuro(h.bare_rent),
                           "; het inkomen blijft onder ", FormatEuro(ht.ijkpunt),
                           ", dus geen verlaging (Wet op de huurtoeslag, art. 21)."),
        rules.Meta(&RuleParams::ht_basishuur_1));
    const std::int64_t kgb_threshold = partners ? p.kgb_threshold_partners : p.kgb_threshold_single;
    add(Component::kKindgebondenBudget, r.kindgebonden_budget,
        absl::StrCat(
            "Kindgebonden budget voor ", h.children.size(),
            h.children.size() == 1 ? " kind" : " kinderen",
            h.single() ? ", met de toeslag voor alleenstaande ouders" : "",
            ti > kgb_threshold
                ? absl::StrCat("; lager omdat het inkomen boven ", FormatEuro(kgb_threshold),
                               " komt (", FormatPercent(p.kgb_phaseout_rate), " van het meerdere)")
                : "",
            " (Wet op het kindgebonden budget, art. 2)."),
        rules.Meta(&RuleParams::kgb_per_child));
    add(Component::kKinderbijslag, r.kinderbijslag,
        "Kinderbijslag: het bedrag per kwartaal naar leeftijd, hier per maand.",
        rules.Meta(&RuleParams::akw_quarter_0_5));
    add(Component::kKinderopvangtoeslag, r.kinderopvangtoeslag,
        "Kinderopvangtoeslag: een percentage van de opvangkosten tot het maximale uurtarief, "
        "naar inkomen (Wet kinderopvang, art. 1.7).",
        rules.Meta(&RuleParams::kot_rate_top));
    if (r.kinderopvangtoeslag > 0 && rules.kot_table != nullptr && rules.kot_table->estimated) {
      r.lines.back().estimated = true;
    }
    add(Component::kBijstand, r.bijstand,
        absl::StrCat("Bijstand: de norm van ", FormatEuro(*norm), " min het inkomen dat meetelt",
                     r.bijstand_vrijlating > 0
                         ? absl::StrCat(" (", FormatEuro(r.bijstand_vrijlating),
                                        " van je loon mag je houden)")
                         : "",
                     "."),
        rules.Meta(&RuleParams::pw_norm_single));
    if (h.local_schemes != nullptr) SchemeLines(h, r);
    add(Component::kChildcareCost, -childcare_cost, "Kosten van de kinderopvang (de volle prijs).",
        rules.Meta(&RuleParams::kot_max_hours));
    add(Component::kCommuteCost, -commute, "Reiskosten naar het werk.",
        rules.Meta(&RuleParams::wml_hourly_21plus));
    for (const Line& l : r.lines) r.estimated = r.estimated || l.estimated;
  } else {
    r.estimated = std::any_of(rules.meta.begin(), rules.meta.end(),
                              [](const ParamMeta& m) { return m.estimated; });
  }
  // A municipal amount marked sample makes the answer estimated, on both paths.
  r.estimated =
      r.estimated || std::any_of(r.schemes.begin(), r.schemes.end(), [](const SchemeOutcome& o) {
        return o.monthly != 0 && o.scheme->sample;
      });
  if (with_lines) AddSchemeNotices(h, r);
  return r;
}

}  // namespace kompas::budget
