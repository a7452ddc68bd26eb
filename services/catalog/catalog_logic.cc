#include "services/catalog/catalog_logic.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "services/catalog/data/to_proto.h"
#include "services/common/files.h"
#include "services/common/paging.h"
#include "services/common/validation.h"

namespace kompas::catalog {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxImportFiles = 64;
constexpr std::size_t kMaxImportBytes = 32u << 20;
constexpr std::size_t kMaxQueryChars = 200;
constexpr std::size_t kMaxMunicipalityQueryChars = 100;
constexpr std::int64_t kMaxWageCents = 100'000;
constexpr int kDefaultCareerDepth = 3;
constexpr int kMaxCareerDepth = 5;

// UTF-8 characters (code points), not bytes.
std::size_t Chars(absl::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// The 1-based line of the first byte sequence that is not UTF-8, or 0 when all is.
std::size_t FirstInvalidUtf8Line(absl::string_view text) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = 0;
    if (c < 0x80) {
      len = 1;
    } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
    } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
      len = 4;
    } else {
      return line;
    }
    if (i + len > text.size()) return line;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return line;
    }
    if (c == '\n') ++line;
    i += len;
  }
  return 0;
}

absl::Status CheckChars(absl::string_view field, absl::string_view text, std::size_t max) {
  if (Chars(text) > max)
    return InvalidField(field, absl::StrCat("must be at most ", max, " characters"));
  return absl::OkStatus();
}

// The region named by `name` ("regions/AM01"). Empty `name` with `optional`: null.
absl::StatusOr<const Region*> RegionNamed(const CatalogData& data, absl::string_view field,
                                          absl::string_view name, bool optional) {
  if (name.empty()) {
    if (optional) return nullptr;
    return InvalidField(field, "is required, e.g. regions/AM01");
  }
  const absl::string_view code = CodeFromResourceName(name, "regions");
  if (code.empty()) return InvalidField(field, "must be a region name such as regions/AM01");
  const Region* region = data.FindRegion(code);
  if (region == nullptr) {
    return absl::NotFoundError(absl::StrCat(field, ": no region ", name));
  }
  return region;
}

absl::StatusOr<const Occupation*> OccupationNamed(const CatalogData& data, absl::string_view field,
                                                  absl::string_view name) {
  if (name.empty()) return InvalidField(field, "is required, e.g. occupations/0111");
  const absl::string_view code = CodeFromResourceName(name, "occupations");
  if (code.empty()) {
    return InvalidField(field, "must be an occupation name such as occupations/0111");
  }
  const Occupation* occupation = data.FindOccupation(code);
  if (occupation == nullptr) {
    return absl::NotFoundError(absl::StrCat(field, ": no occupation ", name));
  }
  return occupation;
}

// What a page token is bound to: the method, the data version and the request without its
// paging fields.
template <typename Request>
std::string Fingerprint(absl::string_view method, const CatalogData& data, const Request& request) {
  Request copy = request;
  copy.clear_page_size();
  copy.clear_page_token();
  return absl::StrCat(method, "|", data.version(), "|", copy.SerializeAsString());
}

std::int64_t PageEnd(const Page& page, std::size_t total) {
  return std::min<std::int64_t>(page.offset + page.size, static_cast<std::int64_t>(total));
}

CatalogBuild ReadAndBuild(const std::vector<std::string>& dirs) {
  absl::StatusOr<std::vector<CatalogFile>> files = ReadCatalogFiles(dirs);
  if (!files.ok()) {
    CatalogBuild failed;
    failed.errors.push_back(
        {dirs.empty() ? "" : dirs.front(), 0, "", std::string(files.status().message())});
    return failed;
  }
  return BuildCatalog(*std::move(files));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// CatalogStore

absl::StatusOr<std::unique_ptr<CatalogStore>> CatalogStore::Open(std::vector<std::string> dirs,
                                                                 std::string import_dir) {
  std::unique_ptr<CatalogStore> store(new CatalogStore(std::move(dirs), std::move(import_dir)));
  CatalogBuild build = ReadAndBuild(store->SourceDirs());
  if (!build.errors.empty()) return ErrorsToStatus(build.errors);
  std::lock_guard<std::mutex> lock(store->mu_);
  store->current_ = std::move(build.data);
  return store;
}

std::vector<std::string> CatalogStore::SourceDirs() const {
  if (!import_dir_.empty()) {
    std::error_code ec;
    const fs::path current = fs::path(import_dir_) / "current";
    if (fs::is_directory(current, ec)) return {current.string()};
  }
  return dirs_;
}

std::string CatalogStore::Source() {
  std::lock_guard<std::mutex> update(update_mu_);
  if (!imported_.empty()) return "the last import (kept in memory)";
  return absl::StrJoin(SourceDirs(), ",");
}

std::shared_ptr<const CatalogData> CatalogStore::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

CatalogBuild CatalogStore::Reload() {
  std::lock_guard<std::mutex> update(update_mu_);
  CatalogBuild build = imported_.empty() ? ReadAndBuild(SourceDirs()) : BuildCatalog(imported_);
  std::lock_guard<std::mutex> lock(mu_);
  if (build.errors.empty()) {
    current_ = build.data;
  } else {
    build.data = current_;
  }
  return build;
}

absl::Status CatalogStore::Persist(const CatalogData& data,
                                   const std::vector<CatalogFile>& files) const {
  if (import_dir_.empty()) return absl::OkStatus();
  const fs::path root(import_dir_);
  const fs::path dir = root / data.version();
  // A unique name per process and import (replicas may share the volume).
  static std::atomic<int> counter{0};
  const std::string unique =
      absl::StrCat(::getpid(), "-", counter.fetch_add(1), "-", absl::ToUnixNanos(absl::Now()));
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return absl::InternalError(absl::StrCat(root.string(), ": ", ec.message()));
  // The directory is named after the content: when it exists, it holds these very files, and
  // the version being served may be read from it, so it is never rewritten. New files go to a
  // temporary directory first, renamed into place once complete.
  if (!fs::is_directory(dir, ec)) {
    const fs::path tmp_dir = root / absl::StrCat(".tmp-", unique);
    fs::create_directory(tmp_dir, ec);
    if (ec) return absl::InternalError(absl::StrCat(tmp_dir.string(), ": ", ec.message()));
    for (const CatalogFile& f : files) {
      if (absl::Status s = WriteFileSynced((tmp_dir / f.name).string(), f.content, 0644); !s.ok())
        return s;
    }
    if (absl::Status s = SyncDirectory(tmp_dir.string()); !s.ok()) return s;
    fs::rename(tmp_dir, dir, ec);
    if (ec && !fs::is_directory(dir)) {
      return absl::InternalError(absl::StrCat(dir.string(), ": ", ec.message()));
    }
    if (ec) fs::remove_all(tmp_dir, ec);  // another replica renamed the same files first
    if (absl::Status s = SyncDirectory(root.string()); !s.ok()) return s;
  }
  // Switch `current` atomically: a new symlink renamed over the old one.
  const fs::path link = root / "current";
  const fs::path tmp = root / absl::StrCat(".current-", unique);
  fs::create_directory_symlink(data.version(), tmp, ec);
  if (ec) return absl::InternalError(absl::StrCat(tmp.string(), ": ", ec.message()));
  fs::rename(tmp, link, ec);
  if (ec) return absl::InternalError(absl::StrCat(link.string(), ": ", ec.message()));
  return SyncDirectory(root.string());
}

absl::StatusOr<CatalogBuild> CatalogStore::Import(std::vector<CatalogFile> files,
                                                  bool validate_only) {
  std::lock_guard<std::mutex> update(update_mu_);
  std::vector<CatalogFile> kept = validate_only ? std::vector<CatalogFile>{} : files;
  CatalogBuild build = BuildCatalog(std::move(files));
  if (!build.errors.empty() || validate_only) {
    build.data = Current();
    return build;
  }
  if (absl::Status s = Persist(*build.data, kept); !s.ok()) return s;
  if (import_dir_.empty()) imported_ = std::move(kept);  // what a reload rereads
  std::lock_guard<std::mutex> lock(mu_);
  current_ = build.data;
  return build;
}

// ---------------------------------------------------------------------------------------------
// CatalogLogic

absl::Status CatalogLogic::ResolveMunicipality(const CatalogData& data,
                                               const v1::ResolveMunicipalityRequest& req,
                                               v1::ResolveMunicipalityResponse& resp) const {
  if (req.query().empty()) return InvalidField("query", "is required (a gemeente code or name)");
  if (absl::Status s = CheckChars("query", req.query(), kMaxMunicipalityQueryChars); !s.ok()) {
    return s;
  }
  const Municipality* m = data.ResolveMunicipality(req.query());
  if (m == nullptr) {
    return absl::NotFoundError(absl::StrCat("query: no gemeente matches '", req.query(), "'"));
  }
  MunicipalityToProto(data, *m, resp.mutable_municipality());
  RegionToProto(data, data.regions()[static_cast<std::size_t>(m->region)],
                /*with_municipalities=*/false, resp.mutable_region());
  resp.set_data_version(data.version());
  return absl::OkStatus();
}

absl::Status CatalogLogic::GetRegion(const CatalogData& data, const v1::GetRegionRequest& req,
                                     v1::Region& resp) const {
  absl::StatusOr<const Region*> region = RegionNamed(data, "name", req.name(), false);
  if (!region.ok()) return region.status();
  RegionToProto(data, **region, /*with_municipalities=*/true, &resp);
  return absl::OkStatus();
}

absl::Status CatalogLogic::ListRegions(const CatalogData& data, const v1::ListRegionsRequest& req,
                                       v1::ListRegionsResponse& resp) const {
  const std::string fingerprint = Fingerprint("ListRegions", data, req);
  absl::StatusOr<Page> page = ParsePage(req.page_size(), req.page_token(), fingerprint);
  if (!page.ok()) return page.status();
  const std::vector<Region>& regions = data.regions();
  const std::int64_t end = PageEnd(*page, regions.size());
  for (std::int64_t i = page->offset; i < end; ++i) {
    RegionToProto(data, regions[static_cast<std::size_t>(i)], false, resp.add_regions());
  }
  resp.set_next_page_token(
      NextPageToken(fingerprint, end, static_cast<std::int64_t>(regions.size())));
  resp.set_data_version(data.version());
  return absl::OkStatus();
}

absl::Status CatalogLogic::GetOccupation(const CatalogData& data,
                                         const v1::GetOccupationRequest& req,
                                         v1::Occupation& resp) const {
  absl::StatusOr<const Occupation*> occupation = OccupationNamed(data, "name", req.name());
  if (!occupation.ok()) return occupation.status();
  absl::StatusOr<const Region*> region = RegionNamed(data, "region", req.region(), true);
  if (!region.ok()) return region.status();
  OccupationToProto(data, **occupation, *region, &resp);
  return absl::OkStatus();
}

absl::Status CatalogLogic::SearchOccupations(const CatalogData& data,
                                             const v1::SearchOccupationsRequest& req,
                                             v1::SearchOccupationsResponse& resp) const {
  absl::StatusOr<const Region*> region = RegionNamed(data, "region", req.region(), false);
  if (!region.ok()) return region.status();
  Validator v;
  v.Check(CheckChars("query", req.query(), kMaxQueryChars))
      .Check(CheckRange("minimum_demand", req.minimum_demand(), v1::DemandLevel_MIN,
                        v1::DemandLevel_MAX))
      .Check(CheckRange("maximum_education_level", req.maximum_education_level(),
                        v1::EducationLevel_MIN, v1::EducationLevel_MAX))
      .Check(CheckRange("view", req.view(), v1::OccupationView_MIN, v1::OccupationView_MAX))
      .Check(CheckRange("minimum_median_hourly_wage.cents",
                        req.minimum_median_hourly_wage().cents(), 0, kMaxWageCents));
  if (!v.ok()) return v.status();
  const std::string fingerprint = Fingerprint("SearchOccupations", data, req);
  absl::StatusOr<Page> page = ParsePage(req.page_size(), req.page_token(), fingerprint);
  if (!page.ok()) return page.status();

  SearchFilter filter;
  filter.minimum_demand = static_cast<DemandLevel>(req.minimum_demand());
  filter.maximum_education = static_cast<EducationLevel>(req.maximum_education_level());
  filter.minimum_median_cents = req.minimum_median_hourly_wage().cents();
  filter.query = req.query();
  const std::vector<const Occupation*> found = data.SearchOccupations(**region, filter);
  const std::int64_t end = PageEnd(*page, found.size());
  for (std::int64_t i = page->offset; i < end; ++i) {
    OccupationToProto(data, *found[static_cast<std::size_t>(i)], *region, resp.add_occupations(),
                      req.view() == v1::OCCUPATION_VIEW_FULL ? v1::OCCUPATION_VIEW_FULL
                                                             : v1::OCCUPATION_VIEW_BASIC);
  }
  const auto total = static_cast<std::int64_t>(found.size());
  resp.set_next_page_token(NextPageToken(fingerprint, end, total));
  resp.set_total_size(static_cast<std::int32_t>(total));
  ProvenanceToProto(data, {DataSet::kDemand, DataSet::kTrainingRoutes}, resp.mutable_provenance());
  return absl::OkStatus();
}

absl::Status CatalogLogic::ListCareerSteps(const CatalogData& data,
                                           const v1::ListCareerStepsRequest& req,
                                           v1::ListCareerStepsResponse& resp) const {
  absl::StatusOr<const Occupation*> from = OccupationNamed(data, "parent", req.parent());
  if (!from.ok()) return from.status();
  if (absl::Status s = CheckRange("max_depth", req.max_depth(), 0, kMaxCareerDepth); !s.ok()) {
    return s;
  }
  absl::StatusOr<const Region*> region = RegionNamed(data, "region", req.region(), true);
  if (!region.ok()) return region.status();
  const std::string fingerprint = Fingerprint("ListCareerSteps", data, req);
  absl::StatusOr<Page> page = ParsePage(req.page_size(), req.page_token(), fingerprint);
  if (!page.ok()) return page.status();
  absl::StatusOr<std::vector<CareerStepResult>> steps =
      data.ListCareerSteps(**from, req.max_depth() == 0 ? kDefaultCareerDepth : req.max_depth());
  if (!steps.ok()) return steps.status();
  const std::int64_t end = PageEnd(*page, steps->size());
  for (std::int64_t i = page->offset; i < end; ++i) {
    CareerStepToProto(data, (*steps)[static_cast<std::size_t>(i)], *region,
                      resp.add_career_steps());
  }
  resp.set_next_page_token(
      NextPageToken(fingerprint, end, static_cast<std::int64_t>(steps->size())));
  ProvenanceToProto(data, {DataSet::kDemand, DataSet::kTrainingRoutes, DataSet::kCuratedSteps},
                    resp.mutable_provenance());
  return absl::OkStatus();
}

absl::Status CatalogLogic::GetDataVersion(const CatalogData& data, v1::DataVersion& resp) const {
  DataVersionToProto(data, &resp);
  return absl::OkStatus();
}

absl::Status CatalogLogic::ImportData(const v1::ImportDataRequest& req,
                                      v1::ImportDataResponse& resp) const {
  if (req.files_size() == 0) return InvalidField("files", "is required: the complete set of files");
  if (req.files_size() > kMaxImportFiles) {
    return InvalidField("files", absl::StrCat("at most ", kMaxImportFiles, " files"));
  }
  std::vector<CatalogFile> files;
  std::size_t bytes = 0;
  for (int i = 0; i < req.files_size(); ++i) {
    const v1::DataFileContent& f = req.files(i);
    const std::string field = Indexed("files", static_cast<std::size_t>(i));
    const std::string& name = f.file_name();
    const bool plain = !name.empty() && name.size() <= 100 && name.front() != '.' &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
                       });
    if (!plain) {
      return InvalidField(field + ".file_name",
                          "must be a plain file name (letters, digits, '_', '-', '.')");
    }
    for (const CatalogFile& other : files) {
      if (other.name == name) return InvalidField(field + ".file_name", "is sent twice");
    }
    if (const std::size_t bad = FirstInvalidUtf8Line(f.content()); bad > 0) {
      return InvalidField(
          field + ".content",
          absl::StrCat("line ", bad, " is not valid UTF-8 (save the file as UTF-8)"));
    }
    bytes += f.content().size();
    if (bytes > kMaxImportBytes) {
      return InvalidField("files",
                          absl::StrCat("at most ", kMaxImportBytes >> 20, " MiB in total"));
    }
    files.push_back({name, f.content()});
  }
  absl::StatusOr<CatalogBuild> build = store_->Import(std::move(files), req.validate_only());
  if (!build.ok()) return build.status();
  resp.set_applied(!req.validate_only() && build->errors.empty());
  for (const DataError& e : build->errors) DataErrorToProto(e, resp.add_errors());
  DataVersionToProto(*build->data, resp.mutable_data_version());
  return absl::OkStatus();
}

absl::Status CatalogLogic::ReloadData(v1::ReloadDataResponse& resp) const {
  CatalogBuild build = store_->Reload();
  resp.set_applied(build.errors.empty());
  for (const DataError& e : build.errors) DataErrorToProto(e, resp.add_errors());
  DataVersionToProto(*build.data, resp.mutable_data_version());
  return absl::OkStatus();
}

}  // namespace kompas::catalog
