// The catalogue loader on bytes. The input is a whole set of catalogue files: the contents of
// the files of CatalogFileNames(), in that order, separated by NUL bytes (a missing tail means
// missing files). BuildCatalog must report every problem as a DataError naming the file, or
// give a snapshot whose queries work. The CSV reader alone gets the first file as well.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/catalog/data/catalog_data.h"
#include "services/catalog/data/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace catalog = kompas::catalog;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '\0');

  catalog::CsvTable table;
  catalog::CsvSyntaxError error;
  if (!catalog::ParseCsv(parts[0], table, error) && error.line < 1) std::abort();

  const std::vector<std::string>& names = catalog::CatalogFileNames();
  std::vector<catalog::CatalogFile> files;
  for (std::size_t i = 0; i < parts.size() && i < names.size(); ++i) {
    files.push_back({names[i], std::string(parts[i])});
  }
  catalog::CatalogBuild build = catalog::BuildCatalog(std::move(files), absl::UnixEpoch());
  if ((build.data == nullptr) == build.errors.empty()) std::abort();  // one or the other
  if (build.data == nullptr) {
    (void)catalog::ErrorsToStatus(build.errors);
    return 0;
  }
  const catalog::CatalogData& d = *build.data;
  for (const catalog::Region& region : d.regions()) {
    if (d.FindRegion(region.code) != &region) std::abort();
    (void)d.SearchOccupations(region, catalog::SearchFilter{});
  }
  for (const catalog::Occupation& o : d.occupations()) {
    if (d.FindOccupation(o.code) != &o) std::abort();
    (void)d.ListCareerSteps(o, 5);
  }
  for (const catalog::Municipality& m : d.municipalities()) {
    if (d.FindMunicipality(m.code) != &m) std::abort();
    (void)d.ResolveMunicipality(m.name);
  }
  return 0;
}
