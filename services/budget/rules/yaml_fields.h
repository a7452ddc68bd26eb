// Reading typed fields from YAML data files (rule-sets, budget standards) with errors that
// name the file, the line and the key path: "file:line: path: what is wrong".
#ifndef KOMPAS_SERVICES_BUDGET_RULES_YAML_FIELDS_H_
#define KOMPAS_SERVICES_BUDGET_RULES_YAML_FIELDS_H_

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace kompas::budget {

// A document a data file's figures come from.
struct Source {
  std::string id;  // optional short name the file's `source` fields refer to
  std::string document;
  std::string locator;
  std::string url;
};

// A data file's contents and its name (used in messages only): what the loaders parse, so that
// they take bytes and the directory loaders only read files.
struct TextFile {
  std::string name;
  std::string contents;
};

}  // namespace kompas::budget

namespace kompas::budget::yaml {

// The whole file; INVALID_ARGUMENT "path: cannot read" when it cannot be read.
absl::StatusOr<std::string> ReadTextFile(const std::string& path);

// Parses a YAML document whose top level must be a mapping; syntax errors (which yaml-cpp
// throws) become INVALID_ARGUMENT naming the file and line.
absl::StatusOr<YAML::Node> LoadMapping(absl::string_view yaml, absl::string_view file_name);

// INVALID_ARGUMENT "file:line: path: what" with the 1-based line of `node` (0 if absent).
absl::Status At(absl::string_view file, const YAML::Node& node, absl::string_view path,
                absl::string_view what);
// The scalar under `key` of `parent`; a missing key is reported at the parent's line.
absl::StatusOr<std::string> Scalar(absl::string_view file, const YAML::Node& parent,
                                   const char* key, absl::string_view path);
// A required, non-empty text.
absl::StatusOr<std::string> Text(absl::string_view file, const YAML::Node& parent, const char* key,
                                 absl::string_view path);
absl::StatusOr<bool> Bool(absl::string_view file, const YAML::Node& parent, const char* key,
                          absl::string_view path);
// An integer written with digits only, within [lo, hi].
absl::StatusOr<int> Int(absl::string_view file, const YAML::Node& parent, const char* key,
                        absl::string_view path, int lo, int hi);
// A non-negative exact decimal with at most `scale` decimals, as an integer × 10^scale, at
// most `max`.
absl::StatusOr<std::int64_t> Decimal(absl::string_view file, const YAML::Node& parent,
                                     const char* key, absl::string_view path, int scale,
                                     std::int64_t max);
// A date YYYY-MM-DD.
absl::StatusOr<absl::CivilDay> Day(absl::string_view file, const YAML::Node& parent,
                                   const char* key, absl::string_view path);
// Unknown keys of `map`, and a key given twice, are errors naming the key.
absl::Status CheckKeys(absl::string_view file, const YAML::Node& map, absl::string_view path,
                       std::initializer_list<absl::string_view> allowed);
// `parent[key]` must be a mapping.
absl::Status RequireMap(absl::string_view file, const YAML::Node& parent, const char* key,
                        absl::string_view path);

// The non-empty list under `sources`: each {id (optional), document, locator, url}.
absl::StatusOr<std::vector<Source>> Sources(absl::string_view file, const YAML::Node& root);

}  // namespace kompas::budget::yaml

#endif  // KOMPAS_SERVICES_BUDGET_RULES_YAML_FIELDS_H_
