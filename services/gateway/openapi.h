// The OpenAPI 3.0 description of the gateway's routes, generated from the same descriptors and
// HTTP rules the gateway routes by, so the document cannot drift from the API. Schemas follow
// protobuf's JSON mapping (lowerCamelCase names, enums as strings, 64-bit integers as strings).
#ifndef KOMPAS_SERVICES_GATEWAY_OPENAPI_H_
#define KOMPAS_SERVICES_GATEWAY_OPENAPI_H_

#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "services/gateway/route.h"

namespace kompas::gateway {

struct OpenApiInfo {
  std::string title = "Kompas API";
  std::string version = "1.0.0";
};

// The protos' comments, from descriptors built with their source info (the gateway embeds
// them: services/gateway/CMakeLists.txt). Looked up by full name, so they describe the
// generated descriptors the routes use.
class ApiDocs {
 public:
  // From a serialized FileDescriptorSet (dependencies first); null when it does not parse.
  static std::unique_ptr<ApiDocs> FromDescriptorSet(const void* data, std::size_t size);
  // The set built into the gateway.
  static std::unique_ptr<ApiDocs> Embedded();

  // The leading comment of the element with that full name, or "".
  std::string OfMessage(const std::string& full_name) const;
  std::string OfField(const std::string& full_name) const;
  std::string OfEnum(const std::string& full_name) const;
  std::string OfMethod(const std::string& full_name) const;

 private:
  google::protobuf::DescriptorPool pool_;
};

// The document as JSON text; descriptions from `docs` when given.
std::string BuildOpenApi(const std::vector<Route>& routes, const OpenApiInfo& info = {},
                         const ApiDocs* docs = nullptr);

}  // namespace kompas::gateway

#endif  // KOMPAS_SERVICES_GATEWAY_OPENAPI_H_
