// The gateway's own cost per call, without the network: finding the route, building the gRPC
// request from the JSON body, and printing the answer as JSON. Run:
//   build/release/services/gateway/bench/gateway_bench --benchmark_min_time=0.5
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/json_util.h"
#include "kompas/matching/v1/matching.pb.h"
#include "services/gateway/route.h"
#include "services/gateway/transcode.h"

namespace kompas::gateway {
namespace {

const std::vector<Route>& Routes() {
  static const std::vector<Route>* routes =
      new std::vector<Route>(*RoutesFromDescriptors(PublicServices()));
  return *routes;
}

const Route& RouteOf(const std::string& method) {
  for (const Route& r : Routes()) {
    if (r.method->name() == method) return r;
  }
  std::abort();
}

std::string MatchBody() {
  std::ifstream in(std::string(KOMPAS_SOURCE_DIR) + "/examples/single-parent-maastricht.json");
  std::ostringstream household;
  household << in.rdbuf();
  return absl::StrCat(R"({"profile":{"jobSeeker":1,"educationLevel":"EDUCATION_LEVEL_NLQF_2",)",
                      R"("availableMinutesPerWeek":1920,"maxTrainingMonths":24,"household":)",
                      household.str(), "}}");
}

// An answer of the size Match gives for 12 candidates (the shape of a real one).
matching::v1::MatchResponse TwelveCandidates() {
  std::string candidates;
  for (int i = 1; i <= 12; ++i) {
    absl::StrAppend(&candidates, i > 1 ? "," : "",
                    absl::StrReplaceAll(
                        R"({"rank":@N@,"occupation":"occupations/10@N@","title":"Verzorgenden @N@",
            "wage":{"grossHourlyWage":{"cents":"2261"},"source":"WAGE_SOURCE_CBS_P25",
            "note":"CBS 85517NED, 25e percentiel 2022, geïndexeerd naar 2026"},
            "minutesPerWeek":1920,"disposableIncome":{"cents":"425255"},
            "margin":{"cents":"103258"},"lonend":true,"demand":"DEMAND_LEVEL_ZEER_KRAP",
            "demandSample":true,"requiredEducationLevel":"EDUCATION_LEVEL_NLQF_2",
            "reachableNow":true,"score":{"total":900,"margin":1000,"demand":1000,
            "reachability":1000,"cliffRisk":500},
            "reasons":["Bij 32 uur per week tegen € 22,61 bruto per uur houdt het huishouden € 4.252,55 per maand over.",
            "De vraag in Zuid-Limburg is zeer krap (voorbeeldcijfers).",
            "Je opleidingsniveau is voldoende om hier te beginnen."]})",
                        {{"@N@", absl::StrCat(i)}}));
  }
  matching::v1::MatchResponse response;
  auto status = google::protobuf::util::JsonStringToMessage(
      absl::StrCat(R"({"result":{"candidates":[)", candidates, "]}}"), &response);
  if (!status.ok()) {
    std::fprintf(stderr, "fixture: %s\n", status.ToString().c_str());
    std::abort();
  }
  return response;
}

void BM_FindRoute(benchmark::State& state) {
  std::vector<std::string> values;
  for (auto _ : state) {
    // The last route in the table: the longest scan.
    for (const Route& r : Routes()) {
      if (r.http_method == "GET" && r.path.Match("/v1/participants/p1/auditEvents", &values)) break;
    }
    benchmark::DoNotOptimize(values);
  }
}
BENCHMARK(BM_FindRoute);

void BM_BuildMatchRequest(benchmark::State& state) {
  const Route& route = RouteOf("Match");
  const std::string body = MatchBody();
  for (auto _ : state) {
    auto request = BuildRequest(route, {}, {}, body);
    benchmark::DoNotOptimize(request);
  }
}
BENCHMARK(BM_BuildMatchRequest);

void BM_BuildListRequest(benchmark::State& state) {
  const Route& route = RouteOf("ListParticipants");
  const QueryParams query = {{"pageSize", "50"}, {"state", "PARTICIPANT_STATE_ACTIVE"}};
  for (auto _ : state) {
    auto request = BuildRequest(route, {}, query, "");
    benchmark::DoNotOptimize(request);
  }
}
BENCHMARK(BM_BuildListRequest);

void BM_MatchAnswerToJson(benchmark::State& state) {
  const matching::v1::MatchResponse response = TwelveCandidates();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string json = ToJson(response);
    bytes = json.size();
    benchmark::DoNotOptimize(json);
  }
  state.counters["json_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_MatchAnswerToJson);

}  // namespace
}  // namespace kompas::gateway

BENCHMARK_MAIN();
