// kompas: the command line for a member organisation's IT staff and for scripts.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "tools/cli/health.h"
#include "tools/cli/stack_file.h"

ABSL_FLAG(std::string, stack_file, ".stack/stack.json",
          "where the service addresses and token are (written by `scripts/stack up`)");
ABSL_FLAG(bool, json, false, "print JSON for scripts instead of a table");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(3), "deadline for each call");

namespace {

constexpr char kUsage[] =
    "kompas <command> [flags]\n"
    "\n"
    "Talks to a running Kompas stack (the addresses and token come from --stack_file, which\n"
    "`scripts/stack up` writes).\n"
    "\n"
    "Commands:\n"
    "  health   show whether each service answers and is SERVING; exit code 1 if any is not\n"
    "\n"
    "Flags: --stack_file=PATH  --json  --timeout=3s";

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) {
    std::cerr << kUsage << "\n";
    return 2;
  }
  const std::string command = args[1];
  absl::StatusOr<kompas::cli::StackFile> stack =
      kompas::cli::LoadStackFile(absl::GetFlag(FLAGS_stack_file));
  if (!stack.ok()) {
    std::cerr << "kompas: " << stack.status().message() << "\n";
    return 2;
  }
  if (command == "health") {
    std::vector<kompas::cli::HealthRow> rows =
        kompas::cli::CheckHealth(*stack, absl::GetFlag(FLAGS_timeout));
    std::cout << (absl::GetFlag(FLAGS_json) ? kompas::cli::FormatHealthJson(rows)
                                            : kompas::cli::FormatHealthTable(rows));
    for (const auto& r : rows) {
      if (r.status != "SERVING") return 1;
    }
    return 0;
  }
  std::cerr << "kompas: unknown command '" << command << "'\n\n" << kUsage << "\n";
  return 2;
}
