// REST ⇄ gRPC translation of one call, by protobuf's JSON mapping: no message is translated
// by hand. The request is built from the route's path variables, the query string and the
// JSON body; the answer is printed as JSON; a failure becomes an RFC 9457 problem
// (application/problem+json) carrying the gRPC code and, when known, the field.
#ifndef KOMPAS_SERVICES_GATEWAY_TRANSCODE_H_
#define KOMPAS_SERVICES_GATEWAY_TRANSCODE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "services/gateway/route.h"

namespace kompas::gateway {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// The request message of `route`: `body` (JSON) parsed into the whole request or the body
// field, then the query parameters (fields not bound by the path or the body; dotted paths for
// nested fields, repeated keys for repeated fields, lowerCamelCase or proto names), then the
// path variables. INVALID_ARGUMENT naming the field on a parse error, an unknown parameter or
// field, or a body where the route takes none.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> BuildRequest(
    const Route& route, const std::vector<std::string>& path_values, const QueryParams& query,
    absl::string_view body);

// The message as JSON (lowerCamelCase names, enums by name, default values printed).
std::string ToJson(const google::protobuf::Message& message);

// The HTTP status for a gRPC code (google.rpc.Code's documented mapping; CANCELLED = 499).
int HttpStatus(absl::StatusCode code);

// "household.adults[1].birth_date" → "household.adults[1].birthDate".
std::string JsonFieldPath(absl::string_view proto_path);

// The field a status names: services put it first ("household.adults[1].age: must be …");
// the JSON parser in parentheses ("(pageSize): invalid value"). Only a path whose first name
// is a field of `request` (when given) counts. Empty when none.
std::string FieldOfStatus(const absl::Status& status, const google::protobuf::Descriptor* request);

struct Problem {
  int http_status = 500;
  std::string json;  // the application/problem+json body
};

// {"type","title","status","detail","code","field"?,"invalidParams"?}. The detail is the
// service's message (services never put personal data in errors). `http_status` replaces the
// code's usual HTTP status when not 0 (415, 405: refusals no gRPC code names).
Problem ProblemFor(const absl::Status& status, const google::protobuf::Descriptor* request,
                   int http_status = 0);

}  // namespace kompas::gateway

#endif  // KOMPAS_SERVICES_GATEWAY_TRANSCODE_H_
