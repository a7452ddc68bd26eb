// kompas: the command line for a member organisation's IT staff and for scripts.
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "tools/cli/health.h"
#include "tools/cli/income.h"
#include "tools/cli/stack_file.h"

ABSL_FLAG(std::string, stack_file, ".stack/stack.json",
          "where the service addresses and token are (written by `scripts/stack up`)");
ABSL_FLAG(std::string, services, "",
          "instead of --stack_file: the services to talk to, e.g. "
          "budget=kompas-budget.example.nl:443,catalog=10.0.0.5:50051");
ABSL_FLAG(std::string, token_file, "",
          "instead of the stack file's token: a file holding your organisation's API token");
ABSL_FLAG(bool, json, false, "print JSON for scripts instead of a table");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(3), "deadline for each call");
ABSL_FLAG(std::string, household, "",
          "income: the household as JSON (kompas.type.v1.Household; see examples/)");
ABSL_FLAG(std::string, situations, "0,24@wml,36@wml,24@1.3wml,36@1.3wml",
          "income: work situations of adult 1, hours@wage: wage in euros (19.12) or a multiple "
          "of the minimum wage in force (wml, 1.3wml); 0 = no work");

namespace {

constexpr char kUsage[] =
    "kompas <command> [flags]\n"
    "\n"
    "Talks to a running Kompas stack. The addresses and token come from --stack_file (which\n"
    "`scripts/stack up` writes), or from --services=name=host:port,... and --token_file.\n"
    "\n"
    "Commands:\n"
    "  health   show whether each service answers and is SERVING; exit code 1 if any is not\n"
    "  income   what a household needs per month and what each work situation leaves it:\n"
    "           --household=FILE.json [--situations=0,24@wml,36@1.3wml]\n"
    "\n"
    "Flags: --stack_file=PATH  --json  --timeout=3s  (--helpfull for all)";

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
      absl::GetFlag(FLAGS_services).empty()
          ? kompas::cli::LoadStackFile(absl::GetFlag(FLAGS_stack_file))
          : kompas::cli::StackFromFlags(absl::GetFlag(FLAGS_services),
                                        absl::GetFlag(FLAGS_token_file));
  if (stack.ok() && absl::GetFlag(FLAGS_services).empty() &&
      !absl::GetFlag(FLAGS_token_file).empty()) {  // the stack file's addresses, own token
    absl::StatusOr<kompas::cli::StackFile> with_token =
        kompas::cli::StackFromFlags("", absl::GetFlag(FLAGS_token_file));
    if (!with_token.ok()) {
      stack = with_token.status();
    } else {
      stack->token = with_token->token;
    }
  }
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
  if (command == "income") {
    const std::string path = absl::GetFlag(FLAGS_household);
    if (path.empty()) {
      std::cerr << "kompas income: --household=FILE.json is required (see examples/)\n";
      return 2;
    }
    std::ifstream in(path);
    if (!in) {
      std::cerr << "kompas income: cannot read " << path << "\n";
      return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    kompas::type::v1::Household household;
    if (auto s = google::protobuf::util::JsonStringToMessage(text.str(), &household); !s.ok()) {
      std::cerr << "kompas income: " << path << ": " << s.message() << "\n";
      return 2;
    }
    absl::StatusOr<std::vector<kompas::cli::Situation>> situations =
        kompas::cli::ParseSituations(absl::GetFlag(FLAGS_situations));
    if (!situations.ok()) {
      std::cerr << "kompas income: " << situations.status().message() << "\n";
      return 2;
    }
    absl::StatusOr<kompas::cli::IncomeReport> report =
        kompas::cli::RunIncome(*stack, household, *situations, absl::GetFlag(FLAGS_timeout));
    if (!report.ok()) {
      std::cerr << "kompas income: " << report.status() << "\n";
      return 1;
    }
    std::cout << (absl::GetFlag(FLAGS_json) ? kompas::cli::FormatIncomeJson(*report)
                                            : kompas::cli::FormatIncomeTable(*report));
    return 0;
  }
  std::cerr << "kompas: unknown command '" << command << "'\n\n" << kUsage << "\n";
  return 2;
}
