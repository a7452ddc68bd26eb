// Reading a service's Prometheus /metrics endpoint in tests.
#ifndef KOMPAS_TESTS_INTEGRATION_METRICS_SCRAPE_H_
#define KOMPAS_TESTS_INTEGRATION_METRICS_SCRAPE_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace kompas::testing {

// GET http://127.0.0.1:<port>/metrics, the body.
absl::StatusOr<std::string> HttpGetMetrics(int port);

// The value of the sample `name{labels}` in Prometheus text format whose labels include all of
// `labels`; 0 when there is none (a counter never incremented is not exported).
double SampleValue(const std::string& text, const std::string& name,
                   const std::map<std::string, std::string>& labels);

}  // namespace kompas::testing

#endif  // KOMPAS_TESTS_INTEGRATION_METRICS_SCRAPE_H_
