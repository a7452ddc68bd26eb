// The shipped data/jobs files: counts, known figures, lookups, search and career steps.
#include "services/catalog/data/catalog_data.h"

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kompas::catalog {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Dirs() {
  return {absl::StrCat(KOMPAS_DATA_DIR, "/jobs"), absl::StrCat(KOMPAS_DATA_DIR, "/regions")};
}

const CatalogData& Data() {
  static const std::shared_ptr<const CatalogData> data = [] {
    absl::StatusOr<std::shared_ptr<const CatalogData>> d = LoadCatalog(Dirs());
    if (!d.ok()) {
      ADD_FAILURE() << d.status();
      std::abort();
    }
    return *d;
  }();
  return *data;
}

std::vector<std::string> Codes(const std::vector<const Occupation*>& list) {
  std::vector<std::string> out;
  for (const Occupation* o : list) out.push_back(o->code);
  return out;
}

TEST(ShippedCatalogTest, Counts) {
  const CatalogData& d = Data();
  EXPECT_EQ(d.classes().size(), 13u);
  EXPECT_EQ(d.segments().size(), 41u);
  EXPECT_EQ(d.occupations().size(), 114u);
  EXPECT_EQ(d.regions().size(), 35u);
  EXPECT_EQ(d.municipalities().size(), 342u);
  std::size_t units = 0;
  for (const Occupation& o : d.occupations()) units += o.isco_units.size();
  EXPECT_EQ(units, 588u);
  EXPECT_EQ(d.files().size(), CatalogFileNames().size() - 1);  // all but the manifest
  EXPECT_EQ(d.version().size(), 64u);
}

TEST(ShippedCatalogTest, VersionIsAContentHashOfTheFiles) {
  absl::StatusOr<std::vector<CatalogFile>> files = ReadCatalogFiles(Dirs());
  ASSERT_TRUE(files.ok()) << files.status();
  std::vector<CatalogFile> reversed(files->rbegin(), files->rend());
  CatalogBuild again = BuildCatalog(reversed);
  ASSERT_TRUE(again.errors.empty());
  EXPECT_EQ(again.data->version(), Data().version());  // file order does not matter
  (*files)[3].content += "\n";                         // content does
  CatalogBuild changed = BuildCatalog(*files);
  ASSERT_TRUE(changed.errors.empty()) << changed.errors[0].ToString();
  EXPECT_NE(changed.data->version(), Data().version());
}

TEST(ShippedCatalogTest, FileInfoCarriesSourceAndSampleFlag) {
  bool seen_demand = false;
  for (const FileInfo& f : Data().files()) {
    EXPECT_FALSE(f.source.empty()) << f.name;
    EXPECT_FALSE(f.licence.empty()) << f.name;
    EXPECT_EQ(f.sha256_hex.size(), 64u) << f.name;
    if (f.name == "cbs85517_brc2014_uurloon_kwartielen_2022.csv") {
      EXPECT_EQ(f.sha256_hex, "a85a0c8937ea07e75b3ea9c0522412c8e936b469c73e65e4273d5535f1ef0998");
      EXPECT_EQ(f.year, 2022);
    }
    if (f.name == "vraag_per_regio.csv") {
      seen_demand = true;
      EXPECT_TRUE(f.sample);
    }
  }
  EXPECT_TRUE(seen_demand);
  EXPECT_TRUE(Data().IsSample(DataSet::kDemand));
  EXPECT_THAT(Data().SampleNote(DataSet::kDemand), HasSubstr("SAMPLE"));
}

TEST(ShippedCatalogTest, WageIndexTo2026) {
  const WageIndex& wi = Data().wage_index();
  EXPECT_EQ(wi.source_year, 2022);
  EXPECT_EQ(wi.target_year, 2026);
  // 1.061 x 1.066 x 1.050 x 1.046, rounded to a millionth after each year.
  EXPECT_EQ(wi.factor_ppm, 1'242'206);
  EXPECT_TRUE(wi.estimated);
  EXPECT_THAT(wi.source, HasSubstr("2026 +4.6 % (geschat)"));
  EXPECT_EQ(wi.minimum_wage_cents, 1471);
  EXPECT_EQ(wi.minimum_wage_valid_from, "2026-01-01");
}

TEST(ShippedCatalogTest, MinimumWageAgreesWithTheBudgetRules) {
  const YAML::Node rules = YAML::LoadFile(absl::StrCat(KOMPAS_DATA_DIR, "/rules/nl/2026-01.yaml"));
  const std::string value = rules["parameters"]["wml.hourly_21plus"]["value"].as<std::string>();
  EXPECT_EQ(value, "14.71");
  EXPECT_EQ(Data().wage_index().minimum_wage_cents, 1471);
}

TEST(ShippedCatalogTest, KnownWageFigures) {
  const Occupation* docent = Data().FindOccupation("0111");
  ASSERT_NE(docent, nullptr);
  EXPECT_EQ(docent->title, "Docenten hoger onderwijs en hoogleraren");
  EXPECT_EQ(docent->wages.source_p50_cents, 3410);  // CSV: 34.1
  EXPECT_EQ(docent->wages.p50_cents, 4236);         // 3410 x 1.242206 = 4235.92
  EXPECT_EQ(docent->wages.published_for, "0111");
  EXPECT_EQ(docent->wages.employees_thousands, 71);
  EXPECT_FALSE(docent->wages.p25_raised_to_minimum);

  // Kassamedewerkers: p25 6.7 and p50 9.0 are youth wages; raised to the 2026 WML.
  const Occupation* kassa = Data().FindOccupation("0333");
  ASSERT_NE(kassa, nullptr);
  EXPECT_EQ(kassa->wages.source_p25_cents, 670);
  EXPECT_EQ(kassa->wages.p25_cents, 1471);
  EXPECT_TRUE(kassa->wages.p25_raised_to_minimum);
  EXPECT_TRUE(kassa->wages.p50_raised_to_minimum);
  EXPECT_FALSE(kassa->wages.p75_raised_to_minimum);
  EXPECT_EQ(kassa->wages.p75_cents, 1689);  // 1360 x 1.242206 = 1689.40
}

TEST(ShippedCatalogTest, UnpublishedGroupsUseTheirSegmentOrKlasse) {
  const Occupation* bib = Data().FindOccupation("0211");
  ASSERT_NE(bib, nullptr);
  EXPECT_EQ(bib->wages.published_for, "021");
  EXPECT_EQ(bib->wages.source_p50_cents, 2690);
  EXPECT_EQ(bib->wages.employees_thousands, 8);
  const Occupation* director = Data().FindOccupation("0511");
  ASSERT_NE(director, nullptr);
  EXPECT_EQ(director->wages.published_for, "05");  // segment 051 is not published either
  EXPECT_EQ(director->wages.source_p50_cents, 3800);
}

TEST(ShippedCatalogTest, EducationDerivedFromIscoSkillLevel) {
  EXPECT_EQ(Data().FindOccupation("0111")->education, EducationLevel::kNlqf6);  // 2310
  EXPECT_EQ(Data().FindOccupation("1121")->education, EducationLevel::kNlqf1);  // 9xxx
  EXPECT_EQ(Data().FindOccupation("1051")->education, EducationLevel::kNlqf2);  // 5xxx
  EXPECT_EQ(Data().FindOccupation("1033")->education, EducationLevel::kNlqf4);  // 3xxx
  EXPECT_EQ(Data().FindOccupation("0541")->education, EducationLevel::kNlqf4);  // 14xx
  const Occupation* koks = Data().FindOccupation("1112");  // one unit at 3, one at 2: the lower
  EXPECT_EQ(koks->skill_level, 2);
  EXPECT_EQ(koks->education_derivation,
            "Afgeleid: ISCO-08-vaardigheidsniveau 2 (1 van de 2 ISCO-eenheden) geeft nlqf2: "
            "ISCED 2-3 (secondary education): MBO 2, the startkwalificatie.");
}

TEST(ShippedCatalogTest, CaoWagesAttached) {
  const Occupation* opvang = Data().FindOccupation("0131");
  ASSERT_FALSE(opvang->cao_wages.empty());
  // EUR 2,641 a month at 36 hours: 2641 x 12 / 52 / 36 = 16.93.
  EXPECT_EQ(opvang->cao_wages[0].hourly_cents, 1693);
  EXPECT_EQ(opvang->cao_wages[0].scale, "schaal 6 (pedagogisch professional), trede 10");
  const Occupation* schoon = Data().FindOccupation("1121");
  ASSERT_FALSE(schoon->cao_wages.empty());
  EXPECT_EQ(schoon->cao_wages[0].hourly_cents, 1483);
  EXPECT_EQ(schoon->cao_wages[0].valid_year, 2025);
  EXPECT_EQ(schoon->cao_wages[0].valid_month, 7);
}

TEST(ShippedCatalogTest, RegionsAndMunicipalities) {
  const CatalogData& d = Data();
  EXPECT_EQ(d.regions().front().code, "AM01");
  EXPECT_EQ(d.regions().back().code, "AM38");
  EXPECT_EQ(d.FindRegion("AM04"), nullptr);
  ASSERT_NE(d.FindRegion("am30"), nullptr);
  EXPECT_EQ(d.FindRegion("AM30")->name, "Zuid-Limburg");
  EXPECT_EQ(d.FindRegionByName("Food Valley")->code, "AM38");
  EXPECT_EQ(d.FindRegionByName("foodvalley")->code, "AM38");
  EXPECT_EQ(d.FindRegionByName("Zaanstreek / Waterland")->code, "AM17");
  std::size_t total = 0;
  for (const Region& r : d.regions()) total += r.municipalities.size();
  EXPECT_EQ(total, 342u);
}

TEST(ShippedCatalogTest, ResolveMunicipality) {
  const CatalogData& d = Data();
  const auto code = [&d](const char* q) {
    const Municipality* m = d.ResolveMunicipality(q);
    return m == nullptr ? std::string("-") : m->code;
  };
  EXPECT_EQ(code("GM0014"), "GM0014");
  EXPECT_EQ(code("gm0014"), "GM0014");
  EXPECT_EQ(code("0014"), "GM0014");
  EXPECT_EQ(code("Groningen"), "GM0014");
  EXPECT_EQ(code("  maastricht "), "GM0935");
  EXPECT_EQ(code("Gemeente Maastricht"), "GM0935");
  EXPECT_EQ(code("Den Bosch"), "GM0796");
  EXPECT_EQ(code("'s-Hertogenbosch"), "GM0796");
  EXPECT_EQ(code("s Hertogenbosch"), "GM0796");
  EXPECT_EQ(code("Den Haag"), "GM0518");
  EXPECT_EQ(code("Sudwest Fryslan"), "GM1900");
  EXPECT_EQ(code("SÚDWEST-FRYSLÂN"), "GM1900");
  EXPECT_EQ(code("Bergen (NH.)"), "GM0373");
  EXPECT_EQ(code("Bergen (Limburg)"), "GM0893");
  EXPECT_EQ(code("Bergen"), "-");  // two gemeenten: no guess
  EXPECT_EQ(code("9999"), "-");
  EXPECT_EQ(code("Atlantis"), "-");
  EXPECT_EQ(d.regions()[static_cast<std::size_t>(d.ResolveMunicipality("Maastricht")->region)].code,
            "AM30");
}

TEST(ShippedCatalogTest, SearchOrdersByDemandThenWageThenCode) {
  const CatalogData& d = Data();
  const Region& region = *d.FindRegion("AM30");
  const std::vector<const Occupation*> all = d.SearchOccupations(region, {});
  ASSERT_EQ(all.size(), 114u);
  const auto r = static_cast<std::size_t>(region.index);
  for (std::size_t i = 1; i < all.size(); ++i) {
    const Occupation& a = *all[i - 1];
    const Occupation& b = *all[i];
    ASSERT_GE(a.demand[r].level, b.demand[r].level) << a.code << " " << b.code;
    if (a.demand[r].level == b.demand[r].level) {
      ASSERT_GE(a.wages.p50_cents, b.wages.p50_cents) << a.code << " " << b.code;
      if (a.wages.p50_cents == b.wages.p50_cents) {
        ASSERT_LT(a.code, b.code);
      }
    }
  }
}

TEST(ShippedCatalogTest, SearchFilters) {
  const CatalogData& d = Data();
  const Region& region = *d.FindRegion("AM30");
  const auto r = static_cast<std::size_t>(region.index);
  SearchFilter f;
  f.minimum_demand = DemandLevel::kKrap;
  f.maximum_education = EducationLevel::kNlqf2;
  f.minimum_median_cents = 2500;
  const std::vector<const Occupation*> found = d.SearchOccupations(region, f);
  ASSERT_FALSE(found.empty());
  std::size_t expected = 0;
  for (const Occupation& o : d.occupations()) {
    if (o.demand[r].level >= DemandLevel::kKrap && o.education <= EducationLevel::kNlqf2 &&
        o.wages.p50_cents >= 2500) {
      ++expected;
    }
  }
  EXPECT_EQ(found.size(), expected);
  for (const Occupation* o : found) {
    EXPECT_GE(o->demand[r].level, DemandLevel::kKrap);
    EXPECT_LE(o->education, EducationLevel::kNlqf2);
    EXPECT_GE(o->wages.p50_cents, 2500);
  }
}

TEST(ShippedCatalogTest, SearchTextIsAccentAndCaseInsensitiveOverUnitTitles) {
  const CatalogData& d = Data();
  const Region& region = *d.FindRegion("AM01");
  SearchFilter f;
  f.query = "VRACHTWAGEN";
  EXPECT_THAT(Codes(d.SearchOccupations(region, f)), ElementsAre("1214"));
  f.query = "conciërges";
  EXPECT_THAT(Codes(d.SearchOccupations(region, f)), ElementsAre("1115"));
  f.query = "concierges schoonmaak";  // every word must occur
  EXPECT_THAT(Codes(d.SearchOccupations(region, f)), ElementsAre("1115"));
  f.query = "hoogleraren xyz";
  EXPECT_TRUE(d.SearchOccupations(region, f).empty());
}

TEST(ShippedCatalogTest, CareerStepsBreadthFirst) {
  const CatalogData& d = Data();
  const Occupation& vakkenvuller = *d.FindOccupation("1221");
  absl::StatusOr<std::vector<CareerStepResult>> steps = d.ListCareerSteps(vakkenvuller, 3);
  ASSERT_TRUE(steps.ok()) << steps.status();
  ASSERT_GE(steps->size(), 3u);
  std::vector<std::string> depth1;
  int last_depth = 1;
  int64_t last_gain = INT64_MAX;
  for (const CareerStepResult& s : *steps) {
    ASSERT_GE(s.depth, last_depth);
    if (s.depth != last_depth) last_gain = INT64_MAX;
    ASSERT_LE(s.wage_gain_cents, last_gain);
    last_depth = s.depth;
    last_gain = s.wage_gain_cents;
    const Occupation& from = d.occupations()[static_cast<std::size_t>(s.edge->from)];
    const Occupation& to = d.occupations()[static_cast<std::size_t>(s.edge->to)];
    EXPECT_EQ(s.wage_gain_cents, to.wages.p50_cents - from.wages.p50_cents);
    EXPECT_NE(to.code, "1221");
    if (s.depth == 1) depth1.push_back(to.code);
  }
  EXPECT_THAT(depth1, ::testing::UnorderedElementsAre("1214", "1215", "0435"));
  EXPECT_EQ((*steps)[0].edge->derivation, StepDerivation::kCurated);
  EXPECT_TRUE((*steps)[0].edge->sample);
  EXPECT_FALSE(d.ListCareerSteps(vakkenvuller, 0).ok());
  EXPECT_FALSE(d.ListCareerSteps(vakkenvuller, 6).ok());
}

TEST(ShippedCatalogTest, RuleEdgesFollowTheRule) {
  const CatalogData& d = Data();
  int rule_edges = 0;
  for (const CareerEdge& e : d.career_edges()) {
    if (e.derivation != StepDerivation::kRule) continue;
    ++rule_edges;
    const Occupation& a = d.occupations()[static_cast<std::size_t>(e.from)];
    const Occupation& b = d.occupations()[static_cast<std::size_t>(e.to)];
    EXPECT_EQ(a.segment, b.segment);
    EXPECT_EQ(b.skill_level, a.skill_level + 1);
    EXPECT_GT(b.wages.p50_cents, a.wages.p50_cents);
    EXPECT_THAT(e.note, HasSubstr("zelfde BRC-segment"));
  }
  EXPECT_GT(rule_edges, 0);
  // Taxi driver (1212, skill 2) -> deck officer / pilot (1211, skill 3) in segment 121.
  bool found = false;
  for (const CareerEdge* e : d.EdgesFrom(*d.FindOccupation("1212"))) {
    if (d.occupations()[static_cast<std::size_t>(e->to)].code == "1211") {
      found = true;
      EXPECT_EQ(e->derivation, StepDerivation::kRule);
      EXPECT_EQ(e->training.level, EducationLevel::kNlqf4);  // generic route to NLQF 4
      EXPECT_EQ(e->training.typical_months, 48);
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace kompas::catalog
