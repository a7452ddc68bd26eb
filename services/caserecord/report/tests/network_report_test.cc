#include "services/caserecord/report/network_report.h"

#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/caserecord/report/k_anonymity.h"
#include "services/caserecord/report/tests/attack.h"

namespace kompas::caserecord::report {
namespace {

using ::testing::HasSubstr;

// 23 November 2026, 12:00 in Amsterdam: the last month a report may end is October 2026.
absl::Time Now() {
  absl::TimeZone amsterdam;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Amsterdam", &amsterdam));
  return absl::FromCivil(absl::CivilSecond(2026, 11, 23, 12, 0, 0), amsterdam);
}

v1::GetNetworkReportRequest Request(int y1, int m1, int y2, int m2, bool by_region = false,
                                    bool by_cohort = false) {
  v1::GetNetworkReportRequest r;
  r.mutable_period_start()->set_year(y1);
  r.mutable_period_start()->set_month(m1);
  r.mutable_period_end()->set_year(y2);
  r.mutable_period_end()->set_month(m2);
  r.set_group_by_region(by_region);
  r.set_group_by_cohort(by_cohort);
  return r;
}

const RegionMap& Regions() {
  static const RegionMap* map = [] {
    absl::StatusOr<RegionMap> m = LoadRegions(KOMPAS_REGIONS_CSV);
    EXPECT_TRUE(m.ok()) << m.status();
    return new RegionMap(*std::move(m));
  }();
  return *map;
}

TEST(ValidateReportRequestTest, NamesTheFieldAndTheRule) {
  struct Case {
    v1::GetNetworkReportRequest request;
    std::string message;
  };
  v1::GetNetworkReportRequest no_start = Request(2026, 1, 2026, 3);
  no_start.clear_period_start();
  v1::GetNetworkReportRequest no_end = Request(2026, 1, 2026, 3);
  no_end.clear_period_end();
  v1::GetNetworkReportRequest with_day = Request(2026, 1, 2026, 3);
  with_day.mutable_period_start()->set_day(1);
  const Case cases[] = {
      {no_start, "period_start: required"},
      {no_end, "period_end: required"},
      {with_day, "period_start: must be a year-month"},
      {Request(2026, 13, 2026, 12), "period_start: must be a year-month"},
      {Request(2026, 1, 2026, 0), "period_end: must be a year-month"},
      {Request(1899, 10, 1899, 12), "period_start: must be a year-month"},
      {Request(2026, 2, 2026, 6), "period_start: must be the first month of a calendar quarter"},
      {Request(2026, 1, 2026, 5), "period_end: must be the last month of a calendar quarter"},
      {Request(2026, 4, 2026, 3), "period_end: must not be before period_start"},
      // Two quarters, or a year: reports would overlap (and could be subtracted).
      {Request(2026, 1, 2026, 6), "period_end: must be the last month of the quarter"},
      {Request(2025, 1, 2025, 12), "period_end: must be the last month of the quarter"},
      // The current quarter has not ended on 23 November 2026 …
      {Request(2026, 10, 2026, 12), "period_end: the period must have ended"},
      // … and the message names the last month that has.
      {Request(2026, 10, 2026, 12), "2026-10"},
  };
  for (const Case& c : cases) {
    const absl::Status s = ValidateReportRequest(c.request, Now());
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(s.message(), HasSubstr(c.message));
  }
  // One calendar quarter that has ended.
  EXPECT_TRUE(ValidateReportRequest(Request(2026, 7, 2026, 9), Now()).ok());
  EXPECT_TRUE(ValidateReportRequest(Request(2026, 1, 2026, 3), Now()).ok());
  EXPECT_TRUE(ValidateReportRequest(Request(2021, 10, 2021, 12), Now()).ok());
}

TEST(PeriodOfTest, WholeDays) {
  const Period p = PeriodOf(Request(2026, 4, 2026, 6));
  EXPECT_EQ(p.first_day, 20260401);
  EXPECT_EQ(p.last_day, 20260631);  // beyond the 30th: every date of June is <= it
}

ParticipantFacts Person(const std::string& gemeente, int32_t intake_month) {
  ParticipantFacts f;
  f.gemeente_code = gemeente;
  f.intake_month = intake_month;
  return f;
}

void Change(ParticipantFacts& f, int pillar, int first, int last) {
  PillarFacts& p = f.pillars[static_cast<size_t>(pillar - 1)];
  p.assessments = 2;
  p.first_level = first;
  p.last_level = last;
}

const v1::PillarChange& PillarOf(const v1::ReportRow& row, v1::Pillar pillar) {
  for (const v1::PillarChange& c : row.pillar_changes()) {
    if (c.pillar() == pillar) return c;
  }
  ADD_FAILURE() << "no pillar " << pillar;
  return row.pillar_changes(0);
}

// 21 participants of GM0014 (region AM01 Groningen), intake January 2026, and one of a gemeente
// that is not in the region table (left out). Worked out by hand:
//   participants 21; jobs started 11 (the other 10 did not: both >= k, published);
//   left bijstand 5 (< k: primary); debts resolved 0 (published); trainings 21 (all; published);
//   family stability: 20 with two assessments, 13 x +1 and 5 x +2 and 2 x 0 → 23 / 20 = 1.150
//     → 1150; participant 20 has one assessment only and is not counted;
//   well-being: 11 measured, 10 x -1 and 1 x +3 → -7 / 11 = -0.6364 → -636;
//   education: 9 measured (< k) → primary;
//   finance: 16 measured, one +1 → 1 / 16 = 0.0625 → 62.5 → 63 (halves away from zero);
//   employment: 16 measured, one -1 → -62.5 → -63;
//   lonend: 21 with a snapshot, the last one lonend for 11 → 11 / 21 = 0.5238095 → 523810 ppm.
std::vector<ParticipantFacts> HandPopulation() {
  std::vector<ParticipantFacts> people;
  for (int i = 0; i < 21; ++i) {
    ParticipantFacts f = Person("GM0014", 202601);
    f.job_started = i < 11;
    f.left_bijstand = i < 5;
    f.training_completed = true;
    if (i < 13) {
      Change(f, 1, 2, 3);
    } else if (i < 18) {
      Change(f, 1, 1, 3);
    } else if (i < 20) {
      Change(f, 1, 4, 4);
    } else {
      f.pillars[0].assessments = 1;
      f.pillars[0].first_level = f.pillars[0].last_level = 1;
    }
    if (i < 10) Change(f, 2, 3, 2);
    if (i == 10) Change(f, 2, 1, 4);
    if (i < 9) Change(f, 3, 1, 5);
    if (i < 16) Change(f, 4, 2, i == 0 ? 3 : 2);
    if (i < 16) Change(f, 5, 3, i == 0 ? 2 : 3);
    f.snapshots = 1 + i % 3;
    f.last_snapshot_lonend = i < 11;
    people.push_back(f);
  }
  ParticipantFacts unknown = Person("GM9999", 202601);
  unknown.job_started = true;
  people.push_back(unknown);
  return people;
}

TEST(BuildNetworkReportTest, HandWorkedFigures) {
  v1::GetNetworkReportRequest request = Request(2026, 7, 2026, 9, /*by_region=*/true);
  request.set_include_csv(true);
  absl::StatusOr<v1::NetworkReport> report =
      BuildNetworkReport(HandPopulation(), Regions(), request, Now());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->k(), 10);
  EXPECT_EQ(report->period_start().year(), 2026);
  EXPECT_EQ(report->period_start().month(), 7);
  EXPECT_EQ(report->period_end().month(), 9);
  EXPECT_EQ(report->create_time().seconds(), absl::ToUnixSeconds(Now()));
  ASSERT_EQ(report->rows_size(), 2);  // AM01, then the total
  EXPECT_EQ(report->rows(0).region(), "regions/AM01");
  EXPECT_FALSE(report->rows(0).has_intake_month());
  EXPECT_EQ(report->rows(1).region(), "");
  for (const v1::ReportRow& row : report->rows()) {
    EXPECT_EQ(row.participants().value(), 21);
    EXPECT_EQ(row.participants().suppression(), v1::SUPPRESSION_UNSPECIFIED);
    EXPECT_EQ(row.jobs_started().value(), 11);
    EXPECT_EQ(row.left_bijstand().suppression(), v1::SUPPRESSION_PRIMARY);
    EXPECT_EQ(row.left_bijstand().value(), 0);
    EXPECT_EQ(row.debts_resolved().value(), 0);
    EXPECT_EQ(row.debts_resolved().suppression(), v1::SUPPRESSION_UNSPECIFIED);
    EXPECT_EQ(row.trainings_completed().value(), 21);
    EXPECT_EQ(PillarOf(row, v1::PILLAR_FAMILY_STABILITY).mean_change_milli().value(), 1150);
    EXPECT_EQ(PillarOf(row, v1::PILLAR_WELL_BEING).mean_change_milli().value(), -636);
    EXPECT_EQ(PillarOf(row, v1::PILLAR_EDUCATION_TRAINING).mean_change_milli().suppression(),
              v1::SUPPRESSION_PRIMARY);
    EXPECT_EQ(PillarOf(row, v1::PILLAR_FINANCIAL_MANAGEMENT).mean_change_milli().value(), 63);
    EXPECT_EQ(PillarOf(row, v1::PILLAR_EMPLOYMENT_CAREER).mean_change_milli().value(), -63);
    EXPECT_EQ(row.lonend_share_ppm().value(), 523810);
  }
  EXPECT_EQ(report->csv(),
            "region,region_name,intake_month,participants,family_stability_change_milli,"
            "well_being_change_milli,education_training_change_milli,"
            "financial_management_change_milli,employment_career_change_milli,jobs_started,"
            "left_bijstand,debts_resolved,trainings_completed,lonend_share_ppm\n"
            "regions/AM01,Groningen,,21,1150,-636,*,63,-63,11,*,0,21,523810\n"
            "total,,,21,1150,-636,*,63,-63,11,*,0,21,523810\n");
}

// A group whose participants have no measured change adds 0 to every sum of the pillar's mean
// table, and an attacker knows that (metrics.md: contributor counts are assumed known): it must
// not serve as a complement. Regions AM01 (GM0014) and AM30 (GM0935), cohorts January and
// February 2026; family-stability contributors: (AM01, Jan) 5 (primary), (AM01, Feb) 20,
// (AM30, Jan) 20, (AM30, Feb) none (12 participants without assessments). Had the empty
// (AM30, Feb) closed the cycle with the margins published, row AM30 would give
// (AM30, Jan) = AM30's figure − 0 and then column January the 5-person mean. So: whenever
// (AM30, Jan) is hidden, AM30's own figure must be hidden too, and (AM01, Jan) stays solvable
// from no published line (each line through it keeps a second hidden entry).
TEST(BuildNetworkReportTest, AGroupWithoutContributorsNeverProtectsAMean) {
  std::vector<ParticipantFacts> people;
  auto add = [&people](const char* gemeente, int32_t month, int n, bool measured) {
    for (int i = 0; i < n; ++i) {
      ParticipantFacts f = Person(gemeente, month);
      if (measured) Change(f, 1, 1, 2 + i % 2);
      people.push_back(f);
    }
  };
  add("GM0014", 202601, 5, true);
  add("GM0014", 202601, 10, false);  // the group itself has enough participants
  add("GM0014", 202602, 20, true);
  add("GM0935", 202601, 20, true);
  add("GM0935", 202602, 12, false);
  auto family = [](const v1::ReportRow& row) {
    return PillarOf(row, v1::PILLAR_FAMILY_STABILITY).mean_change_milli().suppression();
  };
  absl::StatusOr<v1::NetworkReport> by_region =
      BuildNetworkReport(people, Regions(), Request(2026, 7, 2026, 9, true, false), Now());
  absl::StatusOr<v1::NetworkReport> both =
      BuildNetworkReport(people, Regions(), Request(2026, 7, 2026, 9, true, true), Now());
  ASSERT_TRUE(by_region.ok() && both.ok());
  std::map<std::pair<std::string, int>, v1::Suppression> cell;
  for (const v1::ReportRow& row : both->rows()) {
    cell[{row.region(), row.intake_month().month()}] = family(row);
  }
  std::map<std::string, v1::Suppression> region;
  for (const v1::ReportRow& row : by_region->rows()) region[row.region()] = family(row);
  EXPECT_EQ((cell[{"regions/AM01", 1}]), v1::SUPPRESSION_PRIMARY);
  EXPECT_EQ((cell[{"regions/AM30", 2}]), v1::SUPPRESSION_PRIMARY);      // no contributors
  ASSERT_NE((cell[{"regions/AM30", 1}]), v1::SUPPRESSION_UNSPECIFIED);  // column January
  EXPECT_NE(region["regions/AM30"], v1::SUPPRESSION_UNSPECIFIED);
  EXPECT_NE(region["regions/AM01"], v1::SUPPRESSION_UNSPECIFIED);
}

TEST(BuildNetworkReportTest, NoCsvUnlessAskedAndCohortRows) {
  absl::StatusOr<v1::NetworkReport> report =
      BuildNetworkReport(HandPopulation(), Regions(), Request(2026, 7, 2026, 9, true, true), Now());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->csv(), "");
  ASSERT_EQ(report->rows_size(), 2);
  EXPECT_EQ(report->rows(0).region(), "regions/AM01");
  EXPECT_EQ(report->rows(0).intake_month().year(), 2026);
  EXPECT_EQ(report->rows(0).intake_month().month(), 1);
  EXPECT_EQ(report->rows(0).intake_month().day(), 0);
  EXPECT_FALSE(report->rows(1).has_intake_month());
}

TEST(BuildNetworkReportTest, SmallPopulationHidesEvenTheTotal) {
  std::vector<ParticipantFacts> people(7, Person("GM0014", 202602));
  absl::StatusOr<v1::NetworkReport> report =
      BuildNetworkReport(people, Regions(), Request(2026, 1, 2026, 3), Now());
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->rows_size(), 1);
  EXPECT_EQ(report->rows(0).participants().suppression(), v1::SUPPRESSION_PRIMARY);
  EXPECT_EQ(report->rows(0).participants().value(), 0);
  EXPECT_NE(report->rows(0).jobs_started().suppression(), v1::SUPPRESSION_UNSPECIFIED);
}

TEST(BuildNetworkReportTest, EmptyPopulationIsAZeroTotal) {
  absl::StatusOr<v1::NetworkReport> report =
      BuildNetworkReport({}, Regions(), Request(2026, 1, 2026, 3, true, true), Now());
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->rows_size(), 1);
  EXPECT_EQ(report->rows(0).participants().value(), 0);
  EXPECT_EQ(report->rows(0).participants().suppression(), v1::SUPPRESSION_UNSPECIFIED);
  // A mean over nobody is not a figure.
  EXPECT_EQ(report->rows(0).lonend_share_ppm().suppression(), v1::SUPPRESSION_PRIMARY);
}

TEST(BuildNetworkReportTest, RejectsAnInvalidRequest) {
  absl::StatusOr<v1::NetworkReport> report =
      BuildNetworkReport({}, Regions(), Request(2026, 2, 2026, 3), Now());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
}

// --- The generated population and the attacker ----------------------------------------------

// A figure of a group, worked out by the test from the facts (not by the report code).
struct Truth {
  int64_t participants = 0;
  int64_t outcomes[4] = {};
  int64_t pillar_n[5] = {};
  int64_t pillar_sum[5] = {};
  int64_t snapshots = 0;
  int64_t lonend = 0;
};

// Key: region code ("" = all) and cohort (0 = all).
using GroupKey = std::pair<std::string, int32_t>;

std::map<GroupKey, Truth> Truths(const std::vector<ParticipantFacts>& people) {
  std::map<GroupKey, Truth> truths;
  for (const ParticipantFacts& f : people) {
    const Region* region = Regions().RegionOf(f.gemeente_code);
    if (region == nullptr) continue;
    for (const std::string& r : {region->code, std::string()}) {
      for (int32_t c : {f.intake_month, 0}) {
        Truth& t = truths[{r, c}];
        ++t.participants;
        const bool o[4] = {f.job_started, f.left_bijstand, f.debts_resolved, f.training_completed};
        for (int i = 0; i < 4; ++i) t.outcomes[i] += o[i];
        for (size_t p = 0; p < 5; ++p) {
          if (f.pillars[p].assessments >= 2) {
            ++t.pillar_n[p];
            t.pillar_sum[p] += f.pillars[p].last_level - f.pillars[p].first_level;
          }
        }
        if (f.snapshots > 0) {
          ++t.snapshots;
          t.lonend += f.last_snapshot_lonend;
        }
      }
    }
  }
  return truths;
}

// The shape of a generated population: its size, the seed, and how skewed it is over the
// gemeenten (the next gemeente with probability 1 - 1/gemeente_skew) and over the cohorts.
struct Shape {
  int count;
  uint32_t seed;
  uint32_t gemeente_skew;
  uint32_t cohort_skew;
};

std::vector<ParticipantFacts> GeneratedPopulation(const Shape& shape) {
  std::mt19937 rng(shape.seed);
  const int count = shape.count;
  // Gemeenten from the shipped table, a few unknown ones; skewed so that some regions and
  // cohorts are large and many are small.
  const std::vector<std::string> gemeenten = {
      "GM0014", "GM0034", "GM0037", "GM0047", "GM0363", "GM0518", "GM0599", "GM0344",
      "GM0935", "GM0772", "GM0855", "GM0796", "GM0153", "GM0202", "GM0080", "GM9998"};
  std::vector<ParticipantFacts> people;
  for (int i = 0; i < count; ++i) {
    // Geometric-ish choice: the first gemeenten and the latest cohorts are the most common.
    size_t g = 0;
    while (g + 1 < gemeenten.size() && rng() % shape.gemeente_skew != 0) ++g;
    int months_back = 0;
    while (months_back < 47 && rng() % shape.cohort_skew != 0) ++months_back;
    const int month_index = 2026 * 12 + 8 - months_back;  // September 2026 and before
    ParticipantFacts f = Person(gemeenten[g], (month_index / 12) * 100 + month_index % 12 + 1);
    f.tenant = absl::StrCat("org", rng() % 5);
    f.participant_id = absl::StrCat("p", i);
    f.job_started = rng() % 4 == 0;
    f.left_bijstand = rng() % 7 == 0;
    f.debts_resolved = rng() % 9 == 0;
    f.training_completed = rng() % 2 == 0;
    for (size_t p = 0; p < 5; ++p) {
      f.pillars[p].assessments = static_cast<int32_t>(rng() % 4);
      if (f.pillars[p].assessments > 0) {
        f.pillars[p].first_level = 1 + static_cast<int32_t>(rng() % 5);
        f.pillars[p].last_level = 1 + static_cast<int32_t>(rng() % 5);
      }
    }
    f.snapshots = static_cast<int32_t>(rng() % 3);
    f.last_snapshot_lonend = f.snapshots > 0 && rng() % 3 == 0;
    people.push_back(f);
  }
  return people;
}

// Every published figure of one report against the truth: equal, and never resting on fewer
// than k participants (a count 0 < n < k, or its complement in the group; a mean or share of
// fewer than k).
void CheckPublishedFigures(const v1::NetworkReport& report,
                           const std::map<GroupKey, Truth>& truths) {
  constexpr int k = kReportK;
  auto small = [](int64_t n) { return n > 0 && n < k; };
  for (const v1::ReportRow& row : report.rows()) {
    const GroupKey key{
        row.region().empty() ? "" : row.region().substr(8),
        row.has_intake_month() ? row.intake_month().year() * 100 + row.intake_month().month() : 0};
    const auto it = truths.find(key);
    const Truth t = it == truths.end() ? Truth{} : it->second;
    const std::string where = absl::StrCat(key.first, "/", key.second);
    if (row.participants().suppression() == v1::SUPPRESSION_UNSPECIFIED) {
      EXPECT_EQ(row.participants().value(), t.participants) << where;
      EXPECT_FALSE(small(t.participants)) << where;
    } else {
      EXPECT_EQ(row.participants().value(), 0) << where;
    }
    const v1::ReportFigure* outcomes[4] = {&row.jobs_started(), &row.left_bijstand(),
                                           &row.debts_resolved(), &row.trainings_completed()};
    for (int o = 0; o < 4; ++o) {
      if (outcomes[o]->suppression() != v1::SUPPRESSION_UNSPECIFIED) continue;
      EXPECT_EQ(row.participants().suppression(), v1::SUPPRESSION_UNSPECIFIED) << where;
      EXPECT_EQ(outcomes[o]->value(), t.outcomes[o]) << where;
      EXPECT_FALSE(small(t.outcomes[o])) << where << " outcome " << o;
      EXPECT_FALSE(small(t.participants - t.outcomes[o])) << where << " outcome " << o;
    }
    ASSERT_EQ(row.pillar_changes_size(), 5);
    for (int p = 0; p < 5; ++p) {
      const v1::PillarChange& change = row.pillar_changes(p);
      EXPECT_EQ(change.pillar(), static_cast<v1::Pillar>(p + 1));
      if (change.mean_change_milli().suppression() != v1::SUPPRESSION_UNSPECIFIED) continue;
      EXPECT_GE(t.pillar_n[p], k) << where;
      // The mean in thousandths, rounded half away from zero, in floating point here.
      const double mean =
          1000.0 * static_cast<double>(t.pillar_sum[p]) / static_cast<double>(t.pillar_n[p]);
      EXPECT_NEAR(static_cast<double>(change.mean_change_milli().value()), mean, 0.5) << where;
    }
    if (row.lonend_share_ppm().suppression() == v1::SUPPRESSION_UNSPECIFIED) {
      EXPECT_GE(t.snapshots, k) << where;
      EXPECT_FALSE(small(t.lonend)) << where;
      EXPECT_FALSE(small(t.snapshots - t.lonend)) << where;
      const double ppm = 1e6 * static_cast<double>(t.lonend) / static_cast<double>(t.snapshots);
      EXPECT_NEAR(static_cast<double>(row.lonend_share_ppm().value()), ppm, 0.5) << where;
    }
  }
}

// The attacker's view of one figure over all four reports of a period: per group key, hidden or
// published. The same key must have the same status in every report that shows it.
using FigureOf = std::function<const v1::ReportFigure&(const v1::ReportRow&)>;

struct View {
  std::map<GroupKey, bool> hidden;  // groups shown in some report
};

void Observe(const v1::NetworkReport& report, const FigureOf& figure, View& view) {
  for (const v1::ReportRow& row : report.rows()) {
    const GroupKey key{
        row.region().empty() ? "" : row.region().substr(8),
        row.has_intake_month() ? row.intake_month().year() * 100 + row.intake_month().month() : 0};
    const bool hidden = figure(row).suppression() != v1::SUPPRESSION_UNSPECIFIED;
    const auto [it, inserted] = view.hidden.emplace(key, hidden);
    EXPECT_EQ(it->second, hidden) << "the reports disagree on " << key.first << "/" << key.second;
  }
}

// Solves, from the four reports, every hidden entry that the line equations determine; none
// may be. Groups absent from the by-region-and-cohort report are known zeros.
void AttackFigure(const std::vector<v1::NetworkReport>& reports, const FigureOf& figure,
                  const std::string& name) {
  View view;
  for (const v1::NetworkReport& r : reports) Observe(r, figure, view);
  std::vector<std::string> regions;
  std::vector<int32_t> cohorts;
  for (const auto& [key, hidden] : view.hidden) {
    if (!key.first.empty() && key.second == 0) regions.push_back(key.first);
    if (key.first.empty() && key.second != 0) cohorts.push_back(key.second);
  }
  const int nr = static_cast<int>(regions.size());
  const int nc = static_cast<int>(cohorts.size());
  std::vector<bool> hidden(static_cast<size_t>((nr + 1) * (nc + 1)), false);
  for (int r = 0; r <= nr; ++r) {
    for (int c = 0; c <= nc; ++c) {
      const GroupKey key{r < nr ? regions[static_cast<size_t>(r)] : "",
                         c < nc ? cohorts[static_cast<size_t>(c)] : 0};
      const auto it = view.hidden.find(key);
      hidden[static_cast<size_t>(r * (nc + 1) + c)] = it != view.hidden.end() && it->second;
    }
  }
  const std::vector<bool> solvable = testing::SolvableHiddenEntries(nr, nc, hidden);
  int hidden_count = 0;
  for (size_t i = 0; i < hidden.size(); ++i) {
    hidden_count += hidden[i];
    EXPECT_FALSE(solvable[i]) << name << ": hidden entry " << i << " is determined";
  }
  // The population is built so that every figure has something to hide.
  EXPECT_GT(hidden_count, 0) << name;
}

class GeneratedPopulationTest : public ::testing::TestWithParam<Shape> {};

TEST_P(GeneratedPopulationTest, NoSmallCellAndNothingSuppressedCanBeSolved) {
  const std::vector<ParticipantFacts> people = GeneratedPopulation(GetParam());
  const std::map<GroupKey, Truth> truths = Truths(people);
  std::vector<v1::NetworkReport> reports;
  for (const auto& [by_region, by_cohort] :
       {std::pair{false, false}, {true, false}, {false, true}, {true, true}}) {
    absl::StatusOr<v1::NetworkReport> report = BuildNetworkReport(
        people, Regions(), Request(2026, 7, 2026, 9, by_region, by_cohort), Now());
    ASSERT_TRUE(report.ok()) << report.status();
    CheckPublishedFigures(*report, truths);
    reports.push_back(*std::move(report));
  }
  // Many groups (up to 15 gemeenten in 14 regions, 48 cohorts).
  EXPECT_GT(reports[3].rows_size(), 100);
  AttackFigure(
      reports, [](const v1::ReportRow& r) -> const v1::ReportFigure& { return r.participants(); },
      "participants");
  AttackFigure(
      reports, [](const v1::ReportRow& r) -> const v1::ReportFigure& { return r.jobs_started(); },
      "jobs_started");
  AttackFigure(
      reports, [](const v1::ReportRow& r) -> const v1::ReportFigure& { return r.left_bijstand(); },
      "left_bijstand");
  AttackFigure(
      reports, [](const v1::ReportRow& r) -> const v1::ReportFigure& { return r.debts_resolved(); },
      "debts_resolved");
  AttackFigure(
      reports,
      [](const v1::ReportRow& r) -> const v1::ReportFigure& { return r.trainings_completed(); },
      "trainings_completed");
  for (int p = 0; p < 5; ++p) {
    AttackFigure(
        reports,
        [p](const v1::ReportRow& r) -> const v1::ReportFigure& {
          return r.pillar_changes(p).mean_change_milli();
        },
        absl::StrCat("pillar ", p + 1));
  }
  AttackFigure(
      reports,
      [](const v1::ReportRow& r) -> const v1::ReportFigure& { return r.lonend_share_ppm(); },
      "lonend_share_ppm");
  // The total row is the last of each report and the same in all four.
  for (const v1::NetworkReport& r : reports) {
    EXPECT_EQ(r.rows(r.rows_size() - 1).region(), "");
    EXPECT_FALSE(r.rows(r.rows_size() - 1).has_intake_month());
    EXPECT_EQ(r.rows(r.rows_size() - 1).participants().value(),
              reports[0].rows(0).participants().value());
  }
}

// Shapes chosen so that primary suppression alone leaves solvable entries (without the cycle
// step of the protection this test fails for all but the first).
INSTANTIATE_TEST_SUITE_P(Shapes, GeneratedPopulationTest,
                         ::testing::Values(Shape{4000, 1, 3, 5}, Shape{8000, 2, 4, 3},
                                           Shape{3000, 3, 4, 3}, Shape{6000, 4, 2, 4},
                                           Shape{10000, 5, 5, 2}));

// The participant counts' lines with a published margin, attacked with the suppression marks
// (primary: 1..k-1; complementary: at least k) by brute force: every hidden entry keeps at
// least two possible values.
TEST_P(GeneratedPopulationTest, MarksDoNotPinDownAHiddenCount) {
  const std::vector<ParticipantFacts> people = GeneratedPopulation(GetParam());
  const std::map<GroupKey, Truth> truths = Truths(people);
  absl::StatusOr<v1::NetworkReport> both =
      BuildNetworkReport(people, Regions(), Request(2026, 7, 2026, 9, true, true), Now());
  absl::StatusOr<v1::NetworkReport> by_region =
      BuildNetworkReport(people, Regions(), Request(2026, 7, 2026, 9, true, false), Now());
  ASSERT_TRUE(both.ok() && by_region.ok());
  // Lines of one region: its cohorts' entries and the region's margin.
  std::map<std::string, const v1::ReportRow*> margins;
  for (const v1::ReportRow& row : by_region->rows()) margins[row.region()] = &row;
  std::map<std::string, std::vector<const v1::ReportRow*>> lines;
  for (const v1::ReportRow& row : both->rows()) {
    if (!row.region().empty()) lines[row.region()].push_back(&row);
  }
  int checked = 0;
  for (const auto& [region, cells] : lines) {
    const v1::ReportRow* margin = margins[region];
    ASSERT_NE(margin, nullptr);
    if (margin->participants().suppression() != v1::SUPPRESSION_UNSPECIFIED) continue;
    int64_t sum = margin->participants().value();
    std::vector<bool> primary;
    for (const v1::ReportRow* cell : cells) {
      if (cell->participants().suppression() == v1::SUPPRESSION_UNSPECIFIED) {
        sum -= cell->participants().value();
      } else {
        primary.push_back(cell->participants().suppression() == v1::SUPPRESSION_PRIMARY);
      }
    }
    if (primary.empty()) continue;
    ++checked;
    ASSERT_GE(primary.size(), 2u) << region;
    // Enumerate: the values each hidden entry can take.
    for (size_t which = 0; which < primary.size(); ++which) {
      std::vector<bool> reach(static_cast<size_t>(sum + 1), false);
      reach[0] = true;
      for (size_t i = 0; i < primary.size(); ++i) {
        if (i == which) continue;
        std::vector<bool> next(reach.size(), false);
        for (int64_t s = 0; s <= sum; ++s) {
          if (!reach[static_cast<size_t>(s)]) continue;
          for (int64_t v = primary[i] ? 1 : 10; v <= (primary[i] ? 9 : sum) && s + v <= sum; ++v) {
            next[static_cast<size_t>(s + v)] = true;
          }
        }
        reach = std::move(next);
      }
      int values = 0;
      for (int64_t v = primary[which] ? 1 : 10; v <= (primary[which] ? 9 : sum) && v <= sum; ++v) {
        values += reach[static_cast<size_t>(sum - v)];
      }
      EXPECT_GE(values, 2) << region << " entry " << which;
    }
  }
  EXPECT_GT(checked, 3);
}

}  // namespace
}  // namespace kompas::caserecord::report
