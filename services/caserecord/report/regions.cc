#include "services/caserecord/report/regions.h"

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/catalog/data/csv.h"

namespace kompas::caserecord::report {
namespace {

bool IsCode(absl::string_view s, absl::string_view prefix, size_t digits) {
  if (s.size() != prefix.size() + digits || !absl::StartsWith(s, prefix)) return false;
  for (char c : s.substr(prefix.size())) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status Bad(absl::string_view file, int line, absl::string_view column,
                 absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(file, ":", line, ": ", column, ": ", what));
}

}  // namespace

const Region* RegionMap::RegionOf(absl::string_view gemeente_code) const {
  const auto it = region_by_gemeente_.find(gemeente_code);
  if (it == region_by_gemeente_.end()) return nullptr;
  return FindRegion(it->second);
}

const Region* RegionMap::FindRegion(absl::string_view region_code) const {
  const auto it = regions_.find(region_code);
  return it == regions_.end() ? nullptr : &it->second;
}

std::string RegionMap::ResourceName(const Region& region) {
  return absl::StrCat("regions/", region.code);
}

absl::StatusOr<RegionMap> ParseRegions(absl::string_view csv_text, absl::string_view file_name) {
  catalog::CsvTable table;
  catalog::CsvSyntaxError error;
  if (!catalog::ParseCsv(csv_text, table, error)) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name, ":", error.line, ": ", error.message));
  }
  const std::vector<std::string> expected = {"gm_code", "gemeente_naam", "am_code", "am_naam"};
  if (table.header != expected) {
    return Bad(file_name, table.header_line, "header",
               "must be gm_code,gemeente_naam,am_code,am_naam");
  }
  if (table.records.empty()) return Bad(file_name, table.header_line, "header", "no rows");
  RegionMap map;
  for (const catalog::CsvRecord& row : table.records) {
    if (row.fields.size() != expected.size()) {
      return Bad(file_name, row.line, "row",
                 absl::StrCat("has ", row.fields.size(), " fields, expected 4"));
    }
    const std::string& gm = row.fields[0];
    const std::string& gm_name = row.fields[1];
    const std::string& am = row.fields[2];
    const std::string& am_name = row.fields[3];
    if (!IsCode(gm, "GM", 4)) {
      return Bad(file_name, row.line, "gm_code", "must be GM + 4 digits");
    }
    if (map.region_by_gemeente_.contains(gm)) {
      return Bad(file_name, row.line, "gm_code", absl::StrCat("duplicate gemeente ", gm));
    }
    if (absl::StripAsciiWhitespace(gm_name).empty()) {
      return Bad(file_name, row.line, "gemeente_naam", "must not be empty");
    }
    if (!IsCode(am, "AM", 2)) {
      return Bad(file_name, row.line, "am_code", "must be AM + 2 digits");
    }
    if (absl::StripAsciiWhitespace(am_name).empty()) {
      return Bad(file_name, row.line, "am_naam", "must not be empty");
    }
    auto [it, inserted] = map.regions_.try_emplace(am, Region{am, am_name});
    if (!inserted && it->second.name != am_name) {
      return Bad(
          file_name, row.line, "am_naam",
          absl::StrCat("region ", am, " is named '", it->second.name, "' on an earlier row"));
    }
    map.region_by_gemeente_.emplace(gm, am);
  }
  return map;
}

absl::StatusOr<RegionMap> LoadRegions(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read the regions file ", path));
  std::stringstream text;
  text << in.rdbuf();
  return ParseRegions(text.str(), path);
}

}  // namespace kompas::caserecord::report
