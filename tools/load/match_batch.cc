// kompas-match-batch: streams one MatchBatch of N distinct profiles (the load scenario's
// households) and reports how long the whole caseload took, the first result's latency, the
// errors, and the results per second. For BENCHMARKS.md; MatchBatch is a server stream, which
// kompas-load's unary scenarios do not cover.
//
//   kompas-match-batch --target=127.0.0.1:PORT --token_file=.stack/token --profiles=10000
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "kompas/matching/v1/matching.grpc.pb.h"
#include "tools/load/matching_scenarios.h"

ABSL_FLAG(std::string, target, "", "host:port of a kompas-matching (required)");
ABSL_FLAG(std::string, token_file, "", "file holding a bearer token with scope compass");
ABSL_FLAG(int, profiles, 10'000, "how many distinct profiles to send (1..10000)");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(120), "deadline of the whole stream");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int n = absl::GetFlag(FLAGS_profiles);
  if (absl::GetFlag(FLAGS_target).empty() || n < 1 || n > 10'000) {
    std::fprintf(stderr, "kompas-match-batch: --target and --profiles=1..10000 are required\n");
    return 2;
  }
  std::string token;
  if (!absl::GetFlag(FLAGS_token_file).empty()) {
    std::ifstream in(absl::GetFlag(FLAGS_token_file));
    std::stringstream text;
    text << in.rdbuf();
    token = std::string(absl::StripAsciiWhitespace(text.str()));
  }
  kompas::matching::v1::MatchBatchRequest request;
  for (kompas::matching::v1::MatchProfile& p : kompas::load::DistinctProfiles(n)) {
    *request.add_profiles() = std::move(p);
  }
  auto stub = kompas::matching::v1::MatchingService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_deadline)));
  if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
  const absl::Time start = absl::Now();
  auto reader = stub->MatchBatch(&ctx, request);
  kompas::matching::v1::MatchBatchResponse response;
  int results = 0;
  int errors = 0;
  absl::Duration first = absl::ZeroDuration();
  while (reader->Read(&response)) {
    if (results + errors == 0) first = absl::Now() - start;
    (response.has_error() ? errors : results)++;
  }
  const grpc::Status status = reader->Finish();
  const absl::Duration total = absl::Now() - start;
  std::printf("profiles      %d (results %d, profile errors %d)\n", n, results, errors);
  std::printf("stream        %s%s\n",
              status.ok() ? "OK" : "failed: ", status.ok() ? "" : status.error_message().c_str());
  std::printf("total         %.2f s (first result after %.1f ms)\n", absl::ToDoubleSeconds(total),
              absl::ToDoubleMilliseconds(first));
  std::printf("throughput    %.0f profiles/s\n",
              static_cast<double>(results + errors) / absl::ToDoubleSeconds(total));
  return status.ok() && results + errors == n ? 0 : 1;
}
