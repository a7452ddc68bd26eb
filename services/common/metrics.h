// Prometheus metrics for every RPC (count by method and code, latency histogram by method),
// plus a registry other parts (the cache, later) add their own families to.
#ifndef KOMPAS_SERVICES_COMMON_METRICS_H_
#define KOMPAS_SERVICES_COMMON_METRICS_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace kompas {

class RpcMetrics {
 public:
  RpcMetrics();

  void Record(absl::string_view method, absl::string_view code, absl::Duration latency);

  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }
  // Value of kompas_rpc_requests_total{method,code}; for tests.
  double RequestCount(absl::string_view method, absl::string_view code) const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
};

}  // namespace kompas

#endif  // KOMPAS_SERVICES_COMMON_METRICS_H_
