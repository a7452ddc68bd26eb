// The catalog service's answers, from request protos to response protos, without a network:
// what the gRPC handlers (catalog_service.h), the benchmarks and the unit tests call.
//
// CatalogStore holds the served snapshot. Readers take a shared_ptr to it once per call, so a
// call sees one data version from start to end, and a reload or an import never blocks them:
// the new set is read and validated completely outside the lock, and only the pointer swap is
// under it. A set with any error changes nothing.
//
// Imports are kept: with an import directory, an applied import is written to
// `<import_dir>/<version>/` (each file fsynced), then `<import_dir>/current` is switched to it
// with an atomic rename, so a restart or a reload serves the imported set, and a crash leaves
// the old or the new set, never a mix. Without an import directory, an import lasts until the
// process ends (a reload rebuilds it, it does not fall back to the shipped files).
#ifndef KOMPAS_SERVICES_CATALOG_CATALOG_LOGIC_H_
#define KOMPAS_SERVICES_CATALOG_CATALOG_LOGIC_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "kompas/catalog/v1/catalog.pb.h"
#include "services/catalog/data/catalog_data.h"

namespace kompas::catalog {

class CatalogStore {
 public:
  // Loads the data: from `<import_dir>/current` when an import was applied before, else from
  // `dirs` (data/jobs, data/regions). Any error stops the start, listing every error.
  static absl::StatusOr<std::unique_ptr<CatalogStore>> Open(std::vector<std::string> dirs,
                                                            std::string import_dir = "");

  std::shared_ptr<const CatalogData> Current() const;
  // Where a reload reads from, for logs: the import directory's current set, the last import
  // kept in memory, or the data directories.
  std::string Source();

  // Reads the files again (the same directories Open chose). On errors keeps the current set and
  // returns them; `data` of the result is the set served afterwards.
  CatalogBuild Reload();

  // Validates `files` (a complete set). Without errors and unless `validate_only`, persists
  // them (see above) and serves them. An I/O error while persisting is an error status, and the
  // current set stays.
  absl::StatusOr<CatalogBuild> Import(std::vector<CatalogFile> files, bool validate_only);

 private:
  CatalogStore(std::vector<std::string> dirs, std::string import_dir)
      : dirs_(std::move(dirs)), import_dir_(std::move(import_dir)) {}
  std::vector<std::string> SourceDirs() const;
  absl::Status Persist(const CatalogData& data, const std::vector<CatalogFile>& files) const;

  const std::vector<std::string> dirs_;
  const std::string import_dir_;
  // Without an import directory: the last applied import, which a reload rebuilds (instead of
  // silently going back to the files in `dirs_`). Guarded by update_mu_.
  std::vector<CatalogFile> imported_;
  // std::mutex, not absl::Mutex: Debian's Abseil is not instrumented, and the snapshot swap
  // runs under ThreadSanitizer (catalog_store_test).
  std::mutex update_mu_;  // one reload or import at a time
  mutable std::mutex mu_;
  std::shared_ptr<const CatalogData> current_;  // guarded by mu_
};

// The RPCs. The queries answer from the snapshot they are given (take it once per call with
// store().Current(), so that the answer and its cache key share one data version).
class CatalogLogic {
 public:
  explicit CatalogLogic(CatalogStore* store) : store_(store) {}

  absl::Status ResolveMunicipality(const CatalogData& data,
                                   const v1::ResolveMunicipalityRequest& request,
                                   v1::ResolveMunicipalityResponse& response) const;
  absl::Status GetRegion(const CatalogData& data, const v1::GetRegionRequest& request,
                         v1::Region& response) const;
  absl::Status ListRegions(const CatalogData& data, const v1::ListRegionsRequest& request,
                           v1::ListRegionsResponse& response) const;
  absl::Status GetOccupation(const CatalogData& data, const v1::GetOccupationRequest& request,
                             v1::Occupation& response) const;
  absl::Status SearchOccupations(const CatalogData& data,
                                 const v1::SearchOccupationsRequest& request,
                                 v1::SearchOccupationsResponse& response) const;
  absl::Status ListCareerSteps(const CatalogData& data, const v1::ListCareerStepsRequest& request,
                               v1::ListCareerStepsResponse& response) const;
  absl::Status GetDataVersion(const CatalogData& data, v1::DataVersion& response) const;
  absl::Status ImportData(const v1::ImportDataRequest& request,
                          v1::ImportDataResponse& response) const;
  absl::Status ReloadData(v1::ReloadDataResponse& response) const;

  CatalogStore& store() const { return *store_; }

 private:
  CatalogStore* store_;
};

}  // namespace kompas::catalog

#endif  // KOMPAS_SERVICES_CATALOG_CATALOG_LOGIC_H_
