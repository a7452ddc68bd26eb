// Lookups and queries over a CatalogData snapshot.
#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "services/catalog/data/catalog_data.h"
#include "services/catalog/data/text.h"

namespace kompas::catalog {

absl::string_view DemandLevelName(DemandLevel level) {
  switch (level) {
    case DemandLevel::kZeerRuim:
      return "zeer_ruim";
    case DemandLevel::kRuim:
      return "ruim";
    case DemandLevel::kGemiddeld:
      return "gemiddeld";
    case DemandLevel::kKrap:
      return "krap";
    case DemandLevel::kZeerKrap:
      return "zeer_krap";
    case DemandLevel::kUnknown:
      break;
  }
  return "";
}

absl::string_view EducationLevelName(EducationLevel level) {
  static constexpr absl::string_view kNames[] = {"",      "entry", "nlqf1", "nlqf2", "nlqf3",
                                                 "nlqf4", "nlqf5", "nlqf6", "nlqf7", "nlqf8"};
  const int i = static_cast<int>(level);
  return i >= 0 && i <= 9 ? kNames[i] : "";
}

absl::string_view TrainingPathwayName(TrainingPathway pathway) {
  static constexpr absl::string_view kNames[] = {"", "mbo_bol", "mbo_bbl", "hbo", "wo", "course"};
  const int i = static_cast<int>(pathway);
  return i >= 0 && i <= 5 ? kNames[i] : "";
}

std::string DataError::ToString() const {
  if (line == 0) {
    return column.empty() ? absl::StrCat(file, ": ", message)
                          : absl::StrCat(file, ": ", column, ": ", message);
  }
  return column.empty() ? absl::StrCat(file, ":", line, ": ", message)
                        : absl::StrCat(file, ":", line, ": ", column, ": ", message);
}

const Region* CatalogData::FindRegion(absl::string_view code) const {
  if (code.size() != 4) return nullptr;
  const auto it = region_by_code_.find(absl::AsciiStrToUpper(code));
  return it == region_by_code_.end() ? nullptr : &regions_[static_cast<std::size_t>(it->second)];
}

const Region* CatalogData::FindRegionByName(absl::string_view name) const {
  const auto it = region_by_name_.find(FoldText(name));
  return it == region_by_name_.end() ? nullptr : &regions_[static_cast<std::size_t>(it->second)];
}

const Municipality* CatalogData::FindMunicipality(absl::string_view code) const {
  if (code.size() != 6) return nullptr;
  const auto it = municipality_by_code_.find(absl::AsciiStrToUpper(code));
  return it == municipality_by_code_.end() ? nullptr
                                           : &municipalities_[static_cast<std::size_t>(it->second)];
}

const Municipality* CatalogData::ResolveMunicipality(absl::string_view query) const {
  query = absl::StripAsciiWhitespace(query);
  const auto all_digits = [](absl::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (query.size() == 4 && all_digits(query)) return FindMunicipality(absl::StrCat("GM", query));
  if (query.size() == 6 && absl::StartsWithIgnoreCase(query, "gm") && all_digits(query.substr(2))) {
    return FindMunicipality(query);
  }
  const auto it = municipality_by_name_.find(FoldMunicipalityName(query));
  return it == municipality_by_name_.end() ? nullptr
                                           : &municipalities_[static_cast<std::size_t>(it->second)];
}

const Occupation* CatalogData::FindOccupation(absl::string_view brc_code) const {
  const auto it = occupation_by_code_.find(brc_code);
  return it == occupation_by_code_.end() ? nullptr
                                         : &occupations_[static_cast<std::size_t>(it->second)];
}

std::vector<const Occupation*> CatalogData::SearchOccupations(const Region& region,
                                                              const SearchFilter& filter) const {
  const auto r = static_cast<std::size_t>(region.index);
  std::vector<std::string> words;
  if (!filter.query.empty()) words = absl::StrSplit(FoldText(filter.query), ' ', absl::SkipEmpty());
  std::vector<const Occupation*> out;
  out.reserve(occupations_.size());
  for (const int i : region_order_[r]) {
    const Occupation& o = occupations_[static_cast<std::size_t>(i)];
    // The order puts unknown and lower demand last: the first miss ends the scan.
    if (filter.minimum_demand != DemandLevel::kUnknown &&
        o.demand[r].level < filter.minimum_demand) {
      break;
    }
    if (filter.maximum_education != EducationLevel::kUnspecified &&
        o.education > filter.maximum_education) {
      continue;
    }
    if (o.wages.p50_cents < filter.minimum_median_cents) continue;
    bool match = true;
    for (const std::string& w : words) {
      if (!absl::StrContains(o.search_text, w)) {
        match = false;
        break;
      }
    }
    if (match) out.push_back(&o);
  }
  return out;
}

absl::StatusOr<std::vector<CareerStepResult>> CatalogData::ListCareerSteps(const Occupation& from,
                                                                           int max_depth) const {
  if (max_depth < 1 || max_depth > 5) {
    return absl::InvalidArgumentError(absl::StrFormat("max_depth must be 1..5, got %d", max_depth));
  }
  std::vector<char> seen(occupations_.size(), 0);
  seen[static_cast<std::size_t>(from.index)] = 1;
  std::vector<int> frontier = {from.index};
  std::vector<CareerStepResult> out;
  for (int depth = 1; depth <= max_depth && !frontier.empty(); ++depth) {
    const std::size_t begin = out.size();
    for (const int node : frontier) {
      for (const CareerEdge* e : edges_from_[static_cast<std::size_t>(node)]) {
        if (seen[static_cast<std::size_t>(e->to)]) continue;
        const int64_t gain = occupations_[static_cast<std::size_t>(e->to)].wages.p50_cents -
                             occupations_[static_cast<std::size_t>(e->from)].wages.p50_cents;
        out.push_back({e, depth, gain});
      }
    }
    // Within the depth: by gain, then target code, then source code; one step per target.
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(begin), out.end(),
              [this](const CareerStepResult& a, const CareerStepResult& b) {
                if (a.wage_gain_cents != b.wage_gain_cents) {
                  return a.wage_gain_cents > b.wage_gain_cents;
                }
                const auto& ta = occupations_[static_cast<std::size_t>(a.edge->to)].code;
                const auto& tb = occupations_[static_cast<std::size_t>(b.edge->to)].code;
                if (ta != tb) return ta < tb;
                return occupations_[static_cast<std::size_t>(a.edge->from)].code <
                       occupations_[static_cast<std::size_t>(b.edge->from)].code;
              });
    frontier.clear();
    std::size_t keep = begin;
    for (std::size_t i = begin; i < out.size(); ++i) {
      const auto to = static_cast<std::size_t>(out[i].edge->to);
      if (seen[to]) continue;
      seen[to] = 1;
      frontier.push_back(out[i].edge->to);
      out[keep++] = out[i];
    }
    out.resize(keep);
  }
  return out;
}

bool CatalogData::IsSample(DataSet set) const {
  const std::string& name = set == DataSet::kDemand           ? demand_file_
                            : set == DataSet::kTrainingRoutes ? routes_file_
                                                              : steps_file_;
  for (const FileInfo& f : files_) {
    if (f.name == name) return f.sample;
  }
  return false;
}

std::string CatalogData::SampleNote(DataSet set) const {
  const std::string& name = set == DataSet::kDemand           ? demand_file_
                            : set == DataSet::kTrainingRoutes ? routes_file_
                                                              : steps_file_;
  for (const FileInfo& f : files_) {
    if (f.name == name && f.sample) {
      return absl::StrCat("SAMPLE-data: ", f.description, " (", f.name, "; ", f.source, ").");
    }
  }
  return "";
}

}  // namespace kompas::catalog
