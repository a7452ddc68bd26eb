#include "tools/cli/catalog.h"

#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "kompas/catalog/v1/catalog.grpc.pb.h"
#include "services/budget/income/engine.h"
#include "services/catalog/labels.h"
#include "tools/cli/budget_client.h"
#include "tools/cli/table.h"

namespace kompas::cli {
namespace {

namespace cv1 = ::kompas::catalog::v1;
using ::kompas::budget::FormatEuro;
using ::kompas::catalog::DemandText;

constexpr const char* kDemandNames[] = {"", "zeer_ruim", "ruim", "gemiddeld", "krap", "zeer_krap"};

std::string LevelText(cv1::EducationLevel level) {
  if (level == cv1::EDUCATION_LEVEL_ENTRY) return "instap";
  if (level >= cv1::EDUCATION_LEVEL_NLQF_1) return absl::StrCat("niveau ", level - 1);
  return "?";
}

absl::StatusOr<std::unique_ptr<cv1::CatalogService::Stub>> CatalogStub(const StackFile& stack) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = ServiceChannel(stack, "catalog");
  if (!channel.ok()) return channel.status();
  return cv1::CatalogService::NewStub(*channel);
}

}  // namespace

absl::StatusOr<JobsReport> RunJobs(const StackFile& stack, const JobsQuery& query,
                                   absl::Duration timeout) {
  if (query.gemeente.empty()) {
    return absl::InvalidArgumentError("--gemeente is required (a name or code, e.g. Maastricht)");
  }
  if (query.max_level < 0 || query.max_level > 8) {
    return absl::InvalidArgumentError("--max_level must be an NLQF level 1..8 (0 = any)");
  }
  if (query.limit < 1 || query.limit > 1000) {
    return absl::InvalidArgumentError("--limit must be between 1 and 1000");
  }
  cv1::DemandLevel min_demand = cv1::DEMAND_LEVEL_UNSPECIFIED;
  if (!query.min_demand.empty()) {
    for (int i = 1; i <= 5; ++i) {
      if (query.min_demand == kDemandNames[i]) min_demand = static_cast<cv1::DemandLevel>(i);
    }
    if (min_demand == cv1::DEMAND_LEVEL_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          "--min_demand must be zeer_ruim, ruim, gemiddeld, krap or zeer_krap");
    }
  }
  absl::StatusOr<std::unique_ptr<cv1::CatalogService::Stub>> stub = CatalogStub(stack);
  if (!stub.ok()) return stub.status();
  JobsReport report;
  cv1::ResolveMunicipalityRequest resolve;
  resolve.set_query(query.gemeente);
  {
    grpc::ClientContext ctx;
    PrepareContext(ctx, stack, timeout);
    if (absl::Status s =
            FromGrpcFor("catalog", (*stub)->ResolveMunicipality(&ctx, resolve, &report.where));
        !s.ok()) {
      return s;
    }
  }
  cv1::SearchOccupationsRequest search;
  search.set_region(report.where.region().name());
  search.set_minimum_demand(min_demand);
  // NLQF n is EducationLevel n + 1 (ENTRY = 1).
  if (query.max_level > 0) {
    search.set_maximum_education_level(static_cast<cv1::EducationLevel>(query.max_level + 1));
  }
  search.set_query(query.text);
  search.set_page_size(query.limit);
  grpc::ClientContext ctx;
  PrepareContext(ctx, stack, timeout);
  if (absl::Status s =
          FromGrpcFor("catalog", (*stub)->SearchOccupations(&ctx, search, &report.found));
      !s.ok()) {
    return s;
  }
  return report;
}

std::string FormatJobsTable(const JobsReport& r) {
  std::string out = absl::StrCat(
      "Gemeente ", r.where.municipality().display_name(), " (", r.where.municipality().code(),
      "), arbeidsmarktregio ", r.where.region().display_name(), ": ", r.found.total_size(),
      " beroepen, de ", r.found.occupations_size(), " met de meeste vraag:\n\n");
  absl::StrAppend(&out, Pad("BRC", 6, true), Pad("Beroep", 58, true), Pad("Vraag", 11, true),
                  Pad("Mediaan/uur", 13, false), "  ", Pad("Opleiding", 10, true),
                  "  Route (kortste)\n");
  bool floored = false;
  for (const cv1::Occupation& o : r.found.occupations()) {
    std::string title = o.title();
    if (title.size() > 56) title = title.substr(0, 53) + "...";
    const std::string demand =
        o.demand_size() > 0 ? DemandText(o.demand(0).level()) : DemandText({});
    std::string route = "-";
    int best = 0;
    for (const cv1::Training& t : o.training_routes()) {
      if (best == 0 || t.typical_months() < best) {
        best = t.typical_months();
        route = absl::StrCat(t.description(), " (", t.typical_months(), " mnd",
                             t.paid() ? ", betaald" : "", ")");
      }
    }
    const bool raised = o.wages().p50_raised_to_minimum();
    floored = floored || raised;
    absl::StrAppend(&out, Pad(o.brc_code(), 6, true), Pad(title, 58, true), Pad(demand, 11, true),
                    Pad(FormatEuro(o.wages().p50().cents()) + (raised ? "*" : ""), 13, false), "  ",
                    Pad(LevelText(o.education().level()), 10, true), "  ", route, "\n");
  }
  if (floored) {
    absl::StrAppend(&out,
                    "\n* het CBS-mediaanloon ligt onder het wettelijk minimumloon (jeugdlonen): "
                    "het minimumloon is getoond.\n");
  }
  for (const std::string& note : r.found.provenance().sample_notes()) {
    absl::StrAppend(&out, "\nLet op: ", note);
  }
  absl::StrAppend(&out, "\nDataversie: ", r.found.provenance().data_version().substr(0, 12), "\n");
  return out;
}

absl::StatusOr<cv1::ImportDataResponse> RunCatalogImport(const StackFile& stack,
                                                         const std::vector<std::string>& dirs,
                                                         bool validate_only,
                                                         absl::Duration timeout) {
  if (dirs.empty()) {
    return absl::InvalidArgumentError(
        "name the directories with the catalogue files, e.g. data/jobs data/regions");
  }
  cv1::ImportDataRequest req;
  req.set_validate_only(validate_only);
  for (const std::string& dir : dirs) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() != ".csv") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      if (!in)
        return absl::InvalidArgumentError(absl::StrCat(entry.path().string(), ": cannot read"));
      cv1::DataFileContent* f = req.add_files();
      f->set_file_name(entry.path().filename().string());
      f->set_content(text.str());
    }
    if (ec) return absl::InvalidArgumentError(absl::StrCat(dir, ": ", ec.message()));
  }
  absl::StatusOr<std::unique_ptr<cv1::CatalogService::Stub>> stub = CatalogStub(stack);
  if (!stub.ok()) return stub.status();
  cv1::ImportDataResponse resp;
  grpc::ClientContext ctx;
  PrepareContext(ctx, stack, timeout);
  if (absl::Status s = FromGrpcFor("catalog", (*stub)->ImportData(&ctx, req, &resp)); !s.ok()) {
    return s;
  }
  return resp;
}

std::string FormatImport(const cv1::ImportDataResponse& r, bool validate_only) {
  std::string out;
  if (r.errors_size() > 0) {
    absl::StrAppend(&out, r.errors_size(), " fout(en); er is niets veranderd:\n");
    for (const cv1::DataError& e : r.errors()) {
      absl::StrAppend(&out, e.file_name(), e.line() > 0 ? absl::StrCat(":", e.line()) : "", ": ",
                      e.column().empty() ? "" : absl::StrCat(e.column(), ": "), e.message(), "\n");
    }
    return out;
  }
  absl::StrAppend(&out, validate_only ? "De bestanden zijn in orde (niet geladen).\n" : "Geladen. ",
                  "Dataversie nu: ", r.data_version().data_version(), "\n");
  return out;
}

}  // namespace kompas::cli
