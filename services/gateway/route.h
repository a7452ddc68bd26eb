// The REST routes of the gateway, read from the `google.api.http` annotations of the services'
// RPCs (proto/kompas/*/v1/*.proto). A route is one HTTP method and one path template; matching
// a request path yields the values of the template's variables (resource names).
//
//   "/v1/{name=participants/*/goals/*}"  matches  "/v1/participants/p1/goals/g2"
//                                         giving  name = "participants/p1/goals/g2"
//   "/v1/{name=participants/*}:erase"    matches  "/v1/participants/p1:erase"
//
// Supported template syntax (what the Kompas protos use; anything else is refused at start-up):
// literal segments, `*`, variables `{field.path}` (one segment) and `{field.path=a/*/b/*}`
// (several), and one `:verb` at the end.
#ifndef KOMPAS_SERVICES_GATEWAY_ROUTE_H_
#define KOMPAS_SERVICES_GATEWAY_ROUTE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace kompas::gateway {

struct PathSegment {
  enum class Kind { kLiteral, kWildcard };
  Kind kind = Kind::kLiteral;
  std::string literal;  // for kLiteral
  int variable = -1;    // index into PathTemplate::variables, or -1
};

struct PathVariable {
  std::string field_path;  // "name", "participant.name" (proto field names)
};

struct PathTemplate {
  std::string text;  // as written in the proto
  std::vector<PathSegment> segments;
  std::vector<PathVariable> variables;
  std::string verb;  // after ':', or empty

  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // The variables' values when `path` (percent-decoded segments, without query) matches,
  // in the order of `variables`; false when it does not.
  bool Match(absl::string_view path, std::vector<std::string>* values) const;

  // The OpenAPI form: each wildcard becomes a parameter named after the literal before it
  // ("participants/*" → "participants/{participant}"): "/v1/participants/{participant}:erase".
  std::string OpenApiPath() const;
  // The OpenAPI parameter name of each wildcard, in order.
  std::vector<std::string> WildcardNames() const;
};

struct Route {
  std::string http_method;  // "GET", "POST", "PATCH", "DELETE", "PUT"
  PathTemplate path;
  // "" (no body), "*" (the whole request), or a top-level field of the request.
  std::string body;
  std::string service;  // "budget", "catalog", "matching", "caserecord"
  const google::protobuf::MethodDescriptor* method = nullptr;
};

// The four public services the gateway fronts, by short name ("budget", "catalog", "matching",
// "caserecord").
std::vector<std::pair<std::string, const google::protobuf::ServiceDescriptor*>> PublicServices();

// The routes of the given services (service short name → descriptor). Every RPC must carry an
// HTTP rule; an RPC without one, a bad template or a body/variable naming a field the request
// does not have is an error naming the RPC.
absl::StatusOr<std::vector<Route>> RoutesFromDescriptors(
    const std::vector<std::pair<std::string, const google::protobuf::ServiceDescriptor*>>&
        services);

// The field a dotted proto path names in `message` (nested message fields only), or null.
const google::protobuf::FieldDescriptor* FindFieldByPath(
    const google::protobuf::Descriptor* message, absl::string_view path);

}  // namespace kompas::gateway

#endif  // KOMPAS_SERVICES_GATEWAY_ROUTE_H_
