#include "services/caserecord/report/network_report.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/caserecord/report/k_anonymity.h"
#include "services/caserecord/storage/types.h"

namespace kompas::caserecord::report {
namespace {

constexpr int kOutcomeCount = 4;  // jobs started, left bijstand, debts resolved, trainings

// The sums of one group of participants (an entry of the tables).
struct Sums {
  int64_t participants = 0;
  std::array<int64_t, kOutcomeCount> outcomes = {};
  std::array<int64_t, storage::kPillarCount> pillar_n = {};    // with a change measured
  std::array<int64_t, storage::kPillarCount> pillar_sum = {};  // sum of (last - first)
  int64_t snapshot_n = 0;                                      // with a snapshot
  int64_t lonend = 0;                                          // last snapshot lonend

  void Add(const ParticipantFacts& f) {
    ++participants;
    const bool outcome[kOutcomeCount] = {f.job_started, f.left_bijstand, f.debts_resolved,
                                         f.training_completed};
    for (size_t i = 0; i < kOutcomeCount; ++i) outcomes[i] += outcome[i] ? 1 : 0;
    for (size_t p = 0; p < storage::kPillarCount; ++p) {
      const PillarFacts& pf = f.pillars[p];
      if (pf.assessments < 2) continue;
      ++pillar_n[p];
      pillar_sum[p] += pf.last_level - pf.first_level;
    }
    if (f.snapshots > 0) {
      ++snapshot_n;
      lonend += f.last_snapshot_lonend ? 1 : 0;
    }
  }
};

bool Small(int64_t n, int k) { return n > 0 && n < k; }

int64_t MonthIndex(int32_t year, int32_t month) { return int64_t{year} * 12 + (month - 1); }

absl::Status CheckYearMonth(const kompas::type::v1::Date& d, bool present,
                            absl::string_view field) {
  if (!present) return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  if (d.year() < 1900 || d.year() > 9999 || d.month() < 1 || d.month() > 12 || d.day() != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be a year-month (year 1900..9999, month 1..12, day 0)"));
  }
  return absl::OkStatus();
}

// round(num / den) with halves away from zero; den > 0.
int64_t RoundedDiv(int64_t num, int64_t den) {
  return num >= 0 ? (2 * num + den) / (2 * den) : -((-2 * num + den) / (2 * den));
}

void SetFigure(v1::ReportFigure* figure, int64_t value, Mark mark) {
  switch (mark) {
    case Mark::kPublished:
      figure->set_value(value);
      figure->set_suppression(v1::SUPPRESSION_UNSPECIFIED);
      break;
    case Mark::kPrimary:
      figure->set_value(0);
      figure->set_suppression(v1::SUPPRESSION_PRIMARY);
      break;
    case Mark::kComplementary:
      figure->set_value(0);
      figure->set_suppression(v1::SUPPRESSION_COMPLEMENTARY);
      break;
  }
}

std::string CsvField(absl::string_view s) {
  if (s.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(s);
  std::string quoted = "\"";
  for (char c : s) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string CsvFigure(const v1::ReportFigure& f) {
  return f.suppression() == v1::SUPPRESSION_UNSPECIFIED ? absl::StrCat(f.value()) : "*";
}

// The protected tables of one period.
class ReportTables {
 public:
  ReportTables(const std::vector<ParticipantFacts>& facts, const RegionMap& regions) {
    std::vector<std::pair<const Region*, const ParticipantFacts*>> in;
    for (const ParticipantFacts& f : facts) {
      const Region* region = regions.RegionOf(f.gemeente_code);
      if (region == nullptr) continue;  // not in the region table: not in the report
      in.emplace_back(region, &f);
      if (!region_index_.contains(region->code)) region_index_[region->code] = 0;
      if (!cohort_index_.contains(f.intake_month)) cohort_index_[f.intake_month] = 0;
    }
    for (const auto& [code, index] : region_index_) region_codes_.push_back(code);
    std::sort(region_codes_.begin(), region_codes_.end());
    for (size_t i = 0; i < region_codes_.size(); ++i) {
      region_index_[region_codes_[i]] = static_cast<int>(i);
    }
    for (const auto& [month, index] : cohort_index_) cohorts_.push_back(month);
    std::sort(cohorts_.begin(), cohorts_.end());
    for (size_t i = 0; i < cohorts_.size(); ++i) cohort_index_[cohorts_[i]] = static_cast<int>(i);
    shape_.regions = static_cast<int>(region_codes_.size());
    shape_.cohorts = static_cast<int>(cohorts_.size());
    sums_.resize(shape_.size());
    for (const auto& [region, f] : in) {
      const int r = region_index_[region->code];
      const int c = cohort_index_[f->intake_month];
      for (int rr : {r, shape_.regions}) {
        for (int cc : {c, shape_.cohorts}) sums_[shape_.Index(rr, cc)].Add(*f);
      }
    }
    Protect();
  }

  const TableShape& shape() const { return shape_; }
  const std::string& region_code(int r) const { return region_codes_[static_cast<size_t>(r)]; }
  int32_t cohort(int c) const { return cohorts_[static_cast<size_t>(c)]; }
  bool Empty(size_t i) const { return sums_[i].participants == 0; }

  void FillRow(size_t i, v1::ReportRow* row) const {
    const Sums& s = sums_[i];
    SetFigure(row->mutable_participants(), s.participants, participants_[i]);
    v1::ReportFigure* outcome_figures[kOutcomeCount] = {
        row->mutable_jobs_started(), row->mutable_left_bijstand(), row->mutable_debts_resolved(),
        row->mutable_trainings_completed()};
    for (size_t o = 0; o < kOutcomeCount; ++o) {
      SetFigure(outcome_figures[o], s.outcomes[o], outcomes_[o][i]);
    }
    for (size_t p = 0; p < storage::kPillarCount; ++p) {
      v1::PillarChange* change = row->add_pillar_changes();
      change->set_pillar(static_cast<v1::Pillar>(p + 1));
      const int64_t n = s.pillar_n[p];
      SetFigure(change->mutable_mean_change_milli(),
                n > 0 ? RoundedDiv(1000 * s.pillar_sum[p], n) : 0,
                n > 0 ? pillars_[p][i] : Mark::kPrimary);
    }
    SetFigure(row->mutable_lonend_share_ppm(),
              s.snapshot_n > 0 ? RoundedDiv(1000000 * s.lonend, s.snapshot_n) : 0,
              s.snapshot_n > 0 ? lonend_[i] : Mark::kPrimary);
  }

 private:
  ProtectInput Input(bool interval_rule) const {
    ProtectInput in;
    in.shape = shape_;
    in.k = kReportK;
    in.empty.resize(shape_.size());
    in.primary.resize(shape_.size());
    in.forced.resize(shape_.size());
    in.cost.resize(shape_.size());
    in.interval_rule = interval_rule;
    in.value.resize(shape_.size());
    for (size_t i = 0; i < shape_.size(); ++i) {
      in.empty[i] = Empty(i);
      in.forced[i] = !participants_.empty() && participants_[i] != Mark::kPublished;
      in.cost[i] = sums_[i].participants;
      in.value[i] = sums_[i].participants;
    }
    return in;
  }

  void Protect() {
    const int k = kReportK;
    ProtectInput n = Input(/*interval_rule=*/true);
    for (size_t i = 0; i < shape_.size(); ++i) n.primary[i] = Small(sums_[i].participants, k);
    participants_ = report::Protect(n);
    for (size_t o = 0; o < kOutcomeCount; ++o) {
      ProtectInput in = Input(false);
      for (size_t i = 0; i < shape_.size(); ++i) {
        const int64_t x = sums_[i].outcomes[o];
        in.primary[i] = Small(x, k) || Small(sums_[i].participants - x, k);
      }
      outcomes_[o] = report::Protect(in);
    }
    for (size_t p = 0; p < storage::kPillarCount; ++p) {
      ProtectInput in = Input(false);
      for (size_t i = 0; i < shape_.size(); ++i) {
        // A group in which nobody counts towards the mean adds 0 to every sum of this table,
        // which an attacker knows: it cannot protect another entry (always shown as primary).
        in.empty[i] = sums_[i].pillar_n[p] == 0;
        in.primary[i] = sums_[i].pillar_n[p] < k;
        in.cost[i] = sums_[i].pillar_n[p];
      }
      pillars_[p] = report::Protect(in);
    }
    ProtectInput in = Input(false);
    for (size_t i = 0; i < shape_.size(); ++i) {
      const Sums& s = sums_[i];
      in.empty[i] = s.snapshot_n == 0;  // as for the pillars above
      in.primary[i] = s.snapshot_n < k || Small(s.lonend, k) || Small(s.snapshot_n - s.lonend, k);
      in.cost[i] = s.snapshot_n;
    }
    lonend_ = report::Protect(in);
  }

  TableShape shape_;
  absl::flat_hash_map<std::string, int> region_index_;
  absl::flat_hash_map<int32_t, int> cohort_index_;
  std::vector<std::string> region_codes_;
  std::vector<int32_t> cohorts_;
  std::vector<Sums> sums_;
  std::vector<Mark> participants_;
  std::array<std::vector<Mark>, kOutcomeCount> outcomes_;
  std::array<std::vector<Mark>, storage::kPillarCount> pillars_;
  std::vector<Mark> lonend_;
};

}  // namespace

absl::Status ValidateReportRequest(const v1::GetNetworkReportRequest& request, absl::Time now) {
  const kompas::type::v1::Date& start = request.period_start();
  const kompas::type::v1::Date& end = request.period_end();
  if (absl::Status s = CheckYearMonth(start, request.has_period_start(), "period_start"); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckYearMonth(end, request.has_period_end(), "period_end"); !s.ok()) {
    return s;
  }
  if (start.month() % 3 != 1) {
    return absl::InvalidArgumentError(
        "period_start: must be the first month of a calendar quarter (January, April, July or "
        "October)");
  }
  if (end.month() % 3 != 0) {
    return absl::InvalidArgumentError(
        "period_end: must be the last month of a calendar quarter (March, June, September or "
        "December)");
  }
  const int64_t first = MonthIndex(start.year(), start.month());
  const int64_t last = MonthIndex(end.year(), end.month());
  if (last < first) {
    return absl::InvalidArgumentError("period_end: must not be before period_start");
  }
  // Exactly one calendar quarter: two reports then cover the same participants or periods
  // that do not overlap, so that one cannot be subtracted from the other (a Q1-Q2 total minus
  // the Q1 total would be the sum of the cohorts that started in Q2; docs/metrics.md).
  if (last - first != 2) {
    return absl::InvalidArgumentError(
        "period_end: must be the last month of the quarter period_start begins (a report covers "
        "exactly one calendar quarter, so that no two reports overlap)");
  }
  const storage::Date today = storage::Date::FromTime(now);
  if (last >= MonthIndex(today.year, today.month)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "period_end: the period must have ended (at most the month before the current one, "
        "%04d-%02d)",
        today.month == 1 ? today.year - 1 : today.year, today.month == 1 ? 12 : today.month - 1));
  }
  return absl::OkStatus();
}

Period PeriodOf(const v1::GetNetworkReportRequest& request) {
  // Day 31 bounds every month: keys compare as numbers and no date has a larger day.
  return Period{int64_t{request.period_start().year()} * 10000 +
                    int64_t{request.period_start().month()} * 100 + 1,
                int64_t{request.period_end().year()} * 10000 +
                    int64_t{request.period_end().month()} * 100 + 31};
}

absl::StatusOr<v1::NetworkReport> BuildNetworkReport(const std::vector<ParticipantFacts>& facts,
                                                     const RegionMap& regions,
                                                     const v1::GetNetworkReportRequest& request,
                                                     absl::Time now) {
  if (absl::Status s = ValidateReportRequest(request, now); !s.ok()) return s;
  const ReportTables tables(facts, regions);
  const TableShape& shape = tables.shape();
  v1::NetworkReport report;
  *report.mutable_period_start() = request.period_start();
  *report.mutable_period_end() = request.period_end();
  report.set_k(kReportK);
  const int64_t micros = absl::ToUnixMicros(now);
  report.mutable_create_time()->set_seconds(micros / 1000000);
  report.mutable_create_time()->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  auto add_row = [&](int r, int c) {
    const size_t i = shape.Index(r, c);
    if (tables.Empty(i) && !(r == shape.regions && c == shape.cohorts)) return;
    v1::ReportRow* row = report.add_rows();
    if (r < shape.regions) row->set_region(absl::StrCat("regions/", tables.region_code(r)));
    if (c < shape.cohorts) {
      row->mutable_intake_month()->set_year(tables.cohort(c) / 100);
      row->mutable_intake_month()->set_month(tables.cohort(c) % 100);
    }
    tables.FillRow(i, row);
  };
  const bool by_region = request.group_by_region();
  const bool by_cohort = request.group_by_cohort();
  if (by_region || by_cohort) {
    for (int r = 0; r < (by_region ? shape.regions : 1); ++r) {
      for (int c = 0; c < (by_cohort ? shape.cohorts : 1); ++c) {
        add_row(by_region ? r : shape.regions, by_cohort ? c : shape.cohorts);
      }
    }
  }
  add_row(shape.regions, shape.cohorts);
  if (request.include_csv()) report.set_csv(ReportCsv(report, regions));
  return report;
}

std::string ReportCsv(const v1::NetworkReport& report, const RegionMap& regions) {
  std::string csv =
      "region,region_name,intake_month,participants,family_stability_change_milli,"
      "well_being_change_milli,education_training_change_milli,"
      "financial_management_change_milli,employment_career_change_milli,jobs_started,"
      "left_bijstand,debts_resolved,trainings_completed,lonend_share_ppm\n";
  for (int i = 0; i < report.rows_size(); ++i) {
    const v1::ReportRow& row = report.rows(i);
    const bool total = i == report.rows_size() - 1;
    std::vector<std::string> fields;
    std::string name;
    if (!row.region().empty()) {
      const Region* region = regions.FindRegion(absl::string_view(row.region()).substr(8));
      if (region != nullptr) name = region->name;
    }
    fields.push_back(total ? "total" : CsvField(row.region()));
    fields.push_back(CsvField(name));
    fields.push_back(
        row.has_intake_month()
            ? absl::StrFormat("%04d-%02d", row.intake_month().year(), row.intake_month().month())
            : "");
    fields.push_back(CsvFigure(row.participants()));
    std::array<std::string, storage::kPillarCount> changes;
    for (const v1::PillarChange& change : row.pillar_changes()) {
      const int p = static_cast<int>(change.pillar());
      if (p >= 1 && p <= storage::kPillarCount) {
        changes[static_cast<size_t>(p - 1)] = CsvFigure(change.mean_change_milli());
      }
    }
    for (std::string& c : changes) fields.push_back(std::move(c));
    fields.push_back(CsvFigure(row.jobs_started()));
    fields.push_back(CsvFigure(row.left_bijstand()));
    fields.push_back(CsvFigure(row.debts_resolved()));
    fields.push_back(CsvFigure(row.trainings_completed()));
    fields.push_back(CsvFigure(row.lonend_share_ppm()));
    absl::StrAppend(&csv, absl::StrJoin(fields, ","), "\n");
  }
  return csv;
}

void RunNetworkReport(storage::CaseStore& store, std::shared_ptr<const RegionMap> regions,
                      v1::GetNetworkReportRequest request, absl::Time now,
                      std::function<void(absl::StatusOr<v1::NetworkReport>)> done) {
  if (absl::Status s = ValidateReportRequest(request, now); !s.ok()) return done(s);
  auto result = std::make_shared<absl::StatusOr<v1::NetworkReport>>();
  auto shared_request = std::make_shared<const v1::GetNetworkReportRequest>(std::move(request));
  store.RunOnReader(
      [result, regions, shared_request, now](storage::SqlConnection& connection) {
        absl::StatusOr<std::vector<ParticipantFacts>> facts =
            QueryReportFacts(connection, PeriodOf(*shared_request));
        if (!facts.ok()) return facts.status();
        *result = BuildNetworkReport(*facts, *regions, *shared_request, now);
        return result->status();
      },
      [result, done = std::move(done)](absl::Status status) {
        if (!status.ok()) return done(status);
        done(std::move(*result));
      });
}

}  // namespace kompas::caserecord::report
