// The file `scripts/stack up` writes so tools find the local stack: service addresses and
// where the demo token is kept.
#ifndef KOMPAS_TOOLS_CLI_STACK_FILE_H_
#define KOMPAS_TOOLS_CLI_STACK_FILE_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kompas::cli {

struct StackFile {
  std::map<std::string, std::string> services;  // "budget" -> "127.0.0.1:40123"
  std::string token;                            // bearer token for the demo organisation
};

// Parses the JSON text of a stack file: {"services": {name: address}, "token_file": path}.
// The token file path is resolved relative to `base_dir` when not absolute.
absl::StatusOr<StackFile> ParseStackFile(absl::string_view json, absl::string_view file_name,
                                         absl::string_view base_dir);
absl::StatusOr<StackFile> LoadStackFile(const std::string& path);

// From flags: "budget=host:port,catalog=host:port" (may be empty) and a token file (may be
// empty). INVALID_ARGUMENT naming the flag when malformed.
absl::StatusOr<StackFile> StackFromFlags(absl::string_view services, const std::string& token_file);

}  // namespace kompas::cli

#endif  // KOMPAS_TOOLS_CLI_STACK_FILE_H_
