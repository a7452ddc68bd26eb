#include "services/budget/rules/ruleset.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/budget/rules/decimal.h"
#include "services/budget/rules/yaml_fields.h"

namespace kompas::budget {
namespace {

using yaml::At;
using yaml::CheckKeys;
using yaml::Day;
using yaml::Scalar;

absl::Status ParseParameter(absl::string_view file, const YAML::Node& key_node,
                            const YAML::Node& node, RuleSet& rs, std::vector<bool>& seen) {
  const std::string key = key_node.Scalar();
  const std::string path = absl::StrCat("parameters.", key);
  const ParamSpec* spec = FindParamSpec(key);
  if (spec == nullptr) return At(file, key_node, path, "unknown parameter");
  const auto index = static_cast<std::size_t>(spec - ParamSpecs().data());
  if (seen[index]) return At(file, key_node, path, "defined twice");
  seen[index] = true;
  if (!node.IsMap()) return At(file, node, path, "must be a mapping with value, unit, …");
  if (absl::Status s = CheckKeys(
          file, node, path,
          {"value", "unit", "valid_from", "source", "legal_basis", "estimated", "derivation"});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> unit_text = Scalar(file, node, "unit", path + ".unit");
  if (!unit_text.ok()) return unit_text.status();
  std::optional<Unit> unit = ParseUnit(*unit_text);
  if (!unit.has_value() || *unit != spec->unit) {
    return At(file, node["unit"], path + ".unit",
              absl::StrCat("expected ", UnitName(spec->unit), ", found ", *unit_text));
  }
  absl::StatusOr<std::string> value_text = Scalar(file, node, "value", path + ".value");
  if (!value_text.ok()) return value_text.status();
  absl::StatusOr<std::int64_t> value = ParseScaledDecimal(*value_text, UnitScale(spec->unit));
  if (!value.ok()) return At(file, node["value"], path + ".value", value.status().message());
  if (*value < 0) return At(file, node["value"], path + ".value", "must not be negative");
  if (spec->unit == Unit::kRatio && *value > 1'000'000) {
    return At(file, node["value"], path + ".value", "a ratio must lie between 0 and 1");
  }
  rs.params.*(spec->field) = *value;

  ParamMeta& meta = rs.meta[index];
  meta.key = key;
  absl::StatusOr<absl::CivilDay> from = Day(file, node, "valid_from", path + ".valid_from");
  if (!from.ok()) return from.status();
  if (*from > rs.valid_until) {
    return At(file, node["valid_from"], path + ".valid_from",
              "lies after the rule-set's valid_until");
  }
  meta.valid_from = *from;
  absl::StatusOr<std::string> source = Scalar(file, node, "source", path + ".source");
  if (!source.ok()) return source.status();
  if (source->empty()) return At(file, node["source"], path + ".source", "must not be empty");
  meta.source = *source;
  absl::StatusOr<std::string> basis = Scalar(file, node, "legal_basis", path + ".legal_basis");
  if (!basis.ok()) return basis.status();
  meta.legal_basis = *basis;
  if (node["estimated"].IsDefined()) {
    absl::StatusOr<std::string> est = Scalar(file, node, "estimated", path + ".estimated");
    if (!est.ok()) return est.status();
    if (*est != "true" && *est != "false") {
      return At(file, node["estimated"], path + ".estimated", "must be true or false");
    }
    meta.estimated = *est == "true";
  }
  if (meta.estimated) {
    absl::StatusOr<std::string> how = node["derivation"].IsDefined()
                                          ? Scalar(file, node, "derivation", path + ".derivation")
                                          : absl::StatusOr<std::string>("");
    if (!how.ok() || how->empty()) {
      return At(file, node, path + ".derivation", "an estimated value must say how it was derived");
    }
    meta.derivation = *how;
  }
  return absl::OkStatus();
}

}  // namespace

const ParamMeta& RuleSet::Meta(std::int64_t RuleParams::*field) const {
  for (std::size_t i = 0; i < ParamSpecs().size(); ++i) {
    if (ParamSpecs()[i].field == field) return meta[i];
  }
  return meta.front();  // unreachable for fields in the spec table
}

std::vector<std::string> RuleSet::EstimatedKeys() const {
  std::vector<std::string> keys;
  for (const ParamMeta& m : meta) {
    if (m.estimated) keys.push_back(m.key);
  }
  return keys;
}

absl::StatusOr<RuleSet> ParseRuleSet(absl::string_view yaml, absl::string_view file_name) {
  absl::StatusOr<YAML::Node> loaded = yaml::LoadMapping(yaml, file_name);
  if (!loaded.ok()) return loaded.status();
  const YAML::Node root = *loaded;
  if (absl::Status s =
          CheckKeys(file_name, root, "(top)",
                    {"ruleset", "valid_from", "valid_until", "description", "parameters"});
      !s.ok()) {
    return s;
  }
  RuleSet rs;
  rs.file_name = std::string(file_name);
  absl::StatusOr<std::string> id = Scalar(file_name, root, "ruleset", "ruleset");
  if (!id.ok()) return id.status();
  rs.id = *id;
  absl::StatusOr<absl::CivilDay> from = Day(file_name, root, "valid_from", "valid_from");
  if (!from.ok()) return from.status();
  absl::StatusOr<absl::CivilDay> until = Day(file_name, root, "valid_until", "valid_until");
  if (!until.ok()) return until.status();
  if (*until < *from)
    return At(file_name, root["valid_until"], "valid_until", "precedes valid_from");
  rs.valid_from = *from;
  rs.valid_until = *until;
  if (root["description"].IsDefined()) rs.description = root["description"].as<std::string>("");

  const YAML::Node params = root["parameters"];
  if (!params.IsDefined() || !params.IsMap()) {
    return At(file_name, params.IsDefined() ? params : root, "parameters", "must be a mapping");
  }
  rs.meta.resize(ParamSpecs().size());
  std::vector<bool> seen(ParamSpecs().size(), false);
  for (const auto& kv : params) {
    if (absl::Status s = ParseParameter(file_name, kv.first, kv.second, rs, seen); !s.ok()) {
      return s;
    }
  }
  for (std::size_t i = 0; i < seen.size(); ++i) {
    if (!seen[i]) {
      return At(file_name, params, absl::StrCat("parameters.", ParamSpecs()[i].key),
                "missing (every parameter must be given, with its source)");
    }
  }
  if (absl::Status s = CheckConsistency(rs.params); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(file_name, ": parameters.", s.message()));
  }
  return rs;
}

absl::StatusOr<KotTable> ParseKotTable(absl::string_view yaml, absl::string_view file_name) {
  absl::StatusOr<YAML::Node> loaded = yaml::LoadMapping(yaml, file_name);
  if (!loaded.ok()) return loaded.status();
  const YAML::Node root = *loaded;
  if (absl::Status s = CheckKeys(file_name, root, "(top)",
                                 {"table", "valid_from", "valid_until", "source", "legal_basis",
                                  "estimated", "derivation", "rows"});
      !s.ok()) {
    return s;
  }
  KotTable t;
  t.file_name = std::string(file_name);
  absl::StatusOr<std::string> name = Scalar(file_name, root, "table", "table");
  if (!name.ok()) return name.status();
  if (*name != "kot.percentages")
    return At(file_name, root["table"], "table", "must be kot.percentages");
  absl::StatusOr<absl::CivilDay> from = Day(file_name, root, "valid_from", "valid_from");
  if (!from.ok()) return from.status();
  absl::StatusOr<absl::CivilDay> until = Day(file_name, root, "valid_until", "valid_until");
  if (!until.ok()) return until.status();
  if (*until < *from)
    return At(file_name, root["valid_until"], "valid_until", "precedes valid_from");
  t.valid_from = *from;
  t.valid_until = *until;
  absl::StatusOr<std::string> source = yaml::Text(file_name, root, "source", "source");
  if (!source.ok()) return source.status();
  t.source = *source;
  absl::StatusOr<std::string> basis = yaml::Text(file_name, root, "legal_basis", "legal_basis");
  if (!basis.ok()) return basis.status();
  t.legal_basis = *basis;
  if (root["estimated"].IsDefined()) {
    absl::StatusOr<bool> est = yaml::Bool(file_name, root, "estimated", "estimated");
    if (!est.ok()) return est.status();
    t.estimated = *est;
  }
  if (t.estimated) {
    absl::StatusOr<std::string> how = yaml::Text(file_name, root, "derivation", "derivation");
    if (!how.ok()) return how.status();
    t.derivation = *how;
  }
  const YAML::Node rows = root["rows"];
  if (!rows.IsDefined() || !rows.IsSequence() || rows.size() == 0) {
    return At(file_name, rows.IsDefined() ? rows : root, "rows", "must be a non-empty list");
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const YAML::Node row = rows[i];
    const std::string path = absl::StrCat("rows[", i, "]");
    if (!row.IsMap())
      return At(file_name, row, path, "must be {income_from, first_child, next_child}");
    if (absl::Status s =
            CheckKeys(file_name, row, path, {"income_from", "first_child", "next_child"});
        !s.ok()) {
      return s;
    }
    KotBand band;
    absl::StatusOr<std::int64_t> income =
        yaml::Decimal(file_name, row, "income_from", path + ".income_from", 2, 100'000'000'00);
    if (!income.ok()) return income.status();
    absl::StatusOr<std::int64_t> first =
        yaml::Decimal(file_name, row, "first_child", path + ".first_child", 6, 1'000'000);
    if (!first.ok()) return first.status();
    absl::StatusOr<std::int64_t> next =
        yaml::Decimal(file_name, row, "next_child", path + ".next_child", 6, 1'000'000);
    if (!next.ok()) return next.status();
    band = {*income, *first, *next};
    if (i == 0 && band.income_from != 0) {
      return At(file_name, row, path + ".income_from", "the first band must start at 0");
    }
    if (i > 0 && band.income_from <= t.rows.back().income_from) {
      return At(file_name, row, path + ".income_from", "bands must ascend");
    }
    t.rows.push_back(band);
  }
  return t;
}

absl::StatusOr<RuleBook> RuleBook::Create(std::vector<RuleSet> rule_sets) {
  if (rule_sets.empty()) return absl::InvalidArgumentError("no rule-sets given");
  std::sort(rule_sets.begin(), rule_sets.end(),
            [](const RuleSet& a, const RuleSet& b) { return a.valid_from < b.valid_from; });
  std::set<std::string> ids;
  for (const RuleSet& rs : rule_sets) {
    if (!ids.insert(rs.id).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(rs.file_name, ": ruleset id ", rs.id, " is used by another file"));
    }
  }
  for (std::size_t i = 1; i < rule_sets.size(); ++i) {
    const RuleSet& prev = rule_sets[i - 1];
    const RuleSet& next = rule_sets[i];
    if (next.valid_from <= prev.valid_until) {
      return absl::InvalidArgumentError(
          absl::StrCat(next.file_name, ": period overlaps ", prev.file_name, " (", prev.id, ")"));
    }
    if (next.valid_from != prev.valid_until + 1) {
      return absl::InvalidArgumentError(absl::StrCat(next.file_name, ": leaves a gap after ",
                                                     prev.file_name, " (", prev.id, " ends ",
                                                     absl::FormatCivilTime(prev.valid_until), ")"));
    }
    if (next.id == prev.id) {
      return absl::InvalidArgumentError(absl::StrCat(next.file_name, ": duplicate ruleset id"));
    }
  }
  RuleBook book;
  book.rule_sets_ = std::move(rule_sets);
  return book;
}

absl::StatusOr<RuleBook> RuleBook::FromFiles(const std::vector<TextFile>& rule_sets,
                                             const std::vector<TextFile>& tables) {
  std::vector<RuleSet> sets;
  for (const TextFile& file : rule_sets) {
    absl::StatusOr<RuleSet> rs = ParseRuleSet(file.contents, file.name);
    if (!rs.ok()) return rs.status();
    sets.push_back(*std::move(rs));
  }
  std::vector<std::shared_ptr<const KotTable>> parsed_tables;
  for (const TextFile& file : tables) {
    absl::StatusOr<KotTable> table = ParseKotTable(file.contents, file.name);
    if (!table.ok()) return table.status();
    parsed_tables.push_back(std::make_shared<const KotTable>(*std::move(table)));
  }
  for (RuleSet& rs : sets) {
    for (const auto& table : parsed_tables) {
      if (table->valid_from <= rs.valid_from && rs.valid_until <= table->valid_until) {
        if (rs.kot_table != nullptr) {
          return absl::InvalidArgumentError(absl::StrCat(table->file_name, ": overlaps ",
                                                         rs.kot_table->file_name, " for ", rs.id));
        }
        rs.kot_table = table;
      }
    }
  }
  return Create(std::move(sets));
}

namespace {

// The *.yaml files directly in `directory`, read, in name order.
absl::StatusOr<std::vector<TextFile>> ReadYamlFiles(const std::filesystem::path& directory) {
  std::error_code ec;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.path().extension() == ".yaml") paths.push_back(entry.path());
  }
  if (ec) return absl::InvalidArgumentError(absl::StrCat(directory.string(), ": ", ec.message()));
  std::sort(paths.begin(), paths.end());
  std::vector<TextFile> files;
  for (const auto& path : paths) {
    absl::StatusOr<std::string> text = yaml::ReadTextFile(path.string());
    if (!text.ok()) return text.status();
    files.push_back(TextFile{path.string(), *std::move(text)});
  }
  return files;
}

}  // namespace

absl::StatusOr<RuleBook> RuleBook::LoadDirectory(const std::string& directory) {
  absl::StatusOr<std::vector<TextFile>> sets = ReadYamlFiles(directory);
  if (!sets.ok()) return sets.status();
  if (sets->empty())
    return absl::InvalidArgumentError(absl::StrCat(directory, ": no *.yaml rule-sets"));
  std::vector<TextFile> tables;
  const std::filesystem::path table_dir = std::filesystem::path(directory) / "tables";
  std::error_code ec;
  if (std::filesystem::is_directory(table_dir, ec)) {
    absl::StatusOr<std::vector<TextFile>> read = ReadYamlFiles(table_dir);
    if (!read.ok()) return read.status();
    tables = *std::move(read);
  }
  return FromFiles(*sets, tables);
}

absl::StatusOr<RuleBook::Selection> RuleBook::Select(absl::CivilDay date,
                                                     absl::string_view field) const {
  if (date < rule_sets_.front().valid_from) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", absl::FormatCivilTime(date), " precedes the oldest rule-set (",
                     rule_sets_.front().id, ", from ",
                     absl::FormatCivilTime(rule_sets_.front().valid_from), ")"));
  }
  for (const RuleSet& rs : rule_sets_) {
    if (date <= rs.valid_until) return Selection{&rs, false};
  }
  return Selection{&rule_sets_.back(), true};
}

}  // namespace kompas::budget
