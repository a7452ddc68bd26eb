#include "services/budget/rules/yaml_fields.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "services/budget/rules/decimal.h"

namespace kompas::budget::yaml {

absl::StatusOr<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  if (!in || buf.bad()) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot read"));
  return buf.str();
}

absl::StatusOr<YAML::Node> LoadMapping(absl::string_view yaml, absl::string_view file_name) {
  YAML::Node root;
  try {  // yaml-cpp reports syntax errors by throwing; they end here.
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name, ":", e.mark.line + 1, ": not valid YAML: ", e.msg));
  }
  if (!root.IsMap()) return At(file_name, root, "(top)", "must be a mapping");
  return root;
}

// "file:line: path: message" with the 1-based line of `node`.
absl::Status At(absl::string_view file, const YAML::Node& node, absl::string_view path,
                absl::string_view what) {
  // An absent key has no position: callers pass the enclosing node then.
  const int line = node.IsDefined() && node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
  return absl::InvalidArgumentError(
      absl::StrCat(file, ":", line, ": ", path, path.empty() ? "" : ": ", what));
}

// The scalar under `key` of `parent`; a missing key is reported at the parent's line.
absl::StatusOr<std::string> Scalar(absl::string_view file, const YAML::Node& parent,
                                   const char* key, absl::string_view path) {
  const YAML::Node node = parent[key];
  if (!node.IsDefined() || node.IsNull()) return At(file, parent, path, "is required");
  if (!node.IsScalar()) return At(file, node, path, "must be a single value");
  return node.Scalar();
}

// A required, non-empty text.
absl::StatusOr<std::string> Text(absl::string_view file, const YAML::Node& parent, const char* key,
                                 absl::string_view path) {
  absl::StatusOr<std::string> text = Scalar(file, parent, key, path);
  if (!text.ok()) return text.status();
  if (text->empty()) return At(file, parent[key], path, "must not be empty");
  return text;
}

absl::StatusOr<bool> Bool(absl::string_view file, const YAML::Node& parent, const char* key,
                          absl::string_view path) {
  absl::StatusOr<std::string> text = Scalar(file, parent, key, path);
  if (!text.ok()) return text.status();
  if (*text != "true" && *text != "false") {
    return At(file, parent[key], path, "must be true or false");
  }
  return *text == "true";
}

// An integer written with digits only, within [lo, hi].
absl::StatusOr<int> Int(absl::string_view file, const YAML::Node& parent, const char* key,
                        absl::string_view path, int lo, int hi) {
  absl::StatusOr<std::string> text = Scalar(file, parent, key, path);
  if (!text.ok()) return text.status();
  const bool digits =
      !text->empty() && text->size() <= 9 &&
      std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits)
    return At(file, parent[key], path, absl::StrCat("'", *text, "' is not a whole number"));
  const int value = std::stoi(*text);
  if (value < lo || value > hi) {
    return At(file, parent[key], path, absl::StrCat("must lie between ", lo, " and ", hi));
  }
  return value;
}

// A non-negative exact decimal with at most `scale` decimals, as an integer × 10^scale, at most
// `max`.
absl::StatusOr<std::int64_t> Decimal(absl::string_view file, const YAML::Node& parent,
                                     const char* key, absl::string_view path, int scale,
                                     std::int64_t max) {
  absl::StatusOr<std::string> text = Scalar(file, parent, key, path);
  if (!text.ok()) return text.status();
  absl::StatusOr<std::int64_t> value = ParseScaledDecimal(*text, scale);
  if (!value.ok()) return At(file, parent[key], path, value.status().message());
  if (*value < 0) return At(file, parent[key], path, "must not be negative");
  if (*value > max) return At(file, parent[key], path, "is implausibly large");
  return value;
}

absl::Status CheckKeys(absl::string_view file, const YAML::Node& map, absl::string_view path,
                       std::initializer_list<absl::string_view> allowed) {
  std::vector<std::string> seen;
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return At(file, kv.first, path, absl::StrCat("unknown key '", key, "'"));
    }
    // yaml-cpp keeps the first of two equal keys: a second one would be ignored silently.
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      return At(file, kv.first, path, absl::StrCat("key '", key, "' appears twice"));
    }
    seen.push_back(key);
  }
  return absl::OkStatus();
}

absl::Status RequireMap(absl::string_view file, const YAML::Node& parent, const char* key,
                        absl::string_view path) {
  const YAML::Node node = parent[key];
  if (!node.IsDefined() || node.IsNull()) return At(file, parent, path, "is required");
  if (!node.IsMap()) return At(file, node, path, "must be a mapping");
  return absl::OkStatus();
}

absl::StatusOr<absl::CivilDay> Day(absl::string_view file, const YAML::Node& parent,
                                   const char* key, absl::string_view path) {
  absl::StatusOr<std::string> text = Scalar(file, parent, key, path);
  if (!text.ok()) return text.status();
  const YAML::Node node = parent[key];
  absl::CivilDay day;
  if (text->size() != 10 || !absl::ParseCivilTime(*text, &day) ||
      absl::FormatCivilTime(day) != *text) {
    return At(file, node, path, "must be a date YYYY-MM-DD");
  }
  return day;
}

absl::StatusOr<std::vector<Source>> Sources(absl::string_view file, const YAML::Node& root) {
  const YAML::Node list = root["sources"];
  if (!list.IsDefined() || list.IsNull()) return At(file, root, "sources", "is required");
  if (!list.IsSequence() || list.size() == 0) {
    return At(file, list, "sources", "must be a non-empty list");
  }
  std::vector<Source> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node node = list[i];
    const std::string path = absl::StrCat("sources[", i, "]");
    if (!node.IsMap()) return At(file, node, path, "must be a mapping with document, locator, url");
    if (absl::Status s = CheckKeys(file, node, path, {"id", "document", "locator", "url"});
        !s.ok()) {
      return s;
    }
    Source src;
    if (node["id"].IsDefined()) {
      absl::StatusOr<std::string> id = Text(file, node, "id", path + ".id");
      if (!id.ok()) return id.status();
      src.id = *id;
    }
    absl::StatusOr<std::string> document = Text(file, node, "document", path + ".document");
    if (!document.ok()) return document.status();
    absl::StatusOr<std::string> locator = Text(file, node, "locator", path + ".locator");
    if (!locator.ok()) return locator.status();
    absl::StatusOr<std::string> url = Text(file, node, "url", path + ".url");
    if (!url.ok()) return url.status();
    src.document = *document;
    src.locator = *locator;
    src.url = *url;
    out.push_back(std::move(src));
  }
  return out;
}

}  // namespace kompas::budget::yaml
