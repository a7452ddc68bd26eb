// Writes the seed inputs of every fuzz target to <out>/<target>/: requests as the tests and the
// demo send them (the sample household, valid and invalid case-record resources), the downstream
// answers the matching service ranks (computed here by the real budget and catalog logic over
// the shipped data), and the shipped data files themselves. scripts/fuzz --seed merges them into
// fuzz/corpus/ (libFuzzer -merge=1 keeps only the inputs that add coverage).
//
//   fuzz_make_seeds <out dir> [<data dir>]
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/message_lite.h"
#include "kompas/caserecord/v1/caserecord.pb.h"
#include "kompas/matching/v1/matching.pb.h"
#include "services/budget/api/budget_logic.h"
#include "services/budget/api/sample_household.h"
#include "services/catalog/catalog_logic.h"
#include "services/common/tokens.h"

namespace {

namespace fs = std::filesystem;
namespace tv1 = kompas::type::v1;
namespace bv1 = kompas::budget::v1;
namespace cv1 = kompas::catalog::v1;
namespace mv1 = kompas::matching::v1;
namespace crv1 = kompas::caserecord::v1;

fs::path g_out;
fs::path g_data;

void Write(const std::string& target, const std::string& name, const std::string& bytes) {
  const fs::path dir = g_out / target;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out << bytes;
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", (dir / name).c_str());
    std::exit(1);
  }
}

// A selector byte, then the message (the targets' ParseRest).
void WriteMessage(const std::string& target, const std::string& name, std::uint8_t selector,
                  const google::protobuf::MessageLite& m) {
  Write(target, name, std::string(1, static_cast<char>(selector)) + m.SerializeAsString());
}

// A 2-byte little-endian length, then the bytes (the targets' Chunk).
std::string Chunk(const std::string& bytes) {
  if (bytes.size() > 0xffff) {
    std::fprintf(stderr, "chunk of %zu bytes is too long\n", bytes.size());
    std::exit(1);
  }
  std::string out;
  out += static_cast<char>(bytes.size() & 0xff);
  out += static_cast<char>(bytes.size() >> 8);
  return out + bytes;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(1);
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void SetDate(tv1::Date* d, int y, int m, int day) {
  d->set_year(y);
  d->set_month(m);
  d->set_day(day);
}

tv1::Household Couple() {
  tv1::Household h = kompas::budget::SampleHousehold();
  tv1::Adult* partner = h.add_adults();
  SetDate(partner->mutable_birth_date(), 1990, 1, 31);
  partner->mutable_other_monthly_income()->set_cents(50'000);
  tv1::Childcare* care = h.mutable_children(0)->mutable_childcare();
  care->set_type(tv1::CHILDCARE_TYPE_DAGOPVANG);
  care->set_hours_per_month(80);
  care->mutable_hourly_price()->set_cents(1'050);
  tv1::Housemate* mate = h.add_housemates();
  SetDate(mate->mutable_birth_date(), 1960, 6, 1);
  mate->set_kostendeler(true);
  h.set_bijstand_status(tv1::BIJSTAND_STATUS_RECEIVING);
  tv1::FixedCost* cost = h.add_fixed_costs();
  cost->set_description("schuldregeling");
  cost->mutable_monthly_amount()->set_cents(5'000);
  return h;
}

template <typename Request>
void FillCommon(Request& r, const tv1::Household& h, int year) {
  *r.mutable_household() = h;
  SetDate(r.mutable_rule_date(), year, 3, 1);
}

void BudgetSeeds() {
  const std::string t = "budget_api";
  int n = 0;
  for (const tv1::Household& h : {kompas::budget::SampleHousehold(), Couple()}) {
    for (const int year : {2025, 2026}) {
      const std::string s = absl::StrCat(n++);
      bv1::GetRequiredBudgetRequest rb;
      FillCommon(rb, h, year);
      WriteMessage(t, "required-" + s, 0, rb);
      bv1::CalculateIncomeRequest ci;
      FillCommon(ci, h, year);
      WriteMessage(t, "income-" + s, 1, ci);
      bv1::CalculateIncomeBatchRequest batch;
      FillCommon(batch, h, year);
      batch.set_include_lines(true);
      batch.set_include_next_cliff(true);
      for (const int cents : {0, 1'471, 2'200}) {
        bv1::WorkScenario* sc = batch.add_scenarios();
        sc->set_scenario_id(absl::StrCat("w", cents));
        bv1::AdultWork* w = sc->add_work();
        w->set_adult_number(1);
        w->mutable_gross_hourly_wage()->set_cents(cents);
        w->set_minutes_per_week(32 * 60);
      }
      WriteMessage(t, "batch-" + s, 2, batch);
      bv1::GetIncomeCurveRequest curve;
      FillCommon(curve, h, year);
      curve.set_adult_number(1);
      if (year == 2025) {
        bv1::HoursSweep* hours = curve.mutable_hours();
        hours->mutable_gross_hourly_wage()->set_cents(1'471);
        hours->set_to_minutes_per_week(36 * 60);
        hours->set_step_minutes(240);
      } else {
        bv1::WageSweep* wage = curve.mutable_wage();
        wage->set_minutes_per_week(24 * 60);
        wage->mutable_from_hourly_wage()->set_cents(1'400);
        wage->mutable_to_hourly_wage()->set_cents(3'000);
        wage->mutable_step()->set_cents(100);
      }
      curve.set_include_components(true);
      WriteMessage(t, "curve-" + s, 4, curve);
      bv1::FindRequiredWageRequest wage;
      FillCommon(wage, h, year);
      wage.set_adult_number(1);
      wage.set_minutes_per_week(24 * 60);
      wage.mutable_max_hourly_wage()->set_cents(4'000);
      WriteMessage(t, "wage-" + s, 5, wage);
    }
  }
  bv1::CalculateIncomeRequest what_if;
  FillCommon(what_if, kompas::budget::SampleHousehold(), 2026);
  tv1::ParameterOverride* o = what_if.add_parameter_overrides();
  o->set_key("wml.hourly_21plus");
  o->mutable_value()->mutable_money()->set_cents(1'600);
  WriteMessage(t, "income-override", 1, what_if);
  bv1::ListRuleSetsRequest list;
  list.set_page_size(1);
  WriteMessage(t, "rulesets", 3, list);
}

void CatalogSeeds() {
  const std::string t = "catalog_api";
  for (const char* q : {"Groningen", "GM0014", "0935", "den bosch", "Súdwest-Fryslân"}) {
    cv1::ResolveMunicipalityRequest r;
    r.set_query(q);
    WriteMessage(t, absl::StrCat("resolve-", q), 0, r);
  }
  cv1::GetRegionRequest region;
  region.set_name("regions/AM01");
  WriteMessage(t, "region", 1, region);
  cv1::ListRegionsRequest regions;
  regions.set_page_size(5);
  WriteMessage(t, "regions", 2, regions);
  cv1::GetOccupationRequest occ;
  occ.set_name("occupations/1122");
  occ.set_region("regions/AM01");
  WriteMessage(t, "occupation", 3, occ);
  cv1::SearchOccupationsRequest search;
  search.set_region("regions/AM01");
  search.set_minimum_demand(cv1::DEMAND_LEVEL_GEMIDDELD);
  search.set_maximum_education_level(cv1::EDUCATION_LEVEL_NLQF_3);
  search.set_query("medewerker");
  search.set_page_size(3);
  search.set_view(cv1::OCCUPATION_VIEW_FULL);
  WriteMessage(t, "search", 4, search);
  cv1::ListCareerStepsRequest steps;
  steps.set_parent("occupations/1122");
  steps.set_max_depth(3);
  steps.set_region("regions/AM01");
  steps.set_page_size(10);
  WriteMessage(t, "steps", 5, steps);
  WriteMessage(t, "version", 6, cv1::GetDataVersionRequest());
  cv1::ImportDataRequest import;
  cv1::DataFileContent* f = import.add_files();
  f->set_file_name("arbeidsmarktregios_2025.csv");
  f->set_content(ReadFile(g_data / "jobs/arbeidsmarktregios_2025.csv"));
  WriteMessage(t, "import", 7, import);
}

mv1::MatchProfile Profile() {
  mv1::MatchProfile p;
  p.set_profile_id("p1");
  *p.mutable_household() = kompas::budget::SampleHousehold();
  p.set_job_seeker(1);
  p.set_education_level(cv1::EDUCATION_LEVEL_NLQF_2);
  p.set_available_minutes_per_week(32 * 60);
  p.set_max_training_months(24);
  SetDate(p.mutable_rule_date(), 2026, 3, 1);
  p.set_max_candidates(5);
  return p;
}

void MatchingSeeds(const kompas::budget::BudgetLogic& budget,
                   kompas::catalog::CatalogLogic& catalog) {
  const std::string t = "matching_api";
  mv1::MatchRequest match;
  *match.mutable_profile() = Profile();
  WriteMessage(t, "match", 0, match);
  mv1::MatchBatchRequest batch;
  *batch.add_profiles() = Profile();
  mv1::MatchProfile second = Profile();
  second.set_profile_id("p2");
  second.set_job_seeker(3);  // no such adult
  *batch.add_profiles() = second;
  WriteMessage(t, "batch", 1, batch);

  // The ranking pipeline with real downstream answers, as matching_service.cc asks for them.
  const mv1::MatchProfile p = Profile();
  auto data = catalog.store().Current();
  cv1::SearchOccupationsRequest search;
  search.set_region("regions/AM01");
  search.set_minimum_demand(cv1::DEMAND_LEVEL_GEMIDDELD);
  search.set_page_size(4);
  search.set_view(cv1::OCCUPATION_VIEW_FULL);
  cv1::SearchOccupationsResponse found;
  if (!catalog.SearchOccupations(*data, search, found).ok()) std::exit(1);
  bv1::CalculateIncomeBatchRequest money_req;
  *money_req.mutable_household() = p.household();
  *money_req.mutable_rule_date() = p.rule_date();
  money_req.set_include_next_cliff(true);
  money_req.set_omit_notices(true);
  bv1::AdultWork* now = money_req.add_scenarios()->add_work();
  now->set_adult_number(1);
  now->set_minutes_per_week(p.household().adults(0).minutes_per_week());
  *now->mutable_gross_hourly_wage() = p.household().adults(0).gross_hourly_wage();
  for (const cv1::Occupation& o : found.occupations()) {
    bv1::WorkScenario* s = money_req.add_scenarios();
    s->set_scenario_id(o.brc_code());
    bv1::AdultWork* w = s->add_work();
    w->set_adult_number(1);
    w->set_minutes_per_week(p.available_minutes_per_week());
    w->mutable_gross_hourly_wage()->set_cents(o.wages().p25().cents());
  }
  bv1::CalculateIncomeBatchResponse money;
  if (!budget.CalculateIncomeBatch(money_req, money).ok()) std::exit(1);
  cv1::ListCareerStepsResponse steps;
  if (found.occupations_size() > 0) {
    cv1::ListCareerStepsRequest sr;
    sr.set_parent(absl::StrCat("occupations/", found.occupations(0).brc_code()));
    sr.set_max_depth(1);
    if (!catalog.ListCareerSteps(*data, sr, steps).ok()) std::exit(1);
  }
  bv1::CalculateIncomeBatchResponse route_money = money;  // one answer per route step
  Write(t, "rank",
        std::string(1, '\2') + Chunk(p.SerializeAsString()) + Chunk(found.SerializeAsString()) +
            Chunk(money.SerializeAsString()) + Chunk(steps.SerializeAsString()) +
            Chunk(route_money.SerializeAsString()));
}

void CaseRecordSeeds() {
  const std::string t = "caserecord_api";
  crv1::CreateParticipantRequest cp;
  crv1::Participant* p = cp.mutable_participant();
  p->set_display_name("J. Jansen");
  p->mutable_contact()->set_phone("+31 6 12345678");
  p->mutable_contact()->set_email("j@example.org");
  p->set_bsn("111222333");
  p->set_mentor("mentor-1");
  p->set_state(crv1::PARTICIPANT_STATE_ACTIVE);
  p->set_gemeente_code("GM0014");
  SetDate(p->mutable_intake_date(), 2026, 1, 5);
  WriteMessage(t, "participant", 0, cp);
  crv1::UpdateParticipantRequest up;
  *up.mutable_participant() = *p;
  up.mutable_participant()->set_name("participants/abc123");
  up.mutable_update_mask()->add_paths("display_name");
  up.mutable_update_mask()->add_paths("contact");
  WriteMessage(t, "update-participant", 1, up);
  crv1::ListParticipantsRequest lp;
  lp.set_page_size(20);
  lp.set_mentor("mentor-1");
  lp.set_pillar(crv1::PILLAR_WELL_BEING);
  lp.set_max_pillar_level(2);
  WriteMessage(t, "list-participants", 2, lp);
  crv1::CreateConsentRequest cc;
  cc.set_parent("participants/abc123");
  cc.mutable_consent()->set_purpose(crv1::CONSENT_PURPOSE_KEEP_RECORD);
  SetDate(cc.mutable_consent()->mutable_grant_date(), 2026, 1, 5);
  cc.mutable_consent()->set_evidence("signed form");
  WriteMessage(t, "consent", 3, cc);
  crv1::WithdrawConsentRequest wc;
  wc.set_name("participants/abc123/consents/c1");
  SetDate(wc.mutable_withdraw_date(), 2026, 2, 29);
  WriteMessage(t, "withdraw", 4, wc);
  crv1::CreateAssessmentRequest ca;
  ca.set_parent("participants/abc123");
  SetDate(ca.mutable_assessment()->mutable_assessment_date(), 2026, 2, 1);
  for (int pillar = 1; pillar <= 5; ++pillar) {
    crv1::PillarLevel* l = ca.mutable_assessment()->add_levels();
    l->set_pillar(static_cast<crv1::Pillar>(pillar));
    l->set_level(pillar);
  }
  ca.mutable_assessment()->set_notes("notities");
  WriteMessage(t, "assessment", 5, ca);
  crv1::UpdateAssessmentRequest ua;
  *ua.mutable_assessment() = ca.assessment();
  ua.mutable_assessment()->set_name("participants/abc123/assessments/a1");
  ua.mutable_update_mask()->add_paths("*");
  WriteMessage(t, "update-assessment", 6, ua);
  crv1::CreateGoalRequest cg;
  cg.set_parent("participants/abc123");
  crv1::Goal* g = cg.mutable_goal();
  g->set_pillar(crv1::PILLAR_EMPLOYMENT_CAREER);
  g->set_title("Werk vinden");
  g->set_done_when("Een contract van 24 uur");
  SetDate(g->mutable_target_date(), 2026, 12, 31);
  g->set_state(crv1::GOAL_STATE_OPEN);
  crv1::GoalStep* step = g->add_steps();
  step->set_step_id("s1");
  step->set_title("CV maken");
  SetDate(step->mutable_due_date(), 2026, 4, 1);
  WriteMessage(t, "goal", 7, cg);
  crv1::ListGoalsRequest lg;
  lg.set_parent("participants/abc123");
  lg.set_state(crv1::GOAL_STATE_OPEN);
  WriteMessage(t, "list-goals", 8, lg);
  crv1::CreateSessionRequest cs;
  cs.set_parent("participants/abc123");
  crv1::Session* s = cs.mutable_session();
  SetDate(s->mutable_session_date(), 2026, 3, 2);
  s->set_duration_minutes(45);
  s->set_mode(crv1::SESSION_MODE_HOME_VISIT);
  s->add_pillars(crv1::PILLAR_FAMILY_STABILITY);
  s->set_notes("Gesprek over de schulden.");
  WriteMessage(t, "session", 9, cs);
  crv1::GetSessionRequest gs;
  gs.set_name("participants/abc123/sessions/s1");
  WriteMessage(t, "get-session", 10, gs);
}

void LoaderSeeds() {
  std::vector<kompas::budget::TextFile> rule_sets;
  for (const auto& e : fs::directory_iterator(g_data / "rules/nl")) {
    if (e.path().extension() != ".yaml") continue;
    const std::string text = ReadFile(e.path());
    Write("ruleset", "ruleset-" + e.path().filename().string(), std::string(1, '\0') + text);
  }
  const std::string kot = ReadFile(g_data / "rules/nl/tables/kot-table-2026.yaml");
  Write("ruleset", "kot-table-2026.yaml", std::string(1, '\1') + kot);
  // A directory of one small invalid rule-set and one table (each file is at most a chunk).
  Write("ruleset", "directory",
        std::string("\2\5") + Chunk("ruleset: nl/x\nvalid_from: 2026-01-01\n") + Chunk(kot));

  Write("budget_standard", "nl-armoedegrens-2023-afgeleid.yaml",
        std::string(1, '\2') +
            ReadFile(g_data / "budget-standards/nl-armoedegrens-2023-afgeleid.yaml"));

  const std::string gm0014 = ReadFile(g_data / "municipal/GM0014.yaml");
  const std::string gm0935 = ReadFile(g_data / "municipal/GM0935.yaml");
  Write("municipal", "GM0014.yaml", std::string("\0\0", 2) + gm0014);
  Write("municipal", "GM0935.yaml", std::string("\0\1", 2) + gm0935);
  // Two files of one gemeente, and a third that is empty.
  Write("municipal", "directory",
        std::string("\1\0", 2) + Chunk(gm0014) + Chunk(gm0014) + Chunk(""));

  // The shipped catalogue, in CatalogFileNames() order (manifest first), NUL-separated.
  const std::vector<std::string>& names = kompas::catalog::CatalogFileNames();
  std::vector<std::string> contents;
  for (const std::string& name : names) {
    const fs::path jobs = g_data / "jobs" / name;
    contents.push_back(ReadFile(fs::exists(jobs) ? jobs : g_data / "regions" / name));
  }
  Write("catalog_data", "shipped", absl::StrJoin(contents, std::string(1, '\0')));
  // The same with the demand of one region only (a quarter of the bytes, so faster to fuzz).
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] != "vraag_per_regio.csv") continue;
    std::string kept;
    for (absl::string_view line : absl::StrSplit(contents[i], '\n')) {
      if (absl::StartsWith(line, "#") || absl::StartsWith(line, "brc") ||
          absl::StrContains(line, ",AM01,")) {
        absl::StrAppend(&kept, line, "\n");
      }
    }
    contents[i] = kept;
  }
  const std::string small = absl::StrJoin(contents, std::string(1, '\0'));
  std::vector<kompas::catalog::CatalogFile> small_files;
  for (std::size_t i = 0; i < names.size(); ++i) small_files.push_back({names[i], contents[i]});
  const auto build = kompas::catalog::BuildCatalog(std::move(small_files), absl::UnixEpoch());
  if (!build.errors.empty()) {
    std::fprintf(stderr, "catalog_data one-region seed has %zu errors (kept as a seed)\n",
                 build.errors.size());
  }
  Write("catalog_data", "one-region", small);
  Write("catalog_data", "manifest-only", contents[0]);
  Write("catalog_data", "csv-quotes", "a,b\n\"x,\"\"y\"\"\",2\r\n");
}

void TokenSeeds() {
  kompas::TokenTable table;
  const absl::Time now = absl::FromUnixSeconds(1'767'225'600);  // 2026-01-01
  if (!table
           .Create("gm0014", {kompas::Scope::kCompass, kompas::Scope::kRecordsRead}, now,
                   now + absl::Hours(24 * 365), "demo")
           .ok() ||
      !table.Create("gm0935", {kompas::Scope::kCatalogAdmin}, now, now + absl::Hours(1), "").ok()) {
    std::exit(1);
  }
  if (!table.Revoke(table.records()[1].id, now).ok()) std::exit(1);
  Write("tokens", "two-tokens.jsonl", table.Serialize());
  Write("tokens", "comment-and-blank.jsonl", "# tokens\n\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <out dir> [<data dir>]\n", argv[0]);
    return 2;
  }
  g_out = argv[1];
  g_data = argc > 2 ? argv[2] : KOMPAS_DATA_DIR;
  auto budget_data =
      kompas::budget::LoadBudgetData(kompas::budget::BudgetDataFiles::InDirectory(g_data.string()));
  if (!budget_data.ok()) {
    std::fprintf(stderr, "budget data: %s\n", budget_data.status().ToString().c_str());
    return 1;
  }
  const kompas::budget::BudgetLogic budget(*budget_data,
                                           [] { return absl::CivilDay(2026, 3, 16); });
  auto store = kompas::catalog::CatalogStore::Open(
      {(g_data / "jobs").string(), (g_data / "regions").string()});
  if (!store.ok()) {
    std::fprintf(stderr, "catalog: %s\n", store.status().ToString().c_str());
    return 1;
  }
  kompas::catalog::CatalogLogic catalog(store->get());
  BudgetSeeds();
  CatalogSeeds();
  MatchingSeeds(budget, catalog);
  CaseRecordSeeds();
  LoaderSeeds();
  TokenSeeds();
  std::printf("seeds written to %s\n", g_out.c_str());
  return 0;
}
