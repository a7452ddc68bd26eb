#include "services/catalog/data/to_proto.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kompas::catalog {
namespace {

using ::testing::HasSubstr;

const CatalogData& Data() {
  static const std::shared_ptr<const CatalogData> data = [] {
    absl::StatusOr<std::shared_ptr<const CatalogData>> d = LoadCatalog(
        {absl::StrCat(KOMPAS_DATA_DIR, "/jobs"), absl::StrCat(KOMPAS_DATA_DIR, "/regions")},
        absl::FromUnixSeconds(1'767'225'600));
    if (!d.ok()) std::abort();
    return *d;
  }();
  return *data;
}

TEST(ToProtoTest, ResourceNames) {
  EXPECT_EQ(CodeFromResourceName("regions/AM01", "regions"), "AM01");
  EXPECT_EQ(CodeFromResourceName("regions/", "regions"), "");
  EXPECT_EQ(CodeFromResourceName("regionsAM01", "regions"), "");
  EXPECT_EQ(CodeFromResourceName("occupations/0111", "regions"), "");
  EXPECT_EQ(ResourceName(*Data().FindOccupation("0111")), "occupations/0111");
}

TEST(ToProtoTest, OccupationWithOneRegion) {
  const CatalogData& d = Data();
  v1::Occupation o;
  OccupationToProto(d, *d.FindOccupation("0333"), d.FindRegion("AM30"), &o);
  EXPECT_EQ(o.name(), "occupations/0333");
  EXPECT_EQ(o.title(), "Kassamedewerkers");
  EXPECT_EQ(o.segment().code(), "033");
  EXPECT_EQ(o.brc_class().title(), "Commerciële beroepen");
  EXPECT_EQ(o.wages().p25().cents(), 1471);
  EXPECT_TRUE(o.wages().p25_raised_to_minimum());
  EXPECT_EQ(o.wages().statutory_minimum().cents(), 1471);
  EXPECT_EQ(o.wages().source_year(), 2022);
  EXPECT_EQ(o.wages().indexed_to_year(), 2026);
  EXPECT_EQ(o.wages().index_factor().ppm(), 1'242'206);
  EXPECT_TRUE(o.wages().index_estimated());
  EXPECT_EQ(o.wages().published_for_brc_code(), "0333");
  EXPECT_EQ(o.wages().employees_thousands(), 86);
  EXPECT_EQ(o.education().level(), v1::EDUCATION_LEVEL_NLQF_2);
  EXPECT_TRUE(o.education().derived());
  ASSERT_EQ(o.demand_size(), 1);
  EXPECT_EQ(o.demand(0).region(), "regions/AM30");
  EXPECT_TRUE(o.demand(0).sample());
  EXPECT_EQ(o.demand(0).quarter(), "2026-Q1");
  ASSERT_EQ(o.training_routes_size(), 1);
  EXPECT_EQ(o.training_routes(0).pathway(), v1::TRAINING_PATHWAY_MBO_BOL);
  EXPECT_TRUE(o.training_routes(0).sample());
  EXPECT_EQ(o.data_version(), d.version());

  v1::Occupation all;
  OccupationToProto(d, *d.FindOccupation("0333"), nullptr, &all);
  EXPECT_EQ(all.demand_size(), 35);
}

TEST(ToProtoTest, CaoWage) {
  const CatalogData& d = Data();
  v1::Occupation o;
  OccupationToProto(d, *d.FindOccupation("0131"), nullptr, &o);
  ASSERT_GE(o.cao_wages_size(), 1);
  EXPECT_EQ(o.cao_wages(0).hourly_wage().cents(), 1693);
  EXPECT_EQ(o.cao_wages(0).valid_from().year(), 2025);
  EXPECT_EQ(o.cao_wages(0).valid_from().month(), 7);
  EXPECT_EQ(o.cao_wages(0).valid_from().day(), 1);
  EXPECT_THAT(o.cao_wages(0).source_url(), HasSubstr("https://"));
}

TEST(ToProtoTest, RegionAndMunicipality) {
  const CatalogData& d = Data();
  v1::Region r;
  RegionToProto(d, *d.FindRegion("AM38"), true, &r);
  EXPECT_EQ(r.name(), "regions/AM38");
  EXPECT_EQ(r.display_name(), "FoodValley");
  EXPECT_THAT(r.aliases(), ::testing::ElementsAre("Food Valley"));
  ASSERT_GT(r.municipalities_size(), 0);
  EXPECT_EQ(r.municipalities(0).region(), "regions/AM38");
  v1::Region bare;
  RegionToProto(d, *d.FindRegion("AM38"), false, &bare);
  EXPECT_EQ(bare.municipalities_size(), 0);
  v1::Municipality m;
  MunicipalityToProto(d, *d.ResolveMunicipality("Den Bosch"), &m);
  EXPECT_EQ(m.name(), "municipalities/GM0796");
  EXPECT_EQ(m.display_name(), "'s-Hertogenbosch");
  EXPECT_EQ(m.region(), "regions/AM27");
}

TEST(ToProtoTest, CareerStepAndProvenance) {
  const CatalogData& d = Data();
  absl::StatusOr<std::vector<CareerStepResult>> steps =
      d.ListCareerSteps(*d.FindOccupation("1122"), 1);
  ASSERT_TRUE(steps.ok());
  ASSERT_EQ(steps->size(), 1u);
  v1::CareerStep s;
  CareerStepToProto(d, (*steps)[0], d.FindRegion("AM01"), &s);
  EXPECT_EQ(s.from_occupation(), "occupations/1122");
  EXPECT_EQ(s.to_occupation(), "occupations/1112");
  EXPECT_EQ(s.to_title(), "Koks");
  EXPECT_EQ(s.training().pathway(), v1::TRAINING_PATHWAY_MBO_BBL);
  EXPECT_TRUE(s.training().paid());
  EXPECT_EQ(s.depth(), 1);
  EXPECT_EQ(s.derivation(), v1::STEP_DERIVATION_CURATED);
  EXPECT_TRUE(s.sample());
  EXPECT_EQ(s.to_demand().region(), "regions/AM01");
  EXPECT_EQ(s.median_wage_gain().cents(),
            d.FindOccupation("1112")->wages.p50_cents - d.FindOccupation("1122")->wages.p50_cents);

  type::v1::DataProvenance p;
  ProvenanceToProto(d, {DataSet::kDemand, DataSet::kCuratedSteps}, &p);
  EXPECT_EQ(p.data_version(), d.version());
  EXPECT_TRUE(p.sample_data());
  ASSERT_EQ(p.sample_notes_size(), 2);
  EXPECT_THAT(p.sample_notes(0), HasSubstr("vraag_per_regio.csv"));
}

TEST(ToProtoTest, DataVersionAndErrors) {
  const CatalogData& d = Data();
  v1::DataVersion v;
  DataVersionToProto(d, &v);
  EXPECT_EQ(v.data_version(), d.version());
  EXPECT_EQ(v.load_time().seconds(), 1'767'225'600);
  EXPECT_EQ(v.files_size(), 15);
  v1::DataError e;
  DataErrorToProto({"a.csv", 4, "p50", "bad"}, &e);
  EXPECT_EQ(e.file_name(), "a.csv");
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.column(), "p50");
  EXPECT_EQ(e.message(), "bad");
}

}  // namespace
}  // namespace kompas::catalog
