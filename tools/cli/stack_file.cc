#include "tools/cli/stack_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace kompas::cli {
namespace {

absl::StatusOr<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": ", std::strerror(errno)));
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

absl::StatusOr<StackFile> ParseStackFile(absl::string_view json, absl::string_view file_name,
                                         absl::string_view base_dir) {
  nlohmann::json j = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(file_name, ": not a JSON object"));
  }
  StackFile stack;
  if (!j.contains("services") || !j["services"].is_object() || j["services"].empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name, ": 'services' must map service names to host:port"));
  }
  for (const auto& [name, address] : j["services"].items()) {
    if (!address.is_string() || address.get<std::string>().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file_name, ": services.", name, " must be a host:port string"));
    }
    stack.services[name] = address.get<std::string>();
  }
  if (j.contains("token_file")) {
    if (!j["token_file"].is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(file_name, ": 'token_file' must be a path"));
    }
    std::string path = j["token_file"].get<std::string>();
    if (!path.empty() && path.front() != '/') path = absl::StrCat(base_dir, "/", path);
    absl::StatusOr<std::string> token = ReadAll(path);
    if (!token.ok()) return token.status();
    stack.token = std::string(absl::StripAsciiWhitespace(*token));
  }
  return stack;
}

absl::StatusOr<StackFile> StackFromFlags(absl::string_view services,
                                         const std::string& token_file) {
  StackFile stack;
  for (absl::string_view item : absl::StrSplit(services, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    const std::size_t eq = item.find('=');
    if (eq == absl::string_view::npos || eq == 0 || eq + 1 == item.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--services: '", item, "' must be name=host:port"));
    }
    stack.services[std::string(item.substr(0, eq))] = std::string(item.substr(eq + 1));
  }
  if (!token_file.empty()) {
    absl::StatusOr<std::string> token = ReadAll(token_file);
    if (!token.ok()) return token.status();
    stack.token = std::string(absl::StripAsciiWhitespace(*token));
  }
  return stack;
}

absl::StatusOr<StackFile> LoadStackFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadAll(path);
  if (!text.ok()) {
    return absl::NotFoundError(absl::StrCat(text.status().message(),
                                            " (start the local stack with `scripts/stack up`, or "
                                            "pass --stack_file)"));
  }
  const std::size_t slash = path.find_last_of('/');
  return ParseStackFile(*text, path, slash == std::string::npos ? "." : path.substr(0, slash));
}

}  // namespace kompas::cli
