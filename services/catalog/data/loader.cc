// Parsing and validation of the catalogue files, and building the snapshot.
#include <sodium.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/catalog/data/catalog_data.h"
#include "services/catalog/data/csv.h"
#include "services/catalog/data/text.h"

namespace kompas::catalog {

namespace {

constexpr char kManifest[] = "manifest.csv";
constexpr char kTaxonomy[] = "brc2014_taxonomie.csv";
constexpr char kSchema[] = "cbs_isco2008_brc2014_schakelschema.csv";
constexpr char kWages[] = "cbs85517_brc2014_uurloon_kwartielen_2022.csv";
constexpr char kIndex[] = "cao_loonindex_85663ned.csv";
constexpr char kMinimumWage[] = "wml_uurloon_21plus.csv";
constexpr char kCao[] = "cao_lonen_instap.csv";
constexpr char kRegions[] = "arbeidsmarktregios_2025.csv";
constexpr char kMunicipalities[] = "gemeente_arbeidsmarktregio_2026.csv";
constexpr char kAliases[] = "regio_aliassen.csv";
constexpr char kSkillLevels[] = "isco08_vaardigheidsniveaus.csv";
constexpr char kNlqf[] = "nlqf_per_vaardigheidsniveau.csv";
constexpr char kRoutes[] = "opleidingsroutes.csv";
constexpr char kGenericRoutes[] = "opleidingsduur_per_niveau.csv";
constexpr char kDemand[] = "vraag_per_regio.csv";
constexpr char kSteps[] = "loopbaanstappen.csv";

std::string Quote(absl::string_view s) { return absl::StrCat("'", s, "'"); }

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Non-negative integer in [min, max].
bool ParseInt(absl::string_view s, int min, int max, int& out) {
  if (!AllDigits(s) || s.size() > 9) return false;
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  if (v < min || v > max) return false;
  out = v;
  return true;
}

// A decimal with at most `decimals` decimals, scaled by 10^decimals ("23.6", 2 -> 2360).
bool ParseFixed(absl::string_view s, int decimals, bool allow_negative, int64_t& out) {
  bool negative = false;
  if (allow_negative && !s.empty() && s[0] == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  const std::size_t dot = s.find('.');
  absl::string_view whole = s.substr(0, dot);
  absl::string_view frac = dot == absl::string_view::npos ? "" : s.substr(dot + 1);
  if (!AllDigits(whole) || whole.size() > 12) return false;
  if (dot != absl::string_view::npos && (frac.empty() || !AllDigits(frac))) return false;
  if (frac.size() > static_cast<std::size_t>(decimals)) return false;
  int64_t v = 0;
  for (char c : whole) v = v * 10 + (c - '0');
  for (int i = 0; i < decimals; ++i) {
    v = v * 10 +
        (static_cast<std::size_t>(i) < frac.size() ? frac[static_cast<std::size_t>(i)] - '0' : 0);
  }
  out = negative ? -v : v;
  return true;
}

bool ParseBool(absl::string_view s, bool& out) {
  if (s == "true") {
    out = true;
    return true;
  }
  if (s == "false") {
    out = false;
    return true;
  }
  return false;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// "YYYY-MM-DD"; with `partial`, also "YYYY-MM" and "YYYY" (missing parts 0).
bool ParseDate(absl::string_view s, bool partial, int& y, int& m, int& d) {
  y = m = d = 0;
  if (s.size() != 10 && !(partial && (s.size() == 7 || s.size() == 4))) return false;
  if (!ParseInt(s.substr(0, 4), 1900, 2999, y)) return false;
  if (s.size() == 4) return true;
  if (s[4] != '-' || !ParseInt(s.substr(5, 2), 1, 12, m)) return false;
  if (s.size() == 7) return true;
  return s[7] == '-' && ParseInt(s.substr(8, 2), 1, DaysInMonth(y, m), d);
}

int64_t RoundDiv(int64_t a, int64_t b) { return (a + b / 2) / b; }  // a >= 0, b > 0

bool ParseDemandLevel(absl::string_view s, DemandLevel& out) {
  for (int i = 1; i <= 5; ++i) {
    if (DemandLevelName(static_cast<DemandLevel>(i)) == s) {
      out = static_cast<DemandLevel>(i);
      return true;
    }
  }
  return false;
}

bool ParseEducationLevel(absl::string_view s, EducationLevel& out) {
  for (int i = 1; i <= 9; ++i) {
    if (EducationLevelName(static_cast<EducationLevel>(i)) == s) {
      out = static_cast<EducationLevel>(i);
      return true;
    }
  }
  return false;
}

bool ParsePathway(absl::string_view s, TrainingPathway& out) {
  for (int i = 1; i <= 5; ++i) {
    if (TrainingPathwayName(static_cast<TrainingPathway>(i)) == s) {
      out = static_cast<TrainingPathway>(i);
      return true;
    }
  }
  return false;
}

std::string Hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0x0F]);
  }
  return out;
}

// One parsed file with its columns, and the error list it reports to.
class Table {
 public:
  Table(std::string file, std::vector<DataError>& errors)
      : file_(std::move(file)), errors_(errors) {}

  // Parses `content` and checks that the header has exactly `columns` (in any order). Returns
  // false (after reporting) when the file cannot be read as a table.
  bool Parse(const std::string* content, const std::vector<std::string>& columns) {
    if (content == nullptr) return false;  // reported as a missing file
    CsvSyntaxError syntax;
    if (!ParseCsv(*content, csv_, syntax)) {
      Error(syntax.line, "", absl::StrCat("CSV syntax: ", syntax.message));
      return false;
    }
    if (csv_.header.empty()) {
      Error(0, "", absl::StrCat("empty file: expected the header ", absl::StrJoin(columns, ",")));
      return false;
    }
    bool ok = true;
    for (const std::string& column : columns) {
      const auto it = std::find(csv_.header.begin(), csv_.header.end(), column);
      if (it == csv_.header.end()) {
        Error(csv_.header_line, column, "missing column");
        ok = false;
      } else {
        index_[column] = static_cast<std::size_t>(it - csv_.header.begin());
      }
    }
    absl::flat_hash_set<std::string> seen;
    for (const std::string& column : csv_.header) {
      if (std::find(columns.begin(), columns.end(), column) == columns.end()) {
        Error(csv_.header_line, column, "unknown column");
        ok = false;
      } else if (!seen.insert(column).second) {
        Error(csv_.header_line, column, "column appears more than once");
        ok = false;
      }
    }
    if (!ok) return false;
    for (const CsvRecord& record : csv_.records) {
      if (record.fields.size() != csv_.header.size()) {
        Error(record.line, "",
              absl::StrFormat("expected %d fields, found %d", csv_.header.size(),
                              record.fields.size()));
      } else {
        rows_.push_back(&record);
      }
    }
    return true;
  }

  const std::vector<const CsvRecord*>& rows() const { return rows_; }
  const std::vector<std::string>& comments() const { return csv_.comments; }

  absl::string_view Get(const CsvRecord& row, const std::string& column) const {
    return row.fields[index_.at(column)];
  }

  void Error(int line, absl::string_view column, std::string message) {
    errors_.push_back(DataError{file_, line, std::string(column), std::move(message)});
  }

  // Field helpers: parse or report. Each returns false after reporting.
  bool Int(const CsvRecord& row, const std::string& column, int min, int max, int& out) {
    const absl::string_view v = Get(row, column);
    if (ParseInt(v, min, max, out)) return true;
    Error(row.line, column,
          absl::StrFormat("%s is not a whole number from %d to %d", Quote(v), min, max));
    return false;
  }
  // Euros with at most 2 decimals -> cents.
  bool Cents(const CsvRecord& row, const std::string& column, int64_t& out) {
    const absl::string_view v = Get(row, column);
    if (ParseFixed(v, 2, false, out)) return true;
    Error(row.line, column,
          absl::StrFormat("%s is not an amount in euros (expected e.g. 17.90)", Quote(v)));
    return false;
  }
  bool Bool(const CsvRecord& row, const std::string& column, bool& out) {
    const absl::string_view v = Get(row, column);
    if (ParseBool(v, out)) return true;
    Error(row.line, column, absl::StrFormat("%s is not true or false", Quote(v)));
    return false;
  }
  bool NonEmpty(const CsvRecord& row, const std::string& column) {
    if (!Get(row, column).empty()) return true;
    Error(row.line, column, "must not be empty");
    return false;
  }

 private:
  std::string file_;
  std::vector<DataError>& errors_;
  CsvTable csv_;
  absl::flat_hash_map<std::string, std::size_t> index_;
  std::vector<const CsvRecord*> rows_;
};

// A published wage row (source year, cents).
struct WageRow {
  int line = 0;
  bool published = false;
  int64_t p25 = 0;
  int64_t p50 = 0;
  int64_t p75 = 0;
  int employees = -1;
};

struct GenericRoute {
  Training training;
};

}  // namespace

// Builds a CatalogData from files; collects errors.
class CatalogBuilder {
 public:
  explicit CatalogBuilder(std::vector<CatalogFile> files) : files_(std::move(files)) {}

  CatalogBuild Build(absl::Time load_time);

 private:
  const std::string* Content(const std::string& name) const {
    const auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &files_[it->second].content;
  }
  void CheckFileSet();
  void LoadManifest();
  void LoadTaxonomy();
  void LoadSkillLevels();
  void LoadSchema();
  void LoadWages();
  void LoadIndex();
  void LoadMinimumWage();
  void LoadCao();
  void LoadRegions();
  void LoadMunicipalities();
  void LoadAliases();
  void LoadRoutes();
  void LoadGenericRoutes();
  void LoadDemand();
  void LoadSteps();
  void Finish();

  bool Sample(const std::string& file) const {
    const auto it = manifest_.find(file);
    return it != manifest_.end() && it->second.sample;
  }
  // Occupation index by code, or -1 after reporting an unknown code.
  int OccupationRef(Table& t, const CsvRecord& row, const std::string& column) {
    const absl::string_view code = t.Get(row, column);
    const auto it = data_->occupation_by_code_.find(code);
    if (it != data_->occupation_by_code_.end()) return it->second;
    if (taxonomy_ok_) {
      t.Error(row.line, column, absl::StrFormat("unknown BRC beroepsgroep %s", Quote(code)));
    }
    return -1;
  }
  int RegionRef(Table& t, const CsvRecord& row, const std::string& column) {
    const absl::string_view code = t.Get(row, column);
    const auto it = data_->region_by_code_.find(code);
    if (it != data_->region_by_code_.end()) return it->second;
    if (regions_ok_) t.Error(row.line, column, absl::StrFormat("unknown region %s", Quote(code)));
    return -1;
  }
  bool ParseTraining(Table& t, const CsvRecord& row, bool sample, Training& out);

  std::vector<CatalogFile> files_;
  absl::flat_hash_map<std::string, std::size_t> by_name_;
  std::vector<DataError> errors_;
  std::shared_ptr<CatalogData> data_{new CatalogData()};

  absl::flat_hash_map<std::string, FileInfo> manifest_;
  bool taxonomy_ok_ = false;
  bool regions_ok_ = false;
  absl::flat_hash_map<std::string, int> segment_by_code_;
  absl::flat_hash_map<std::string, int> class_by_code_;
  std::vector<std::pair<std::string, int>> skill_prefixes_;  // prefix -> level
  absl::flat_hash_map<int, std::pair<EducationLevel, std::string>> nlqf_by_skill_;
  absl::flat_hash_map<std::string, WageRow> wages_;                      // any BRC level
  std::vector<std::tuple<int, int64_t, bool, std::string>> index_rows_;  // year, bp, est, source
  std::vector<std::pair<std::string, int64_t>> minimum_wages_;           // valid_from, cents
  absl::flat_hash_map<EducationLevel, Training> generic_routes_;
  std::vector<std::pair<std::string, CareerEdge>> curated_edges_;
};

void CatalogBuilder::CheckFileSet() {
  const std::vector<std::string>& known = CatalogFileNames();
  for (std::size_t i = 0; i < files_.size(); ++i) {
    const std::string& name = files_[i].name;
    if (!by_name_.emplace(name, i).second) {
      errors_.push_back({name, 0, "", "sent more than once"});
    } else if (std::find(known.begin(), known.end(), name) == known.end()) {
      errors_.push_back(
          {name, 0, "", "unknown file: not part of the catalogue (see manifest.csv)"});
    }
  }
  for (const std::string& name : known) {
    if (!by_name_.contains(name)) {
      errors_.push_back({name, 0, "", "missing: the catalogue needs this file"});
    }
  }
}

void CatalogBuilder::LoadManifest() {
  Table t(kManifest, errors_);
  if (!t.Parse(Content(kManifest),
               {"file", "description", "source", "year", "licence", "status", "sample"})) {
    return;
  }
  const std::vector<std::string>& known = CatalogFileNames();
  static const std::set<std::string> kStatuses = {"verbatim", "derived", "transcribed", "curated",
                                                  "generated"};
  for (const CsvRecord* row : t.rows()) {
    FileInfo info;
    info.name = std::string(t.Get(*row, "file"));
    bool ok = true;
    if (info.name == kManifest || std::find(known.begin(), known.end(), info.name) == known.end()) {
      t.Error(row->line, "file",
              absl::StrFormat("%s is not a catalogue data file", Quote(info.name)));
      ok = false;
    } else if (manifest_.contains(info.name)) {
      t.Error(row->line, "file", absl::StrFormat("%s is listed twice", Quote(info.name)));
      ok = false;
    }
    info.description = std::string(t.Get(*row, "description"));
    info.source = std::string(t.Get(*row, "source"));
    info.licence = std::string(t.Get(*row, "licence"));
    info.status = std::string(t.Get(*row, "status"));
    ok &= t.NonEmpty(*row, "description");
    ok &= t.NonEmpty(*row, "source");
    ok &= t.NonEmpty(*row, "licence");
    ok &= t.Int(*row, "year", 1900, 2999, info.year);
    if (!kStatuses.contains(info.status)) {
      t.Error(row->line, "status",
              absl::StrFormat("%s is not one of verbatim, derived, transcribed, curated, generated",
                              Quote(info.status)));
      ok = false;
    }
    ok &= t.Bool(*row, "sample", info.sample);
    if (!ok) continue;
    // The file must carry its SAMPLE label itself, and only when the manifest says so.
    if (const std::string* content = Content(info.name); content != nullptr) {
      CsvTable csv;
      CsvSyntaxError syntax;
      ParseCsv(*content, csv, syntax);
      const bool labelled =
          !csv.comments.empty() &&
          absl::StartsWith(absl::StripLeadingAsciiWhitespace(csv.comments[0]), "SAMPLE");
      if (info.sample && !labelled) {
        t.Error(row->line, "sample",
                "the file is marked sample but its first line is not a '# SAMPLE' comment");
      } else if (!info.sample && labelled) {
        t.Error(row->line, "sample",
                "the file's first line says SAMPLE but the manifest marks it as not sample");
      }
    }
    manifest_.emplace(info.name, std::move(info));
  }
  for (const std::string& name : known) {
    if (name != kManifest && !manifest_.contains(name) && by_name_.contains(name)) {
      t.Error(0, "file", absl::StrFormat("%s is not listed", Quote(name)));
    }
  }
}

void CatalogBuilder::LoadTaxonomy() {
  Table t(kTaxonomy, errors_);
  if (!t.Parse(Content(kTaxonomy), {"code", "level", "parent", "title", "title_status"})) return;
  taxonomy_ok_ = true;
  // Rows may come in any order: first the klassen, then segments, then beroepsgroepen.
  for (const std::size_t want : {std::size_t{2}, std::size_t{3}, std::size_t{4}}) {
    for (const CsvRecord* row : t.rows()) {
      const absl::string_view code = t.Get(*row, "code");
      const absl::string_view level = t.Get(*row, "level");
      const absl::string_view parent = t.Get(*row, "parent");
      const absl::string_view title = t.Get(*row, "title");
      const std::size_t expected_len = level == "klasse"         ? 2
                                       : level == "segment"      ? 3
                                       : level == "beroepsgroep" ? 4
                                                                 : 0;
      if (expected_len == 0) {
        if (want == 2) {
          t.Error(row->line, "level",
                  absl::StrFormat("%s is not klasse, segment or beroepsgroep", Quote(level)));
        }
        continue;
      }
      if (expected_len != want) continue;
      if (!AllDigits(code) || code.size() != expected_len) {
        t.Error(
            row->line, "code",
            absl::StrFormat("%s is not a %d-digit BRC %s code", Quote(code), expected_len, level));
        continue;
      }
      if (title.empty()) {
        t.Error(row->line, "title", "must not be empty");
        continue;
      }
      if (segment_by_code_.contains(code) || class_by_code_.contains(code) ||
          data_->occupation_by_code_.contains(code)) {
        t.Error(row->line, "code", absl::StrFormat("duplicate code %s", Quote(code)));
        continue;
      }
      if (want == 2) {
        if (!parent.empty()) {
          t.Error(row->line, "parent", "a klasse has no parent");
          continue;
        }
        class_by_code_[code] = static_cast<int>(data_->classes_.size());
        data_->classes_.push_back({std::string(code), std::string(title)});
        continue;
      }
      const bool parent_ok =
          want == 3 ? class_by_code_.contains(parent) : segment_by_code_.contains(parent);
      if (!parent_ok || !absl::StartsWith(code, parent)) {
        t.Error(row->line, "parent",
                absl::StrFormat("%s is not the %s of %s", Quote(parent),
                                want == 3 ? "klasse" : "segment", Quote(code)));
        continue;
      }
      if (want == 3) {
        segment_by_code_[code] = static_cast<int>(data_->segments_.size());
        data_->segments_.push_back({std::string(code), std::string(title)});
      } else {
        Occupation o;
        o.index = static_cast<int>(data_->occupations_.size());
        o.code = std::string(code);
        o.title = std::string(title);
        o.segment = segment_by_code_.at(parent);
        o.klasse = class_by_code_.at(code.substr(0, 2));
        data_->occupation_by_code_[o.code] = o.index;
        data_->occupations_.push_back(std::move(o));
      }
    }
  }
}

void CatalogBuilder::LoadSkillLevels() {
  Table t(kSkillLevels, errors_);
  if (!t.Parse(Content(kSkillLevels), {"isco_prefix", "skill_level", "status", "note"})) return;
  absl::flat_hash_set<std::string> seen;
  for (const CsvRecord* row : t.rows()) {
    const std::string prefix(t.Get(*row, "isco_prefix"));
    int level = 0;
    if (!AllDigits(prefix) || prefix.size() > 2) {
      t.Error(row->line, "isco_prefix",
              absl::StrFormat("%s is not a 1- or 2-digit ISCO-08 group", Quote(prefix)));
      continue;
    }
    if (!t.Int(*row, "skill_level", 1, 4, level)) continue;
    if (!seen.insert(prefix).second) {
      t.Error(row->line, "isco_prefix", absl::StrFormat("duplicate prefix %s", Quote(prefix)));
      continue;
    }
    skill_prefixes_.emplace_back(prefix, level);
  }
  // Longest prefix first.
  std::sort(skill_prefixes_.begin(), skill_prefixes_.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });

  Table n(kNlqf, errors_);
  if (!n.Parse(Content(kNlqf), {"skill_level", "education_level", "note"})) return;
  for (const CsvRecord* row : n.rows()) {
    int level = 0;
    EducationLevel education = EducationLevel::kUnspecified;
    if (!n.Int(*row, "skill_level", 1, 4, level)) continue;
    if (!ParseEducationLevel(n.Get(*row, "education_level"), education)) {
      n.Error(row->line, "education_level",
              absl::StrFormat("%s is not entry or nlqf1..nlqf8",
                              Quote(n.Get(*row, "education_level"))));
      continue;
    }
    if (nlqf_by_skill_.contains(level)) {
      n.Error(row->line, "skill_level", absl::StrFormat("duplicate skill level %d", level));
      continue;
    }
    nlqf_by_skill_[level] = {education, std::string(n.Get(*row, "note"))};
  }
  for (int level = 1; level <= 4; ++level) {
    if (!nlqf_by_skill_.contains(level)) {
      n.Error(0, "skill_level", absl::StrFormat("no row for skill level %d", level));
    }
  }
}

void CatalogBuilder::LoadSchema() {
  Table t(kSchema, errors_);
  if (!t.Parse(Content(kSchema),
               {"isco08_unit", "isco08_unit_label", "brc_group", "brc_group_label", "brc_class"})) {
    return;
  }
  absl::flat_hash_set<std::string> units;
  for (const CsvRecord* row : t.rows()) {
    const absl::string_view unit = t.Get(*row, "isco08_unit");
    if (!AllDigits(unit) || unit.size() != 4) {
      t.Error(row->line, "isco08_unit",
              absl::StrFormat("%s is not a 4-digit ISCO-08 code", Quote(unit)));
      continue;
    }
    if (!units.insert(std::string(unit)).second) {
      t.Error(row->line, "isco08_unit", absl::StrFormat("duplicate ISCO-08 unit %s", Quote(unit)));
      continue;
    }
    if (!t.NonEmpty(*row, "isco08_unit_label")) continue;
    const int occupation = OccupationRef(t, *row, "brc_group");
    if (occupation < 0) continue;
    Occupation& o = data_->occupations_[static_cast<std::size_t>(occupation)];
    if (t.Get(*row, "brc_group_label") != o.title) {
      t.Error(row->line, "brc_group_label",
              absl::StrFormat("%s differs from the title of %s in %s: %s",
                              Quote(t.Get(*row, "brc_group_label")), o.code, kTaxonomy,
                              Quote(o.title)));
    }
    if (t.Get(*row, "brc_class") != o.code.substr(0, 2)) {
      t.Error(
          row->line, "brc_class",
          absl::StrFormat("%s is not the klasse of %s", Quote(t.Get(*row, "brc_class")), o.code));
    }
    int skill = 0;
    for (const auto& [prefix, level] : skill_prefixes_) {
      if (absl::StartsWith(unit, prefix)) {
        skill = level;
        break;
      }
    }
    if (skill == 0 && !skill_prefixes_.empty()) {
      t.Error(row->line, "isco08_unit",
              absl::StrFormat("no skill level for ISCO-08 unit %s in %s", unit, kSkillLevels));
    }
    o.isco_units.push_back(
        {std::string(unit), std::string(t.Get(*row, "isco08_unit_label")), skill});
  }
  if (!t.rows().empty()) {
    for (const Occupation& o : data_->occupations_) {
      if (o.isco_units.empty()) {
        t.Error(0, "brc_group", absl::StrFormat("beroepsgroep %s has no ISCO-08 unit", o.code));
      }
    }
  }
}

void CatalogBuilder::LoadWages() {
  Table t(kWages, errors_);
  if (!t.Parse(Content(kWages), {"brc", "title", "employees_thousands", "p25", "p50", "p75"}))
    return;
  for (const CsvRecord* row : t.rows()) {
    const std::string code(t.Get(*row, "brc"));
    if (code == "Totaal") continue;
    if (taxonomy_ok_ && !class_by_code_.contains(code) && !segment_by_code_.contains(code) &&
        !data_->occupation_by_code_.contains(code)) {
      t.Error(row->line, "brc", absl::StrFormat("unknown BRC code %s", Quote(code)));
      continue;
    }
    if (wages_.contains(code)) {
      t.Error(row->line, "brc", absl::StrFormat("duplicate BRC code %s", Quote(code)));
      continue;
    }
    WageRow w;
    w.line = row->line;
    bool ok = true;
    if (!t.Get(*row, "employees_thousands").empty()) {
      ok &= t.Int(*row, "employees_thousands", 0, 100000, w.employees);
    }
    int64_t* const values[] = {&w.p25, &w.p50, &w.p75};
    const std::string columns[] = {"p25", "p50", "p75"};
    int blanks = 0;
    for (int i = 0; i < 3; ++i) {
      if (t.Get(*row, columns[i]).empty()) {
        ++blanks;
      } else if (!ParseFixed(t.Get(*row, columns[i]), 2, false, *values[i])) {
        t.Error(row->line, columns[i],
                absl::StrFormat("%s is not a number (expected an hourly wage in euros, e.g. 17.90)",
                                Quote(t.Get(*row, columns[i]))));
        ok = false;
      }
    }
    if (!ok) continue;
    if (blanks != 0 && blanks != 3) {
      t.Error(row->line, "", "p25, p50 and p75 must be all given or all blank (not published)");
      continue;
    }
    w.published = blanks == 0;
    if (w.published && w.p25 > w.p50) {
      t.Error(row->line, "p25",
              absl::StrFormat("p25 (%s) is greater than p50 (%s)", t.Get(*row, "p25"),
                              t.Get(*row, "p50")));
      continue;
    }
    if (w.published && w.p50 > w.p75) {
      t.Error(row->line, "p50",
              absl::StrFormat("p50 (%s) is greater than p75 (%s)", t.Get(*row, "p50"),
                              t.Get(*row, "p75")));
      continue;
    }
    wages_.emplace(code, w);
  }
  if (taxonomy_ok_) {
    for (const Occupation& o : data_->occupations_) {
      if (!wages_.contains(o.code)) {
        t.Error(0, "brc", absl::StrFormat("no row for beroepsgroep %s", o.code));
      }
    }
  }
}

void CatalogBuilder::LoadIndex() {
  Table t(kIndex, errors_);
  if (!t.Parse(Content(kIndex), {"year", "change_pct", "status", "source"})) return;
  int previous = 0;
  for (const CsvRecord* row : t.rows()) {
    int year = 0;
    int64_t bp = 0;
    if (!t.Int(*row, "year", 1900, 2999, year)) continue;
    if (!ParseFixed(t.Get(*row, "change_pct"), 2, true, bp) || bp <= -10000) {
      t.Error(row->line, "change_pct",
              absl::StrFormat("%s is not a percentage (expected e.g. 6.1)",
                              Quote(t.Get(*row, "change_pct"))));
      continue;
    }
    const absl::string_view status = t.Get(*row, "status");
    if (status != "verbatim" && status != "estimated") {
      t.Error(row->line, "status",
              absl::StrFormat("%s is not verbatim or estimated", Quote(status)));
      continue;
    }
    if (!t.NonEmpty(*row, "source")) continue;
    if (previous != 0 && year != previous + 1) {
      t.Error(row->line, "year",
              absl::StrFormat("%d does not follow %d (years must be consecutive)", year, previous));
      continue;
    }
    previous = year;
    index_rows_.emplace_back(year, bp, status == "estimated", std::string(t.Get(*row, "source")));
  }
}

void CatalogBuilder::LoadMinimumWage() {
  Table t(kMinimumWage, errors_);
  if (!t.Parse(Content(kMinimumWage), {"valid_from", "hourly_eur", "source"})) return;
  for (const CsvRecord* row : t.rows()) {
    int y = 0, m = 0, d = 0;
    int64_t cents = 0;
    const absl::string_view from = t.Get(*row, "valid_from");
    if (!ParseDate(from, false, y, m, d)) {
      t.Error(row->line, "valid_from", absl::StrFormat("%s is not a date YYYY-MM-DD", Quote(from)));
      continue;
    }
    if (!t.Cents(*row, "hourly_eur", cents) || !t.NonEmpty(*row, "source")) continue;
    if (cents == 0) {
      t.Error(row->line, "hourly_eur", "must be greater than 0");
      continue;
    }
    if (!minimum_wages_.empty() && std::string(from) <= minimum_wages_.back().first) {
      t.Error(row->line, "valid_from",
              absl::StrFormat("%s is not after the previous row's %s", from,
                              minimum_wages_.back().first));
      continue;
    }
    minimum_wages_.emplace_back(std::string(from), cents);
  }
}

void CatalogBuilder::LoadCao() {
  Table t(kCao, errors_);
  if (!t.Parse(Content(kCao),
               {"brc", "sector", "cao", "scale", "step", "amount_eur", "unit", "hours_per_week",
                "valid_from", "source_url", "source_type", "note"})) {
    return;
  }
  for (const CsvRecord* row : t.rows()) {
    const int occupation = OccupationRef(t, *row, "brc");
    CaoWage w;
    int64_t amount = 0;
    bool ok = occupation >= 0;
    ok &= t.NonEmpty(*row, "cao");
    ok &= t.NonEmpty(*row, "source_url");
    ok &= t.Cents(*row, "amount_eur", amount);
    const absl::string_view unit = t.Get(*row, "unit");
    int hours = 0;
    if (unit == "month") {
      ok &= t.Int(*row, "hours_per_week", 1, 60, hours);
    } else if (unit != "hour") {
      t.Error(row->line, "unit", absl::StrFormat("%s is not hour or month", Quote(unit)));
      ok = false;
    }
    if (!ParseDate(t.Get(*row, "valid_from"), true, w.valid_year, w.valid_month, w.valid_day)) {
      t.Error(row->line, "valid_from",
              absl::StrFormat("%s is not a date YYYY-MM-DD, YYYY-MM or YYYY",
                              Quote(t.Get(*row, "valid_from"))));
      ok = false;
    }
    if (!ok) continue;
    // Monthly to hourly: x 12 / 52 / hours per week, rounded half up to the cent.
    w.hourly_cents =
        unit == "hour" ? amount : RoundDiv(amount * 12, 52 * static_cast<int64_t>(hours));
    w.cao = std::string(t.Get(*row, "cao"));
    w.scale = std::string(t.Get(*row, "scale"));
    if (!t.Get(*row, "step").empty()) absl::StrAppend(&w.scale, ", ", t.Get(*row, "step"));
    w.source_url = std::string(t.Get(*row, "source_url"));
    data_->occupations_[static_cast<std::size_t>(occupation)].cao_wages.push_back(std::move(w));
  }
}

void CatalogBuilder::LoadRegions() {
  Table t(kRegions, errors_);
  if (!t.Parse(Content(kRegions), {"am_code", "am_naam"})) return;
  regions_ok_ = true;
  for (const CsvRecord* row : t.rows()) {
    const absl::string_view code = t.Get(*row, "am_code");
    if (code.size() != 4 || !absl::StartsWith(code, "AM") || !AllDigits(code.substr(2))) {
      t.Error(row->line, "am_code",
              absl::StrFormat("%s is not a region code AM + 2 digits", Quote(code)));
      continue;
    }
    if (!t.NonEmpty(*row, "am_naam")) continue;
    if (data_->region_by_code_.contains(code)) {
      t.Error(row->line, "am_code", absl::StrFormat("duplicate region %s", Quote(code)));
      continue;
    }
    const std::string folded = FoldText(t.Get(*row, "am_naam"));
    if (const auto it = data_->region_by_name_.find(folded); it != data_->region_by_name_.end()) {
      t.Error(row->line, "am_naam",
              absl::StrFormat("%s is also the name of %s", Quote(t.Get(*row, "am_naam")),
                              data_->regions_[static_cast<std::size_t>(it->second)].code));
      continue;
    }
    Region r;
    r.index = static_cast<int>(data_->regions_.size());
    r.code = std::string(code);
    r.name = std::string(t.Get(*row, "am_naam"));
    data_->region_by_code_[r.code] = r.index;
    data_->region_by_name_[folded] = r.index;
    data_->regions_.push_back(std::move(r));
  }
  // Code order (the file may be in any order): re-index.
  std::vector<Region>& regions = data_->regions_;
  std::sort(regions.begin(), regions.end(),
            [](const Region& a, const Region& b) { return a.code < b.code; });
  std::vector<int> remap(regions.size());
  for (std::size_t i = 0; i < regions.size(); ++i) {
    remap[static_cast<std::size_t>(regions[i].index)] = static_cast<int>(i);
    regions[i].index = static_cast<int>(i);
  }
  for (auto& [k, v] : data_->region_by_code_) v = remap[static_cast<std::size_t>(v)];
  for (auto& [k, v] : data_->region_by_name_) v = remap[static_cast<std::size_t>(v)];
}

void CatalogBuilder::LoadMunicipalities() {
  Table t(kMunicipalities, errors_);
  if (!t.Parse(Content(kMunicipalities), {"gm_code", "gemeente_naam", "am_code", "am_naam"}))
    return;
  std::vector<std::pair<Municipality, std::string>> rows;  // with folded name
  absl::flat_hash_map<std::string, std::string> code_by_folded;
  for (const CsvRecord* row : t.rows()) {
    const absl::string_view code = t.Get(*row, "gm_code");
    if (code.size() != 6 || !absl::StartsWith(code, "GM") || !AllDigits(code.substr(2))) {
      t.Error(row->line, "gm_code",
              absl::StrFormat("%s is not a gemeente code GM + 4 digits", Quote(code)));
      continue;
    }
    if (data_->municipality_by_code_.contains(code)) {
      t.Error(row->line, "gm_code", absl::StrFormat("duplicate gemeente %s", Quote(code)));
      continue;
    }
    if (!t.NonEmpty(*row, "gemeente_naam")) continue;
    const int region = RegionRef(t, *row, "am_code");
    if (region < 0) continue;
    const Region& r = data_->regions_[static_cast<std::size_t>(region)];
    if (t.Get(*row, "am_naam") != r.name) {
      t.Error(row->line, "am_naam",
              absl::StrFormat("%s is not the name of %s in %s (%s)", Quote(t.Get(*row, "am_naam")),
                              r.code, kRegions, Quote(r.name)));
      continue;
    }
    const std::string folded = FoldMunicipalityName(t.Get(*row, "gemeente_naam"));
    if (const auto it = code_by_folded.find(folded); it != code_by_folded.end()) {
      t.Error(row->line, "gemeente_naam",
              absl::StrFormat("%s cannot be told apart from the name of %s",
                              Quote(t.Get(*row, "gemeente_naam")), it->second));
      continue;
    }
    code_by_folded[folded] = std::string(code);
    Municipality m;
    m.code = std::string(code);
    m.name = std::string(t.Get(*row, "gemeente_naam"));
    m.region = region;
    data_->municipality_by_code_[m.code] = -1;  // placeholder until sorted
    rows.emplace_back(std::move(m), folded);
  }
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.first.code < b.first.code; });
  for (auto& [m, folded] : rows) {
    m.index = static_cast<int>(data_->municipalities_.size());
    data_->municipality_by_code_[m.code] = m.index;
    data_->municipality_by_name_[folded] = m.index;
    data_->regions_[static_cast<std::size_t>(m.region)].municipalities.push_back(m.index);
    data_->municipalities_.push_back(std::move(m));
  }
  if (regions_ok_ && !t.rows().empty()) {
    for (const Region& r : data_->regions_) {
      if (r.municipalities.empty())
        t.Error(0, "am_code", absl::StrFormat("region %s has no gemeente", r.code));
    }
  }
}

void CatalogBuilder::LoadAliases() {
  Table t(kAliases, errors_);
  if (!t.Parse(Content(kAliases), {"kind", "code", "alias", "source"})) return;
  for (const CsvRecord* row : t.rows()) {
    const absl::string_view kind = t.Get(*row, "kind");
    const absl::string_view code = t.Get(*row, "code");
    const absl::string_view alias = t.Get(*row, "alias");
    if (!t.NonEmpty(*row, "alias")) continue;
    if (kind == "region") {
      const int region = RegionRef(t, *row, "code");
      if (region < 0) continue;
      const std::string folded = FoldText(alias);
      // An alias that folds to the region's own name or alias is kept for display only.
      const auto [it, inserted] = data_->region_by_name_.emplace(folded, region);
      std::vector<std::string>& aliases = data_->regions_[static_cast<std::size_t>(region)].aliases;
      if (!inserted && it->second != region) {
        t.Error(row->line, "alias",
                absl::StrFormat("%s is already the name or an alias of %s", Quote(alias),
                                data_->regions_[static_cast<std::size_t>(it->second)].code));
        continue;
      }
      if (std::find(aliases.begin(), aliases.end(), alias) != aliases.end()) {
        t.Error(row->line, "alias",
                absl::StrFormat("duplicate alias %s of %s", Quote(alias), code));
        continue;
      }
      aliases.push_back(std::string(alias));
    } else if (kind == "municipality") {
      const auto code_it = data_->municipality_by_code_.find(code);
      if (code_it == data_->municipality_by_code_.end()) {
        t.Error(row->line, "code", absl::StrFormat("unknown gemeente %s", Quote(code)));
        continue;
      }
      const int m = code_it->second;
      const std::string folded = FoldMunicipalityName(alias);
      const auto [it, inserted] = data_->municipality_by_name_.emplace(folded, m);
      std::vector<std::string>& aliases =
          data_->municipalities_[static_cast<std::size_t>(m)].aliases;
      if (!inserted && it->second != m) {
        t.Error(row->line, "alias",
                absl::StrFormat("%s is already the name or an alias of %s", Quote(alias),
                                data_->municipalities_[static_cast<std::size_t>(it->second)].code));
        continue;
      }
      if (std::find(aliases.begin(), aliases.end(), alias) != aliases.end()) {
        t.Error(row->line, "alias",
                absl::StrFormat("duplicate alias %s of %s", Quote(alias), code));
        continue;
      }
      aliases.push_back(std::string(alias));
    } else {
      t.Error(row->line, "kind", absl::StrFormat("%s is not region or municipality", Quote(kind)));
    }
  }
}

bool CatalogBuilder::ParseTraining(Table& t, const CsvRecord& row, bool sample, Training& out) {
  bool ok = true;
  if (!ParsePathway(t.Get(row, "pathway"), out.pathway)) {
    t.Error(row.line, "pathway",
            absl::StrFormat("%s is not mbo_bol, mbo_bbl, hbo, wo or course",
                            Quote(t.Get(row, "pathway"))));
    ok = false;
  }
  const absl::string_view level = t.Get(row, "education_level");
  if (!level.empty() && !ParseEducationLevel(level, out.level)) {
    t.Error(row.line, "education_level",
            absl::StrFormat("%s is not entry or nlqf1..nlqf8", Quote(level)));
    ok = false;
  }
  if (level.empty() && out.pathway != TrainingPathway::kCourse && ok) {
    t.Error(row.line, "education_level", "may be empty only for a course");
    ok = false;
  }
  ok &= t.Int(row, "typical_months", 1, 120, out.typical_months);
  ok &= t.Bool(row, "paid", out.paid);
  ok &= t.NonEmpty(row, "description");
  out.description = std::string(t.Get(row, "description"));
  out.sample = sample;
  return ok;
}

void CatalogBuilder::LoadRoutes() {
  Table t(kRoutes, errors_);
  if (!t.Parse(Content(kRoutes),
               {"brc", "pathway", "education_level", "typical_months", "paid", "description"})) {
    return;
  }
  for (const CsvRecord* row : t.rows()) {
    const int occupation = OccupationRef(t, *row, "brc");
    Training training;
    if (!ParseTraining(t, *row, Sample(kRoutes), training) || occupation < 0) continue;
    data_->occupations_[static_cast<std::size_t>(occupation)].training_routes.push_back(
        std::move(training));
  }
}

void CatalogBuilder::LoadGenericRoutes() {
  Table t(kGenericRoutes, errors_);
  if (!t.Parse(Content(kGenericRoutes),
               {"education_level", "pathway", "typical_months", "paid", "description"})) {
    return;
  }
  for (const CsvRecord* row : t.rows()) {
    Training training;
    if (!ParseTraining(t, *row, Sample(kGenericRoutes), training)) continue;
    if (training.level == EducationLevel::kUnspecified) continue;  // reported above
    if (!generic_routes_.emplace(training.level, training).second) {
      t.Error(row->line, "education_level",
              absl::StrFormat("duplicate level %s", Quote(t.Get(*row, "education_level"))));
    }
  }
}

void CatalogBuilder::LoadDemand() {
  Table t(kDemand, errors_);
  if (!t.Parse(Content(kDemand), {"brc", "am_code", "level", "quarter"})) return;
  for (Occupation& o : data_->occupations_)
    o.demand.assign(data_->regions_.size(), RegionalDemand{});
  for (const CsvRecord* row : t.rows()) {
    const int occupation = OccupationRef(t, *row, "brc");
    const int region = RegionRef(t, *row, "am_code");
    DemandLevel level = DemandLevel::kUnknown;
    bool ok = occupation >= 0 && region >= 0;
    if (!ParseDemandLevel(t.Get(*row, "level"), level)) {
      t.Error(row->line, "level",
              absl::StrFormat("%s is not zeer_ruim, ruim, gemiddeld, krap or zeer_krap",
                              Quote(t.Get(*row, "level"))));
      ok = false;
    }
    const absl::string_view quarter = t.Get(*row, "quarter");
    int year = 0;
    int q = 0;
    if (quarter.size() != 7 || !ParseInt(quarter.substr(0, 4), 1900, 2999, year) ||
        quarter.substr(4, 2) != "-Q" || !ParseInt(quarter.substr(6, 1), 1, 4, q)) {
      t.Error(row->line, "quarter", absl::StrFormat("%s is not a quarter YYYY-Qn", Quote(quarter)));
      ok = false;
    }
    if (!ok) continue;
    RegionalDemand& cell = data_->occupations_[static_cast<std::size_t>(occupation)]
                               .demand[static_cast<std::size_t>(region)];
    if (cell.level != DemandLevel::kUnknown) {
      t.Error(row->line, "",
              absl::StrFormat("duplicate row for beroepsgroep %s in region %s", t.Get(*row, "brc"),
                              t.Get(*row, "am_code")));
      continue;
    }
    cell.level = level;
    cell.quarter = std::string(quarter);
  }
}

void CatalogBuilder::LoadSteps() {
  Table t(kSteps, errors_);
  if (!t.Parse(Content(kSteps), {"from_brc", "to_brc", "pathway", "education_level",
                                 "typical_months", "paid", "description", "note"})) {
    return;
  }
  absl::flat_hash_set<std::pair<int, int>> seen;
  for (const CsvRecord* row : t.rows()) {
    CareerEdge edge;
    edge.from = OccupationRef(t, *row, "from_brc");
    edge.to = OccupationRef(t, *row, "to_brc");
    edge.sample = Sample(kSteps);
    edge.derivation = edge.sample ? StepDerivation::kCurated : StepDerivation::kImported;
    edge.note = std::string(t.Get(*row, "note"));
    bool ok = ParseTraining(t, *row, edge.sample, edge.training);
    ok &= t.NonEmpty(*row, "note");
    if (!ok || edge.from < 0 || edge.to < 0) continue;
    if (edge.from == edge.to) {
      t.Error(row->line, "to_brc", "a step must lead to another occupation");
      continue;
    }
    if (!seen.insert({edge.from, edge.to}).second) {
      t.Error(row->line, "",
              absl::StrFormat("duplicate step %s -> %s", t.Get(*row, "from_brc"),
                              t.Get(*row, "to_brc")));
      continue;
    }
    data_->edges_.push_back(std::move(edge));
  }
}

void CatalogBuilder::Finish() {
  CatalogData& d = *data_;
  // Wage index: source year from the manifest, years after it from the index file.
  WageIndex& wi = d.wage_index_;
  wi.source_year = manifest_.at(kWages).year;
  wi.factor_ppm = 1'000'000;
  std::vector<std::string> parts;
  std::string estimates;
  int year = wi.source_year;
  for (const auto& [y, bp, estimated, source] : index_rows_) {
    if (y <= wi.source_year) continue;
    if (y != year + 1) break;  // reported below
    year = y;
    wi.factor_ppm = RoundDiv(wi.factor_ppm * (10'000 + bp), 10'000);
    parts.push_back(absl::StrFormat("%d %s%d.%d %%%s", y, bp < 0 ? "-" : "+",
                                    (bp < 0 ? -bp : bp) / 100, ((bp < 0 ? -bp : bp) % 100) / 10,
                                    estimated ? " (geschat)" : ""));
    if (estimated) {
      wi.estimated = true;
      absl::StrAppend(&estimates, " ", y, ": ", source, ".");
    }
  }
  wi.target_year = year;
  wi.source =
      absl::StrCat("CBS cao-lonen per uur (StatLine 85663NED), ", absl::StrJoin(parts, ", "),
                   estimates.empty() ? "" : absl::StrCat(". Geschat:", estimates));
  for (const auto& [from, cents] : minimum_wages_) {
    if (from.substr(0, 4) == absl::StrCat(wi.target_year)) {
      wi.minimum_wage_cents = cents;
      wi.minimum_wage_valid_from = from;
    }
  }

  for (Occupation& o : d.occupations_) {
    // Wages: the group's own figures, else its segment's, else its klasse's.
    const WageRow* row = nullptr;
    for (const std::string& code : {o.code, o.code.substr(0, 3), o.code.substr(0, 2)}) {
      const auto it = wages_.find(code);
      if (it != wages_.end() && it->second.published) {
        row = &it->second;
        o.wages.published_for = code;
        break;
      }
    }
    if (row != nullptr) {
      Wages& w = o.wages;
      w.source_p25_cents = row->p25;
      w.source_p50_cents = row->p50;
      w.source_p75_cents = row->p75;
      const auto index = [&](int64_t cents, bool& raised) {
        const int64_t v = RoundDiv(cents * wi.factor_ppm, 1'000'000);
        raised = v < wi.minimum_wage_cents;
        return raised ? wi.minimum_wage_cents : v;
      };
      w.p25_cents = index(row->p25, w.p25_raised_to_minimum);
      w.p50_cents = index(row->p50, w.p50_raised_to_minimum);
      w.p75_cents = index(row->p75, w.p75_raised_to_minimum);
    }
    if (const auto it = wages_.find(o.code); it != wages_.end())
      o.wages.employees_thousands = it->second.employees;

    // Education: the skill level most of its units have (ties: the lower).
    int counts[5] = {0, 0, 0, 0, 0};
    for (const IscoUnit& u : o.isco_units) ++counts[u.skill_level];
    int best = 1;
    for (int level = 1; level <= 4; ++level) {
      if (counts[level] > counts[best]) best = level;
    }
    o.skill_level = best;
    const auto& [education, note] = nlqf_by_skill_.at(best);
    o.education = education;
    o.education_derivation = absl::StrFormat(
        "Afgeleid: ISCO-08-vaardigheidsniveau %d (%d van de %d ISCO-eenheden) geeft %s: %s.", best,
        counts[best], o.isco_units.size(), EducationLevelName(education), note);

    std::vector<std::string> texts = {o.title};
    for (const IscoUnit& u : o.isco_units) texts.push_back(u.title);
    o.search_text = FoldText(absl::StrJoin(texts, " | "));
  }

  // Career edges by rule: same segment, the next skill level, a higher median wage.
  absl::flat_hash_set<std::pair<int, int>> curated;
  for (const CareerEdge& e : d.edges_) curated.insert({e.from, e.to});
  for (const Occupation& a : d.occupations_) {
    for (const Occupation& b : d.occupations_) {
      if (a.segment != b.segment || b.skill_level != a.skill_level + 1 ||
          b.wages.p50_cents <= a.wages.p50_cents || curated.contains({a.index, b.index})) {
        continue;
      }
      CareerEdge e;
      e.from = a.index;
      e.to = b.index;
      e.derivation = StepDerivation::kRule;
      // The target's own route at its level (a paid one first), else the generic route.
      const Training* best_route = nullptr;
      for (const Training& r : b.training_routes) {
        if (r.level == b.education && (best_route == nullptr || (r.paid && !best_route->paid)))
          best_route = &r;
      }
      if (best_route != nullptr) {
        e.training = *best_route;
      } else if (const auto it = generic_routes_.find(b.education); it != generic_routes_.end()) {
        e.training = it->second;
      }
      e.sample = e.training.sample;
      e.note = absl::StrFormat(
          "Afgeleid: zelfde BRC-segment (%s), één niveau hoger (%s naar %s), hoger mediaanloon.",
          d.segments_[static_cast<std::size_t>(a.segment)].code, EducationLevelName(a.education),
          EducationLevelName(b.education));
      d.edges_.push_back(std::move(e));
    }
  }
  d.edges_from_.assign(d.occupations_.size(), {});
  for (const CareerEdge& e : d.edges_)
    d.edges_from_[static_cast<std::size_t>(e.from)].push_back(&e);
  for (auto& list : d.edges_from_) {
    std::sort(list.begin(), list.end(), [&d](const CareerEdge* x, const CareerEdge* y) {
      const auto& ox = d.occupations_[static_cast<std::size_t>(x->to)];
      const auto& oy = d.occupations_[static_cast<std::size_t>(y->to)];
      if (ox.wages.p50_cents != oy.wages.p50_cents) return ox.wages.p50_cents > oy.wages.p50_cents;
      return ox.code < oy.code;
    });
  }

  // Search order per region.
  d.region_order_.assign(d.regions_.size(), {});
  for (std::size_t r = 0; r < d.regions_.size(); ++r) {
    std::vector<int>& order = d.region_order_[r];
    for (const Occupation& o : d.occupations_) order.push_back(o.index);
    std::sort(order.begin(), order.end(), [&d, r](int x, int y) {
      const Occupation& a = d.occupations_[static_cast<std::size_t>(x)];
      const Occupation& b = d.occupations_[static_cast<std::size_t>(y)];
      if (a.demand[r].level != b.demand[r].level) return a.demand[r].level > b.demand[r].level;
      if (a.wages.p50_cents != b.wages.p50_cents) return a.wages.p50_cents > b.wages.p50_cents;
      return a.code < b.code;
    });
  }

  d.demand_file_ = kDemand;
  d.routes_file_ = kRoutes;
  d.steps_file_ = kSteps;
}

CatalogBuild CatalogBuilder::Build(absl::Time load_time) {
  CheckFileSet();
  LoadManifest();
  LoadTaxonomy();
  LoadSkillLevels();
  LoadSchema();
  LoadWages();
  LoadIndex();
  LoadMinimumWage();
  LoadCao();
  LoadRegions();
  LoadMunicipalities();
  LoadAliases();
  LoadRoutes();
  LoadGenericRoutes();
  LoadDemand();
  LoadSteps();

  // Checks that need several files.
  if (manifest_.contains(kWages) && !index_rows_.empty()) {
    const int source_year = manifest_.at(kWages).year;
    int expected = source_year + 1;
    for (const auto& row : index_rows_) {
      if (std::get<0>(row) <= source_year) continue;
      if (std::get<0>(row) != expected) break;
      ++expected;
    }
    if (expected == source_year + 1) {
      errors_.push_back({kIndex, 0, "year",
                         absl::StrFormat("no index for %d (the wages in %s are from %d)", expected,
                                         kWages, source_year)});
    } else {
      const std::string target = absl::StrCat(expected - 1);
      if (std::none_of(minimum_wages_.begin(), minimum_wages_.end(),
                       [&target](const auto& w) { return w.first.substr(0, 4) == target; }) &&
          Content(kMinimumWage) != nullptr) {
        errors_.push_back(
            {kMinimumWage, 0, "valid_from",
             absl::StrFormat("no minimum wage for %s, the year the wages are indexed to", target)});
      }
    }
  }

  if (errors_.empty()) {
    for (const Occupation& o : data_->occupations_) {
      bool any = false;
      for (const std::string& code : {o.code, o.code.substr(0, 3), o.code.substr(0, 2)}) {
        const auto it = wages_.find(code);
        any |= it != wages_.end() && it->second.published;
      }
      if (!any) {
        errors_.push_back(
            {kWages, 0, "brc",
             absl::StrFormat("no published wages for beroepsgroep %s, its segment or its klasse",
                             o.code)});
      }
    }
  }

  CatalogBuild result;
  if (!errors_.empty()) {
    std::stable_sort(errors_.begin(), errors_.end(), [](const DataError& a, const DataError& b) {
      return std::tie(a.file, a.line) < std::tie(b.file, b.line);
    });
    result.errors = std::move(errors_);
    return result;
  }
  Finish();

  // Version: BLAKE2b-256 over the files sorted by name (name, NUL, size, NUL, bytes).
  std::vector<const CatalogFile*> sorted;
  for (const CatalogFile& f : files_) sorted.push_back(&f);
  std::sort(sorted.begin(), sorted.end(),
            [](const CatalogFile* a, const CatalogFile* b) { return a->name < b->name; });
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES);
  for (const CatalogFile* f : sorted) {
    const std::string head =
        absl::StrCat(f->name, std::string(1, '\0'), f->content.size(), std::string(1, '\0'));
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(head.data()),
                              head.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(f->content.data()),
                              f->content.size());
    unsigned char sha[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(sha, reinterpret_cast<const unsigned char*>(f->content.data()),
                       f->content.size());
    if (f->name == kManifest) continue;
    FileInfo info = manifest_.at(f->name);
    info.sha256_hex = Hex(sha, sizeof sha);
    data_->files_.push_back(std::move(info));
  }
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash_final(&state, hash, sizeof hash);
  data_->version_ = Hex(hash, sizeof hash);
  data_->load_time_ = load_time;
  result.data = std::move(data_);
  return result;
}

const std::vector<std::string>& CatalogFileNames() {
  static const std::vector<std::string>* const kNames = new std::vector<std::string>{
      kManifest,       kTaxonomy, kSchema,      kWages, kIndex,  kMinimumWage,   kCao,    kRegions,
      kMunicipalities, kAliases,  kSkillLevels, kNlqf,  kRoutes, kGenericRoutes, kDemand, kSteps};
  return *kNames;
}

CatalogBuild BuildCatalog(std::vector<CatalogFile> files, absl::Time load_time) {
  if (sodium_init() < 0) {
    CatalogBuild failed;
    failed.errors.push_back({"", 0, "", "libsodium could not be initialised"});
    return failed;
  }
  return CatalogBuilder(std::move(files)).Build(load_time);
}

namespace {

// Reads a whole file; NOT_FOUND when it does not exist.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  }
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return out.str();
}

}  // namespace

absl::StatusOr<std::vector<CatalogFile>> ReadCatalogFiles(const std::vector<std::string>& dirs) {
  if (dirs.empty()) return absl::InvalidArgumentError("no data directory given");
  absl::StatusOr<std::string> manifest = ReadWholeFile(absl::StrCat(dirs[0], "/", kManifest));
  if (!manifest.ok()) return manifest.status();
  std::vector<CatalogFile> files;
  CsvTable table;
  CsvSyntaxError syntax;
  ParseCsv(*manifest, table, syntax);
  files.push_back({kManifest, *std::move(manifest)});
  const auto column = std::find(table.header.begin(), table.header.end(), "file");
  if (column == table.header.end()) return files;  // BuildCatalog reports the bad manifest
  const auto index = static_cast<std::size_t>(column - table.header.begin());
  for (const CsvRecord& record : table.records) {
    if (index >= record.fields.size()) continue;
    const std::string& name = record.fields[index];
    if (name.empty() || absl::StrContains(name, "/") || name == kManifest) continue;
    for (const std::string& dir : dirs) {
      absl::StatusOr<std::string> content = ReadWholeFile(absl::StrCat(dir, "/", name));
      if (content.ok()) {
        files.push_back({name, *std::move(content)});
        break;
      }
      if (!absl::IsNotFound(content.status())) return content.status();
    }
  }
  return files;
}

absl::Status ErrorsToStatus(const std::vector<DataError>& errors, std::size_t max_listed) {
  if (errors.empty()) return absl::OkStatus();
  std::string text = absl::StrFormat("%d error%s in the catalogue files:", errors.size(),
                                     errors.size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < errors.size() && i < max_listed; ++i)
    absl::StrAppend(&text, "\n", errors[i].ToString());
  if (errors.size() > max_listed)
    absl::StrAppend(&text, "\n... and ", errors.size() - max_listed, " more");
  return absl::InvalidArgumentError(text);
}

absl::StatusOr<std::shared_ptr<const CatalogData>> LoadCatalog(const std::vector<std::string>& dirs,
                                                               absl::Time load_time) {
  absl::StatusOr<std::vector<CatalogFile>> files = ReadCatalogFiles(dirs);
  if (!files.ok()) return files.status();
  CatalogBuild build = BuildCatalog(*std::move(files), load_time);
  if (!build.errors.empty()) return ErrorsToStatus(build.errors);
  return std::shared_ptr<const CatalogData>(std::move(build.data));
}

}  // namespace kompas::catalog
