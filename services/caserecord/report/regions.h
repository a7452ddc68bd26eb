// The labour-market regions (arbeidsmarktregio's) of the network report: which region each
// gemeente belongs to, from data/regions/gemeente_arbeidsmarktregio_2026.csv
// (gm_code,gemeente_naam,am_code,am_naam). Loaded once at start-up (--regions_file); a file that
// does not validate stops the process.
#ifndef KOMPAS_SERVICES_CASERECORD_REPORT_REGIONS_H_
#define KOMPAS_SERVICES_CASERECORD_REPORT_REGIONS_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kompas::caserecord::report {

struct Region {
  std::string code;  // "AM01"
  std::string name;  // "Groningen"
};

class RegionMap {
 public:
  // The region of a gemeente ("GM0014"), or nullptr when the gemeente is not in the table.
  const Region* RegionOf(absl::string_view gemeente_code) const;
  // The region with this code ("AM01"), or nullptr.
  const Region* FindRegion(absl::string_view region_code) const;
  size_t gemeente_count() const { return region_by_gemeente_.size(); }
  size_t region_count() const { return regions_.size(); }

  // "regions/AM01", as the catalog names regions.
  static std::string ResourceName(const Region& region);

 private:
  friend absl::StatusOr<RegionMap> ParseRegions(absl::string_view, absl::string_view);
  absl::flat_hash_map<std::string, Region> regions_;                  // by am_code
  absl::flat_hash_map<std::string, std::string> region_by_gemeente_;  // gm_code -> am_code
};

// Parses the CSV text (the catalogue's strict RFC 4180 reader). Every row must have a gemeente
// code GM + 4 digits (each once), a non-empty gemeente name, a region code AM + 2 digits and
// the region's name (the same for every row of that region). INVALID_ARGUMENT naming
// `file_name`, the line and the column otherwise, and for a file without rows.
absl::StatusOr<RegionMap> ParseRegions(absl::string_view csv_text, absl::string_view file_name);

// Reads and parses the file; NOT_FOUND naming the path when it cannot be read.
absl::StatusOr<RegionMap> LoadRegions(const std::string& path);

}  // namespace kompas::caserecord::report

#endif  // KOMPAS_SERVICES_CASERECORD_REPORT_REGIONS_H_
