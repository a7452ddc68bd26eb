// kompas: the command line for a member organisation's IT staff and for scripts.
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "tools/cli/catalog.h"
#include "tools/cli/curve.h"
#include "tools/cli/health.h"
#include "tools/cli/income.h"
#include "tools/cli/match.h"
#include "tools/cli/participant.h"
#include "tools/cli/report.h"
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
ABSL_FLAG(std::string, svg, "", "curve: also write the chart as an SVG file here");
ABSL_FLAG(double, wage, 0, "curve: the gross hourly wage in euros (default: the minimum wage)");
ABSL_FLAG(int, hours, 32, "wage: the hours per week at which to find the wage that pays");
ABSL_FLAG(std::string, actor, "",
          "participant: your pseudonymous mentor id, sent as x-kompas-actor (the mentor of the "
          "participants you create; in the access log)");
ABSL_FLAG(std::string, situations, "0,24@wml,36@wml,24@1.3wml,36@1.3wml",
          "income: work situations of adult 1, hours@wage: wage in euros (19.12) or a multiple "
          "of the minimum wage in force (wml, 1.3wml); 0 = no work");
ABSL_FLAG(std::string, gemeente, "", "jobs: the gemeente, by name or code (Maastricht, GM0935)");
ABSL_FLAG(int, max_level, 0, "jobs: the highest NLQF education level (1..8; 0 = any)");
ABSL_FLAG(std::string, min_demand, "",
          "jobs: the lowest demand: zeer_ruim, ruim, gemiddeld, krap, zeer_krap (default any)");
ABSL_FLAG(std::string, query, "", "jobs: words in the occupation's title");
ABSL_FLAG(int, limit, 15, "jobs: how many occupations to show");
ABSL_FLAG(int, education, 2,
          "match: the job seeker's highest completed NLQF level (1..8; 0 = none)");
ABSL_FLAG(int, max_training_months, 24, "match: the longest training the job seeker would take");
ABSL_FLAG(int, candidates, 12, "match: how many occupations to show");
ABSL_FLAG(bool, validate_only, false, "catalog import: only check the files, change nothing");
ABSL_FLAG(std::string, from, "", "report: the first month, yyyy-mm (a quarter's first)");
ABSL_FLAG(std::string, to, "", "report: the last month, yyyy-mm (a quarter's last; ended)");
ABSL_FLAG(bool, by_region, false, "report: a row per labour-market region");
ABSL_FLAG(bool, by_cohort, false, "report: a row per intake cohort (month of intake)");
ABSL_FLAG(bool, csv, false, "report: print the report as CSV");
ABSL_FLAG(std::string, reason, "",
          "participant erase: participant-request, retention-expired or recorded-in-error");

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
    "  curve    disposable income from 0 to 40 hours, the marginal pressure and the cliffs:\n"
    "           --household=FILE.json [--wage=14.71] [--svg=chart.svg]\n"
    "  wage     the gross hourly wage from which work pays at --hours (default 32):\n"
    "           --household=FILE.json [--hours=32]\n"
    "  participant  a mentor's day in the case record (key=value arguments; --actor=ID):\n"
    "           create gemeente=GM0014 intake=2026-03-02 [name=… bsn=…] | list [mentor=…] |\n"
    "           show NAME | assess NAME date=… family=N wellbeing=N education=N finance=N\n"
    "           employment=N | goal NAME pillar=… title=… by=… | step GOAL title=… by=… |\n"
    "           done GOAL step=ID | session NAME date=… minutes=N [pillars=…] [notes=…] |\n"
    "           timeline NAME\n"
    "  match    the Career Compass: in-demand jobs in the household's region, what each leaves\n"
    "           it per month, and the route to lonend: --household=FILE.json [--hours=32]\n"
    "           [--education=2] [--max-training-months=24] [--svg=compass.svg]\n"
    "  jobs     the occupations most in demand in a gemeente's labour-market region:\n"
    "           --gemeente=Maastricht [--max-level=3] [--min-demand=krap] [--query=zorg]\n"
    "  catalog  import DIR... [--validate-only]: load a complete set of catalogue files\n"
    "           (every error listed, nothing changed unless all are valid; scope catalog.admin)\n"
    "  report   the network's k-anonymous evaluation report (scope network.report):\n"
    "           --from=2026-07 --to=2026-09 [--by-region] [--by-cohort] [--csv]\n"
    "\n"
    "Flags: --stack_file=PATH  --json  --timeout=3s  (--helpfull for all)";

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  // Flags may be written with dashes (--max-level) or underscores (--max_level).
  std::vector<std::string> spelled(argv, argv + argc);
  std::vector<char*> raw;
  for (std::string& arg : spelled) {
    if (arg.rfind("--", 0) == 0) {
      const std::size_t end = std::min(arg.find('='), arg.size());
      std::replace(arg.begin() + 2, arg.begin() + static_cast<std::ptrdiff_t>(end), '-', '_');
    }
    raw.push_back(arg.data());
  }
  std::vector<char*> args = absl::ParseCommandLine(argc, raw.data());
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
  if (command == "participant") {
    kompas::cli::ParticipantOptions options;
    options.timeout = absl::GetFlag(FLAGS_timeout);
    options.json = absl::GetFlag(FLAGS_json);
    options.actor = absl::GetFlag(FLAGS_actor);
    options.reason = absl::GetFlag(FLAGS_reason);
    options.household = absl::GetFlag(FLAGS_household);
    return kompas::cli::RunParticipant(*stack,
                                       std::vector<std::string>(args.begin() + 2, args.end()),
                                       options, std::cout, std::cerr);
  }
  if (command == "report") {
    kompas::cli::ReportOptions options;
    options.timeout = absl::GetFlag(FLAGS_timeout) + absl::Seconds(7);
    options.json = absl::GetFlag(FLAGS_json);
    options.from = absl::GetFlag(FLAGS_from);
    options.to = absl::GetFlag(FLAGS_to);
    options.by_region = absl::GetFlag(FLAGS_by_region);
    options.by_cohort = absl::GetFlag(FLAGS_by_cohort);
    options.csv = absl::GetFlag(FLAGS_csv);
    return kompas::cli::RunReport(*stack, options, std::cout, std::cerr);
  }
  kompas::type::v1::Household household;
  if (command == "income" || command == "curve" || command == "wage" || command == "match") {
    const std::string path = absl::GetFlag(FLAGS_household);
    if (path.empty()) {
      std::cerr << "kompas " << command << ": --household=FILE.json is required (see examples/)\n";
      return 2;
    }
    std::ifstream in(path);
    if (!in) {
      std::cerr << "kompas " << command << ": cannot read " << path << "\n";
      return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    if (auto s = google::protobuf::util::JsonStringToMessage(text.str(), &household); !s.ok()) {
      std::cerr << "kompas " << command << ": " << path << ": " << s.message() << "\n";
      return 2;
    }
  }
  if (command == "curve") {
    const double wage_eur = absl::GetFlag(FLAGS_wage);
    std::int64_t cents = static_cast<std::int64_t>(wage_eur * 100.0 + 0.5);
    if (cents <= 0) {  // the minimum wage in force, as the service reports it
      absl::StatusOr<std::vector<kompas::cli::Situation>> one =
          kompas::cli::ParseSituations("1@wml");
      absl::StatusOr<kompas::cli::IncomeReport> probe =
          kompas::cli::RunIncome(*stack, household, *one, absl::GetFlag(FLAGS_timeout));
      if (!probe.ok()) {
        std::cerr << "kompas curve: " << probe.status() << "\n";
        return 1;
      }
      cents = probe->minimum_wage;
    }
    absl::StatusOr<kompas::budget::v1::GetIncomeCurveResponse> curve =
        kompas::cli::RunCurve(*stack, household, cents, absl::GetFlag(FLAGS_timeout));
    if (!curve.ok()) {
      std::cerr << "kompas curve: " << curve.status() << "\n";
      return 1;
    }
    std::cout << kompas::cli::FormatCurveTable(*curve);
    if (!absl::GetFlag(FLAGS_svg).empty()) {
      std::ofstream svg(absl::GetFlag(FLAGS_svg));
      svg << kompas::cli::CurveSvg(*curve, "Wat werken oplevert, per maand");
      if (!svg) {
        std::cerr << "kompas curve: cannot write " << absl::GetFlag(FLAGS_svg) << "\n";
        return 1;
      }
      std::cout << "Grafiek: " << absl::GetFlag(FLAGS_svg) << "\n";
    }
    return 0;
  }
  if (command == "wage") {
    absl::StatusOr<kompas::budget::v1::FindRequiredWageResponse> wage = kompas::cli::RunWage(
        *stack, household, absl::GetFlag(FLAGS_hours), absl::GetFlag(FLAGS_timeout));
    if (!wage.ok()) {
      std::cerr << "kompas wage: " << wage.status() << "\n";
      return 1;
    }
    std::cout << kompas::cli::FormatWage(*wage);
    return 0;
  }
  if (command == "income") {
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
  if (command == "match") {
    kompas::cli::MatchQuery query;
    query.hours = absl::GetFlag(FLAGS_hours);
    query.education_nlqf = absl::GetFlag(FLAGS_education);
    query.max_training_months = absl::GetFlag(FLAGS_max_training_months);
    query.candidates = absl::GetFlag(FLAGS_candidates);
    absl::StatusOr<kompas::matching::v1::MatchResult> result = kompas::cli::RunMatch(
        *stack, household, query, absl::GetFlag(FLAGS_timeout) + absl::Seconds(2));
    if (!result.ok()) {
      std::cerr << "kompas match: " << result.status().message() << "\n";
      return result.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
    }
    if (absl::GetFlag(FLAGS_json)) {
      std::string json;
      google::protobuf::util::JsonPrintOptions options;
      options.add_whitespace = true;
      (void)google::protobuf::util::MessageToJsonString(*result, &json, options);
      std::cout << json;
      return 0;
    }
    std::cout << kompas::cli::FormatMatchTable(*result);
    if (!absl::GetFlag(FLAGS_svg).empty()) {
      std::ofstream svg(absl::GetFlag(FLAGS_svg));
      svg << kompas::cli::MatchSvg(*result);
      if (!svg) {
        std::cerr << "kompas match: cannot write " << absl::GetFlag(FLAGS_svg) << "\n";
        return 1;
      }
      std::cout << "Grafiek: " << absl::GetFlag(FLAGS_svg) << "\n";
    }
    return 0;
  }
  if (command == "jobs") {
    kompas::cli::JobsQuery query;
    query.gemeente = absl::GetFlag(FLAGS_gemeente);
    query.max_level = absl::GetFlag(FLAGS_max_level);
    query.min_demand = absl::GetFlag(FLAGS_min_demand);
    query.text = absl::GetFlag(FLAGS_query);
    query.limit = absl::GetFlag(FLAGS_limit);
    absl::StatusOr<kompas::cli::JobsReport> report =
        kompas::cli::RunJobs(*stack, query, absl::GetFlag(FLAGS_timeout));
    if (!report.ok()) {
      std::cerr << "kompas jobs: " << report.status().message() << "\n";
      return report.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
    }
    std::cout << kompas::cli::FormatJobsTable(*report);
    return 0;
  }
  if (command == "catalog") {
    if (args.size() < 3 || std::string(args[2]) != "import") {
      std::cerr << "kompas catalog: use `kompas catalog import DIR...`\n";
      return 2;
    }
    const std::vector<std::string> dirs(args.begin() + 3, args.end());
    const bool validate_only = absl::GetFlag(FLAGS_validate_only);
    absl::StatusOr<kompas::catalog::v1::ImportDataResponse> result = kompas::cli::RunCatalogImport(
        *stack, dirs, validate_only, absl::GetFlag(FLAGS_timeout) + absl::Seconds(30));
    if (!result.ok()) {
      std::cerr << "kompas catalog import: " << result.status().message() << "\n";
      return 1;
    }
    std::cout << kompas::cli::FormatImport(*result, validate_only);
    return result->errors_size() == 0 ? 0 : 1;
  }
  std::cerr << "kompas: unknown command '" << command << "'\n\n" << kUsage << "\n";
  return 2;
}
