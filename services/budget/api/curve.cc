// GetIncomeCurve: disposable income over a sweep of one adult's hours or hourly wage, the
// marginal pressure per programme between neighbouring points, the cliffs, and the next cliff
// above the household's current situation.
#include <algorithm>
#include <array>
#include <limits>
#include <optional>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "services/budget/api/budget_logic.h"
#include "services/common/validation.h"

namespace kompas::budget {
namespace {

namespace tv1 = ::kompas::type::v1;

constexpr int kMaxPoints = 2000;
// Reporting thresholds of this service (issue 6), not Dutch rules: a fall of disposable income
// of more than € 5 a month is a cliff (toeslagen are rounded to whole euros, so smaller dips
// are rounding); a marginal pressure of 80 % or more is the armoedeval.
constexpr std::int64_t kCliffThresholdCents = 500;
constexpr std::int64_t kArmoedevalPpm = 800'000;
constexpr std::int64_t kMaxSweepWage = 500'00;

// The programmes whose amounts make up disposable income besides gross income, with the
// parameter whose legal basis a cliff caused by them cites.
struct Programme {
  v1::IncomeComponent component;
  std::int64_t IncomeResult::*amount;
  bool cost;  // stored as a positive cost; its effect on disposable income is negative
  std::int64_t RuleParams::*basis;  // null: no rule behind it (the household's own cost)
  const char* name;                 // in a mentor's words
};

constexpr std::array<Programme, 9> kProgrammes = {{
    {v1::INCOME_COMPONENT_INCOME_TAX, &IncomeResult::tax_and_credits, false,
     &RuleParams::ib_bracket1_rate, "belasting en heffingskortingen"},
    {v1::INCOME_COMPONENT_ZORGTOESLAG, &IncomeResult::zorgtoeslag, false,
     &RuleParams::zt_standaardpremie, "zorgtoeslag"},
    {v1::INCOME_COMPONENT_HUURTOESLAG, &IncomeResult::huurtoeslag, false,
     &RuleParams::ht_basishuur_1, "huurtoeslag"},
    {v1::INCOME_COMPONENT_KINDGEBONDEN_BUDGET, &IncomeResult::kindgebonden_budget, false,
     &RuleParams::kgb_per_child, "kindgebonden budget"},
    {v1::INCOME_COMPONENT_KINDERBIJSLAG, &IncomeResult::kinderbijslag, false,
     &RuleParams::akw_quarter_0_5, "kinderbijslag"},
    {v1::INCOME_COMPONENT_KINDEROPVANGTOESLAG, &IncomeResult::kinderopvangtoeslag, false,
     &RuleParams::kot_rate_top, "kinderopvangtoeslag"},
    {v1::INCOME_COMPONENT_BIJSTAND, &IncomeResult::bijstand, false, &RuleParams::pw_norm_single,
     "bijstand"},
    {v1::INCOME_COMPONENT_CHILDCARE_COST, &IncomeResult::childcare_cost, true,
     &RuleParams::kot_max_hours, "kosten van kinderopvang"},
    {v1::INCOME_COMPONENT_COMMUTE_COST, &IncomeResult::commute_cost, true, nullptr, "reiskosten"},
}};

std::int64_t Effect(const Programme& p, const IncomeResult& r) {
  return p.cost ? -(r.*(p.amount)) : r.*(p.amount);
}

// One programme's change in disposable income between two results: a national programme or a
// municipal scheme (both results are for the same household, so their schemes line up).
struct Change {
  const Programme* programme = nullptr;  // null for a scheme
  const Scheme* scheme = nullptr;
  std::int64_t amount = 0;  // effect on disposable income, b − a

  v1::IncomeComponent component() const {
    return scheme != nullptr ? v1::INCOME_COMPONENT_MUNICIPAL_SCHEME : programme->component;
  }
  std::string name() const { return scheme != nullptr ? scheme->title : programme->name; }
  bool cost() const { return programme != nullptr && programme->cost; }
};

// Every programme whose effect differs between `a` and `b`.
absl::InlinedVector<Change, 16> Changes(const IncomeResult& a, const IncomeResult& b) {
  absl::InlinedVector<Change, 16> out;
  for (const Programme& p : kProgrammes) {
    const std::int64_t change = Effect(p, b) - Effect(p, a);
    if (change != 0) out.push_back({&p, nullptr, change});
  }
  for (std::size_t i = 0; i < a.schemes.size() && i < b.schemes.size(); ++i) {
    const std::int64_t change = b.schemes[i].monthly - a.schemes[i].monthly;
    if (change != 0) out.push_back({nullptr, a.schemes[i].scheme, change});
  }
  return out;
}

void SetPosition(const AdultFacts& swept, const IncomeResult& r, v1::CurvePosition& out) {
  out.set_minutes_per_week(swept.minutes_per_week);
  out.mutable_gross_hourly_wage()->set_cents(swept.hourly_wage);
  out.mutable_gross_monthly_income()->set_cents(r.gross_monthly_income);
  out.mutable_disposable_income()->set_cents(r.disposable);
}

absl::Status CheckAdultNumber(std::int32_t adult_number, const HouseholdFacts& h) {
  const int adults = static_cast<int>(h.adults.size());
  if (adult_number >= 1 && adult_number <= adults) return absl::OkStatus();
  return InvalidField("adult_number", absl::StrCat("must be 1..", adults));
}

// Fills a cliff between results `a` and `b`: the cause is the programme that lost the most;
// the explanation names the (at most two) largest losses.
void FillCliff(const RuleSet& rules, const v1::CurvePosition& before,
               const v1::CurvePosition& after, const IncomeResult& a, const IncomeResult& b,
               bool hours_sweep, v1::Cliff& cliff) {
  absl::InlinedVector<Change, 16> losses = Changes(a, b);
  losses.erase(
      std::remove_if(losses.begin(), losses.end(), [](const Change& c) { return c.amount >= 0; }),
      losses.end());
  std::sort(losses.begin(), losses.end(),
            [](const Change& x, const Change& y) { return x.amount < y.amount; });
  *cliff.mutable_before() = before;
  *cliff.mutable_after() = after;
  cliff.mutable_drop()->set_cents(a.disposable - b.disposable);
  if (losses.empty()) return;
  const Change& cause = losses.front();
  cliff.set_cause(cause.component());
  std::string basis_text;
  if (cause.scheme != nullptr) {
    cliff.set_scheme_id(cause.scheme->qualified);
    basis_text = cause.scheme->legal_basis;
    cliff.mutable_legal_basis()->set_law(basis_text);
    cliff.mutable_legal_basis()->set_url(cause.scheme->source->url);
  } else if (cause.programme->basis == nullptr) {
    // The household's own costs (commute) rest on no rule: the sentence says so instead.
    basis_text = "eigen kosten van werken";
  } else {
    basis_text = rules.Meta(cause.programme->basis).legal_basis;
    const std::size_t comma = basis_text.find(", ");
    cliff.mutable_legal_basis()->set_law(basis_text.substr(0, comma));
    if (comma != std::string::npos) {
      cliff.mutable_legal_basis()->set_article(basis_text.substr(comma + 2));
    }
  }
  std::string what;
  for (std::size_t i = 0; i < losses.size() && i < 2; ++i) {
    absl::StrAppend(&what, i > 0 ? " en " : "", FormatEuro(-losses[i].amount), " ",
                    losses[i].name(), losses[i].cost() ? " erbij" : " minder");
  }
  cliff.set_explanation(absl::StrCat(
      hours_sweep ? absl::StrCat("Van ", FormatHours(before.minutes_per_week()), " naar ",
                                 FormatHours(after.minutes_per_week()), " uur per week")
                  : absl::StrCat("Van ", FormatEuro(before.gross_hourly_wage().cents()), " naar ",
                                 FormatEuro(after.gross_hourly_wage().cents()), " per uur"),
      " daalt wat je te besteden hebt met ", FormatEuro(a.disposable - b.disposable),
      " per maand: ", what, " (", basis_text, ")."));
}

}  // namespace

absl::Status BudgetLogic::GetIncomeCurve(const v1::GetIncomeCurveRequest& req,
                                         v1::GetIncomeCurveResponse& resp,
                                         absl::string_view tenant) const {
  absl::StatusOr<Context> ctx = Prepare(req.household(), req.has_household(), req.rule_date(),
                                        req.has_rule_date(), req.parameter_overrides(), tenant);
  if (!ctx.ok()) return ctx.status();
  if (absl::Status s = CheckAdultNumber(req.adult_number(), ctx->household); !s.ok()) return s;
  const auto swept_index = static_cast<std::size_t>(req.adult_number() - 1);

  // The sweep: n points from `from` by `step`.
  std::int64_t from = 0;
  std::int64_t to = 0;
  std::int64_t step = 0;
  if (req.has_hours()) {
    const v1::HoursSweep& s = req.hours();
    Validator v;
    v.Check(CheckRange("hours.gross_hourly_wage.cents", s.gross_hourly_wage().cents(), 1,
                       kMaxSweepWage))
        .Check(CheckRange("hours.from_minutes_per_week", s.from_minutes_per_week(), 0, 4800))
        .Check(CheckRange("hours.to_minutes_per_week", s.to_minutes_per_week(), 0, 4800))
        .Check(CheckRange("hours.step_minutes", s.step_minutes(), 1, 4800));
    if (!v.ok()) return v.status();
    from = s.from_minutes_per_week();
    to = s.to_minutes_per_week();
    step = s.step_minutes();
    if (to < from) return InvalidField("hours.to_minutes_per_week", "must not be below from");
  } else if (req.has_wage()) {
    const v1::WageSweep& s = req.wage();
    Validator v;
    v.Check(CheckRange("wage.minutes_per_week", s.minutes_per_week(), 60, 4800))
        .Check(CheckRange("wage.from_hourly_wage.cents", s.from_hourly_wage().cents(), 0,
                          kMaxSweepWage))
        .Check(
            CheckRange("wage.to_hourly_wage.cents", s.to_hourly_wage().cents(), 0, kMaxSweepWage))
        .Check(CheckRange("wage.step.cents", s.step().cents(), 1, kMaxSweepWage));
    if (!v.ok()) return v.status();
    from = s.from_hourly_wage().cents();
    to = s.to_hourly_wage().cents();
    step = s.step().cents();
    if (to < from) return InvalidField("wage.to_hourly_wage", "must not be below from");
  } else {
    return InvalidField("sweep", "set hours or wage");
  }
  const std::int64_t points = (to - from) / step + 1;
  if (points > kMaxPoints) {
    return InvalidField(req.has_hours() ? "hours.step_minutes" : "wage.step",
                        absl::StrCat("the sweep has ", points, " points; at most ", kMaxPoints));
  }

  v1::RequiredBudget required;
  if (absl::Status s = FillRequiredBudget(*ctx, required); !s.ok()) return s;
  const std::int64_t required_cents = required.total().cents();
  resp.mutable_required_budget()->set_cents(required_cents);

  const RuleSet& rules = *ctx->selection.rules;
  const AdultFacts current = ctx->household.adults[swept_index];
  HouseholdFacts h = ctx->household;
  std::vector<IncomeResult> results;
  results.reserve(static_cast<std::size_t>(points));
  for (std::int64_t i = 0; i < points; ++i) {
    AdultFacts& a = h.adults[swept_index];
    const std::int64_t x = from + i * step;
    if (req.has_hours()) {
      a.minutes_per_week = static_cast<std::int32_t>(x);
      a.hourly_wage = req.hours().gross_hourly_wage().cents();
    } else {
      a.minutes_per_week = req.wage().minutes_per_week();
      a.hourly_wage = x;
    }
    absl::StatusOr<IncomeResult> r =
        kompas::budget::CalculateIncome(rules, h, /*with_lines=*/false);
    if (!r.ok()) return r.status();
    v1::CurvePoint* point = resp.add_points();
    SetPosition(a, *r, *point->mutable_position());
    point->mutable_margin()->set_cents(r->disposable - required_cents);
    point->set_lonend(r->disposable >= required_cents);
    if (req.include_components()) {
      for (const Programme& p : kProgrammes) {
        const std::int64_t effect = Effect(p, *r);
        if (effect == 0) continue;
        v1::ComponentAmount* c = point->add_components();
        c->set_component(p.component);
        c->mutable_monthly_amount()->set_cents(effect);
      }
      for (const SchemeOutcome& o : r->schemes) {
        if (o.monthly == 0) continue;
        v1::ComponentAmount* c = point->add_components();
        c->set_component(v1::INCOME_COMPONENT_MUNICIPAL_SCHEME);
        c->set_scheme_id(o.scheme->qualified);
        c->mutable_monthly_amount()->set_cents(o.monthly);
      }
    }
    results.push_back(*std::move(r));
  }

  // Segments and cliffs.
  const auto position_of = [&](std::size_t i) {
    return resp.points(static_cast<int>(i)).position();
  };
  const std::int64_t current_x = req.has_hours() ? current.minutes_per_week : current.hourly_wage;
  for (std::size_t i = 0; i + 1 < results.size(); ++i) {
    const IncomeResult& a = results[i];
    const IncomeResult& b = results[i + 1];
    const std::int64_t d_gross = b.gross_monthly_income - a.gross_monthly_income;
    v1::CurveSegment* seg = resp.add_segments();
    seg->set_from_point(static_cast<std::int32_t>(i));
    std::int64_t total_ppm = 0;
    bool any_loss = false;
    for (const Change& c : Changes(a, b)) {
      any_loss = any_loss || c.amount < 0;
      if (d_gross <= 0) continue;
      const std::int64_t ppm = -c.amount * 1'000'000 / d_gross;
      total_ppm += ppm;
      v1::ProgrammePressure* part = seg->add_programmes();
      part->set_component(c.component());
      if (c.scheme != nullptr) part->set_scheme_id(c.scheme->qualified);
      part->mutable_pressure()->set_ppm(
          static_cast<std::int32_t>(std::clamp<std::int64_t>(ppm, -1'000'000'000, 1'000'000'000)));
    }
    seg->mutable_marginal_pressure()->set_ppm(static_cast<std::int32_t>(
        std::clamp<std::int64_t>(total_ppm, -1'000'000'000, 1'000'000'000)));
    seg->set_armoedeval(d_gross > 0 && total_ppm >= kArmoedevalPpm);

    const std::int64_t drop = a.disposable - b.disposable;
    if (d_gross > 0 && drop > kCliffThresholdCents && any_loss) {
      v1::Cliff* cliff = resp.add_cliffs();
      FillCliff(rules, position_of(i), position_of(i + 1), a, b, req.has_hours(), *cliff);
      const std::int64_t before_x = req.has_hours() ? cliff->before().minutes_per_week()
                                                    : cliff->before().gross_hourly_wage().cents();
      if (!resp.has_next_cliff() && before_x >= current_x) *resp.mutable_next_cliff() = *cliff;
    }
  }
  FillBasis(*ctx, required.standard(), *resp.mutable_basis());
  return absl::OkStatus();
}

}  // namespace kompas::budget

namespace kompas::budget {
namespace {

// The wage search scans at this step, then bisects to the cent. A dip narrower than the step
// between two lonend grid points could be missed; cliffs come from thresholds in yearly
// income, and 50 cents an hour is at least € 4 a month at 2 hours a week.
constexpr std::int64_t kWageScanStep = 50;

struct WageSearch {
  bool found = false;
  std::int64_t wage = 0;         // the required wage when found
  std::int64_t best_margin = 0;  // best margin on the grid
  bool ever_lonend = false;      // some grid wage was lonend, yet not lastingly
};

}  // namespace

absl::Status BudgetLogic::FindRequiredWage(const v1::FindRequiredWageRequest& req,
                                           v1::FindRequiredWageResponse& resp,
                                           absl::string_view tenant) const {
  absl::StatusOr<Context> ctx = Prepare(req.household(), req.has_household(), req.rule_date(),
                                        req.has_rule_date(), req.parameter_overrides(), tenant);
  if (!ctx.ok()) return ctx.status();
  if (absl::Status s = CheckAdultNumber(req.adult_number(), ctx->household); !s.ok()) return s;
  if (absl::Status s = CheckRange("minutes_per_week", req.minutes_per_week(), 60, 4800); !s.ok()) {
    return s;
  }
  const RuleSet& rules = *ctx->selection.rules;
  const auto idx = static_cast<std::size_t>(req.adult_number() - 1);
  // Never below the statutory adult minimum wage for an adult of 21 or more (WML art. 8); the
  // youth percentages are not in the rule-set, so a younger adult is searched from 1 cent.
  const std::int64_t lo = ctx->household.adults[idx].age >= 21 ? rules.params.wml_hourly_21plus : 1;
  std::int64_t hi = std::min(3 * rules.params.wml_hourly_21plus, kMaxSweepWage);
  if (req.has_max_hourly_wage()) {
    if (absl::Status s =
            CheckRange("max_hourly_wage.cents", req.max_hourly_wage().cents(), lo, kMaxSweepWage);
        !s.ok()) {
      return s;
    }
    hi = req.max_hourly_wage().cents();
  }
  v1::RequiredBudget required;
  if (absl::Status s = FillRequiredBudget(*ctx, required); !s.ok()) return s;
  const std::int64_t need = required.total().cents();

  HouseholdFacts h = ctx->household;
  auto margin_at = [&](std::int32_t minutes, std::int64_t wage) -> absl::StatusOr<IncomeResult> {
    h.adults[idx].minutes_per_week = minutes;
    h.adults[idx].hourly_wage = wage;
    return kompas::budget::CalculateIncome(rules, h, /*with_lines=*/false);
  };
  // Scans lo..hi for the last wage that is not lonend; the required wage lies just above it.
  auto search = [&](std::int32_t minutes) -> absl::StatusOr<WageSearch> {
    WageSearch out;
    out.best_margin = std::numeric_limits<std::int64_t>::min();
    std::int64_t last_fail = -1;  // grid wage
    for (std::int64_t w = lo;; w = std::min(w + kWageScanStep, hi)) {
      absl::StatusOr<IncomeResult> r = margin_at(minutes, w);
      if (!r.ok()) return r.status();
      const std::int64_t m = r->disposable - need;
      out.best_margin = std::max(out.best_margin, m);
      if (m < 0) {
        last_fail = w;
      } else {
        out.ever_lonend = true;
      }
      if (w == hi) break;
    }
    if (last_fail == hi) return out;  // not lonend at the bound
    if (last_fail < 0) {
      out.found = true;
      out.wage = lo;
      return out;
    }
    // margin(last_fail) < 0 ≤ margin(last_fail + step): the smallest lonend cent in between.
    std::int64_t a = last_fail;
    std::int64_t b = std::min(last_fail + kWageScanStep, hi);
    while (b - a > 1) {
      const std::int64_t mid = a + (b - a) / 2;
      absl::StatusOr<IncomeResult> r = margin_at(minutes, mid);
      if (!r.ok()) return r.status();
      (r->disposable >= need ? b : a) = mid;
    }
    out.found = true;
    out.wage = b;
    return out;
  };

  absl::StatusOr<WageSearch> result = search(req.minutes_per_week());
  if (!result.ok()) return result.status();
  const std::string hours_text = FormatHours(req.minutes_per_week());
  if (result->found) {
    resp.set_found(true);
    resp.mutable_required_hourly_wage()->set_cents(result->wage);
    h.adults[idx].minutes_per_week = req.minutes_per_week();
    h.adults[idx].hourly_wage = result->wage;
    absl::StatusOr<IncomeResult> at = kompas::budget::CalculateIncome(rules, h, true);
    if (!at.ok()) return at.status();
    ToProto(*at, rules, need, *resp.mutable_at_required_wage());
    resp.set_explanation(
        result->wage == lo && lo > 1
            ? absl::StrCat("Bij ", hours_text, " uur per week is werken al lonend vanaf het ",
                           "minimumloon (", FormatEuro(lo), " bruto per uur).")
            : absl::StrCat("Bij ", hours_text, " uur per week is werken lonend vanaf ",
                           FormatEuro(result->wage), " bruto per uur."));
  } else {
    resp.set_found(false);
    resp.mutable_best_margin()->set_cents(result->best_margin);
    resp.set_reason(result->ever_lonend ? v1::NO_WAGE_REASON_CLIFF : v1::NO_WAGE_REASON_SHORTFALL);
    if (result->ever_lonend) {
      // Find the grid step where the household falls back below its budget for the last time.
      std::optional<IncomeResult> prev;
      std::int64_t prev_w = 0;
      for (std::int64_t w = lo;; w = std::min(w + kWageScanStep, hi)) {
        absl::StatusOr<IncomeResult> r = margin_at(req.minutes_per_week(), w);
        if (!r.ok()) return r.status();
        if (prev.has_value() && prev->disposable >= need && r->disposable < need) {
          v1::CurvePosition before;
          v1::CurvePosition after;
          AdultFacts a = h.adults[idx];
          a.hourly_wage = prev_w;
          SetPosition(a, *prev, before);
          a.hourly_wage = w;
          SetPosition(a, *r, after);
          FillCliff(rules, before, after, *prev, *r, /*hours_sweep=*/false,
                    *resp.mutable_blocking_cliff());
        }
        prev = *std::move(r);
        prev_w = w;
        if (w == hi) break;
      }
    }
    // Alternatives: the required wage at more hours, smallest change first.
    for (std::int32_t minutes = req.minutes_per_week() + 4 * 60;
         minutes <= 40 * 60 && resp.alternatives_size() < 5; minutes += 4 * 60) {
      absl::StatusOr<WageSearch> alt = search(minutes);
      if (!alt.ok()) return alt.status();
      if (!alt->found) continue;
      v1::WageHoursOption* o = resp.add_alternatives();
      o->set_minutes_per_week(minutes);
      o->mutable_required_hourly_wage()->set_cents(alt->wage);
      o->set_explanation(absl::StrCat("Bij ", FormatHours(minutes),
                                      " uur per week is werken lonend vanaf ",
                                      FormatEuro(alt->wage), " bruto per uur."));
    }
    resp.set_explanation(absl::StrCat(
        "Bij ", hours_text, " uur per week is werken tot ", FormatEuro(hi),
        " bruto per uur niet blijvend lonend", result->ever_lonend ? " (er zit een klif in)" : "",
        "; het beste verschil is ", FormatEuro(result->best_margin), " per maand."));
  }
  FillBasis(*ctx, required.standard(), *resp.mutable_basis());
  return absl::OkStatus();
}

absl::StatusOr<bool> FindNextWageCliff(const RuleSet& rules, HouseholdFacts h, std::size_t adult,
                                       v1::Cliff& out, WageScanMemo* memo) {
  AdultFacts& a = h.adults[adult];
  const std::int64_t from = a.hourly_wage;
  const std::int64_t to = std::min(2 * from, kMaxSweepWage);
  // Every scan of one household and hours shares its grid points (multiples of the step), so
  // the scans of a batch's scenarios compute each point once.
  WageScanMemo::Curve* curve = nullptr;
  if (memo != nullptr) {
    std::string key = absl::StrCat(adult);
    for (const AdultFacts& other : h.adults) {
      absl::StrAppend(&key, "|", other.minutes_per_week, ":", other.commute_monthly, ":",
                      &other == &a ? 0 : other.hourly_wage);
    }
    curve = &memo->curves[key];
  }
  std::optional<IncomeResult> unkept;  // the last point when there is no memo
  auto at = [&](std::int64_t wage) -> absl::StatusOr<const IncomeResult*> {
    if (curve != nullptr) {
      if (auto it = curve->find(wage); it != curve->end()) return &it->second;
    }
    a.hourly_wage = wage;
    absl::StatusOr<IncomeResult> r = kompas::budget::CalculateIncome(rules, h, false);
    if (!r.ok()) return r.status();
    if (curve == nullptr) {
      unkept = *std::move(r);
      return &*unkept;
    }
    return &curve->emplace(wage, *std::move(r)).first->second;
  };
  // The scenario's own wage is rarely on the grid: computed apart, not kept.
  a.hourly_wage = from;
  absl::StatusOr<IncomeResult> own = kompas::budget::CalculateIncome(rules, h, false);
  if (!own.ok()) return own.status();
  IncomeResult prev = *std::move(own);
  std::int64_t prev_wage = from;
  for (std::int64_t w = (from / kWageScanStep + 1) * kWageScanStep; w <= to; w += kWageScanStep) {
    absl::StatusOr<const IncomeResult*> next = at(w);
    if (!next.ok()) return next.status();
    const IncomeResult& n = **next;
    if (prev.disposable - n.disposable > kCliffThresholdCents &&
        n.gross_monthly_income > prev.gross_monthly_income) {
      v1::CurvePosition before;
      v1::CurvePosition after;
      AdultFacts pos = a;
      pos.hourly_wage = prev_wage;
      SetPosition(pos, prev, before);
      pos.hourly_wage = w;
      SetPosition(pos, n, after);
      FillCliff(rules, before, after, prev, n, /*hours_sweep=*/false, out);
      return true;
    }
    prev = n;
    prev_wage = w;
  }
  return false;
}

}  // namespace kompas::budget
