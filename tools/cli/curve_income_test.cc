#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tools/cli/curve.h"
#include "tools/cli/income.h"

namespace kompas::cli {
namespace {

using ::testing::HasSubstr;
namespace bv1 = ::kompas::budget::v1;

TEST(SituationsTest, ParsesHoursAndWagesExactly) {
  absl::StatusOr<std::vector<Situation>> s = ParseSituations("0, 24@wml,36@1.3wml,20@19.12");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->size(), 4u);
  EXPECT_EQ((*s)[0].hours, 0);
  EXPECT_EQ((*s)[1].wage_factor_ppm, 1'000'000);
  EXPECT_EQ((*s)[2].wage_factor_ppm, 1'300'000);
  EXPECT_EQ((*s)[3].hourly_cents, 1912);
  EXPECT_THAT(std::string(ParseSituations("24").status().message()), HasSubstr("give a wage"));
  EXPECT_THAT(std::string(ParseSituations("90@wml").status().message()), HasSubstr("0..80"));
  EXPECT_FALSE(ParseSituations("10@1.234").ok());
  EXPECT_FALSE(ParseSituations("").ok());
}

TEST(CurveSvgTest, DrawsBandsTheRequiredBudgetAndEveryCliff) {
  bv1::GetIncomeCurveResponse curve;
  curve.mutable_required_budget()->set_cents(200'000);
  for (int h = 0; h <= 2; ++h) {
    bv1::CurvePoint* p = curve.add_points();
    p->mutable_position()->set_minutes_per_week(h * 60);
    p->mutable_position()->mutable_gross_monthly_income()->set_cents(h * 6'000);
    p->mutable_position()->mutable_disposable_income()->set_cents(h == 1 ? 150'000 : 160'000);
    bv1::ComponentAmount* c = p->add_components();
    c->set_component(bv1::INCOME_COMPONENT_BIJSTAND);
    c->mutable_monthly_amount()->set_cents(150'000);
  }
  bv1::Cliff* cliff = curve.add_cliffs();
  *cliff->mutable_before() = curve.points(0).position();
  *cliff->mutable_after() = curve.points(1).position();
  cliff->mutable_drop()->set_cents(10'000);
  cliff->set_explanation("Van 0 naar 1 uur <test> & meer");
  const std::string svg = CurveSvg(curve, "Titel");
  EXPECT_THAT(svg, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_THAT(svg, HasSubstr("Bijstand"));
  EXPECT_THAT(svg, HasSubstr("Nodig: € 2.000,00"));
  EXPECT_THAT(svg, HasSubstr("klif −€ 100,00"));
  EXPECT_THAT(svg, HasSubstr("&lt;test&gt; &amp; meer"));  // text is escaped
  EXPECT_THAT(svg, ::testing::EndsWith("</svg>\n"));
  EXPECT_THAT(FormatCurveTable(curve), HasSubstr("Van 0 naar 1 uur"));
}

}  // namespace
}  // namespace kompas::cli
