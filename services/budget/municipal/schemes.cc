#include "services/budget/municipal/schemes.h"

#include <sodium.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/budget/rules/decimal.h"

namespace kompas::budget {
namespace {

using yaml::At;
using yaml::Bool;
using yaml::CheckKeys;
using yaml::Day;
using yaml::Decimal;
using yaml::Int;
using yaml::RequireMap;
using yaml::Text;

// Sanity bounds: € 100.000 a year per scheme, a ratio up to 5 × the norm.
constexpr std::int64_t kMaxYearlyCents = 10'000'000;
constexpr std::int64_t kMaxRatioPpm = 5'000'000;
constexpr std::int64_t kPpm = 1'000'000;

constexpr std::array<const char*, 4> kHouseholdKeys = {"single", "single_parent", "couple",
                                                       "couple_with_children"};

absl::StatusOr<const Source*> SourceRef(absl::string_view file, const YAML::Node& node,
                                        const char* key, const std::string& path,
                                        const GemeenteSchemes& g) {
  absl::StatusOr<std::string> id = Text(file, node, key, path);
  if (!id.ok()) return id.status();
  for (const Source& s : g.sources) {
    if (s.id == *id) return &s;
  }
  return At(file, node[key], path, absl::StrCat("names no source id of this file: '", *id, "'"));
}

// `amounts`: period and either the four household types, per_child, or both.
absl::StatusOr<SchemeAmounts> ParseAmounts(absl::string_view file, const YAML::Node& parent,
                                           const std::string& path) {
  if (absl::Status s = RequireMap(file, parent, "amounts", path); !s.ok()) return s;
  const YAML::Node node = parent["amounts"];
  if (absl::Status s = CheckKeys(
          file, node, path,
          {"period", "single", "single_parent", "couple", "couple_with_children", "per_child"});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> period = Text(file, node, "period", path + ".period");
  if (!period.ok()) return period.status();
  if (*period != "year" && *period != "month") {
    return At(file, node["period"], path + ".period", "must be year or month");
  }
  const std::int64_t months = *period == "year" ? 1 : 12;
  SchemeAmounts out;
  out.present = true;
  int given = 0;
  for (const char* key : kHouseholdKeys) given += node[key].IsDefined() ? 1 : 0;
  if (given != 0 && given != 4) {
    return At(file, node, path,
              "give an amount for all four household types (single, single_parent, couple, "
              "couple_with_children) or for none");
  }
  if (given == 0 && !node["per_child"].IsDefined()) {
    return At(file, node, path, "needs the household-type amounts, per_child, or both");
  }
  out.by_household = given == 4;
  for (std::size_t i = 0; i < kHouseholdKeys.size() && out.by_household; ++i) {
    absl::StatusOr<std::int64_t> cents =
        Decimal(file, node, kHouseholdKeys[i], absl::StrCat(path, ".", kHouseholdKeys[i]), 2,
                kMaxYearlyCents / months);
    if (!cents.ok()) return cents.status();
    out.yearly[i] = *cents * months;
  }
  if (node["per_child"].IsDefined()) {
    absl::StatusOr<std::int64_t> cents =
        Decimal(file, node, "per_child", path + ".per_child", 2, kMaxYearlyCents / months);
    if (!cents.ok()) return cents.status();
    out.per_child_yearly = *cents * months;
  }
  return out;
}

absl::Status ParseTaxes(absl::string_view file, const YAML::Node& node, const std::string& path,
                        const GemeenteSchemes& g, Scheme& scheme) {
  const YAML::Node list = node["taxes"];
  if (!list.IsDefined()) return absl::OkStatus();
  if (!list.IsSequence()) return At(file, list, path + ".taxes", "must be a list");
  SchemeAmounts sum;
  bool any_amounts = false;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node tax = list[i];
    const std::string tpath = absl::StrCat(path, ".taxes[", i, "]");
    if (!tax.IsMap()) return At(file, tax, tpath, "must be a mapping");
    if (absl::Status s = CheckKeys(file, tax, tpath, {"tax", "amounts", "sample", "source"});
        !s.ok()) {
      return s;
    }
    if (absl::StatusOr<std::string> name = Text(file, tax, "tax", tpath + ".tax"); !name.ok()) {
      return name.status();
    }
    if (absl::StatusOr<const Source*> src = SourceRef(file, tax, "source", tpath + ".source", g);
        !src.ok()) {
      return src.status();
    }
    absl::StatusOr<bool> sample = Bool(file, tax, "sample", tpath + ".sample");
    if (!sample.ok()) return sample.status();
    scheme.sample = scheme.sample || *sample;
    if (!tax["amounts"].IsDefined()) continue;  // listed, amount not known
    any_amounts = true;
    absl::StatusOr<SchemeAmounts> amounts = ParseAmounts(file, tax, tpath + ".amounts");
    if (!amounts.ok()) return amounts.status();
    if (!amounts->by_household) {
      return At(file, tax["amounts"], tpath + ".amounts", "a tax needs household-type amounts");
    }
    for (std::size_t t = 0; t < sum.yearly.size(); ++t) sum.yearly[t] += amounts->yearly[t];
  }
  // What is remitted is the sum of the taxes that have amounts.
  if (!any_amounts) return absl::OkStatus();
  for (std::size_t t = 0; t < sum.yearly.size(); ++t) {
    if (sum.yearly[t] != scheme.amounts.yearly[t]) {
      return At(file, node["amounts"], path + ".amounts",
                absl::StrCat("must equal the sum of the taxes' amounts (", kHouseholdKeys[t],
                             ": the taxes add up to ", FormatScaledDecimal(sum.yearly[t], 2), ")"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Scheme> ParseScheme(absl::string_view file, const YAML::Node& node,
                                   const std::string& path, const GemeenteSchemes& g) {
  if (!node.IsMap()) return At(file, node, path, "must be a mapping");
  if (absl::Status s =
          CheckKeys(file, node, path,
                    {"id", "title", "kind", "income_limit_ratio_of_norm", "min_age", "conditions",
                     "amounts", "sample", "source", "legal_basis", "norm_ratio_of_bijstandsnorm",
                     "payment_capacity_share", "payment_capacity_source", "taxes"});
      !s.ok()) {
    return s;
  }
  Scheme scheme;
  absl::StatusOr<std::string> id = Text(file, node, "id", path + ".id");
  if (!id.ok()) return id.status();
  const bool id_ok = std::all_of(id->begin(), id->end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!id_ok) return At(file, node["id"], path + ".id", "must use a-z, 0-9 and '-' only");
  scheme.id = *id;
  scheme.qualified = absl::StrCat(g.code, "/", *id);
  scheme.data_id = absl::StrCat("municipal/", g.code, "/", g.year);
  absl::StatusOr<std::string> title = Text(file, node, "title", path + ".title");
  if (!title.ok()) return title.status();
  scheme.title = *title;
  absl::StatusOr<std::string> kind = Text(file, node, "kind", path + ".kind");
  if (!kind.ok()) return kind.status();
  if (*kind == "yearly_payment") {
    scheme.kind = SchemeKind::kYearlyPayment;
  } else if (*kind == "tax_remission") {
    scheme.kind = SchemeKind::kTaxRemission;
  } else if (*kind == "in_kind") {
    scheme.kind = SchemeKind::kInKind;
  } else {
    return At(file, node["kind"], path + ".kind",
              "must be yearly_payment, tax_remission or in_kind");
  }
  absl::StatusOr<std::int64_t> limit =
      Decimal(file, node, "income_limit_ratio_of_norm", path + ".income_limit_ratio_of_norm", 6,
              kMaxRatioPpm);
  if (!limit.ok()) return limit.status();
  if (*limit == 0) {
    return At(file, node["income_limit_ratio_of_norm"], path + ".income_limit_ratio_of_norm",
              "must be above 0");
  }
  scheme.income_limit_ppm = *limit;
  if (node["min_age"].IsDefined()) {
    absl::StatusOr<int> age = Int(file, node, "min_age", path + ".min_age", 0, 120);
    if (!age.ok()) return age.status();
    scheme.min_age = *age;
  }
  absl::StatusOr<std::string> conditions = Text(file, node, "conditions", path + ".conditions");
  if (!conditions.ok()) return conditions.status();
  scheme.conditions = *conditions;
  absl::StatusOr<std::string> basis = Text(file, node, "legal_basis", path + ".legal_basis");
  if (!basis.ok()) return basis.status();
  scheme.legal_basis = *basis;
  absl::StatusOr<bool> sample = Bool(file, node, "sample", path + ".sample");
  if (!sample.ok()) return sample.status();
  scheme.sample = *sample;
  absl::StatusOr<const Source*> source = SourceRef(file, node, "source", path + ".source", g);
  if (!source.ok()) return source.status();
  scheme.source = *source;

  if (node["amounts"].IsDefined()) {
    absl::StatusOr<SchemeAmounts> amounts = ParseAmounts(file, node, path + ".amounts");
    if (!amounts.ok()) return amounts.status();
    scheme.amounts = *amounts;
  } else if (scheme.kind != SchemeKind::kInKind) {
    return At(file, node, path + ".amounts", "is required for a payment or a tax remission");
  }

  const bool remission = scheme.kind == SchemeKind::kTaxRemission;
  for (const char* key : {"norm_ratio_of_bijstandsnorm", "payment_capacity_share",
                          "payment_capacity_source", "taxes"}) {
    if (!remission && node[key].IsDefined()) {
      return At(file, node[key], absl::StrCat(path, ".", key), "applies to tax_remission only");
    }
  }
  if (remission) {
    if (!scheme.amounts.by_household) {
      return At(file, node["amounts"], path + ".amounts",
                "a tax remission needs household-type amounts");
    }
    absl::StatusOr<std::int64_t> norm =
        Decimal(file, node, "norm_ratio_of_bijstandsnorm", path + ".norm_ratio_of_bijstandsnorm", 6,
                kMaxRatioPpm);
    if (!norm.ok()) return norm.status();
    if (*norm != scheme.income_limit_ppm) {
      return At(file, node["norm_ratio_of_bijstandsnorm"], path + ".norm_ratio_of_bijstandsnorm",
                "must equal income_limit_ratio_of_norm (the kostennorm is the income limit)");
    }
    absl::StatusOr<std::int64_t> share =
        Decimal(file, node, "payment_capacity_share", path + ".payment_capacity_share", 6, kPpm);
    if (!share.ok()) return share.status();
    if (*share == 0) {
      return At(file, node["payment_capacity_share"], path + ".payment_capacity_share",
                "must be above 0");
    }
    scheme.capacity_share_ppm = *share;
    absl::StatusOr<const Source*> cap_source =
        SourceRef(file, node, "payment_capacity_source", path + ".payment_capacity_source", g);
    if (!cap_source.ok()) return cap_source.status();
    scheme.capacity_source = *cap_source;
    if (absl::Status s = ParseTaxes(file, node, path, g, scheme); !s.ok()) return s;
  }
  return scheme;
}

std::string ContentHash(const std::vector<std::pair<std::string, std::string>>& files) {
  crypto_generichash_state state;
  unsigned char out[16];
  crypto_generichash_init(&state, nullptr, 0, sizeof out);
  for (const auto& [name, text] : files) {
    const std::string header = absl::StrCat(name, "\n", text.size(), "\n");
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(header.data()),
                              header.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(text.data()),
                              text.size());
  }
  crypto_generichash_final(&state, out, sizeof out);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

}  // namespace

SchemeHousehold SchemeHouseholdOf(std::size_t adults, std::size_t children) {
  if (adults <= 1) return children == 0 ? SchemeHousehold::kSingle : SchemeHousehold::kSingleParent;
  return children == 0 ? SchemeHousehold::kCouple : SchemeHousehold::kCoupleWithChildren;
}

absl::StatusOr<std::shared_ptr<const GemeenteSchemes>> MunicipalSchemes::ParseFile(
    absl::string_view text, absl::string_view file_name) {
  absl::StatusOr<YAML::Node> loaded = yaml::LoadMapping(text, file_name);
  if (!loaded.ok()) return loaded.status();
  const YAML::Node& root = *loaded;
  const absl::string_view file = file_name;
  if (absl::Status s = CheckKeys(
          file, root, "",
          {"gemeente", "name", "year", "valid_from", "valid_until", "sources", "schemes"});
      !s.ok()) {
    return s;
  }
  auto g = std::make_shared<GemeenteSchemes>();
  g->file_name = std::string(file_name);
  absl::StatusOr<std::string> code = Text(file, root, "gemeente", "gemeente");
  if (!code.ok()) return code.status();
  const bool code_ok =
      code->size() == 6 && absl::StartsWith(*code, "GM") &&
      std::all_of(code->begin() + 2, code->end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!code_ok) return At(file, root["gemeente"], "gemeente", "must be GM and 4 digits");
  const std::string base = std::filesystem::path(std::string(file_name)).filename().string();
  if (base != *code + ".yaml") {
    return At(file, root["gemeente"], "gemeente",
              absl::StrCat("is ", *code, " but the file is named ", base));
  }
  g->code = *code;
  absl::StatusOr<std::string> name = Text(file, root, "name", "name");
  if (!name.ok()) return name.status();
  g->name = *name;
  absl::StatusOr<int> year = Int(file, root, "year", "year", 2000, 2100);
  if (!year.ok()) return year.status();
  g->year = *year;
  absl::StatusOr<absl::CivilDay> from = Day(file, root, "valid_from", "valid_from");
  if (!from.ok()) return from.status();
  absl::StatusOr<absl::CivilDay> until = Day(file, root, "valid_until", "valid_until");
  if (!until.ok()) return until.status();
  if (*until < *from) return At(file, root["valid_until"], "valid_until", "is before valid_from");
  if (from->year() != g->year || until->year() != g->year) {
    return At(file, root["valid_from"], "valid_from",
              absl::StrCat("the period must lie within the file's year ", g->year));
  }
  g->valid_from = *from;
  g->valid_until = *until;
  absl::StatusOr<std::vector<Source>> sources = yaml::Sources(file, root);
  if (!sources.ok()) return sources.status();
  g->sources = *std::move(sources);
  for (std::size_t i = 0; i < g->sources.size(); ++i) {
    const std::string path = absl::StrCat("sources[", i, "].id");
    if (g->sources[i].id.empty()) return At(file, root["sources"][i], path, "is required");
    for (std::size_t j = 0; j < i; ++j) {
      if (g->sources[j].id == g->sources[i].id) {
        return At(file, root["sources"][i]["id"], path, "is used twice");
      }
    }
  }
  const YAML::Node list = root["schemes"];
  if (!list.IsDefined() || !list.IsSequence() || list.size() == 0) {
    return At(file, list.IsDefined() ? list : root, "schemes", "must be a non-empty list");
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = absl::StrCat("schemes[", i, "]");
    absl::StatusOr<Scheme> scheme = ParseScheme(file, list[i], path, *g);
    if (!scheme.ok()) return scheme.status();
    for (const Scheme& other : g->schemes) {
      if (other.id == scheme->id) return At(file, list[i]["id"], path + ".id", "is used twice");
    }
    g->sample = g->sample || scheme->sample;
    g->schemes.push_back(*std::move(scheme));
  }
  return std::shared_ptr<const GemeenteSchemes>(std::move(g));
}

absl::StatusOr<MunicipalSchemes> MunicipalSchemes::FromFiles(const std::vector<TextFile>& files) {
  MunicipalSchemes out;
  std::vector<std::pair<std::string, std::string>> contents;
  for (const TextFile& file : files) {
    absl::StatusOr<std::shared_ptr<const GemeenteSchemes>> g = ParseFile(file.contents, file.name);
    if (!g.ok()) return g.status();
    const std::string code = (*g)->code;
    if (!out.by_code_.emplace(code, *std::move(g)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(file.name, ": a second file for gemeente ", code));
    }
    contents.emplace_back(std::filesystem::path(file.name).filename().string(), file.contents);
  }
  out.content_hash_ = ContentHash(contents);
  return out;
}

absl::StatusOr<MunicipalSchemes> MunicipalSchemes::LoadDirectory(const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".yml") {
      return absl::InvalidArgumentError(
          absl::StrCat(entry.path().string(), ": name municipal files GM<code>.yaml"));
    }
    if (ext == ".yaml") paths.push_back(entry.path());
  }
  if (ec) return absl::InvalidArgumentError(absl::StrCat(dir, ": ", ec.message()));
  std::sort(paths.begin(), paths.end());
  std::vector<TextFile> files;
  for (const auto& path : paths) {
    absl::StatusOr<std::string> text = yaml::ReadTextFile(path.string());
    if (!text.ok()) return text.status();
    files.push_back(TextFile{path.string(), *std::move(text)});
  }
  return FromFiles(files);
}

const GemeenteSchemes* MunicipalSchemes::Find(absl::string_view gemeente_code) const {
  auto it = by_code_.find(gemeente_code);
  return it == by_code_.end() ? nullptr : it->second.get();
}

}  // namespace kompas::budget
