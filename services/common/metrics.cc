#include "services/common/metrics.h"

#include "prometheus/counter.h"
#include "prometheus/histogram.h"

namespace kompas {

RpcMetrics::RpcMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("kompas_rpc_requests_total")
                    .Help("RPCs handled, by full method name and gRPC status code")
                    .Register(*registry_)),
      latency_(prometheus::BuildHistogram()
                   .Name("kompas_rpc_latency_seconds")
                   .Help("RPC latency from arrival to status, by full method name")
                   .Register(*registry_)) {}

void RpcMetrics::Record(absl::string_view method, absl::string_view code, absl::Duration latency) {
  requests_.Add({{"method", std::string(method)}, {"code", std::string(code)}}).Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  latency_.Add({{"method", std::string(method)}}, kBuckets).Observe(absl::ToDoubleSeconds(latency));
}

double RpcMetrics::RequestCount(absl::string_view method, absl::string_view code) const {
  const std::map<std::string, std::string> labels = {{"method", std::string(method)},
                                                     {"code", std::string(code)}};
  if (!requests_.Has(labels)) return 0;
  return requests_.Add(labels).Value();
}

}  // namespace kompas
