// Rule-sets: the parameters of the Dutch income rules for one period, read from YAML files
// (data/rules/nl/<period>.yaml), each value with unit, valid-from date, source and legal
// basis, and a RuleBook that picks the rule-set for a date.
//
// File format:
//   ruleset: nl/2026-01            # id, echoed in every answer
//   valid_from: 2026-01-01         # inclusive
//   valid_until: 2026-06-30        # inclusive
//   description: …                 # optional
//   parameters:
//     wml.hourly_21plus:
//       value: "14.71"             # exact decimal; money in euros, ratios as fractions
//       unit: EUR/hour             # must match the unit the formula expects
//       valid_from: 2026-01-01
//       source: "SZW Normenbrief 1 januari 2026, p. 1"
//       legal_basis: "Wet minimumloon en minimumvakantiebijslag, art. 8"
//       estimated: true            # optional; then `derivation` says how it was derived
//       derivation: "…"
// Unknown keys, missing parameters, wrong units, malformed values and overlapping or
// non-contiguous periods are errors naming the file, line and key.
#ifndef KOMPAS_SERVICES_BUDGET_RULES_RULESET_H_
#define KOMPAS_SERVICES_BUDGET_RULES_RULESET_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "services/budget/rules/rule_params.h"
#include "services/budget/rules/yaml_fields.h"

namespace kompas::budget {

struct ParamMeta {
  std::string key;
  absl::CivilDay valid_from;
  std::string source;
  std::string legal_basis;
  bool estimated = false;
  std::string derivation;
};

// One band of the kinderopvangtoeslag table (Besluit kinderopvangtoeslag, bijlage I): from
// this yearly toetsingsinkomen (inclusive) up to the next band's start.
struct KotBand {
  std::int64_t income_from = 0;  // cents per year
  std::int64_t first_child = 0;  // ppm
  std::int64_t next_child = 0;   // ppm
};

// The whole table for a period, from data/rules/nl/tables/kot-table-<year>.yaml.
struct KotTable {
  std::string file_name;
  absl::CivilDay valid_from;
  absl::CivilDay valid_until;
  std::string source;
  std::string legal_basis;
  bool estimated = false;
  std::string derivation;
  std::vector<KotBand> rows;  // ascending income_from, the first from 0
};

absl::StatusOr<KotTable> ParseKotTable(absl::string_view yaml, absl::string_view file_name);

struct RuleSet {
  std::string id;
  std::string file_name;
  absl::CivilDay valid_from;
  absl::CivilDay valid_until;
  std::string description;
  RuleParams params;
  std::vector<ParamMeta> meta;  // in ParamSpecs() order
  // The kinderopvangtoeslag table covering this period, if one was loaded; without it only
  // the top rate (kot.rate_top up to kot.rate_top_income_upper) is known.
  std::shared_ptr<const KotTable> kot_table;

  const ParamMeta& Meta(std::int64_t RuleParams::*field) const;
  std::vector<std::string> EstimatedKeys() const;
};

// Parses one rule-set file's contents; `file_name` is for messages only.
absl::StatusOr<RuleSet> ParseRuleSet(absl::string_view yaml, absl::string_view file_name);

class RuleBook {
 public:
  struct Selection {
    const RuleSet* rules = nullptr;
    // The date lies after the newest rule-set: its values were used, and the answer must say
    // that they may be outdated (since `rules->valid_until`).
    bool outdated = false;
  };

  // Sorts by period and checks the periods neither overlap nor leave gaps.
  static absl::StatusOr<RuleBook> Create(std::vector<RuleSet> rule_sets);
  // Parses the rule-set files and the kinderopvangtoeslag tables (each attached to the
  // rule-sets whose period it covers), then Create.
  static absl::StatusOr<RuleBook> FromFiles(const std::vector<TextFile>& rule_sets,
                                            const std::vector<TextFile>& tables);
  // Reads every *.yaml rule-set in `directory` and the tables in `directory`/tables (each in
  // name order), then FromFiles.
  static absl::StatusOr<RuleBook> LoadDirectory(const std::string& directory);

  // INVALID_ARGUMENT naming `field` when `date` precedes every rule-set.
  absl::StatusOr<Selection> Select(absl::CivilDay date,
                                   absl::string_view field = "rule_date") const;

  const std::vector<RuleSet>& rule_sets() const { return rule_sets_; }

 private:
  std::vector<RuleSet> rule_sets_;  // oldest first
};

}  // namespace kompas::budget

#endif  // KOMPAS_SERVICES_BUDGET_RULES_RULESET_H_
