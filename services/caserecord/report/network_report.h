// GetNetworkReport: the network's evaluation report (proto/kompas/caserecord/v1/report.proto,
// docs/metrics.md). Facts from the database (report_facts.h), grouped into one table per figure
// at the finest grain (region x intake cohort, with margins), protected (k_anonymity.h), and
// the requested grouping read from those tables.
#ifndef KOMPAS_SERVICES_CASERECORD_REPORT_NETWORK_REPORT_H_
#define KOMPAS_SERVICES_CASERECORD_REPORT_NETWORK_REPORT_H_

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "kompas/caserecord/v1/caserecord.pb.h"
#include "kompas/caserecord/v1/report.pb.h"
#include "services/caserecord/report/regions.h"
#include "services/caserecord/report/report_facts.h"
#include "services/caserecord/storage/store.h"

namespace kompas::caserecord::report {

namespace v1 = ::kompas::caserecord::v1;

// INVALID_ARGUMENT naming the field and the rule unless: period_start and period_end are
// year-months (day 0, year 1900..9999, month 1..12); the period is whole calendar quarters
// (period_start in January, April, July or October; period_end in March, June, September or
// December); period_end is not before period_start and at most 60 months after it; and the
// period has ended (period_end is before the current month, Dutch time, at `now`).
absl::Status ValidateReportRequest(const v1::GetNetworkReportRequest& request,
                                   absl::Time now = absl::Now());

// The days of a valid request's period.
Period PeriodOf(const v1::GetNetworkReportRequest& request);

// The report of `facts` (the population of the request's period, QueryReportFacts), with the
// CSV when requested. Participants whose gemeente is not in `regions` are not in the report.
// Validates the request first.
absl::StatusOr<v1::NetworkReport> BuildNetworkReport(const std::vector<ParticipantFacts>& facts,
                                                     const RegionMap& regions,
                                                     const v1::GetNetworkReportRequest& request,
                                                     absl::Time now);

// The CSV of a report's rows: a header line, one line per row (the total row last, "total" in
// its region column), suppressed figures as "*". `regions` gives the region names.
std::string ReportCsv(const v1::NetworkReport& report, const RegionMap& regions);

// The whole call for the service: validates (INVALID_ARGUMENT through `done`, inline), reads
// the facts on one of the store's readers, builds the report there and calls `done` with it on
// that thread.
void RunNetworkReport(storage::CaseStore& store, std::shared_ptr<const RegionMap> regions,
                      v1::GetNetworkReportRequest request, absl::Time now,
                      std::function<void(absl::StatusOr<v1::NetworkReport>)> done);

}  // namespace kompas::caserecord::report

#endif  // KOMPAS_SERVICES_CASERECORD_REPORT_NETWORK_REPORT_H_
