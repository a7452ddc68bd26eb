// Municipal minima schemes as data: one YAML file per gemeente (data/municipal/GM<code>.yaml),
// loaded and validated at start-up. The formulas that apply them live in the income engine.
//
// File format (see data/municipal/GM0014.yaml for a full example with comments):
//   gemeente: GM0014                 # must match the file name
//   name: Groningen
//   year: 2026
//   valid_from: 2026-01-01           # the schemes apply to rule dates in this period
//   valid_until: 2026-12-31
//   sources:                         # every figure cites one of these by id
//     - {id: …, document: …, locator: …, url: …}
//   schemes:
//     - id: individuele-inkomenstoeslag
//       title: "…"
//       kind: yearly_payment | tax_remission | in_kind
//       income_limit_ratio_of_norm: "1.00"  # income up to this share of the bijstandsnorm
//       min_age: "23"                # optional: some adult at least this old
//       conditions: >- …             # plain text, shown to the mentor
//       amounts:                     # optional for in_kind; money in euros
//         period: year | month
//         single / single_parent / couple / couple_with_children: "…"  # all four, or none
//         per_child: "…"             # optional, added per child
//       sample: true                 # the figure for this year was not found (placeholder)
//       source: <source id>
//       legal_basis: "…"
//       # tax_remission only:
//       norm_ratio_of_bijstandsnorm: "1.00"   # the kostennorm; must equal the income limit
//       payment_capacity_share: "0.80"        # share of the yearly payment capacity used
//       payment_capacity_source: <source id>
//       taxes: [{tax: …, amounts: …, sample: …, source: …}]   # the parts of `amounts`
// Unknown keys, unknown source ids, missing amounts and malformed values are errors naming
// the file, line and key.
#ifndef KOMPAS_SERVICES_BUDGET_MUNICIPAL_SCHEMES_H_
#define KOMPAS_SERVICES_BUDGET_MUNICIPAL_SCHEMES_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "services/budget/rules/yaml_fields.h"

namespace kompas::budget {

enum class SchemeKind : std::uint8_t {
  kYearlyPayment,  // money paid to the household (e.g. individuele inkomenstoeslag)
  kTaxRemission,   // municipal taxes remitted (kwijtschelding): money kept
  kInKind,         // a pass or fund paying providers: listed, never added to income
};

// The household types the files use; amounts are per type.
enum class SchemeHousehold : std::uint8_t { kSingle, kSingleParent, kCouple, kCoupleWithChildren };

struct SchemeAmounts {
  bool present = false;                  // false: no money amount (in_kind without a value)
  bool by_household = false;             // the four household-type amounts are given
  std::array<std::int64_t, 4> yearly{};  // cents per year, indexed by SchemeHousehold
  std::int64_t per_child_yearly = 0;     // cents per year per child
};

struct Scheme {
  std::string id;         // "individuele-inkomenstoeslag"
  std::string qualified;  // "GM0014/individuele-inkomenstoeslag", as the API names it
  std::string data_id;    // "municipal/GM0014/2026": the file and year the amounts come from
  std::string title;
  SchemeKind kind = SchemeKind::kInKind;
  std::int64_t income_limit_ppm = 0;  // share of the bijstandsnorm, ppm (1.20 → 1 200 000)
  int min_age = 0;                    // 0: no age condition
  std::string conditions;
  SchemeAmounts amounts;
  std::int64_t capacity_share_ppm = 0;  // tax_remission: share of payment capacity used
  bool sample = false;                  // this scheme or one of its taxes is a placeholder
  const Source* source = nullptr;
  const Source* capacity_source = nullptr;
  std::string legal_basis;
};

// The schemes of one gemeente for one period.
struct GemeenteSchemes {
  GemeenteSchemes() = default;
  GemeenteSchemes(const GemeenteSchemes&) = delete;  // schemes point into `sources`
  GemeenteSchemes& operator=(const GemeenteSchemes&) = delete;

  std::string code;  // "GM0014"
  std::string name;
  std::string file_name;
  int year = 0;
  absl::CivilDay valid_from;
  absl::CivilDay valid_until;
  std::vector<Source> sources;  // never resized after loading: schemes point into it
  std::vector<Scheme> schemes;
  bool sample = false;  // some scheme is sample

  bool Covers(absl::CivilDay day) const { return day >= valid_from && day <= valid_until; }
};

// Every gemeente with a schemes file.
class MunicipalSchemes {
 public:
  // Parses every file (ParseFile); two files of one gemeente are an error. The content hash
  // covers the files' base names and contents, in the order given.
  static absl::StatusOr<MunicipalSchemes> FromFiles(const std::vector<TextFile>& files);
  // Reads every *.yaml in `dir` (name order), then FromFiles; a missing directory is an error,
  // an empty one is not.
  static absl::StatusOr<MunicipalSchemes> LoadDirectory(const std::string& dir);
  // Parses one file; `file_name` names it in errors and must be "<code>.yaml".
  static absl::StatusOr<std::shared_ptr<const GemeenteSchemes>> ParseFile(
      absl::string_view yaml, absl::string_view file_name);

  // The gemeente's schemes, or null when it has no file.
  const GemeenteSchemes* Find(absl::string_view gemeente_code) const;
  std::size_t size() const { return by_code_.size(); }
  // A hash of the files' contents (hex), part of the data version of cached answers.
  const std::string& content_hash() const { return content_hash_; }

 private:
  absl::flat_hash_map<std::string, std::shared_ptr<const GemeenteSchemes>> by_code_;
  std::string content_hash_;
};

// The type the amounts of a household with `adults` adults and `children` children use.
SchemeHousehold SchemeHouseholdOf(std::size_t adults, std::size_t children);

}  // namespace kompas::budget

#endif  // KOMPAS_SERVICES_BUDGET_MUNICIPAL_SCHEMES_H_
