#include "tools/cli/health.h"

#include <grpcpp/grpcpp.h>

#include <future>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace kompas::cli {
namespace {

using grpc::health::v1::HealthCheckResponse;

HealthRow CheckOne(const std::string& service, const std::string& address, absl::Duration timeout) {
  HealthRow row{service, address, "UNREACHABLE", "", absl::ZeroDuration()};
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  ctx.set_wait_for_ready(false);
  grpc::health::v1::HealthCheckRequest req;  // "" = the server as a whole
  HealthCheckResponse resp;
  const absl::Time start = absl::Now();
  grpc::Status s = stub->Check(&ctx, req, &resp);
  row.latency = absl::Now() - start;
  if (!s.ok()) {
    row.detail = s.error_message();
    return row;
  }
  row.status = HealthCheckResponse::ServingStatus_Name(resp.status());
  return row;
}

}  // namespace

std::vector<HealthRow> CheckHealth(const StackFile& stack, absl::Duration timeout) {
  std::vector<std::future<HealthRow>> pending;
  for (const auto& [service, address] : stack.services) {
    pending.push_back(std::async(std::launch::async, CheckOne, service, address, timeout));
  }
  std::vector<HealthRow> rows;
  for (auto& f : pending) rows.push_back(f.get());
  return rows;
}

std::string FormatHealthTable(const std::vector<HealthRow>& rows) {
  std::string out =
      absl::StrFormat("%-12s %-22s %-12s %s\n", "SERVICE", "ADDRESS", "STATUS", "TIME");
  for (const HealthRow& r : rows) {
    absl::StrAppend(&out, absl::StrFormat("%-12s %-22s %-12s %.1f ms%s\n", r.service, r.address,
                                          r.status, absl::ToDoubleMilliseconds(r.latency),
                                          r.detail.empty() ? "" : "  (" + r.detail + ")"));
  }
  return out;
}

std::string FormatHealthJson(const std::vector<HealthRow>& rows) {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const HealthRow& r : rows) {
    nlohmann::ordered_json j = {{"service", r.service},
                                {"address", r.address},
                                {"status", r.status},
                                {"latency_ms", absl::ToDoubleMilliseconds(r.latency)}};
    if (!r.detail.empty()) j["detail"] = r.detail;
    arr.push_back(j);
  }
  return nlohmann::ordered_json{{"services", arr}}.dump(2) + "\n";
}

}  // namespace kompas::cli
