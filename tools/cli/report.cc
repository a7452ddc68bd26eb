#include "tools/cli/report.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "kompas/caserecord/v1/caserecord.grpc.pb.h"
#include "tools/cli/table.h"

namespace kompas::cli {
namespace {

namespace v1 = ::kompas::caserecord::v1;

absl::StatusOr<kompas::type::v1::Date> YearMonth(absl::string_view text, absl::string_view flag) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  int year = 0;
  int month = 0;
  if (parts.size() != 2 || parts[0].size() != 4 || parts[1].size() != 2 ||
      !absl::SimpleAtoi(parts[0], &year) || !absl::SimpleAtoi(parts[1], &month) || month < 1 ||
      month > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": must be a year-month yyyy-mm, e.g. 2026-01"));
  }
  kompas::type::v1::Date d;
  d.set_year(year);
  d.set_month(month);
  return d;
}

std::string Figure(const v1::ReportFigure& f, int scale, int decimals) {
  if (f.suppression() != v1::SUPPRESSION_UNSPECIFIED) return "*";
  if (scale == 1) return absl::StrCat(f.value());
  return absl::StrFormat("%.*f", decimals,
                         static_cast<double>(f.value()) / static_cast<double>(scale));
}

}  // namespace

absl::StatusOr<v1::GetNetworkReportRequest> ReportRequestFromOptions(const ReportOptions& options) {
  if (options.from.empty()) return absl::InvalidArgumentError("--from=yyyy-mm is required");
  if (options.to.empty()) return absl::InvalidArgumentError("--to=yyyy-mm is required");
  absl::StatusOr<kompas::type::v1::Date> from = YearMonth(options.from, "from");
  if (!from.ok()) return from.status();
  absl::StatusOr<kompas::type::v1::Date> to = YearMonth(options.to, "to");
  if (!to.ok()) return to.status();
  v1::GetNetworkReportRequest request;
  *request.mutable_period_start() = *from;
  *request.mutable_period_end() = *to;
  request.set_group_by_region(options.by_region);
  request.set_group_by_cohort(options.by_cohort);
  request.set_include_csv(options.csv);
  return request;
}

std::string FormatReportTable(const v1::NetworkReport& report) {
  const std::vector<std::string> header = {
      "region", "cohort",    "n",        "family", "wellbeing", "education", "finance",
      "work",   "job start", "bijstand", "debts",  "training",  "lonend %"};
  std::vector<std::vector<std::string>> lines = {header};
  for (int i = 0; i < report.rows_size(); ++i) {
    const v1::ReportRow& row = report.rows(i);
    std::vector<std::string> line;
    const bool total = i == report.rows_size() - 1;
    line.push_back(total ? "total" : row.region().empty() ? "-" : row.region().substr(8));
    line.push_back(row.has_intake_month() ? absl::StrFormat("%04d-%02d", row.intake_month().year(),
                                                            row.intake_month().month())
                                          : "-");
    line.push_back(Figure(row.participants(), 1, 0));
    std::vector<std::string> pillars(5, "*");
    for (const v1::PillarChange& c : row.pillar_changes()) {
      const int p = static_cast<int>(c.pillar());
      if (p >= 1 && p <= 5) {
        pillars[static_cast<size_t>(p - 1)] = Figure(c.mean_change_milli(), 1000, 2);
      }
    }
    line.insert(line.end(), pillars.begin(), pillars.end());
    line.push_back(Figure(row.jobs_started(), 1, 0));
    line.push_back(Figure(row.left_bijstand(), 1, 0));
    line.push_back(Figure(row.debts_resolved(), 1, 0));
    line.push_back(Figure(row.trainings_completed(), 1, 0));
    line.push_back(Figure(row.lonend_share_ppm(), 10000, 1));
    lines.push_back(std::move(line));
  }
  std::vector<size_t> widths(header.size(), 0);
  for (const auto& line : lines) {
    for (size_t c = 0; c < line.size(); ++c) widths[c] = std::max(widths[c], line[c].size());
  }
  std::string out = absl::StrFormat(
      "Netwerkrapportage %04d-%02d t/m %04d-%02d (k = %d; * = onderdrukt, docs/metrics.md)\n",
      report.period_start().year(), report.period_start().month(), report.period_end().year(),
      report.period_end().month(), report.k());
  for (const auto& line : lines) {
    for (size_t c = 0; c < line.size(); ++c) {
      absl::StrAppend(&out, c == 0 ? "" : "  ", Pad(line[c], widths[c], c < 2));
    }
    absl::StrAppend(&out, "\n");
  }
  absl::StrAppend(&out,
                  "Pijlers: gemiddelde verandering in treden (eerste → laatste beoordeling).\n");
  return out;
}

int RunReport(const StackFile& stack, const ReportOptions& options, std::ostream& out,
              std::ostream& err) {
  absl::StatusOr<v1::GetNetworkReportRequest> request = ReportRequestFromOptions(options);
  if (!request.ok()) {
    err << "kompas report: " << request.status().message() << "\n";
    return 2;
  }
  auto it = stack.services.find("caserecord");
  if (it == stack.services.end()) {
    err << "kompas report: the stack names no caserecord service\n";
    return 2;
  }
  std::unique_ptr<v1::CaseRecordService::Stub> stub = v1::CaseRecordService::NewStub(
      grpc::CreateChannel(it->second, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + options.timeout));
  ctx.AddMetadata("authorization", "Bearer " + stack.token);
  v1::NetworkReport report;
  const grpc::Status s = stub->GetNetworkReport(&ctx, *request, &report);
  if (!s.ok()) {
    err << "kompas report: caserecord: " << s.error_message() << "\n";
    return s.error_code() == grpc::StatusCode::INVALID_ARGUMENT ? 2 : 1;
  }
  if (options.json) {
    std::string json;
    google::protobuf::util::JsonPrintOptions print;
    print.add_whitespace = true;
    (void)google::protobuf::util::MessageToJsonString(report, &json, print);
    out << json;
  } else if (options.csv) {
    out << report.csv();
  } else {
    out << FormatReportTable(report);
  }
  return 0;
}

}  // namespace kompas::cli
