// The job catalogue as data: loading, validating and querying the files of `data/jobs/`.
//
// Load once, query many times:
//
//   absl::StatusOr<std::vector<CatalogFile>> files =
//       ReadCatalogFiles({"data/jobs", "data/regions"});        // I/O only
//   CatalogBuild build = BuildCatalog(*std::move(files));        // parse + validate everything
//   if (!build.errors.empty()) { /* every error, "file:line: column: what is wrong" */ }
//   std::shared_ptr<const CatalogData> data = build.data;       // immutable snapshot
//
// `BuildCatalog` validates the whole set before it returns: every file, every row, the
// references between files (unknown region, unknown occupation, duplicate keys, p25 > p50, ...).
// All errors are collected, in file and line order; a snapshot is produced only when there are
// none. `ImportData` feeds it the files of the request, `ReloadData`/SIGHUP the files read from
// the data directories; either way, swap the `shared_ptr` atomically (readers keep the old
// snapshot for as long as they hold it, so readers never block on a reload).
//
// A snapshot is immutable and safe to share between threads. Its `version()` is a BLAKE2b-256
// content hash over the files' names and bytes (sorted by name), the same on every machine that
// loads the same files: put it in every answer and every cache key.
//
// Queries: FindRegion / FindRegionByName / ListRegions (= regions(), in code order),
// ResolveMunicipality (code "GM0014" / "0014" or a name, case-, accent- and
// punctuation-insensitive, with aliases), FindOccupation (hash lookup), SearchOccupations (a
// region's occupations, pre-sorted by demand, median wage and code, filtered) and
// ListCareerSteps (breadth-first over the career graph). Page tokens, page sizes and request
// validation are the RPC layer's job; `to_proto.h` fills the API messages.
//
// Money is in euro cents (int64), never floats. Wages: CBS 85517NED percentiles of the source
// year (2022), times the cao-loonindex factor to the newest year of `cao_loonindex_85663ned.csv`
// (rounded half up to the cent), then raised to the statutory adult minimum hourly wage of that
// year where below it (the CBS figures include youth wages), with a flag per percentile.
#ifndef KOMPAS_SERVICES_CATALOG_DATA_CATALOG_DATA_H_
#define KOMPAS_SERVICES_CATALOG_DATA_CATALOG_DATA_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kompas::catalog {

// UWV spanningsindicator. The numbers equal kompas.catalog.v1.DemandLevel's.
enum class DemandLevel : int {
  kUnknown = 0,
  kZeerRuim = 1,
  kRuim = 2,
  kGemiddeld = 3,
  kKrap = 4,
  kZeerKrap = 5,
};

// NLQF levels. The numbers equal kompas.catalog.v1.EducationLevel's (ascending: compare them).
enum class EducationLevel : int {
  kUnspecified = 0,
  kEntry = 1,
  kNlqf1 = 2,
  kNlqf2 = 3,
  kNlqf3 = 4,
  kNlqf4 = 5,
  kNlqf5 = 6,
  kNlqf6 = 7,
  kNlqf7 = 8,
  kNlqf8 = 9,
};

// The numbers equal kompas.catalog.v1.TrainingPathway's.
enum class TrainingPathway : int {
  kUnspecified = 0,
  kMboBol = 1,
  kMboBbl = 2,
  kHbo = 3,
  kWo = 4,
  kCourse = 5,
};

// The numbers equal kompas.catalog.v1.StepDerivation's.
enum class StepDerivation : int {
  kUnspecified = 0,
  kRule = 1,
  kCurated = 2,
  kImported = 3,
};

// The data-file spellings: "zeer_ruim" .. "zeer_krap"; "entry", "nlqf1" .. "nlqf8"; "mbo_bol",
// "mbo_bbl", "hbo", "wo", "course". Unknown/unspecified values give "".
absl::string_view DemandLevelName(DemandLevel level);
absl::string_view EducationLevelName(EducationLevel level);
absl::string_view TrainingPathwayName(TrainingPathway pathway);

// One validation error. `line` is 1-based (the header is line 1 unless comments precede it), or
// 0 for an error about the whole file; `column` is the column name or empty.
struct DataError {
  std::string file;
  int line = 0;
  std::string column;
  std::string message;

  // "file:line: column: message", "file:line: message" without a column, "file: message" for
  // line 0.
  std::string ToString() const;
  bool operator==(const DataError&) const = default;
};

// One catalogue file: its name (no directory) and bytes.
struct CatalogFile {
  std::string name;
  std::string content;
};

// One loaded file with its manifest entry.
struct FileInfo {
  std::string name;
  std::string description;
  std::string source;
  int year = 0;
  std::string licence;
  std::string status;  // verbatim, derived, transcribed, curated, generated
  bool sample = false;
  std::string sha256_hex;
};

// A BRC klasse (2 digits) or segment (3 digits).
struct BrcCategory {
  std::string code;
  std::string title;
};

// An ISCO-08 unit group of an occupation, with its ISCO skill level (1..4).
struct IscoUnit {
  std::string code;
  std::string title;
  int skill_level = 0;
};

// Hourly wages of an occupation, in cents, indexed to `WageIndex::target_year` and floored at the
// minimum wage. When CBS did not publish the beroepsgroep, the figures are its segment's (or its
// klasse's): `published_for` names the code they were published for.
struct Wages {
  int64_t p25_cents = 0;
  int64_t p50_cents = 0;
  int64_t p75_cents = 0;
  // As published for the source year (before index and floor).
  int64_t source_p25_cents = 0;
  int64_t source_p50_cents = 0;
  int64_t source_p75_cents = 0;
  bool p25_raised_to_minimum = false;
  bool p50_raised_to_minimum = false;
  bool p75_raised_to_minimum = false;
  std::string published_for;
  // Employees of the beroepsgroep itself in the source year, in thousands; -1 = not published.
  int employees_thousands = -1;
};

// The index that brings the source-year wages to the target year, and the wage floor.
struct WageIndex {
  int source_year = 0;
  int target_year = 0;
  // Product over the years after source_year of (1 + change/100), in millionths, rounded to a
  // millionth after each year.
  int64_t factor_ppm = 0;
  bool estimated = false;  // a year in the product is estimated
  std::string source;      // e.g. "CBS cao-lonen 85663NED: 2023 +6.1 %, ..., 2026 +4.6 % (geschat)"
  int64_t minimum_wage_cents = 0;
  std::string minimum_wage_valid_from;  // "2026-01-01"
};

// A training route.
struct Training {
  TrainingPathway pathway = TrainingPathway::kUnspecified;
  EducationLevel level = EducationLevel::kUnspecified;
  int typical_months = 0;
  bool paid = false;
  std::string description;
  bool sample = false;  // from a file labelled SAMPLE
};

// A cao wage for an entry job.
struct CaoWage {
  std::string cao;
  std::string scale;  // "loongroep 1, dienstjaren 1"
  int64_t hourly_cents = 0;
  int valid_year = 0;
  int valid_month = 0;  // 0 when the source gives only a year
  int valid_day = 0;    // 0 when the source gives only a year or month
  std::string source_url;
};

// Demand for one occupation in one region. `level` is kUnknown where the file has no row.
struct RegionalDemand {
  DemandLevel level = DemandLevel::kUnknown;
  std::string quarter;  // "2026-Q1"
};

// An occupation: one BRC 2014 beroepsgroep.
struct Occupation {
  int index = 0;  // position in CatalogData::occupations()
  std::string code;
  std::string title;
  int segment = 0;  // index into CatalogData::segments()
  int klasse = 0;   // index into CatalogData::classes()
  std::vector<IscoUnit> isco_units;
  Wages wages;
  // Derived from the ISCO skill level of most of its units (ties: the lower level).
  EducationLevel education = EducationLevel::kUnspecified;
  int skill_level = 0;
  std::string education_derivation;  // one Dutch sentence
  std::vector<Training> training_routes;
  std::vector<CaoWage> cao_wages;
  std::vector<RegionalDemand> demand;  // one per region, in CatalogData::regions() order
  std::string search_text;             // folded title and ISCO unit titles
};

// A gemeente.
struct Municipality {
  int index = 0;
  std::string code;  // "GM0014"
  std::string name;
  int region = 0;  // index into CatalogData::regions()
  std::vector<std::string> aliases;
};

// An arbeidsmarktregio.
struct Region {
  int index = 0;
  std::string code;  // "AM01"
  std::string name;
  std::vector<std::string> aliases;
  std::vector<int> municipalities;  // indices into CatalogData::municipalities(), code order
};

// An edge of the career graph.
struct CareerEdge {
  int from = 0;  // occupation indices
  int to = 0;
  Training training;
  StepDerivation derivation = StepDerivation::kUnspecified;
  std::string note;  // one Dutch sentence on how the edge was derived
  bool sample = false;
};

// Filters of SearchOccupations; defaults filter nothing.
struct SearchFilter {
  DemandLevel minimum_demand = DemandLevel::kUnknown;  // kUnknown = any (incl. unknown demand)
  EducationLevel maximum_education = EducationLevel::kUnspecified;  // kUnspecified = any
  int64_t minimum_median_cents = 0;
  // Words (folded) that must all occur in the title or an ISCO unit title.
  std::string query;
};

// One step found by ListCareerSteps.
struct CareerStepResult {
  const CareerEdge* edge = nullptr;
  int depth = 0;                // 1 = a direct step from the start
  int64_t wage_gain_cents = 0;  // target's median minus the edge source's median
};

// The data sets that may be sample data, for provenance.
enum class DataSet { kDemand, kTrainingRoutes, kCuratedSteps };

// An immutable, validated snapshot of the catalogue.
class CatalogData {
 public:
  // The content hash (64 hex digits).
  const std::string& version() const { return version_; }
  absl::Time load_time() const { return load_time_; }
  const std::vector<FileInfo>& files() const { return files_; }  // sorted by name
  const WageIndex& wage_index() const { return wage_index_; }

  const std::vector<BrcCategory>& classes() const { return classes_; }                 // code order
  const std::vector<BrcCategory>& segments() const { return segments_; }               // code order
  const std::vector<Occupation>& occupations() const { return occupations_; }          // code order
  const std::vector<Region>& regions() const { return regions_; }                      // code order
  const std::vector<Municipality>& municipalities() const { return municipalities_; }  // code order
  const std::vector<CareerEdge>& career_edges() const { return edges_; }

  // "AM01" (case-insensitive); nullptr when unknown.
  const Region* FindRegion(absl::string_view code) const;
  // A region's name or alias, folded ("food valley" finds AM38); nullptr when unknown.
  const Region* FindRegionByName(absl::string_view name) const;
  // "GM0014" (case-insensitive); nullptr when unknown.
  const Municipality* FindMunicipality(absl::string_view code) const;
  // "GM0014", "gm0014", "0014", or a name or alias ("Den Bosch", "gemeente Súdwest Fryslân");
  // nullptr when nothing matches.
  const Municipality* ResolveMunicipality(absl::string_view query) const;
  // "0111"; nullptr when unknown.
  const Occupation* FindOccupation(absl::string_view brc_code) const;

  // The occupations matching `filter`, ordered by demand in `region` (tightest first; unknown
  // last), then indexed median wage (highest first), then code.
  std::vector<const Occupation*> SearchOccupations(const Region& region,
                                                   const SearchFilter& filter) const;

  // The edges leaving an occupation, by wage gain (highest first), then target code.
  const std::vector<const CareerEdge*>& EdgesFrom(const Occupation& from) const {
    return edges_from_[static_cast<std::size_t>(from.index)];
  }

  // Career steps from `from` up to `max_depth` (1..5) steps away, breadth-first: every
  // occupation appears once, at the smallest depth it is reached at; within a depth by wage gain
  // (highest first), then target code, then source code. INVALID_ARGUMENT for a bad depth.
  absl::StatusOr<std::vector<CareerStepResult>> ListCareerSteps(const Occupation& from,
                                                                int max_depth) const;

  // Whether a data set is labelled SAMPLE, and one sentence naming it for answers that use it.
  bool IsSample(DataSet set) const;
  std::string SampleNote(DataSet set) const;

 private:
  friend class CatalogBuilder;
  CatalogData() = default;

  std::string version_;
  absl::Time load_time_;
  std::vector<FileInfo> files_;
  WageIndex wage_index_;
  std::vector<BrcCategory> classes_;
  std::vector<BrcCategory> segments_;
  std::vector<Occupation> occupations_;
  std::vector<Region> regions_;
  std::vector<Municipality> municipalities_;
  std::vector<CareerEdge> edges_;
  std::vector<std::vector<const CareerEdge*>> edges_from_;
  // Per region (index), all occupation indices in search order.
  std::vector<std::vector<int>> region_order_;
  absl::flat_hash_map<std::string, int> occupation_by_code_;
  absl::flat_hash_map<std::string, int> region_by_code_;
  absl::flat_hash_map<std::string, int> region_by_name_;  // folded names and aliases
  absl::flat_hash_map<std::string, int> municipality_by_code_;
  absl::flat_hash_map<std::string, int> municipality_by_name_;  // folded names and aliases
  // File name per DataSet, for IsSample / SampleNote.
  std::string demand_file_;
  std::string routes_file_;
  std::string steps_file_;
};

// The outcome of BuildCatalog: a snapshot, or every error found (then `data` is null).
struct CatalogBuild {
  std::shared_ptr<const CatalogData> data;
  std::vector<DataError> errors;
};

// The file names of a complete catalogue set (manifest.csv first). An import must send exactly
// these files; `data/jobs/manifest.csv` lists them with their sources.
const std::vector<std::string>& CatalogFileNames();

// Parses and validates a complete set of catalogue files and builds the snapshot.
CatalogBuild BuildCatalog(std::vector<CatalogFile> files, absl::Time load_time = absl::Now());

// Reads `manifest.csv` from dirs[0] and every file it lists from the first directory in `dirs`
// that has it (the shipped set: {"data/jobs", "data/regions"}). A file found nowhere is left
// out, for BuildCatalog to report. NOT_FOUND without a manifest; other I/O errors as such.
absl::StatusOr<std::vector<CatalogFile>> ReadCatalogFiles(const std::vector<std::string>& dirs);

// ReadCatalogFiles + BuildCatalog; errors become one INVALID_ARGUMENT status listing them
// (ErrorsToStatus).
absl::StatusOr<std::shared_ptr<const CatalogData>> LoadCatalog(const std::vector<std::string>& dirs,
                                                               absl::Time load_time = absl::Now());

// INVALID_ARGUMENT "N errors in the catalogue files:\n<error>\n..." listing at most
// `max_listed` errors (and how many more there are); OK when `errors` is empty.
absl::Status ErrorsToStatus(const std::vector<DataError>& errors, std::size_t max_listed = 50);

}  // namespace kompas::catalog

#endif  // KOMPAS_SERVICES_CATALOG_DATA_CATALOG_DATA_H_
