#include "services/matching/matching_logic.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/budget/income/engine.h"
#include "services/catalog/labels.h"
#include "services/common/validation.h"

namespace kompas::matching {
namespace {

using ::kompas::budget::FormatEuro;
using ::kompas::budget::FormatHours;
using ::kompas::catalog::DemandText;

absl::Status Invalid(std::string* field_path, const std::string& field, absl::string_view rule) {
  if (field_path != nullptr) *field_path = field;
  return InvalidField(absl::StrCat("profile.", field), rule);
}

std::int32_t DemandScore(cv1::DemandLevel level) {
  switch (level) {
    case cv1::DEMAND_LEVEL_RUIM:
      return 250;
    case cv1::DEMAND_LEVEL_GEMIDDELD:
      return 500;
    case cv1::DEMAND_LEVEL_KRAP:
      return 750;
    case cv1::DEMAND_LEVEL_ZEER_KRAP:
      return 1000;
    default:
      return 0;
  }
}

const cv1::RegionalDemand* DemandOf(const cv1::Occupation& o) {
  return o.demand_size() > 0 ? &o.demand(0) : nullptr;
}

// margin / required, mapped from [−25 %, +20 %] to [0, 1000].
std::int32_t MarginScore(std::int64_t margin, std::int64_t required) {
  if (required <= 0) return margin >= 0 ? 1000 : 0;
  const double ratio = static_cast<double>(margin) / static_cast<double>(required);
  const double score = (ratio + 0.25) / 0.45 * 1000.0;
  return static_cast<std::int32_t>(std::clamp(score, 0.0, 1000.0) + 0.5);
}

std::int32_t ReachabilityScore(const RoutePlan& plan) {
  if (!plan.reachable) return 0;
  if (plan.training_months == 0) return 1000;
  return std::max(100, 1000 - plan.training_months * 1000 / kProjectionMonths);
}

std::int32_t CliffScore(const bv1::ScenarioResult& money, std::int64_t wage) {
  if (!money.has_next_cliff() || wage <= 0) return 1000;
  const bv1::Cliff& c = money.next_cliff();
  const double distance =
      std::clamp(static_cast<double>(c.before().gross_hourly_wage().cents() - wage) /
                     static_cast<double>(wage),
                 0.0, 1.0);
  const double depth = std::clamp(static_cast<double>(c.drop().cents()) / 10'000.0, 0.0, 1.0);
  return static_cast<std::int32_t>(1000.0 * (1.0 - depth * (1.0 - distance)) + 0.5);
}

std::string WageNote(const cv1::Occupation& o, absl::string_view which) {
  const cv1::Wages& w = o.wages();
  return absl::StrCat("CBS 85517NED, ", which, " ", w.source_year(),
                      w.published_for_brc_code() != o.brc_code()
                          ? absl::StrCat(" (van de bredere groep ", w.published_for_brc_code(), ")")
                          : "",
                      ", geïndexeerd naar ", w.indexed_to_year(),
                      w.index_estimated() ? " (index deels geschat)" : "");
}

}  // namespace

v1::ScoreWeights DefaultWeights() {
  v1::ScoreWeights w;
  w.set_margin(50);
  w.set_demand(20);
  w.set_reachability(20);
  w.set_cliff_risk(10);
  return w;
}

absl::Status ValidateProfile(const v1::MatchProfile& p, std::string* field_path) {
  if (p.profile_id().size() > 100)
    return Invalid(field_path, "profile_id", "must be at most 100 characters");
  if (!p.has_household()) return Invalid(field_path, "household", "is required");
  const std::string& code = p.household().gemeente_code();
  const bool code_ok =
      code.size() == 6 && absl::StartsWith(code, "GM") &&
      std::all_of(code.begin() + 2, code.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!code_ok) {
    return Invalid(field_path, "household.gemeente_code",
                   "must be a CBS gemeente code such as GM0935");
  }
  const int adults = p.household().adults_size();
  if (adults < 1 || p.job_seeker() < 1 || p.job_seeker() > adults) {
    return Invalid(
        field_path, "job_seeker",
        absl::StrCat("must be 1..", std::max(adults, 1), " (an adult of the household)"));
  }
  if (p.education_level() < cv1::EDUCATION_LEVEL_ENTRY ||
      p.education_level() > cv1::EducationLevel_MAX) {
    return Invalid(field_path, "education_level", "is required: ENTRY or NLQF_1 .. NLQF_8");
  }
  if (p.available_minutes_per_week() < 60 || p.available_minutes_per_week() > 4800) {
    return Invalid(field_path, "available_minutes_per_week",
                   "must be between 60 and 4800 (1 to 80 hours a week)");
  }
  if (p.max_training_months() < 0 || p.max_training_months() > kProjectionMonths) {
    return Invalid(field_path, "max_training_months", "must be between 0 and 60");
  }
  if (p.max_candidates() < 0 || p.max_candidates() > kMaxCandidates) {
    return Invalid(field_path, "max_candidates", "must be between 0 and 100");
  }
  if (p.parameter_overrides_size() > 50)
    return Invalid(field_path, "parameter_overrides", "at most 50");
  if (!p.current_occupation().empty()) {
    const std::string& o = p.current_occupation();
    const bool ok =
        o.size() == 16 && absl::StartsWith(o, "occupations/") &&
        std::all_of(o.begin() + 12, o.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!ok)
      return Invalid(field_path, "current_occupation",
                     "must be an occupation name such as occupations/5131");
  }
  if (p.has_weights()) {
    const v1::ScoreWeights& w = p.weights();
    for (const auto& [name, value] : {std::pair<const char*, std::int32_t>{"margin", w.margin()},
                                      {"demand", w.demand()},
                                      {"reachability", w.reachability()},
                                      {"cliff_risk", w.cliff_risk()}}) {
      if (value < 0 || value > 100)
        return Invalid(field_path, absl::StrCat("weights.", name), "must be between 0 and 100");
    }
    if (w.margin() + w.demand() + w.reachability() + w.cliff_risk() == 0) {
      return Invalid(field_path, "weights", "must not all be 0");
    }
  }
  return absl::OkStatus();
}

std::vector<const cv1::Occupation*> SelectCandidates(const cv1::SearchOccupationsResponse& found) {
  std::vector<const cv1::Occupation*> out;
  for (const cv1::Occupation& o : found.occupations()) {
    const cv1::RegionalDemand* d = DemandOf(o);
    if (d != nullptr && d->level() >= cv1::DEMAND_LEVEL_GEMIDDELD) out.push_back(&o);
  }
  return out;
}

v1::WageUsed EntryWage(const cv1::Occupation& o) {
  v1::WageUsed w;
  const std::int64_t minimum = o.wages().statutory_minimum().cents();
  // The newest cao entry wage, if any, and never below the adult minimum wage.
  const cv1::CaoWage* cao = nullptr;
  for (const cv1::CaoWage& c : o.cao_wages()) {
    if (cao == nullptr || c.valid_from().year() > cao->valid_from().year()) cao = &c;
  }
  if (cao != nullptr) {
    w.mutable_gross_hourly_wage()->set_cents(std::max(cao->hourly_wage().cents(), minimum));
    w.set_source(v1::WAGE_SOURCE_CAO_ENTRY);
    w.set_raised_to_minimum(cao->hourly_wage().cents() < minimum);
    w.set_note(absl::StrCat("Cao ", cao->cao(), ", ", cao->scale(), " (", cao->valid_from().year(),
                            ")", w.raised_to_minimum() ? "; verhoogd tot het minimumloon" : ""));
    return w;
  }
  if (o.wages().p25().cents() <= 0) {  // no published figure at any level: the minimum wage
    w.mutable_gross_hourly_wage()->set_cents(minimum);
    w.set_source(v1::WAGE_SOURCE_STATUTORY_MINIMUM);
    w.set_note("Wettelijk minimumloon: CBS publiceert voor dit beroep geen uurlonen.");
    return w;
  }
  w.mutable_gross_hourly_wage()->set_cents(o.wages().p25().cents());
  w.set_raised_to_minimum(o.wages().p25_raised_to_minimum());
  w.set_source(w.raised_to_minimum() ? v1::WAGE_SOURCE_STATUTORY_MINIMUM : v1::WAGE_SOURCE_CBS_P25);
  w.set_note(w.raised_to_minimum()
                 ? absl::StrCat("Wettelijk minimumloon: het 25e percentiel van CBS ligt eronder "
                                "(jeugdlonen); ",
                                WageNote(o, "25e percentiel"))
                 : WageNote(o, "25e percentiel"));
  return w;
}

v1::WageUsed MedianWage(const cv1::Occupation& o) {
  v1::WageUsed w;
  w.mutable_gross_hourly_wage()->set_cents(o.wages().p50().cents());
  w.set_raised_to_minimum(o.wages().p50_raised_to_minimum());
  w.set_source(w.raised_to_minimum() ? v1::WAGE_SOURCE_STATUTORY_MINIMUM
                                     : v1::WAGE_SOURCE_CBS_MEDIAN);
  w.set_note(WageNote(o, "mediaan"));
  return w;
}

const cv1::Training* ShortestTraining(const cv1::Occupation& o, cv1::EducationLevel level) {
  const cv1::Training* best = nullptr;
  for (const cv1::Training& t : o.training_routes()) {
    if (t.level() < level) continue;
    if (best == nullptr || t.typical_months() < best->typical_months() ||
        (t.typical_months() == best->typical_months() && t.paid() && !best->paid())) {
      best = &t;
    }
  }
  return best;
}

RoutePlan BuildRoutePlan(const v1::MatchProfile& p, const cv1::Occupation& c, bool lonend_now,
                         const cv1::ListCareerStepsResponse& career_steps,
                         const std::vector<const cv1::Occupation*>& known) {
  RoutePlan plan;
  const cv1::EducationLevel required = c.education().level();
  const bool reachable_now =
      required == cv1::EDUCATION_LEVEL_UNSPECIFIED || p.education_level() >= required;
  const cv1::Training* training = reachable_now ? nullptr : ShortestTraining(c, required);
  if (!reachable_now) {
    plan.reachable = training != nullptr && training->typical_months() <= p.max_training_months();
    plan.training_months = training != nullptr ? training->typical_months() : 0;
  }
  plan.needed = !reachable_now || !lonend_now;
  // Without a training into it, an occupation above the job seeker's level has no route.
  if (!plan.needed || (!reachable_now && training == nullptr)) return plan;
  // A training that ends after the projection leaves no step inside it.
  if (plan.training_months > kProjectionMonths) return plan;
  const std::string name = absl::StrCat("occupations/", c.brc_code());
  PlannedStep first{name, c.title(), training, 0, plan.training_months, EntryWage(c)};
  plan.steps.push_back(first);
  const int experienced = first.qualified_month + kExperienceMonths;
  if (experienced <= kProjectionMonths &&
      c.wages().p50().cents() > first.wage.gross_hourly_wage().cents()) {
    plan.steps.push_back({name, absl::StrCat(c.title(), " (met ervaring)"), nullptr, experienced,
                          experienced, MedianWage(c)});
  }
  // The career step with the largest wage gain whose training fits the job seeker's maximum.
  const cv1::CareerStep* best = nullptr;
  for (const cv1::CareerStep& s : career_steps.career_steps()) {
    if (s.depth() != 1 || s.training().typical_months() > p.max_training_months()) continue;
    if (best == nullptr || s.median_wage_gain().cents() > best->median_wage_gain().cents())
      best = &s;
  }
  if (best != nullptr) {
    const cv1::Occupation* next = nullptr;
    for (const cv1::Occupation* o : known) {
      if (absl::StrCat("occupations/", o->brc_code()) == best->to_occupation()) next = o;
    }
    const int start = plan.steps.back().qualified_month;
    const int qualified = start + best->training().typical_months();
    if (next != nullptr && qualified <= kProjectionMonths) {
      PlannedStep step{best->to_occupation(), best->to_title(), &best->training(), start, qualified,
                       EntryWage(*next)};
      plan.steps.push_back(step);
    }
  }
  return plan;
}

namespace {

// What the ranking needs of a candidate; the answer message is built only for those returned.
struct Light {
  const Evaluated* e = nullptr;
  v1::Score score;
  std::int64_t wage = 0;
  std::int64_t disposable = 0;
  std::int64_t margin = 0;
  std::vector<const Light*> demoted_below;  // candidates it was moved below, and why
  // 0: reachable (now, or by a training within the maximum); otherwise 1 + the education
  // levels between the job seeker and the occupation. Lower groups rank first.
  int group = 0;
};

v1::Score ScoreOf(const Evaluated& e, const v1::ScoreWeights& weights, std::int64_t margin,
                  std::int64_t required) {
  v1::Score s;
  const cv1::RegionalDemand* d = DemandOf(*e.occupation);
  s.set_margin(MarginScore(margin, required));
  s.set_demand(DemandScore(d != nullptr ? d->level() : cv1::DEMAND_LEVEL_UNSPECIFIED));
  s.set_reachability(ReachabilityScore(e.plan));
  s.set_cliff_risk(CliffScore(*e.money, e.wage.gross_hourly_wage().cents()));
  const std::int64_t weight_sum =
      weights.margin() + weights.demand() + weights.reachability() + weights.cliff_risk();
  s.set_total(static_cast<std::int32_t>(
      (static_cast<std::int64_t>(weights.margin()) * s.margin() +
       static_cast<std::int64_t>(weights.demand()) * s.demand() +
       static_cast<std::int64_t>(weights.reachability()) * s.reachability() +
       static_cast<std::int64_t>(weights.cliff_risk()) * s.cliff_risk() + weight_sum / 2) /
      weight_sum));
  return s;
}

void FillCandidate(const v1::MatchProfile& p, const Evaluated& e, const v1::Score& score,
                   std::int64_t required, const std::string& region_name, const std::string& hours,
                   v1::Candidate& c) {
  const cv1::Occupation& o = *e.occupation;
  const bv1::IncomeCalculation& calc = e.money->calculation();
  c.set_occupation(absl::StrCat("occupations/", o.brc_code()));
  c.set_title(o.title());
  *c.mutable_wage() = e.wage;
  c.set_minutes_per_week(p.available_minutes_per_week());
  c.mutable_disposable_income()->set_cents(calc.disposable_income().cents());
  c.mutable_margin()->set_cents(calc.disposable_income().cents() - required);
  c.set_lonend(calc.disposable_income().cents() >= required);
  const cv1::RegionalDemand* d = DemandOf(o);
  c.set_demand(d != nullptr ? d->level() : cv1::DEMAND_LEVEL_UNSPECIFIED);
  c.set_demand_sample(d != nullptr && d->sample());
  c.set_required_education_level(o.education().level());
  c.set_reachable_now(o.education().level() == cv1::EDUCATION_LEVEL_UNSPECIFIED ||
                      p.education_level() >= o.education().level());
  if (e.money->has_next_cliff()) *c.mutable_next_cliff() = e.money->next_cliff();
  *c.mutable_score() = score;

  // Reasons, in the order a mentor would say them.
  c.add_reasons(absl::StrCat(
      "Bij ", hours, " uur per week tegen ", FormatEuro(e.wage.gross_hourly_wage().cents()),
      " bruto per uur houdt het huishouden ", FormatEuro(calc.disposable_income().cents()),
      " per maand over: ",
      c.lonend() ? absl::StrCat(FormatEuro(c.margin().cents()), " meer dan nodig.")
                 : absl::StrCat(FormatEuro(-c.margin().cents()), " te weinig.")));
  c.add_reasons(absl::StrCat("De vraag naar ", o.title(), " in ", region_name, " is ",
                             DemandText(c.demand()),
                             c.demand_sample() ? " (voorbeeldcijfers, geen UWV-gegevens)." : "."));
  if (c.reachable_now()) {
    c.add_reasons("Je opleidingsniveau is voldoende om hier te beginnen.");
  } else if (!e.plan.reachable) {
    const cv1::Training* t = ShortestTraining(o, o.education().level());
    c.add_reasons(t == nullptr ? "Hiervoor is een hoger opleidingsniveau nodig en er is geen "
                                 "opleidingsroute bekend."
                               : absl::StrCat("Hiervoor is ", t->description(), " nodig (",
                                              t->typical_months(),
                                              " maanden): langer dan je nu wilt leren."));
  } else {
    const cv1::Training* t = e.plan.steps.empty() ? nullptr : e.plan.steps.front().training;
    if (t != nullptr) {
      c.add_reasons(absl::StrCat("Hiervoor is ", t->description(), " nodig (", t->typical_months(),
                                 " maanden", t->paid() ? ", met salaris" : "", ")."));
    }
  }
  if (c.has_next_cliff()) {
    const bv1::Cliff& cliff = c.next_cliff();
    c.add_reasons(
        absl::StrCat("Let op: boven ", FormatEuro(cliff.before().gross_hourly_wage().cents()),
                     " bruto per uur daalt wat je overhoudt met ", FormatEuro(cliff.drop().cents()),
                     " per maand (", cliff.explanation(), ")"));
  }
  // The route, when there is one.
  if (e.plan.needed && !e.plan.steps.empty()) {
    v1::Route* route = c.mutable_route();
    route->set_projection_months(kProjectionMonths);
    std::string lonend_at;  // the step from which the household is lonend
    for (std::size_t i = 0; i < e.plan.steps.size() && i < e.route_money.size(); ++i) {
      const PlannedStep& ps = e.plan.steps[i];
      const bv1::IncomeCalculation& m = e.route_money[i]->calculation();
      v1::RouteStep* step = route->add_steps();
      step->set_occupation(ps.occupation);
      step->set_title(ps.title);
      if (ps.training != nullptr) *step->mutable_training() = *ps.training;
      step->set_start_month(ps.start_month);
      step->set_qualified_month(ps.qualified_month);
      *step->mutable_wage() = ps.wage;
      step->mutable_disposable_income()->set_cents(m.disposable_income().cents());
      step->mutable_margin()->set_cents(m.disposable_income().cents() - required);
      step->set_lonend(m.disposable_income().cents() >= required);
      if (step->lonend() && !route->lonend_within_projection()) {
        route->set_lonend_within_projection(true);
        route->set_lonend_month(ps.qualified_month);
        lonend_at = ps.title;
      }
    }
    c.add_reasons(route->lonend_within_projection()
                      ? absl::StrCat("Route: lonend vanaf maand ", route->lonend_month(), " (",
                                     lonend_at, ").")
                      : absl::StrCat("Route: binnen ", kProjectionMonths / 12,
                                     " jaar nog niet lonend met deze stappen."));
  }
}

}  // namespace

void RankCandidates(const v1::MatchProfile& p, const std::vector<Evaluated>& evaluated,
                    std::int64_t required, const std::string& region_name,
                    v1::MatchResult& result) {
  const v1::ScoreWeights weights = p.has_weights() ? p.weights() : DefaultWeights();
  *result.mutable_weights() = weights;
  std::vector<Light> lights(evaluated.size());
  for (std::size_t i = 0; i < evaluated.size(); ++i) {
    Light& l = lights[i];
    l.e = &evaluated[i];
    l.wage = l.e->wage.gross_hourly_wage().cents();
    l.disposable = l.e->money->calculation().disposable_income().cents();
    l.margin = l.disposable - required;
    l.score = ScoreOf(*l.e, weights, l.margin, required);
    const int gap = static_cast<int>(l.e->occupation->education().level()) -
                    static_cast<int>(p.education_level());
    l.group = l.e->plan.reachable ? 0 : 1 + std::max(0, gap);
  }
  std::vector<Light*> ranked;
  ranked.reserve(lights.size());
  for (Light& l : lights) ranked.push_back(&l);
  // Occupations the job seeker can reach (now, or by a training within their maximum) first;
  // of the others, the nearest in education first (someone without a diploma and no time to
  // train sees MBO 2 work before work that needs a university degree).
  std::sort(ranked.begin(), ranked.end(), [](const Light* a, const Light* b) {
    if (a->group != b->group) return a->group < b->group;
    if (a->score.total() != b->score.total()) return a->score.total() > b->score.total();
    if (a->margin != b->margin) return a->margin > b->margin;
    return a->e->occupation->brc_code() < b->e->occupation->brc_code();
  });
  // No candidate above one (in its group) that pays less gross per hour but leaves more net:
  // the better one moves up to the first place it must stand before. Positions before `i` never
  // change again (a later move keeps their order with the moved item), so one sweep suffices.
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    for (std::size_t j = i + 1; j < ranked.size(); ++j) {
      Light& lower = *ranked[i];
      const Light& better = *ranked[j];
      if (lower.group != better.group ||
          !(lower.wage > better.wage && lower.disposable < better.disposable)) {
        continue;
      }
      lower.demoted_below.push_back(&better);
      std::rotate(ranked.begin() + static_cast<std::ptrdiff_t>(i),
                  ranked.begin() + static_cast<std::ptrdiff_t>(j),
                  ranked.begin() + static_cast<std::ptrdiff_t>(j) + 1);
      j = i;  // the item now at i is checked against everything after it
    }
  }
  const std::string hours = FormatHours(p.available_minutes_per_week());
  const int limit = p.max_candidates() == 0 ? kDefaultMaxCandidates : p.max_candidates();
  for (std::size_t i = 0; i < ranked.size() && static_cast<int>(i) < limit; ++i) {
    const Light& l = *ranked[i];
    v1::Candidate* c = result.add_candidates();
    FillCandidate(p, *l.e, l.score, required, region_name, hours, *c);
    c->set_rank(static_cast<std::int32_t>(i) + 1);
    for (const Light* better : l.demoted_below) {
      c->add_reasons(absl::StrCat(
          l.e->occupation->title(), " betaalt bruto meer per uur dan ",
          better->e->occupation->title(), ", maar het huishouden houdt netto ",
          FormatEuro(better->disposable - l.disposable),
          " per maand minder over (toeslagen of regelingen vallen weg); daarom staat het lager."));
    }
  }
}

}  // namespace kompas::matching
