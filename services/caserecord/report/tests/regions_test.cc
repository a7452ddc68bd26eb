#include "services/caserecord/report/regions.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kompas::caserecord::report {
namespace {

using ::testing::HasSubstr;

TEST(RegionsTest, LoadsTheShippedTable) {
  absl::StatusOr<RegionMap> map = LoadRegions(KOMPAS_REGIONS_CSV);
  ASSERT_TRUE(map.ok()) << map.status();
  // The file's first rows: GM0014 Groningen in AM01 Groningen, GM0034 Almere in AM11 Flevoland.
  const Region* groningen = map->RegionOf("GM0014");
  ASSERT_NE(groningen, nullptr);
  EXPECT_EQ(groningen->code, "AM01");
  EXPECT_EQ(groningen->name, "Groningen");
  ASSERT_NE(map->RegionOf("GM0034"), nullptr);
  EXPECT_EQ(map->RegionOf("GM0034")->code, "AM11");
  EXPECT_EQ(RegionMap::ResourceName(*groningen), "regions/AM01");
  EXPECT_EQ(map->RegionOf("GM9999"), nullptr);
  // 343 lines: the header and the 342 gemeenten of 2026; the Netherlands has 35 regions.
  EXPECT_EQ(map->gemeente_count(), 342u);
  EXPECT_EQ(map->region_count(), 35u);
}

TEST(RegionsTest, RejectsMalformedFilesNamingLineAndColumn) {
  const std::string header = "gm_code,gemeente_naam,am_code,am_naam\n";
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {"gm,naam,am,naam\nGM0014,Groningen,AM01,Groningen\n", "r.csv:1: header"},
      {header, "r.csv:1: header: no rows"},
      {header + "GM14,Groningen,AM01,Groningen\n", "r.csv:2: gm_code: must be GM + 4 digits"},
      {header + "GM0014,Groningen,AM01,Groningen\nGM0014,Groningen,AM01,Groningen\n",
       "r.csv:3: gm_code: duplicate gemeente GM0014"},
      {header + "GM0014,,AM01,Groningen\n", "r.csv:2: gemeente_naam: must not be empty"},
      {header + "GM0014,Groningen,A01,Groningen\n", "r.csv:2: am_code: must be AM + 2 digits"},
      {header + "GM0014,Groningen,AM01,\n", "r.csv:2: am_naam: must not be empty"},
      {header + "GM0014,Groningen,AM01,Groningen\nGM0037,Stadskanaal,AM01,Drenthe\n",
       "r.csv:3: am_naam: region AM01 is named 'Groningen'"},
      {header + "GM0014,Groningen,AM01\n", "r.csv:2: row: has 3 fields"},
      {header + "GM0014,\"Groningen,AM01,Groningen\n", "r.csv:2"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<RegionMap> map = ParseRegions(c.text, "r.csv");
    ASSERT_FALSE(map.ok()) << c.text;
    EXPECT_EQ(map.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(map.status().message(), HasSubstr(c.message)) << c.text;
  }
}

TEST(RegionsTest, MissingFileIsNotFoundNamingThePath) {
  absl::StatusOr<RegionMap> map = LoadRegions("/nonexistent/regions.csv");
  EXPECT_EQ(map.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(map.status().message(), HasSubstr("/nonexistent/regions.csv"));
}

}  // namespace
}  // namespace kompas::caserecord::report
