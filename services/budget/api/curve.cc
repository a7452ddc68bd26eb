// GetIncomeCurve: disposable income over a sweep of one adult's hours or hourly wage, the
// marginal pressure per programme between neighbouring points, the cliffs, and the next cliff
// above the household's current situation.
#include <algorithm>
#include <array>

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
  std::int64_t RuleParams::*basis;
  const char* name;  // in a mentor's words
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
    {v1::INCOME_COMPONENT_COMMUTE_COST, &IncomeResult::commute_cost, true,
     &RuleParams::wml_hourly_21plus, "reiskosten"},
}};

std::int64_t Effect(const Programme& p, const IncomeResult& r) {
  return p.cost ? -(r.*(p.amount)) : r.*(p.amount);
}

void SetPosition(const AdultFacts& swept, const IncomeResult& r, v1::CurvePosition& out) {
  out.set_minutes_per_week(swept.minutes_per_week);
  out.mutable_gross_hourly_wage()->set_cents(swept.hourly_wage);
  out.mutable_gross_monthly_income()->set_cents(r.gross_monthly_income);
  out.mutable_disposable_income()->set_cents(r.disposable);
}

std::string Hours(std::int32_t minutes) {
  return minutes % 60 == 0 ? absl::StrCat(minutes / 60)
                           : absl::StrCat(minutes / 60, ",", (minutes % 60) * 10 / 60);
}

}  // namespace

absl::Status BudgetLogic::GetIncomeCurve(const v1::GetIncomeCurveRequest& req,
                                         v1::GetIncomeCurveResponse& resp) const {
  absl::StatusOr<Context> ctx = Prepare(req.household(), req.has_household(), req.rule_date(),
                                        req.has_rule_date(), req.parameter_overrides());
  if (!ctx.ok()) return ctx.status();
  const int adults = static_cast<int>(ctx->household.adults.size());
  if (req.adult_number() < 1 || req.adult_number() > adults) {
    return InvalidField("adult_number", absl::StrCat("must be 1..", adults));
  }
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
    const Programme* worst = nullptr;
    std::int64_t worst_change = 0;
    for (const Programme& p : kProgrammes) {
      const std::int64_t change = Effect(p, b) - Effect(p, a);
      if (change < worst_change) {
        worst_change = change;
        worst = &p;
      }
      if (d_gross <= 0 || change == 0) continue;
      const std::int64_t ppm = -change * 1'000'000 / d_gross;
      total_ppm += ppm;
      v1::ProgrammePressure* part = seg->add_programmes();
      part->set_component(p.component);
      part->mutable_pressure()->set_ppm(
          static_cast<std::int32_t>(std::clamp<std::int64_t>(ppm, -1'000'000'000, 1'000'000'000)));
    }
    seg->mutable_marginal_pressure()->set_ppm(static_cast<std::int32_t>(
        std::clamp<std::int64_t>(total_ppm, -1'000'000'000, 1'000'000'000)));
    seg->set_armoedeval(d_gross > 0 && total_ppm >= kArmoedevalPpm);

    const std::int64_t drop = a.disposable - b.disposable;
    if (d_gross > 0 && drop > kCliffThresholdCents && worst != nullptr) {
      v1::Cliff* cliff = resp.add_cliffs();
      *cliff->mutable_before() = position_of(i);
      *cliff->mutable_after() = position_of(i + 1);
      cliff->mutable_drop()->set_cents(drop);
      cliff->set_cause(worst->component);
      const ParamMeta& meta = rules.Meta(worst->basis);
      const std::size_t comma = meta.legal_basis.find(", ");
      cliff->mutable_legal_basis()->set_law(meta.legal_basis.substr(0, comma));
      if (comma != std::string::npos) {
        cliff->mutable_legal_basis()->set_article(meta.legal_basis.substr(comma + 2));
      }
      const v1::CurvePosition& from_pos = cliff->before();
      const v1::CurvePosition& to_pos = cliff->after();
      cliff->set_explanation(absl::StrCat(
          req.has_hours()
              ? absl::StrCat("Van ", Hours(from_pos.minutes_per_week()), " naar ",
                             Hours(to_pos.minutes_per_week()), " uur per week")
              : absl::StrCat("Van ", FormatEuro(from_pos.gross_hourly_wage().cents()), " naar ",
                             FormatEuro(to_pos.gross_hourly_wage().cents()), " per uur"),
          " daalt wat je te besteden hebt met ", FormatEuro(drop),
          " per maand: ", worst->cost ? "er komen " : "je verliest ", FormatEuro(-worst_change),
          " ", worst->cost ? "" : "aan ", worst->name, worst->cost ? " bij" : "", " (",
          meta.legal_basis, ")."));
      const std::int64_t before_x =
          req.has_hours() ? from_pos.minutes_per_week() : from_pos.gross_hourly_wage().cents();
      if (!resp.has_next_cliff() && before_x >= current_x) *resp.mutable_next_cliff() = *cliff;
    }
  }
  FillBasis(*ctx, required.standard(), *resp.mutable_basis());
  return absl::OkStatus();
}

}  // namespace kompas::budget
