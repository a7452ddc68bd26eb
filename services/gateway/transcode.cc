#include "services/gateway/transcode.h"

#include <map>
#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"

namespace kompas::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

absl::Status Invalid(absl::string_view field, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", rule));
}

// The protobuf library's own status, as absl's (same codes).
absl::Status FromProtobuf(const google::protobuf::util::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.code()), std::string(s.message()));
}

// The message types whose JSON form is a string (or a number or bool), settable from a query
// parameter as a whole.
bool IsScalarLike(const Descriptor* d) {
  static const absl::flat_hash_set<std::string> kTypes = {
      "google.protobuf.FieldMask",   "google.protobuf.Timestamp",   "google.protobuf.Duration",
      "google.protobuf.StringValue", "google.protobuf.BytesValue",  "google.protobuf.Int32Value",
      "google.protobuf.Int64Value",  "google.protobuf.UInt32Value", "google.protobuf.UInt64Value",
      "google.protobuf.FloatValue",  "google.protobuf.DoubleValue", "google.protobuf.BoolValue"};
  return kTypes.contains(d->full_name());
}

const FieldDescriptor* FindByAnyName(const Descriptor* d, absl::string_view name) {
  const FieldDescriptor* f = d->FindFieldByName(std::string(name));
  for (int i = 0; f == nullptr && i < d->field_count(); ++i) {
    if (d->field(i)->json_name() == name) f = d->field(i);
  }
  return f;
}

// Whether proto path `a` is `b` or lies inside it ("participant.name" inside "participant").
bool Within(absl::string_view a, absl::string_view b) {
  return a == b || absl::StartsWith(a, absl::StrCat(b, "."));
}

absl::Status SetQueryParam(const Route& route, const std::string& key,
                           const std::vector<std::string>& values, Message* request) {
  const std::string where = absl::StrCat(key);
  if (route.body == "*") {
    return Invalid(where, "not allowed: this route takes its whole request in the JSON body");
  }
  const Descriptor* d = request->GetDescriptor();
  std::vector<const FieldDescriptor*> chain;
  std::vector<std::string> proto_names;
  for (absl::string_view name : absl::StrSplit(key, '.')) {
    if (d == nullptr) return Invalid(where, "no such parameter");
    const FieldDescriptor* f = FindByAnyName(d, name);
    if (f == nullptr) return Invalid(where, "no such parameter");
    chain.push_back(f);
    proto_names.push_back(f->name());
    d = (f->message_type() != nullptr && !IsScalarLike(f->message_type())) ? f->message_type()
                                                                           : nullptr;
  }
  const std::string proto_path = absl::StrJoin(proto_names, ".");
  for (const PathVariable& v : route.path.variables) {
    if (Within(proto_path, v.field_path) || Within(v.field_path, proto_path)) {
      return Invalid(where, "is set by the path");
    }
  }
  if (!route.body.empty() && Within(proto_path, route.body)) {
    return Invalid(where, "is set by the JSON body");
  }
  const FieldDescriptor* leaf = chain.back();
  if (leaf->is_map()) return Invalid(where, "a map cannot be given in the query");
  if (leaf->message_type() != nullptr && !IsScalarLike(leaf->message_type())) {
    return Invalid(where, "is a message: give its fields with dots, like " + where + ".field");
  }
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    if (chain[i]->is_repeated()) return Invalid(where, "is inside a repeated field");
  }
  if (!leaf->is_repeated() && values.size() > 1) return Invalid(where, "is given more than once");
  auto leaf_json = [&](const std::string& value) -> absl::StatusOr<nlohmann::json> {
    if (leaf->type() == FieldDescriptor::TYPE_BOOL) {
      if (value == "true") return true;
      if (value == "false") return false;
      return Invalid(where, "must be true or false");
    }
    // Numbers may be quoted in protobuf's JSON; enums, strings and the string-like messages
    // are strings.
    return value;
  };
  nlohmann::json leaf_value;
  if (leaf->is_repeated()) {
    leaf_value = nlohmann::json::array();
    for (const std::string& v : values) {
      absl::StatusOr<nlohmann::json> j = leaf_json(v);
      if (!j.ok()) return j.status();
      leaf_value.push_back(*std::move(j));
    }
  } else {
    absl::StatusOr<nlohmann::json> j = leaf_json(values.front());
    if (!j.ok()) return j.status();
    leaf_value = *std::move(j);
  }
  nlohmann::json doc = std::move(leaf_value);
  for (size_t i = chain.size(); i-- > 0;) {
    nlohmann::json wrapper = nlohmann::json::object();
    wrapper[chain[i]->json_name()] = std::move(doc);
    doc = std::move(wrapper);
  }
  std::unique_ptr<Message> part(request->New());
  absl::Status parsed =
      FromProtobuf(google::protobuf::util::JsonStringToMessage(doc.dump(), part.get()));
  if (!parsed.ok()) return Invalid(where, "invalid value for its type");
  request->MergeFrom(*part);
  return absl::OkStatus();
}

absl::Status SetPathValue(const std::string& field_path, const std::string& value,
                          Message* request) {
  Message* m = request;
  std::vector<std::string> names = absl::StrSplit(field_path, '.');
  for (size_t i = 0; i < names.size(); ++i) {
    const FieldDescriptor* f = m->GetDescriptor()->FindFieldByName(names[i]);
    if (f == nullptr) return absl::InternalError("route variable names no field");
    if (i + 1 == names.size()) {
      m->GetReflection()->SetString(m, f, value);
    } else {
      m = m->GetReflection()->MutableMessage(m, f);
    }
  }
  return absl::OkStatus();
}

std::string SnakeToCamel(absl::string_view s) {
  std::string out;
  bool upper = false;
  for (char c : s) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? absl::ascii_toupper(static_cast<unsigned char>(c)) : c;
    upper = false;
  }
  return out;
}

// "household.adults[1].birth_date" → its first name, "household".
absl::string_view FirstName(absl::string_view path) {
  size_t end = path.find_first_of(".[");
  return path.substr(0, end);
}

bool LooksLikePath(absl::string_view s) {
  if (s.empty() || !absl::ascii_isalpha(static_cast<unsigned char>(s.front()))) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '[' &&
        c != ']') {
      return false;
    }
  }
  return true;
}

const char* Title(int http_status) {
  switch (http_status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 499:
      return "Client Closed Request";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Internal Server Error";
  }
}

// The field and the reason in a message of protobuf's JSON parser: "(a.b): invalid value …",
// "(a) c: Cannot find field.", "c: Cannot find field." or a syntax error without a field.
std::pair<std::string, std::string> SplitPathAndReason(absl::string_view message) {
  std::string field;
  if (absl::StartsWith(message, "(")) {
    size_t close = message.find(')');
    if (close != absl::string_view::npos) {
      field = std::string(message.substr(1, close - 1));
      message.remove_prefix(close + 1);
      message = absl::StripLeadingAsciiWhitespace(message);
      if (absl::StartsWith(message, ":")) {
        message.remove_prefix(1);
        return {field, std::string(absl::StripLeadingAsciiWhitespace(message))};
      }
    }
  }
  size_t colon = message.find(": ");
  if (colon != absl::string_view::npos && LooksLikePath(message.substr(0, colon))) {
    std::string name(message.substr(0, colon));
    field = field.empty() ? name : absl::StrCat(field, ".", name);
    return {field, std::string(message.substr(colon + 2))};
  }
  return {field, std::string(absl::StripAsciiWhitespace(message))};
}

// As above; a value of the wrong shape ("Starting an object on a scalar field for type
// adult_number") names the field itself, which the parser puts last.
std::pair<std::string, std::string> SplitParseError(absl::string_view message) {
  auto [field, reason] = SplitPathAndReason(message);
  absl::string_view r = absl::StripLeadingAsciiWhitespace(absl::StripPrefix(reason, ":"));
  constexpr absl::string_view kForType = " for type ";
  const size_t at = r.rfind(kForType);
  if (absl::StrContains(r, "Starting an") && at != absl::string_view::npos) {
    absl::string_view name = r.substr(at + kForType.size());
    if (LooksLikePath(name))
      field = field.empty() ? std::string(name) : absl::StrCat(field, ".", name);
  }
  return {field, std::string(r)};
}

}  // namespace

absl::StatusOr<std::unique_ptr<Message>> BuildRequest(const Route& route,
                                                      const std::vector<std::string>& path_values,
                                                      const QueryParams& query,
                                                      absl::string_view body) {
  const Message* prototype = google::protobuf::MessageFactory::generated_factory()->GetPrototype(
      route.method->input_type());
  std::unique_ptr<Message> request(prototype->New());
  const bool body_blank = absl::StripAsciiWhitespace(body).empty();
  if (route.body.empty()) {
    if (!body_blank) return Invalid("body", "this route takes no request body");
  } else if (!body_blank) {
    Message* target = request.get();
    if (route.body != "*") {
      target = request->GetReflection()->MutableMessage(
          request.get(), request->GetDescriptor()->FindFieldByName(route.body));
    }
    absl::Status parsed =
        FromProtobuf(google::protobuf::util::JsonStringToMessage(std::string(body), target));
    if (!parsed.ok()) {
      auto [field, reason] = SplitParseError(parsed.message());
      if (route.body != "*")
        field = field.empty() ? route.body : absl::StrCat(route.body, ".", field);
      if (field.empty()) field = "body";
      if (absl::StartsWith(reason, "Cannot find field"))
        return Invalid(JsonFieldPath(field), "no such field");
      return Invalid(JsonFieldPath(field), absl::StrCat("invalid JSON for this field: ", reason));
    }
  }
  // Query parameters, grouped by key (a repeated field takes every value).
  std::map<std::string, std::vector<std::string>> grouped;
  for (const auto& [key, value] : query) grouped[key].push_back(value);
  for (const auto& [key, values] : grouped) {
    absl::Status s = SetQueryParam(route, key, values, request.get());
    if (!s.ok()) return s;
  }
  for (size_t i = 0; i < route.path.variables.size() && i < path_values.size(); ++i) {
    absl::Status s =
        SetPathValue(route.path.variables[i].field_path, path_values[i], request.get());
    if (!s.ok()) return s;
  }
  return request;
}

std::string ToJson(const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string out;
  google::protobuf::util::Status s =
      google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!s.ok()) return "{}";
  return out;
}

int HttpStatus(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

std::string JsonFieldPath(absl::string_view proto_path) {
  std::vector<std::string> parts;
  for (absl::string_view part : absl::StrSplit(proto_path, '.')) {
    parts.push_back(SnakeToCamel(part));
  }
  return absl::StrJoin(parts, ".");
}

std::string FieldOfStatus(const absl::Status& status, const Descriptor* request) {
  absl::string_view message = status.message();
  absl::string_view candidate;
  if (absl::StartsWith(message, "(")) {
    size_t close = message.find(')');
    if (close != absl::string_view::npos) candidate = message.substr(1, close - 1);
  } else {
    size_t colon = message.find(": ");
    if (colon != absl::string_view::npos) candidate = message.substr(0, colon);
  }
  if (!LooksLikePath(candidate)) return "";
  if (candidate == "body") return "body";  // the gateway's own: the JSON body as a whole
  if (request != nullptr && FindByAnyName(request, FirstName(candidate)) == nullptr) return "";
  return JsonFieldPath(candidate);
}

Problem ProblemFor(const absl::Status& status, const Descriptor* request, int http_status) {
  Problem p;
  p.http_status = http_status != 0 ? http_status : HttpStatus(status.code());
  nlohmann::ordered_json j;
  j["type"] = "about:blank";
  j["title"] = Title(p.http_status);
  j["status"] = p.http_status;
  j["detail"] = std::string(status.message());
  j["code"] = absl::StatusCodeToString(status.code());
  if (status.code() == absl::StatusCode::kInvalidArgument ||
      status.code() == absl::StatusCode::kOutOfRange) {
    std::string field = FieldOfStatus(status, request);
    if (!field.empty()) {
      j["field"] = field;
      absl::string_view reason = status.message();
      size_t colon = reason.find(": ");
      if (colon != absl::string_view::npos) reason.remove_prefix(colon + 2);
      j["invalidParams"] =
          nlohmann::ordered_json::array({{{"name", field}, {"reason", std::string(reason)}}});
    }
  }
  p.json = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return p;
}

}  // namespace kompas::gateway
