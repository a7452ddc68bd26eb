#include "services/budget/api/budget_logic.h"

#include <sodium.h>

#include <algorithm>
#include <filesystem>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/validation.h"

namespace kompas::budget {
namespace {

namespace tv1 = ::kompas::type::v1;

constexpr int kMaxScenarios = 1000;
constexpr int kMaxOverrides = 50;
constexpr int kDefaultPageSize = 50;

void SetDate(absl::CivilDay day, tv1::Date& out) {
  out.set_year(static_cast<std::int32_t>(day.year()));
  out.set_month(day.month());
  out.set_day(day.day());
}

void SetLegalBasis(const ParamMeta& meta, tv1::LegalBasis& out) {
  // "Participatiewet, art. 21 onder a" → law "Participatiewet", article "art. 21 onder a".
  const std::size_t comma = meta.legal_basis.find(", ");
  if (comma == std::string::npos) {
    out.set_law(meta.legal_basis);
  } else {
    out.set_law(meta.legal_basis.substr(0, comma));
    out.set_article(meta.legal_basis.substr(comma + 2));
  }
}

void AddBudgetLine(v1::RequiredBudget& out, v1::BudgetCategory category, std::string description,
                   std::int64_t cents, bool from_household) {
  if (cents == 0 && from_household) return;
  v1::BudgetLine* line = out.add_lines();
  line->set_category(category);
  line->set_description(std::move(description));
  line->mutable_monthly_amount()->set_cents(cents);
  line->set_from_household(from_household);
}

}  // namespace

const BudgetStandard& BudgetData::StandardFor(absl::string_view tenant) const {
  auto it = org_standards.find(tenant);
  return it == org_standards.end() ? standard : it->second;
}

namespace {

// A BLAKE2b hash over every file the data was read from (name, size, bytes), so that a figure
// edited in place — same rule-set id — still gives a new data version and new cache keys.
absl::StatusOr<std::string> FilesHash(const BudgetDataFiles& files) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const std::string& dir : {files.rules_dir, files.org_standards_dir}) {
    if (dir.empty()) continue;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
      if (entry.is_regular_file()) paths.push_back(entry.path().string());
    }
    if (ec) return absl::InvalidArgumentError(absl::StrCat(dir, ": ", ec.message()));
  }
  std::sort(paths.begin(), paths.end());
  paths.push_back(files.standard_file);
  paths.push_back(files.gemeenten_file);
  crypto_generichash_state state;
  unsigned char out[16];
  crypto_generichash_init(&state, nullptr, 0, sizeof out);
  for (const std::string& path : paths) {
    absl::StatusOr<std::string> text = yaml::ReadTextFile(path);
    if (!text.ok()) return text.status();
    const std::string header = absl::StrCat(path, "\n", text->size(), "\n");
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(header.data()),
                              header.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(text->data()),
                              text->size());
  }
  crypto_generichash_final(&state, out, sizeof out);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

}  // namespace

BudgetDataFiles BudgetDataFiles::InDirectory(absl::string_view data_dir) {
  BudgetDataFiles f;
  f.rules_dir = absl::StrCat(data_dir, "/rules/nl");
  f.standard_file = absl::StrCat(data_dir, "/budget-standards/nl-armoedegrens-2023-afgeleid.yaml");
  f.gemeenten_file = absl::StrCat(data_dir, "/regions/gemeente_arbeidsmarktregio_2026.csv");
  f.municipal_dir = absl::StrCat(data_dir, "/municipal");
  return f;
}

absl::StatusOr<std::shared_ptr<const BudgetData>> LoadBudgetData(const BudgetDataFiles& files) {
  auto data = std::make_shared<BudgetData>();
  absl::StatusOr<RuleBook> rules = RuleBook::LoadDirectory(files.rules_dir);
  if (!rules.ok()) return rules.status();
  data->rules = *std::move(rules);
  absl::StatusOr<std::string> standard_text = yaml::ReadTextFile(files.standard_file);
  if (!standard_text.ok()) return standard_text.status();
  absl::StatusOr<BudgetStandard> standard =
      ParseBudgetStandard(*standard_text, files.standard_file);
  if (!standard.ok()) return standard.status();
  data->standard = *std::move(standard);
  absl::StatusOr<std::string> gemeenten_text = yaml::ReadTextFile(files.gemeenten_file);
  if (!gemeenten_text.ok()) return gemeenten_text.status();
  absl::StatusOr<GemeenteSet> gemeenten = ParseGemeenten(*gemeenten_text, files.gemeenten_file);
  if (!gemeenten.ok()) return gemeenten.status();
  data->gemeenten = *std::move(gemeenten);
  if (!files.municipal_dir.empty()) {
    absl::StatusOr<MunicipalSchemes> municipal =
        MunicipalSchemes::LoadDirectory(files.municipal_dir);
    if (!municipal.ok()) return municipal.status();
    data->municipal = *std::move(municipal);
  }
  if (!files.org_standards_dir.empty()) {
    const std::string& dir = files.org_standards_dir;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() != ".yaml") continue;
      const std::string tenant = entry.path().stem().string();
      absl::StatusOr<std::string> text = yaml::ReadTextFile(entry.path().string());
      if (!text.ok()) return text.status();
      absl::StatusOr<BudgetStandard> org = ParseBudgetStandard(*text, entry.path().string());
      if (!org.ok()) return org.status();
      data->org_standards.emplace(tenant, *std::move(org));
    }
    if (ec) return absl::InvalidArgumentError(absl::StrCat(dir, ": ", ec.message()));
  }
  std::vector<std::string> ids;
  for (const RuleSet& rs : data->rules.rule_sets()) ids.push_back(rs.id);
  absl::StatusOr<std::string> files_hash = FilesHash(files);
  if (!files_hash.ok()) return files_hash.status();
  data->version = absl::StrCat(
      absl::StrJoin(ids, "+"), "|", data->standard.id,
      "|municipal:", data->municipal.size() == 0 ? "none" : data->municipal.content_hash(),
      "|files:", *files_hash);
  return data;
}

BudgetLogic::BudgetLogic(std::shared_ptr<const BudgetData> data, TodayFn today)
    : data_(std::move(data)), today_(std::move(today)) {}

absl::StatusOr<std::shared_ptr<const RuleSet>> ApplyOverrides(
    const RuleSet& rules,
    const google::protobuf::RepeatedPtrField<tv1::ParameterOverride>& overrides) {
  if (overrides.size() > kMaxOverrides) {
    return InvalidField("parameter_overrides",
                        absl::StrCat("at most ", kMaxOverrides, " overrides"));
  }
  auto copy = std::make_shared<RuleSet>(rules);
  std::vector<bool> seen(ParamSpecs().size(), false);
  for (int i = 0; i < overrides.size(); ++i) {
    const tv1::ParameterOverride& o = overrides.Get(i);
    const std::string field = Indexed("parameter_overrides", static_cast<std::size_t>(i));
    const ParamSpec* spec = FindParamSpec(o.key());
    if (spec == nullptr) {
      return InvalidField(field + ".key", "is not a parameter of the rule-set (see ListRuleSets)");
    }
    const auto index = static_cast<std::size_t>(spec - ParamSpecs().data());
    if (seen[index]) return InvalidField(field + ".key", "names a parameter a second time");
    seen[index] = true;
    std::int64_t value = 0;
    switch (spec->unit) {
      case Unit::kRatio:
        if (!o.value().has_rate()) {
          return InvalidField(field + ".value", "must be a rate (ppm) for this parameter");
        }
        value = o.value().rate().ppm();
        if (value < 0 || value > 1'000'000) {
          return InvalidField(field + ".value.rate.ppm", "must be between 0 and 1000000");
        }
        break;
      case Unit::kCount:
      case Unit::kMonths:
      case Unit::kYears:
        if (o.value().value_case() != tv1::ParameterValue::kCount) {
          return InvalidField(field + ".value",
                              absl::StrCat("must be a count (", UnitName(spec->unit), ")"));
        }
        value = o.value().count();
        if (value < 0 || value > 1000) {
          return InvalidField(field + ".value.count", "must be between 0 and 1000");
        }
        break;
      default:
        if (!o.value().has_money()) {
          return InvalidField(field + ".value",
                              absl::StrCat("must be money in cents (", UnitName(spec->unit), ")"));
        }
        value = o.value().money().cents();
        if (value < 0 || value > 1'000'000'000'00) {
          return InvalidField(field + ".value.money.cents", "must be between 0 and 10^11");
        }
    }
    copy->params.*(spec->field) = value;
  }
  if (absl::Status s = CheckConsistency(copy->params); !s.ok()) {
    return InvalidField("parameter_overrides", absl::StrCat("would make ", s.message()));
  }
  return copy;
}

absl::StatusOr<BudgetLogic::Context> BudgetLogic::Prepare(const tv1::Household& household,
                                                          bool has_household, const tv1::Date& date,
                                                          bool has_date, const Overrides& overrides,
                                                          absl::string_view tenant) const {
  if (!has_household) return InvalidField("household", "is required");
  Context ctx;
  ctx.standard = &data_->StandardFor(tenant);
  ctx.org_standard = data_->HasOrgStandard(tenant);
  absl::StatusOr<absl::CivilDay> day = RuleDate(date, has_date, today_(), "rule_date");
  if (!day.ok()) return day.status();
  ctx.rule_date = *day;
  absl::StatusOr<RuleBook::Selection> selection = data_->rules.Select(*day, "rule_date");
  if (!selection.ok()) return selection.status();
  ctx.selection = *selection;
  if (!overrides.empty()) {
    absl::StatusOr<std::shared_ptr<const RuleSet>> copy =
        ApplyOverrides(*ctx.selection.rules, overrides);
    if (!copy.ok()) return copy.status();
    ctx.overridden = *std::move(copy);
    ctx.overrides = &overrides;
    ctx.selection.rules = ctx.overridden.get();
  }
  absl::StatusOr<HouseholdFacts> facts = HouseholdFromProto(household, *day, data_->gemeenten);
  if (!facts.ok()) return facts.status();
  ctx.household = *std::move(facts);
  ctx.gemeente_code = household.gemeente_code();
  const GemeenteSchemes* local = data_->municipal.Find(household.gemeente_code());
  if (local != nullptr && local->Covers(*day)) ctx.household.local_schemes = local;
  return ctx;
}

absl::Status BudgetLogic::FillRequiredBudget(const Context& ctx, v1::RequiredBudget& out) const {
  const HouseholdFacts& h = ctx.household;
  int teenagers = 0;
  for (const ChildFacts& c : h.children) {
    const bool teen =
        c.age >= ctx.standard->teenager_min_age && c.age <= ctx.standard->teenager_max_age;
    teenagers += teen ? 1 : 0;
  }
  absl::StatusOr<NonHousingAmount> standard = NonHousingMonthly(
      *ctx.standard, static_cast<int>(ctx.rule_date.year()), static_cast<int>(h.adults.size()),
      static_cast<int>(h.children.size()), teenagers);
  if (!standard.ok()) return standard.status();
  std::int64_t premiums = 0;
  for (const AdultFacts& a : h.adults) premiums += a.health_premium_monthly;
  if (h.rents) {
    AddBudgetLine(out, v1::BUDGET_CATEGORY_RENT, "Huur (kale huur)", h.bare_rent, true);
    AddBudgetLine(out, v1::BUDGET_CATEGORY_SERVICE_COSTS, "Servicekosten", h.service_costs, true);
  } else {
    AddBudgetLine(out, v1::BUDGET_CATEGORY_OWNER_COSTS, "Woonlasten eigen woning", h.owner_costs,
                  true);
  }
  AddBudgetLine(out, v1::BUDGET_CATEGORY_ENERGY, "Energie", h.energy, true);
  AddBudgetLine(out, v1::BUDGET_CATEGORY_HEALTH_PREMIUM, "Premie zorgverzekering", premiums, true);
  AddBudgetLine(out, v1::BUDGET_CATEGORY_FIXED_COSTS, "Andere vaste lasten", h.fixed_costs, true);
  AddBudgetLine(out, v1::BUDGET_CATEGORY_STANDARD,
                "Eten, kleding, inventaris, verzekeringen en overige uitgaven (budgetstandaard)",
                standard->cents, false);
  std::int64_t total = 0;
  for (const v1::BudgetLine& line : out.lines()) total += line.monthly_amount().cents();
  out.mutable_total()->set_cents(total);
  v1::BudgetStandardRef* ref = out.mutable_standard();
  ref->set_id(ctx.standard->id);
  ref->set_title(ctx.standard->title);
  ref->set_organisation_specific(ctx.org_standard);
  ref->set_year(standard->year_used);
  ref->set_derived(ctx.standard->derived || standard->factor_estimated || standard->base_estimated);
  return absl::OkStatus();
}

// The basis names the standard with its sources (the required budget's own reference
// carries only id, title, year and whether it is derived, so the sources travel once).
void BudgetLogic::FillBasis(const Context& ctx, const v1::BudgetStandardRef& standard,
                            v1::CalculationBasis& out) const {
  v1::BudgetStandardRef* ref = out.mutable_budget_standard();
  *ref = standard;
  for (const Source& s : ctx.standard->sources) {
    tv1::Source* src = ref->add_sources();
    src->set_document(s.document);
    src->set_locator(s.locator);
    src->set_url(s.url);
  }
  const RuleSet& rs = *ctx.selection.rules;
  tv1::RuleProvenance* rules = out.mutable_rules();
  rules->mutable_rule_set_id()->set_value(rs.id);
  SetDate(ctx.rule_date, *rules->mutable_rule_date());
  rules->set_rules_outdated(ctx.selection.outdated);
  SetDate(rs.valid_until, *rules->mutable_rules_valid_until());
  for (const ParamMeta& m : rs.meta) {
    if (!m.estimated) continue;
    rules->set_estimated(true);
    tv1::EstimatedParameter* e = rules->add_estimated_parameters();
    e->set_key(m.key);
    e->set_derivation(m.derivation);
  }
  if (rs.kot_table != nullptr && rs.kot_table->estimated) {
    rules->set_estimated(true);
    tv1::EstimatedParameter* e = rules->add_estimated_parameters();
    e->set_key("kot.percentages");
    e->set_derivation(rs.kot_table->derivation);
  }
  if (ctx.overrides != nullptr) *rules->mutable_applied_overrides() = *ctx.overrides;
  v1::LocalSchemes* local = out.mutable_local_schemes();
  local->set_gemeente_code(ctx.gemeente_code);
  if (const GemeenteSchemes* g = ctx.household.local_schemes; g != nullptr) {
    local->set_included(true);
    local->set_sample(g->sample);
    for (const Scheme& s : g->schemes) local->add_scheme_ids(s.qualified);
  }
}

void ToProto(const IncomeResult& r, const RuleSet& rules, std::int64_t required_budget,
             v1::IncomeCalculation& out) {
  out.mutable_gross_monthly_wage()->set_cents(r.gross_monthly_wage);
  out.mutable_net_wage()->set_cents(r.net_wage);
  out.mutable_disposable_income()->set_cents(r.disposable);
  out.mutable_required_budget()->set_cents(required_budget);
  out.mutable_margin()->set_cents(r.disposable - required_budget);
  out.set_lonend(r.disposable >= required_budget);
  out.mutable_costs_of_working()->set_cents(r.costs_of_working);
  out.mutable_bijstand_vrijlating()->set_cents(r.bijstand_vrijlating);
  out.mutable_yearly_toetsingsinkomen()->set_cents(r.yearly_toetsingsinkomen);
  out.set_estimated(r.estimated);
  for (const Line& l : r.lines) {
    v1::IncomeLine* line = out.add_lines();
    line->set_component(static_cast<v1::IncomeComponent>(l.component));
    line->set_adult_number(l.adult);
    line->mutable_monthly_amount()->set_cents(l.monthly);
    if (l.scheme != nullptr) {
      // A municipal scheme: its gemeente file instead of the rule-set.
      line->set_scheme_id(l.scheme->qualified);
      line->set_sample(l.scheme->sample);
      line->mutable_rule_set_id()->set_value(l.scheme->data_id);
      line->mutable_legal_basis()->set_law(l.scheme->legal_basis);
      line->mutable_legal_basis()->set_url(l.scheme->source->url);
    } else {
      line->mutable_rule_set_id()->set_value(rules.id);
    }
    if (l.basis != nullptr) SetLegalBasis(*l.basis, *line->mutable_legal_basis());
    line->set_explanation(l.explanation);
    line->set_estimated(l.estimated);
  }
  for (const NoticeOut& n : r.notices) {
    v1::Notice* notice = out.add_notices();
    notice->set_code(n.code);
    notice->set_message(n.message);
  }
}

absl::Status BudgetLogic::GetRequiredBudget(const v1::GetRequiredBudgetRequest& req,
                                            v1::GetRequiredBudgetResponse& resp,
                                            absl::string_view tenant) const {
  absl::StatusOr<Context> ctx = Prepare(req.household(), req.has_household(), req.rule_date(),
                                        req.has_rule_date(), req.parameter_overrides(), tenant);
  if (!ctx.ok()) return ctx.status();
  if (absl::Status s = FillRequiredBudget(*ctx, *resp.mutable_required_budget()); !s.ok()) return s;
  FillBasis(*ctx, resp.required_budget().standard(), *resp.mutable_basis());
  return absl::OkStatus();
}

absl::Status BudgetLogic::CalculateIncome(const v1::CalculateIncomeRequest& req,
                                          v1::CalculateIncomeResponse& resp,
                                          absl::string_view tenant) const {
  absl::StatusOr<Context> ctx = Prepare(req.household(), req.has_household(), req.rule_date(),
                                        req.has_rule_date(), req.parameter_overrides(), tenant);
  if (!ctx.ok()) return ctx.status();
  if (absl::Status s = FillRequiredBudget(*ctx, *resp.mutable_required_budget()); !s.ok()) return s;
  absl::StatusOr<IncomeResult> result =
      kompas::budget::CalculateIncome(*ctx->selection.rules, ctx->household, /*with_lines=*/true);
  if (!result.ok()) return result.status();
  ToProto(*result, *ctx->selection.rules, resp.required_budget().total().cents(),
          *resp.mutable_calculation());
  FillBasis(*ctx, resp.required_budget().standard(), *resp.mutable_basis());
  return absl::OkStatus();
}

absl::Status BudgetLogic::CalculateIncomeBatch(const v1::CalculateIncomeBatchRequest& req,
                                               v1::CalculateIncomeBatchResponse& resp,
                                               absl::string_view tenant) const {
  if (req.scenarios_size() < 1 || req.scenarios_size() > kMaxScenarios) {
    return InvalidField("scenarios", absl::StrCat("must hold 1 to ", kMaxScenarios, " scenarios"));
  }
  absl::StatusOr<Context> ctx = Prepare(req.household(), req.has_household(), req.rule_date(),
                                        req.has_rule_date(), req.parameter_overrides(), tenant);
  if (!ctx.ok()) return ctx.status();
  if (absl::Status s = FillRequiredBudget(*ctx, *resp.mutable_required_budget()); !s.ok()) return s;
  const std::int64_t required = resp.required_budget().total().cents();
  HouseholdFacts scenario_household;
  // Lives for this request only: its scenarios share one household, rule-set and tenant.
  WageScanMemo scans;
  for (int i = 0; i < req.scenarios_size(); ++i) {
    scenario_household = ctx->household;
    const std::string field = Indexed("scenarios", static_cast<std::size_t>(i));
    if (absl::Status s = ApplyScenario(req.scenarios(i), field, scenario_household); !s.ok()) {
      return s;
    }
    absl::StatusOr<IncomeResult> result = kompas::budget::CalculateIncome(
        *ctx->selection.rules, scenario_household, req.include_lines());
    if (!result.ok()) {
      return absl::Status(result.status().code(),
                          absl::StrCat(field, ": ", result.status().message()));
    }
    if (req.omit_notices()) {
      result->notices.clear();
    } else if (!req.include_lines()) {
      AddSchemeNotices(scenario_household, *result);
    }
    v1::ScenarioResult* out = resp.add_results();
    out->set_scenario_id(req.scenarios(i).scenario_id());
    ToProto(*result, *ctx->selection.rules, required, *out->mutable_calculation());
    if (req.include_next_cliff()) {
      // The first adult of the scenario who works is the one whose wage rises.
      for (const v1::AdultWork& w : req.scenarios(i).work()) {
        if (w.minutes_per_week() <= 0) continue;
        absl::StatusOr<bool> found = FindNextWageCliff(
            *ctx->selection.rules, scenario_household,
            static_cast<std::size_t>(w.adult_number() - 1), *out->mutable_next_cliff(), &scans);
        if (!found.ok()) return found.status();
        if (!*found) out->clear_next_cliff();
        break;
      }
    }
  }
  FillBasis(*ctx, resp.required_budget().standard(), *resp.mutable_basis());
  return absl::OkStatus();
}

absl::Status BudgetLogic::ListRuleSets(const v1::ListRuleSetsRequest& req,
                                       v1::ListRuleSetsResponse& resp) const {
  if (req.page_size() < 0 || req.page_size() > 1000) {
    return InvalidField("page_size", "must be between 0 and 1000");
  }
  const int page_size = req.page_size() == 0 ? kDefaultPageSize : req.page_size();
  // Page tokens are the index of the next rule-set, prefixed so a foreign token is refused.
  std::size_t start = 0;
  if (!req.page_token().empty()) {
    const std::string& t = req.page_token();
    if (t.rfind("rs:", 0) != 0 || t.size() > 12 ||
        t.find_first_not_of("0123456789", 3) != std::string::npos || t.size() == 3) {
      return InvalidField("page_token", "is not a token from a previous ListRuleSets call");
    }
    start = std::stoul(t.substr(3));
  }
  const auto& sets = data_->rules.rule_sets();
  std::size_t i = start;
  for (; i < sets.size() && resp.rule_sets_size() < page_size; ++i) {
    const RuleSet& rs = sets[i];
    v1::RuleSet* out = resp.add_rule_sets();
    out->mutable_id()->set_value(rs.id);
    SetDate(rs.valid_from, *out->mutable_valid_from());
    SetDate(rs.valid_until, *out->mutable_valid_until());
    if (!rs.description.empty()) out->add_sources()->set_document(rs.description);
    for (const ParamMeta& m : rs.meta) {
      if (m.estimated) {
        tv1::EstimatedParameter* e = out->add_estimated_parameters();
        e->set_key(m.key);
        e->set_derivation(m.derivation);
      }
      if (req.view() == v1::RULE_SET_VIEW_FULL) {
        tv1::RuleParameter* p = out->add_parameters();
        p->set_key(m.key);
        p->set_estimated(m.estimated);
        SetDate(m.valid_from, *p->mutable_valid_from());
        p->mutable_source()->set_document(m.source);
        const ParamSpec* spec = FindParamSpec(m.key);
        const std::int64_t value = rs.params.*(spec->field);
        switch (spec->unit) {
          case Unit::kRatio:
            p->set_unit(tv1::PARAMETER_UNIT_RATE);
            p->mutable_value()->mutable_rate()->set_ppm(static_cast<std::int32_t>(value));
            break;
          case Unit::kCount:
          case Unit::kMonths:
          case Unit::kYears:
            p->set_unit(spec->unit == Unit::kCount    ? tv1::PARAMETER_UNIT_COUNT
                        : spec->unit == Unit::kMonths ? tv1::PARAMETER_UNIT_MONTHS
                                                      : tv1::PARAMETER_UNIT_YEARS);
            p->mutable_value()->set_count(value);
            break;
          default:
            p->set_unit(spec->unit == Unit::kEurPerHour      ? tv1::PARAMETER_UNIT_EUR_PER_HOUR
                        : spec->unit == Unit::kEurPerMonth   ? tv1::PARAMETER_UNIT_EUR_PER_MONTH
                        : spec->unit == Unit::kEurPerQuarter ? tv1::PARAMETER_UNIT_EUR_PER_QUARTER
                        : spec->unit == Unit::kEurPerYear    ? tv1::PARAMETER_UNIT_EUR_PER_YEAR
                                                             : tv1::PARAMETER_UNIT_EUR);
            p->mutable_value()->mutable_money()->set_cents(value);
        }
      }
    }
  }
  if (i < sets.size()) resp.set_next_page_token(absl::StrCat("rs:", i));
  return absl::OkStatus();
}

}  // namespace kompas::budget
