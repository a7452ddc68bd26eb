#include "services/gateway/openapi.h"

#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.pb.h"

namespace kompas::embedded {
extern const unsigned char kApiDescriptors[];
extern const std::size_t kApiDescriptors_size;
}  // namespace kompas::embedded

namespace kompas::gateway {
namespace {

// A comment as written ("// Text\n// more") arrives as " Text\n more\n": trimmed per line.
std::string CleanComment(const std::string& raw) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(raw, '\n')) {
    lines.emplace_back(absl::StripAsciiWhitespace(line));
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return absl::StrJoin(lines, "\n");
}

template <typename D>
std::string CommentOf(const D* d) {
  if (d == nullptr) return "";
  google::protobuf::SourceLocation location;
  if (!d->GetSourceLocation(&location)) return "";
  return CleanComment(location.leading_comments);
}

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using Json = nlohmann::ordered_json;

std::string SchemaName(absl::string_view full_name) {
  // "kompas.caserecord.v1.Participant" → "kompas.caserecord.v1.Participant" is valid in
  // components (^[a-zA-Z0-9.\-_]+$); keep the full name so equal short names cannot clash.
  return std::string(full_name);
}

Json Ref(absl::string_view full_name) {
  return Json{{"$ref", absl::StrCat("#/components/schemas/", SchemaName(full_name))}};
}

class SchemaBuilder {
 public:
  explicit SchemaBuilder(const ApiDocs* docs) : docs_(docs) {}

  // The schema of a field's value (not repeated); registers message and enum types it uses.
  Json ValueSchema(const FieldDescriptor* f) {
    switch (f->type()) {
      case FieldDescriptor::TYPE_INT32:
      case FieldDescriptor::TYPE_SINT32:
      case FieldDescriptor::TYPE_SFIXED32:
        return {{"type", "integer"}, {"format", "int32"}};
      case FieldDescriptor::TYPE_UINT32:
      case FieldDescriptor::TYPE_FIXED32:
        return {{"type", "integer"}, {"format", "int64"}, {"minimum", 0}};
      case FieldDescriptor::TYPE_INT64:
      case FieldDescriptor::TYPE_SINT64:
      case FieldDescriptor::TYPE_SFIXED64:
      case FieldDescriptor::TYPE_UINT64:
      case FieldDescriptor::TYPE_FIXED64:
        return {{"type", "string"}, {"format", "int64"}, {"pattern", "^-?[0-9]+$"}};
      case FieldDescriptor::TYPE_DOUBLE:
        return {{"type", "number"}, {"format", "double"}};
      case FieldDescriptor::TYPE_FLOAT:
        return {{"type", "number"}, {"format", "float"}};
      case FieldDescriptor::TYPE_BOOL:
        return {{"type", "boolean"}};
      case FieldDescriptor::TYPE_STRING:
        return {{"type", "string"}};
      case FieldDescriptor::TYPE_BYTES:
        return {{"type", "string"}, {"format", "byte"}};
      case FieldDescriptor::TYPE_ENUM:
        AddEnum(f->enum_type());
        return Ref(f->enum_type()->full_name());
      default:
        return MessageSchema(f->message_type());
    }
  }

  // A reference to the message's schema, or the inline JSON form of a well-known type.
  Json MessageSchema(const Descriptor* d) {
    const std::string& n = d->full_name();
    if (n == "google.protobuf.Timestamp") return {{"type", "string"}, {"format", "date-time"}};
    if (n == "google.protobuf.Duration") {
      return {{"type", "string"}, {"pattern", "^-?[0-9]+(\\.[0-9]+)?s$"}};
    }
    if (n == "google.protobuf.FieldMask") {
      return {{"type", "string"}, {"description", "Comma-separated lowerCamelCase field paths."}};
    }
    if (n == "google.protobuf.Empty") return {{"type", "object"}};
    if (n == "google.protobuf.Struct") return {{"type", "object"}, {"additionalProperties", true}};
    AddMessage(d);
    return Ref(n);
  }

  Json FieldSchema(const FieldDescriptor* f) {
    if (f->is_map()) {
      return {{"type", "object"},
              {"additionalProperties", ValueSchema(f->message_type()->map_value())}};
    }
    if (f->is_repeated()) return {{"type", "array"}, {"items", ValueSchema(f)}};
    return ValueSchema(f);
  }

  Json Take() { return std::move(schemas_); }

 private:
  void AddEnum(const EnumDescriptor* e) {
    if (schemas_.contains(SchemaName(e->full_name()))) return;
    Json values = Json::array();
    for (int i = 0; i < e->value_count(); ++i) values.push_back(e->value(i)->name());
    Json schema = {{"type", "string"}, {"enum", values}};
    if (docs_ != nullptr) {
      if (std::string d = docs_->OfEnum(e->full_name()); !d.empty()) schema["description"] = d;
    }
    schemas_[SchemaName(e->full_name())] = std::move(schema);
  }

  void AddMessage(const Descriptor* d) {
    const std::string key = SchemaName(d->full_name());
    if (schemas_.contains(key)) return;
    schemas_[key] = Json::object();  // placeholder: recursion stops here
    Json properties = Json::object();
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      Json property = FieldSchema(f);
      const std::string about = docs_ != nullptr ? docs_->OfField(f->full_name()) : "";
      if (!about.empty()) {
        // OpenAPI 3.0 ignores siblings of $ref: a described reference goes through allOf.
        if (property.contains("$ref")) property = Json{{"allOf", Json::array({property})}};
        property["description"] = about;
      }
      properties[f->json_name()] = std::move(property);
    }
    Json schema = {{"type", "object"}, {"properties", std::move(properties)}};
    if (docs_ != nullptr) {
      if (std::string about = docs_->OfMessage(d->full_name()); !about.empty()) {
        schema["description"] = about;
      }
    }
    schemas_[key] = std::move(schema);
  }

  const ApiDocs* docs_;
  Json schemas_ = Json::object();
};

// The query parameters of a route: the request's fields not bound by the path or the body,
// nested messages flattened with dots (scalar leaves only, to a small depth).
void AddQueryParameters(SchemaBuilder& builder, const Descriptor* d, const std::string& prefix,
                        const std::string& proto_prefix, const Route& route, int depth, Json& out) {
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const std::string proto_path =
        proto_prefix.empty() ? f->name() : proto_prefix + "." + f->name();
    bool bound = false;
    for (const PathVariable& v : route.path.variables) {
      if (v.field_path == proto_path || v.field_path.rfind(proto_path + ".", 0) == 0) bound = true;
    }
    if (bound || f->is_map()) continue;
    const std::string name = prefix.empty() ? f->json_name() : prefix + "." + f->json_name();
    const Descriptor* m = f->message_type();
    const bool scalar_like = m == nullptr || m->full_name() == "google.protobuf.FieldMask" ||
                             m->full_name() == "google.protobuf.Timestamp" ||
                             m->full_name() == "google.protobuf.Duration";
    if (!scalar_like) {
      if (!f->is_repeated() && depth < 3) {
        AddQueryParameters(builder, m, name, proto_path, route, depth + 1, out);
      }
      continue;
    }
    Json p = {
        {"name", name}, {"in", "query"}, {"required", false}, {"schema", builder.FieldSchema(f)}};
    if (f->is_repeated()) p["explode"] = true;
    out.push_back(std::move(p));
  }
}

Json ProblemSchema() {
  return {{"type", "object"},
          {"description", "RFC 9457 problem details, with the gRPC code and the field."},
          {"properties",
           {{"type", {{"type", "string"}}},
            {"title", {{"type", "string"}}},
            {"status", {{"type", "integer"}, {"format", "int32"}}},
            {"detail", {{"type", "string"}}},
            {"code", {{"type", "string"}, {"description", "The gRPC status code name."}}},
            {"field",
             {{"type", "string"},
              {"description", "The request field at fault, as a lowerCamelCase JSON path."}}},
            {"invalidParams",
             {{"type", "array"},
              {"items",
               {{"type", "object"},
                {"properties",
                 {{"name", {{"type", "string"}}}, {"reason", {{"type", "string"}}}}}}}}}}}};
}

}  // namespace

std::unique_ptr<ApiDocs> ApiDocs::FromDescriptorSet(const void* data, std::size_t size) {
  google::protobuf::FileDescriptorSet set;
  if (size > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      !set.ParseFromArray(data, static_cast<int>(size))) {
    return nullptr;
  }
  auto docs = std::make_unique<ApiDocs>();
  for (const google::protobuf::FileDescriptorProto& file : set.file()) {
    if (docs->pool_.BuildFile(file) == nullptr) return nullptr;
  }
  return docs;
}

std::unique_ptr<ApiDocs> ApiDocs::Embedded() {
  return FromDescriptorSet(embedded::kApiDescriptors, embedded::kApiDescriptors_size);
}

std::string ApiDocs::OfMessage(const std::string& full_name) const {
  return CommentOf(pool_.FindMessageTypeByName(full_name));
}
std::string ApiDocs::OfField(const std::string& full_name) const {
  return CommentOf(pool_.FindFieldByName(full_name));
}
std::string ApiDocs::OfEnum(const std::string& full_name) const {
  return CommentOf(pool_.FindEnumTypeByName(full_name));
}
std::string ApiDocs::OfMethod(const std::string& full_name) const {
  return CommentOf(pool_.FindMethodByName(full_name));
}

std::string BuildOpenApi(const std::vector<Route>& routes, const OpenApiInfo& info,
                         const ApiDocs* docs) {
  SchemaBuilder builder(docs);
  Json paths = Json::object();
  std::set<std::string> tags;
  for (const Route& route : routes) {
    const Descriptor* input = route.method->input_type();
    Json op;
    op["operationId"] = absl::StrCat(route.method->service()->name(), "_", route.method->name());
    op["summary"] = absl::StrCat(route.method->service()->name(), ".", route.method->name());
    if (docs != nullptr) {
      if (std::string about = docs->OfMethod(route.method->full_name()); !about.empty()) {
        op["description"] = about;
      }
    }
    op["tags"] = Json::array({route.service});
    tags.insert(route.service);
    Json parameters = Json::array();
    std::vector<std::string> names = route.path.WildcardNames();
    for (const std::string& name : names) {
      parameters.push_back({{"name", name},
                            {"in", "path"},
                            {"required", true},
                            {"schema", {{"type", "string"}, {"pattern", "^[^/:]+$"}}}});
    }
    if (route.body != "*") {
      const Descriptor* query_source = input;
      // With a body field, the other top-level fields (like update_mask) are query parameters.
      Json query = Json::array();
      AddQueryParameters(builder, query_source, "", "", route, 0, query);
      for (Json& q : query) {
        if (!route.body.empty()) {
          const FieldDescriptor* body_field = input->FindFieldByName(route.body);
          const std::string& n = q["name"].get_ref<const std::string&>();
          if (n == body_field->json_name() || n.rfind(body_field->json_name() + ".", 0) == 0) {
            continue;
          }
        }
        parameters.push_back(std::move(q));
      }
    }
    op["parameters"] = std::move(parameters);
    if (!route.body.empty()) {
      Json schema = route.body == "*"
                        ? builder.MessageSchema(input)
                        : builder.MessageSchema(input->FindFieldByName(route.body)->message_type());
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
    }
    const bool streaming = route.method->server_streaming();
    Json ok_schema = builder.MessageSchema(route.method->output_type());
    Json ok = {
        {"description",
         streaming ? "One JSON object per line (application/x-ndjson), one per answer." : "OK"},
        {"headers",
         {{"API-Version",
           {{"description", "The API's full version."}, {"schema", {{"type", "string"}}}}}}},
        {"content",
         {{streaming ? "application/x-ndjson" : "application/json",
           {{"schema", std::move(ok_schema)}}}}}};
    Json problem = {
        {"content",
         {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
    Json responses = {{"200", std::move(ok)}};
    for (auto [code, text] : std::vector<std::pair<const char*, const char*>>{
             {"400", "Bad input; `field` names the field."},
             {"401", "No valid token."},
             {"403", "The token lacks the scope for this call."},
             {"404", "No such resource (for this organisation)."},
             {"default", "Another error; `code` is the gRPC status."}}) {
      Json r = problem;
      r["description"] = text;
      responses[code] = std::move(r);
    }
    op["responses"] = std::move(responses);
    std::string method = absl::AsciiStrToLower(route.http_method);
    paths[route.path.OpenApiPath()][method] = std::move(op);
  }
  Json schemas = builder.Take();
  schemas["Problem"] = ProblemSchema();
  Json tag_list = Json::array();
  for (const std::string& t : tags) tag_list.push_back({{"name", t}});
  Json doc = {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", info.title},
        {"version", info.version},
        {"description",
         "REST/JSON over the Kompas gRPC services (budget, catalog, matching, case record), "
         "translated by protobuf's JSON mapping. The organisation (tenant) comes from the "
         "bearer token, never from the request."},
        {"contact", {{"name", "Kompas"}}}}},
      {"servers", Json::array({{{"url", "/"}}})},
      {"tags", std::move(tag_list)},
      {"security", Json::array({{{"bearerAuth", Json::array()}}})},
      {"paths", std::move(paths)},
      {"components",
       {{"securitySchemes", {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"schemas", std::move(schemas)}}}};
  return doc.dump(2);
}

}  // namespace kompas::gateway
