// The OpenAPI 3.0 description of the gateway's routes, generated from the same descriptors and
// HTTP rules the gateway routes by, so the document cannot drift from the API. Schemas follow
// protobuf's JSON mapping (lowerCamelCase names, enums as strings, 64-bit integers as strings).
#ifndef KOMPAS_SERVICES_GATEWAY_OPENAPI_H_
#define KOMPAS_SERVICES_GATEWAY_OPENAPI_H_

#include <string>
#include <vector>

#include "services/gateway/route.h"

namespace kompas::gateway {

struct OpenApiInfo {
  std::string title = "Kompas API";
  std::string version = "1.0.0";
};

// The document as JSON text.
std::string BuildOpenApi(const std::vector<Route>& routes, const OpenApiInfo& info = {});

}  // namespace kompas::gateway

#endif  // KOMPAS_SERVICES_GATEWAY_OPENAPI_H_
