// Validation of broken catalogue files: every error, with its exact message.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/catalog/data/catalog_data.h"

namespace kompas::catalog {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kWages[] = "cbs85517_brc2014_uurloon_kwartielen_2022.csv";

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::vector<CatalogFile>> files = ReadCatalogFiles(
        {absl::StrCat(KOMPAS_DATA_DIR, "/jobs"), absl::StrCat(KOMPAS_DATA_DIR, "/regions")});
    ASSERT_TRUE(files.ok()) << files.status();
    files_ = *std::move(files);
  }

  std::string& File(const std::string& name) {
    for (CatalogFile& f : files_) {
      if (f.name == name) return f.content;
    }
    ADD_FAILURE() << "no file " << name;
    static std::string none;
    return none;
  }

  // Replaces the one occurrence of `from` in a file.
  void Replace(const std::string& name, const std::string& from, const std::string& to) {
    std::string& content = File(name);
    const std::size_t at = content.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    ASSERT_EQ(content.find(from, at + 1), std::string::npos) << from << " occurs twice";
    content.replace(at, from.size(), to);
  }

  std::vector<std::string> Errors() {
    CatalogBuild build = BuildCatalog(files_);
    std::vector<std::string> out;
    for (const DataError& e : build.errors) out.push_back(e.ToString());
    EXPECT_EQ(build.data == nullptr, !out.empty());
    return out;
  }

  std::vector<CatalogFile> files_;
};

TEST_F(LoaderTest, ShippedFilesAreValid) { EXPECT_THAT(Errors(), IsEmpty()); }

TEST_F(LoaderTest, WageNotANumber) {
  Replace(kWages, "0111,0111 Docenten hoger onderwijs en hoog...,71,23.6,34.1,40.0",
          "0111,0111 Docenten hoger onderwijs en hoog...,71,23.6,34,1,40.0");
  Replace(kWages, "0112,0112 Docenten beroepsgerichte vakken ...,38,24.7,29.6,33.8",
          "0112,0112 Docenten beroepsgerichte vakken ...,38,24.7,2x.6,33.8");
  EXPECT_THAT(Errors(),
              ElementsAre(absl::StrCat(kWages, ": brc: no row for beroepsgroep 0111"),
                          absl::StrCat(kWages, ": brc: no row for beroepsgroep 0112"),
                          absl::StrCat(kWages, ":5: expected 6 fields, found 7"),
                          absl::StrCat(kWages,
                                       ":6: p50: '2x.6' is not a number (expected an hourly wage "
                                       "in euros, e.g. 17.90)")));
}

TEST_F(LoaderTest, PercentilesOutOfOrder) {
  Replace(kWages, ",71,23.6,34.1,40.0", ",71,35.0,34.1,40.0");
  Replace(kWages, ",38,24.7,29.6,33.8", ",38,24.7,29.6,29.5");
  Replace(kWages, ",105,24.6,31.5,36.9", ",105,24.6,,36.9");
  EXPECT_THAT(Errors(),
              ElementsAre(absl::StrCat(kWages, ": brc: no row for beroepsgroep 0111"),
                          absl::StrCat(kWages, ": brc: no row for beroepsgroep 0112"),
                          absl::StrCat(kWages, ": brc: no row for beroepsgroep 0113"),
                          absl::StrCat(kWages, ":5: p25: p25 (35.0) is greater than p50 (34.1)"),
                          absl::StrCat(kWages, ":6: p50: p50 (29.6) is greater than p75 (29.5)"),
                          absl::StrCat(kWages,
                                       ":7: p25, p50 and p75 must be all given or all blank (not "
                                       "published)")));
}

TEST_F(LoaderTest, UnknownAndDuplicateCodes) {
  Replace(kWages, "0121,0121 Beroepsgroep sportinstructeurs,33,12.5,16.3,21.7",
          "0121,0121 Beroepsgroep sportinstructeurs,33,12.5,16.3,21.7\n"
          "0121,again,33,12.5,16.3,21.7\n9999,unknown,1,1.0,2.0,3.0");
  EXPECT_THAT(Errors(), ElementsAre(absl::StrCat(kWages, ":12: brc: duplicate BRC code '0121'"),
                                    absl::StrCat(kWages, ":13: brc: unknown BRC code '9999'")));
}

TEST_F(LoaderTest, UnknownRegionAndWrongRegionName) {
  Replace("gemeente_arbeidsmarktregio_2026.csv", "GM0014,Groningen,AM01,Groningen",
          "GM0014,Groningen,AM99,Groningen");
  Replace("gemeente_arbeidsmarktregio_2026.csv", "GM0034,Almere,AM11,Flevoland",
          "GM0034,Almere,AM11,Flevopolder");
  Replace("vraag_per_regio.csv", "0111,AM01,zeer_krap,2026-Q1", "0111,AM04,zeer_krap,2026-Q1");
  EXPECT_THAT(
      Errors(),
      ElementsAre("gemeente_arbeidsmarktregio_2026.csv:2: am_code: unknown region 'AM99'",
                  "gemeente_arbeidsmarktregio_2026.csv:3: am_naam: 'Flevopolder' is not the "
                  "name of AM11 in arbeidsmarktregios_2025.csv ('Flevoland')",
                  "vraag_per_regio.csv:6: am_code: unknown region 'AM04'"));
}

TEST_F(LoaderTest, DemandRowsChecked) {
  Replace("vraag_per_regio.csv", "0111,AM02,zeer_krap,2026-Q1",
          "0111,AM01,zeer_krap,2026-Q1");  // AM01 twice
  Replace("vraag_per_regio.csv", "0111,AM03,krap,2026-Q1", "0111,AM03,heel krap,2026-Q5");
  Replace("vraag_per_regio.csv", "0112,AM01,", "0110,AM01,");
  EXPECT_THAT(
      Errors(),
      ElementsAre(
          "vraag_per_regio.csv:7: duplicate row for beroepsgroep 0111 in region AM01",
          "vraag_per_regio.csv:8: level: 'heel krap' is not zeer_ruim, ruim, gemiddeld, krap "
          "or zeer_krap",
          "vraag_per_regio.csv:8: quarter: '2026-Q5' is not a quarter YYYY-Qn",
          "vraag_per_regio.csv:41: brc: unknown BRC beroepsgroep '0110'"));
}

TEST_F(LoaderTest, TaxonomyCodes) {
  Replace("brc2014_taxonomie.csv", "0112,beroepsgroep,011,", "01X2,beroepsgroep,011,");
  Replace("brc2014_taxonomie.csv", "0113,beroepsgroep,011,", "0113,beroepsgroep,012,");
  Replace("brc2014_taxonomie.csv", "0114,beroepsgroep,011,", "0114,groep,011,");
  const std::vector<std::string> errors = Errors();
  ASSERT_GE(errors.size(), 3u);
  EXPECT_EQ(errors[0],
            "brc2014_taxonomie.csv:9: code: '01X2' is not a 4-digit BRC beroepsgroep code");
  EXPECT_EQ(errors[1], "brc2014_taxonomie.csv:10: parent: '012' is not the segment of '0113'");
  EXPECT_EQ(errors[2],
            "brc2014_taxonomie.csv:11: level: 'groep' is not klasse, segment or beroepsgroep");
  // The other files refer to the three groups that are now missing.
  EXPECT_THAT(errors,
              ::testing::Contains(absl::StrCat(kWages, ":6: brc: unknown BRC code '0112'")));
  EXPECT_THAT(errors, ::testing::Contains(
                          "cbs_isco2008_brc2014_schakelschema.csv:102: brc_group: unknown BRC "
                          "beroepsgroep '0112'"));
}

TEST_F(LoaderTest, SchakelschemaChecked) {
  Replace("cbs_isco2008_brc2014_schakelschema.csv", "0110,Officieren,0634,Militaire beroepen,06",
          "0110,Officieren,0634,Militairen,07");
  Replace("cbs_isco2008_brc2014_schakelschema.csv", "0210,Onderofficieren,",
          "0110,Onderofficieren,");
  EXPECT_THAT(Errors(),
              ElementsAre("cbs_isco2008_brc2014_schakelschema.csv:3: brc_group_label: "
                          "'Militairen' differs from the title of 0634 in brc2014_taxonomie.csv: "
                          "'Militaire beroepen'",
                          "cbs_isco2008_brc2014_schakelschema.csv:3: brc_class: '07' is not the "
                          "klasse of 0634",
                          "cbs_isco2008_brc2014_schakelschema.csv:4: isco08_unit: duplicate "
                          "ISCO-08 unit '0110'"));
}

TEST_F(LoaderTest, IndexMustCoverEveryYearAfterTheWages) {
  Replace("cao_loonindex_85663ned.csv", "2024,6.6,verbatim,", "2024,6,6,verbatim,");
  EXPECT_THAT(Errors(),
              ElementsAre("cao_loonindex_85663ned.csv:9: expected 4 fields, found 5",
                          "cao_loonindex_85663ned.csv:10: year: 2025 does not follow 2023 (years "
                          "must be consecutive)",
                          "cao_loonindex_85663ned.csv:11: year: 2026 does not follow 2023 (years "
                          "must be consecutive)",
                          "wml_uurloon_21plus.csv: valid_from: no minimum wage for 2023, the year "
                          "the wages are indexed to"));
}

TEST_F(LoaderTest, MinimumWageRows) {
  Replace("wml_uurloon_21plus.csv", "2026-01-01,14.71,", "2026-02-30,14.71,");
  Replace("wml_uurloon_21plus.csv", "2025-07-01,14.40,", "2025-07-01,veertien,");
  EXPECT_THAT(
      Errors(),
      ElementsAre("wml_uurloon_21plus.csv: valid_from: no minimum wage for 2026, the year the "
                  "wages are indexed to",
                  "wml_uurloon_21plus.csv:5: hourly_eur: 'veertien' is not an amount in euros "
                  "(expected e.g. 17.90)",
                  "wml_uurloon_21plus.csv:6: valid_from: '2026-02-30' is not a date YYYY-MM-DD"));
}

TEST_F(LoaderTest, HeaderChecked) {
  Replace("arbeidsmarktregios_2025.csv", "am_code,am_naam", "am_code,naam");
  Replace("regio_aliassen.csv", "kind,code,alias,source", "kind,code,alias,source,extra");
  const std::vector<std::string> errors = Errors();
  ASSERT_GE(errors.size(), 3u);
  EXPECT_EQ(errors[0], "arbeidsmarktregios_2025.csv:1: am_naam: missing column");
  EXPECT_EQ(errors[1], "arbeidsmarktregios_2025.csv:1: naam: unknown column");
  EXPECT_EQ(errors[2], "regio_aliassen.csv:6: extra: unknown column");
}

TEST_F(LoaderTest, AliasCollisions) {
  Replace("regio_aliassen.csv", "municipality,GM0796,Den Bosch,common name",
          "municipality,GM0796,Maastricht,wrong\nmunicipality,GM0518,Den Haag,again");
  Replace("regio_aliassen.csv", "region,AM36,Zwolle,", "region,AM36,Twente,");
  EXPECT_THAT(Errors(),
              ElementsAre("regio_aliassen.csv:12: alias: 'Twente' is already the name or an "
                          "alias of AM05",
                          "regio_aliassen.csv:13: alias: 'Maastricht' is already the name or an "
                          "alias of GM0935",
                          "regio_aliassen.csv:15: alias: duplicate alias 'Den Haag' of GM0518"));
}

TEST_F(LoaderTest, TrainingAndStepRowsChecked) {
  Replace("opleidingsroutes.csv", "0131,mbo_bbl,nlqf3,36,true,", "0131,mbo_bbl,nlqf9,0,ja,");
  Replace("loopbaanstappen.csv", "1122,1112,mbo_bbl,nlqf2,", "1122,1122,mbo_bbl,nlqf2,");
  Replace("loopbaanstappen.csv", "1121,1115,course,,6,", "1121,1115,mbo_bbl,,6,");
  EXPECT_THAT(
      Errors(),
      ElementsAre("loopbaanstappen.csv:6: to_brc: a step must lead to another occupation",
                  "loopbaanstappen.csv:8: education_level: may be empty only for a course",
                  "opleidingsroutes.csv:6: education_level: 'nlqf9' is not entry or nlqf1..nlqf8",
                  "opleidingsroutes.csv:6: typical_months: '0' is not a whole number from 1 to 120",
                  "opleidingsroutes.csv:6: paid: 'ja' is not true or false"));
}

TEST_F(LoaderTest, CaoRowsChecked) {
  Replace("cao_lonen_instap.csv", "2641,month,36,2025-07-01", "2641,month,,2025-07-01");
  Replace("cao_lonen_instap.csv", "2990,month,36,2025-07-01", "2990,week,36,2025-7-1");
  const std::vector<std::string> errors = Errors();
  EXPECT_THAT(errors,
              ElementsAre("cao_lonen_instap.csv:31: hours_per_week: '' is not a whole number "
                          "from 1 to 60",
                          "cao_lonen_instap.csv:32: unit: 'week' is not hour or month",
                          "cao_lonen_instap.csv:32: valid_from: '2025-7-1' is not a date "
                          "YYYY-MM-DD, YYYY-MM or YYYY"));
}

TEST_F(LoaderTest, CsvSyntaxErrorNamesTheLine) {
  Replace("regio_aliassen.csv", "region,AM36,Zwolle,", "region,AM36,\"Zwolle,");
  EXPECT_THAT(Errors(),
              ElementsAre("regio_aliassen.csv:12: CSV syntax: unterminated quoted field"));
}

TEST_F(LoaderTest, FileSetChecked) {
  files_.push_back({"extra.csv", "a\n1\n"});
  std::erase_if(files_, [](const CatalogFile& f) { return f.name == "loopbaanstappen.csv"; });
  EXPECT_THAT(Errors(),
              ElementsAre("extra.csv: unknown file: not part of the catalogue (see manifest.csv)",
                          "loopbaanstappen.csv: missing: the catalogue needs this file"));
}

TEST_F(LoaderTest, SampleLabelMustMatchTheManifest) {
  Replace("vraag_per_regio.csv", "# SAMPLE - NOT REAL UWV DATA.", "# UWV data.");
  Replace("manifest.csv", "Curated by the Kompas team, not sourced\",2026,ours,curated,true",
          "Curated by the Kompas team, not sourced\",2026,ours,curated,false");
  EXPECT_THAT(Errors(),
              ElementsAre("manifest.csv:19: sample: the file is marked sample but its first line "
                          "is not a '# SAMPLE' comment",
                          "manifest.csv:20: sample: the file's first line says SAMPLE but the "
                          "manifest marks it as not sample"));
}

TEST_F(LoaderTest, ErrorsToStatusListsThem) {
  EXPECT_TRUE(ErrorsToStatus({}).ok());
  const absl::Status s = ErrorsToStatus(
      {{"a.csv", 3, "p50", "bad"}, {"b.csv", 0, "", "missing"}, {"c.csv", 1, "", "x"}}, 2);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "3 errors in the catalogue files:\na.csv:3: p50: bad\nb.csv: missing\n... and 1 more");
}

}  // namespace
}  // namespace kompas::catalog
