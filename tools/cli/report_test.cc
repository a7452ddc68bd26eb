#include "tools/cli/report.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kompas::cli {
namespace {

using ::testing::HasSubstr;
namespace v1 = ::kompas::caserecord::v1;

TEST(ReportCliTest, RequestFromOptions) {
  ReportOptions o;
  o.from = "2026-07";
  o.to = "2026-09";
  o.by_region = true;
  o.csv = true;
  absl::StatusOr<v1::GetNetworkReportRequest> r = ReportRequestFromOptions(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->period_start().year(), 2026);
  EXPECT_EQ(r->period_start().month(), 7);
  EXPECT_EQ(r->period_start().day(), 0);
  EXPECT_EQ(r->period_end().month(), 9);
  EXPECT_TRUE(r->group_by_region());
  EXPECT_FALSE(r->group_by_cohort());
  EXPECT_TRUE(r->include_csv());
}

TEST(ReportCliTest, BadMonthsNameTheFlag) {
  ReportOptions o;
  o.from = "2026-1";
  o.to = "2026-09";
  EXPECT_THAT(ReportRequestFromOptions(o).status().message(), HasSubstr("--from"));
  o.from = "2026-01";
  o.to = "2026-13";
  EXPECT_THAT(ReportRequestFromOptions(o).status().message(), HasSubstr("--to"));
  o.to = "";
  EXPECT_THAT(ReportRequestFromOptions(o).status().message(), HasSubstr("--to=yyyy-mm"));
}

TEST(ReportCliTest, TableShowsSuppressedAsStarAndScales) {
  v1::NetworkReport report;
  report.mutable_period_start()->set_year(2026);
  report.mutable_period_start()->set_month(7);
  report.mutable_period_end()->set_year(2026);
  report.mutable_period_end()->set_month(9);
  report.set_k(10);
  v1::ReportRow* row = report.add_rows();
  row->set_region("regions/AM01");
  row->mutable_participants()->set_value(21);
  for (int p = 1; p <= 5; ++p) {
    v1::PillarChange* c = row->add_pillar_changes();
    c->set_pillar(static_cast<v1::Pillar>(p));
    c->mutable_mean_change_milli()->set_value(p == 1 ? 1150 : -63);
    if (p == 3) c->mutable_mean_change_milli()->set_suppression(v1::SUPPRESSION_PRIMARY);
  }
  row->mutable_jobs_started()->set_value(11);
  row->mutable_left_bijstand()->set_suppression(v1::SUPPRESSION_COMPLEMENTARY);
  row->mutable_lonend_share_ppm()->set_value(523810);
  *report.add_rows() = *row;
  report.mutable_rows(1)->clear_region();
  const std::string table = FormatReportTable(report);
  EXPECT_THAT(table, HasSubstr("2026-07 t/m 2026-09"));
  EXPECT_THAT(table, HasSubstr("AM01"));
  EXPECT_THAT(table, HasSubstr("total"));
  // 1150 thousandths = 1.15 rungs; -63 = -0.06; 523810 ppm = 52.4 %.
  EXPECT_THAT(table, HasSubstr("1.15"));
  EXPECT_THAT(table, HasSubstr("-0.06"));
  EXPECT_THAT(table, HasSubstr("52.4"));
  EXPECT_THAT(table, HasSubstr("*"));
}

}  // namespace
}  // namespace kompas::cli
