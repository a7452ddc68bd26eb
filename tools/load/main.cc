// kompas-load: a load generator for Kompas gRPC services (callback client API).
//
//   kompas-load --scenario=echo --concurrency=64 --duration=5s
//       the transport ceiling: Echo against kompas-load's own in-process echo server
//   kompas-load --scenario=echo --target=127.0.0.1:50051 --token_file=T --concurrency=8
//       the same calls through a real server (e.g. kompas-testserver: auth + log line)
//   kompas-load --rate=5000 --duration=5s --json
//       open loop: 5000 calls/s on schedule; latency from the scheduled send time
//
// Exit code: 0 when every measured call succeeded, 1 when some failed (the report says
// which codes), 2 for bad flags or a setup failure.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tools/load/load.h"

ABSL_FLAG(std::string, scenario, "echo", "what to call; --list_scenarios shows them");
ABSL_FLAG(bool, list_scenarios, false, "print the scenarios and exit");
ABSL_FLAG(std::string, target, "",
          "host:port of the server to call (plaintext). Empty: start the scenario's own "
          "in-process server on 127.0.0.1:0 (echo: the transport ceiling)");
ABSL_FLAG(std::string, token, "", "bearer token, sent as `authorization: Bearer <token>`");
ABSL_FLAG(std::string, token_file, "", "file holding the bearer token (instead of --token)");
ABSL_FLAG(int, concurrency, 8, "closed loop: calls always in flight (ignored with --rate)");
ABSL_FLAG(double, rate, 0,
          "open loop: calls per second, sent on schedule whatever the completions; latency "
          "counts from the scheduled send time. 0: closed loop");
ABSL_FLAG(int, max_outstanding, 1000,
          "open loop: most calls in flight; calls due beyond that are dropped and counted");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "load before measuring (not reported)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "measured time");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(1), "deadline of every call");
ABSL_FLAG(int, payload_bytes, 0, "payload size for scenarios that send one (echo)");
ABSL_FLAG(int, connections, 1, "HTTP/2 connections to the target; calls go round-robin");
ABSL_FLAG(bool, json, false, "print one JSON object instead of the table");

namespace {

int Fail(const absl::Status& status) {
  std::cerr << "kompas-load: " << status.message() << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "kompas-load [--scenario=echo] [--target=host:port --token_file=F] "
      "[--concurrency=N | --rate=QPS] [--warmup=1s] [--duration=5s] [--json]");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 1) {
    return Fail(absl::InvalidArgumentError(
        absl::StrCat("unexpected argument '", args[1], "' (flags are --name=value)")));
  }
  const kompas::load::ScenarioRegistry registry = kompas::load::BuiltinScenarios();
  if (absl::GetFlag(FLAGS_list_scenarios)) {
    for (const kompas::load::ScenarioSpec* spec : registry.List()) {
      std::cout << spec->name << "\t" << spec->description << "\n";
    }
    return 0;
  }

  kompas::load::RunOptions options;
  options.scenario = absl::GetFlag(FLAGS_scenario);
  options.target = absl::GetFlag(FLAGS_target);
  options.token = absl::GetFlag(FLAGS_token);
  const std::string token_file = absl::GetFlag(FLAGS_token_file);
  if (!token_file.empty()) {
    if (!options.token.empty()) {
      return Fail(absl::InvalidArgumentError("give --token or --token_file, not both"));
    }
    absl::StatusOr<std::string> token = kompas::load::ReadTokenFile(token_file);
    if (!token.ok()) return Fail(token.status());
    options.token = *std::move(token);
  }
  options.load.concurrency = absl::GetFlag(FLAGS_concurrency);
  options.load.rate = absl::GetFlag(FLAGS_rate);
  options.load.max_outstanding = absl::GetFlag(FLAGS_max_outstanding);
  options.load.warmup = absl::GetFlag(FLAGS_warmup);
  options.load.duration = absl::GetFlag(FLAGS_duration);
  options.deadline = absl::GetFlag(FLAGS_deadline);
  options.payload_bytes = absl::GetFlag(FLAGS_payload_bytes);
  options.connections = absl::GetFlag(FLAGS_connections);

  absl::StatusOr<kompas::load::RunOutcome> outcome = kompas::load::RunScenario(registry, options);
  if (!outcome.ok()) return Fail(outcome.status());
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << kompas::load::ToJson(outcome->info, outcome->result).dump() << "\n";
  } else {
    std::cout << kompas::load::FormatTable(outcome->info, outcome->result);
  }
  return outcome->result.ok == outcome->result.calls ? 0 : 1;
}
