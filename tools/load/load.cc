#include "tools/load/load.h"

#include <fstream>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace kompas::load {

namespace {

absl::Status ValidateOptions(const RunOptions& options) {
  if (absl::Status s = ValidateLoadConfig(options.load); !s.ok()) return s;
  if (options.deadline < absl::Milliseconds(1) || options.deadline > absl::Hours(1)) {
    return absl::InvalidArgumentError("deadline must be between 1ms and 1h");
  }
  if (options.payload_bytes < 0 || options.payload_bytes > 4'000'000) {
    return absl::InvalidArgumentError("payload_bytes must be between 0 and 4000000");
  }
  if (options.connections < 1 || options.connections > 1000) {
    return absl::InvalidArgumentError("connections must be between 1 and 1000");
  }
  for (char c : options.token) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError("the token has a character not allowed in metadata");
    }
  }
  return absl::OkStatus();
}

std::vector<std::shared_ptr<grpc::Channel>> OpenChannels(const std::string& target, int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    // Without this, channels to one target share a subchannel, i.e. one connection.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetString(GRPC_ARG_PRIMARY_USER_AGENT_STRING, "kompas-load");
    channels.push_back(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
  }
  return channels;
}

}  // namespace

absl::StatusOr<RunOutcome> RunScenario(const ScenarioRegistry& registry,
                                       const RunOptions& options) {
  const ScenarioSpec* spec = registry.Find(options.scenario);
  if (spec == nullptr) {
    std::vector<std::string> names;
    for (const ScenarioSpec* s : registry.List()) names.push_back(s->name);
    return absl::InvalidArgumentError(absl::StrCat("unknown scenario '", options.scenario,
                                                   "'; known: ", absl::StrJoin(names, ", ")));
  }
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;

  RunOutcome outcome;
  RunInfo& info = outcome.info;
  info.scenario = spec->name;
  info.load = options.load;
  info.deadline = options.deadline;
  info.payload_bytes = options.payload_bytes;
  info.connections = options.connections;

  // Declared before the scenario so that it outlives every call.
  std::unique_ptr<LocalServer> local_server;
  if (options.target.empty()) {
    if (!spec->start_local_server) {
      return absl::InvalidArgumentError(absl::StrCat(
          "scenario '", spec->name, "' has no in-process server: give --target=host:port"));
    }
    absl::StatusOr<std::unique_ptr<LocalServer>> started = spec->start_local_server();
    if (!started.ok()) return started.status();
    local_server = *std::move(started);
    info.target = local_server->target();
    info.local_server = local_server->description();
  } else {
    info.target = options.target;
  }

  ScenarioParams params;
  params.channels = OpenChannels(info.target, options.connections);
  params.token = options.token;
  params.deadline = options.deadline;
  params.payload_bytes = options.payload_bytes;
  ScenarioOrStatus scenario = spec->create(params);
  if (!scenario.ok()) return scenario.status();

  info.started = absl::Now();
  absl::StatusOr<LoadResult> result = RunLoad(options.load, **scenario);
  if (!result.ok()) return result.status();
  outcome.result = *std::move(result);
  return outcome;
}

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read token file ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string contents = buffer.str();
  std::vector<absl::string_view> lines;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) lines.push_back(line);
  }
  if (lines.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat("token file ", path,
                                                   " must hold exactly one token on one line (has ",
                                                   lines.size(), " non-empty lines)"));
  }
  return std::string(lines[0]);
}

}  // namespace kompas::load
