#include "services/gateway/route.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/api/annotations.pb.h"
#include "google/api/http.pb.h"
#include "kompas/budget/v1/budget.pb.h"
#include "kompas/caserecord/v1/caserecord.pb.h"
#include "kompas/catalog/v1/catalog.pb.h"
#include "kompas/matching/v1/matching.pb.h"

namespace kompas::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

bool IsLiteral(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

// Splits "/a/b:verb" into its path and verb; a ':' counts only after the last '/' and outside
// braces (so "{name=x/*}:erase" has verb "erase").
std::pair<absl::string_view, absl::string_view> SplitVerb(absl::string_view text) {
  int depth = 0;
  size_t colon = absl::string_view::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') ++depth;
    if (text[i] == '}') --depth;
    if (text[i] == '/' && depth == 0) colon = absl::string_view::npos;
    if (text[i] == ':' && depth == 0) colon = i;
  }
  if (colon == absl::string_view::npos) return {text, {}};
  return {text.substr(0, colon), text.substr(colon + 1)};
}

}  // namespace

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  PathTemplate t;
  t.text = std::string(text);
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("path template \"", text, "\": ", why));
  };
  if (!absl::StartsWith(text, "/")) return bad("must start with '/'");
  auto [path, verb] = SplitVerb(text);
  if (!verb.empty() && !IsLiteral(verb)) return bad("the verb must be a literal");
  t.verb = std::string(verb);
  absl::string_view rest = path.substr(1);
  while (!rest.empty()) {
    if (rest.front() == '{') {
      size_t close = rest.find('}');
      if (close == absl::string_view::npos) return bad("unclosed '{'");
      absl::string_view inside = rest.substr(1, close - 1);
      std::pair<absl::string_view, absl::string_view> var =
          absl::StrSplit(inside, absl::MaxSplits('=', 1));
      if (var.first.empty()) return bad("a variable needs a field path");
      const int index = static_cast<int>(t.variables.size());
      t.variables.push_back({std::string(var.first)});
      absl::string_view pattern = var.second.empty() ? "*" : var.second;
      for (absl::string_view piece : absl::StrSplit(pattern, '/')) {
        if (piece == "*") {
          t.segments.push_back({PathSegment::Kind::kWildcard, "", index});
        } else if (IsLiteral(piece)) {
          t.segments.push_back({PathSegment::Kind::kLiteral, std::string(piece), index});
        } else {
          return bad(absl::StrCat("unsupported variable pattern \"", pattern, "\""));
        }
      }
      rest.remove_prefix(close + 1);
    } else {
      size_t slash = rest.find('/');
      absl::string_view piece = rest.substr(0, slash);
      if (piece == "*") {
        t.segments.push_back({PathSegment::Kind::kWildcard, "", -1});
      } else if (IsLiteral(piece)) {
        t.segments.push_back({PathSegment::Kind::kLiteral, std::string(piece), -1});
      } else {
        return bad(absl::StrCat("unsupported segment \"", piece, "\""));
      }
      rest = slash == absl::string_view::npos ? absl::string_view() : rest.substr(slash);
    }
    if (!rest.empty()) {
      if (rest.front() != '/' || rest.size() == 1) return bad("segments are separated by one '/'");
      rest.remove_prefix(1);
    }
  }
  if (t.segments.empty()) return bad("has no segments");
  return t;
}

bool PathTemplate::Match(absl::string_view path, std::vector<std::string>* values) const {
  if (!absl::StartsWith(path, "/")) return false;
  auto [body, path_verb] = SplitVerb(path);
  if (path_verb != verb) return false;
  std::vector<absl::string_view> parts = absl::StrSplit(body.substr(1), '/');
  if (parts.size() != segments.size()) return false;
  std::vector<std::string> found(variables.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    const PathSegment& seg = segments[i];
    if (parts[i].empty()) return false;
    if (seg.kind == PathSegment::Kind::kLiteral && parts[i] != seg.literal) return false;
    if (seg.variable >= 0) {
      std::string& v = found[static_cast<size_t>(seg.variable)];
      if (!v.empty()) v += '/';
      absl::StrAppend(&v, parts[i]);
    }
  }
  if (values != nullptr) *values = std::move(found);
  return true;
}

std::vector<std::string> PathTemplate::WildcardNames() const {
  std::vector<std::string> names;
  std::string previous = "value";
  for (const PathSegment& seg : segments) {
    if (seg.kind == PathSegment::Kind::kLiteral) {
      previous = seg.literal;
      continue;
    }
    // "participants" → "participant", "compassSnapshots" → "compassSnapshot".
    std::string name = previous;
    if (name.size() > 1 && name.back() == 's') name.pop_back();
    names.push_back(name);
  }
  return names;
}

std::string PathTemplate::OpenApiPath() const {
  std::vector<std::string> names = WildcardNames();
  std::string out;
  size_t wildcard = 0;
  for (const PathSegment& seg : segments) {
    out += '/';
    if (seg.kind == PathSegment::Kind::kLiteral) {
      out += seg.literal;
    } else {
      absl::StrAppend(&out, "{", names[wildcard++], "}");
    }
  }
  if (!verb.empty()) absl::StrAppend(&out, ":", verb);
  return out;
}

const FieldDescriptor* FindFieldByPath(const Descriptor* message, absl::string_view path) {
  const FieldDescriptor* field = nullptr;
  for (absl::string_view name : absl::StrSplit(path, '.')) {
    if (message == nullptr) return nullptr;
    field = message->FindFieldByName(std::string(name));
    if (field == nullptr) return nullptr;
    message = field->message_type();
  }
  return field;
}

std::vector<std::pair<std::string, const google::protobuf::ServiceDescriptor*>> PublicServices() {
  return {
      {"budget", budget::v1::CalculateIncomeRequest::descriptor()->file()->FindServiceByName(
                     "BudgetService")},
      {"catalog",
       catalog::v1::GetRegionRequest::descriptor()->file()->FindServiceByName("CatalogService")},
      {"matching",
       matching::v1::MatchRequest::descriptor()->file()->FindServiceByName("MatchingService")},
      {"caserecord", caserecord::v1::GetParticipantRequest::descriptor()->file()->FindServiceByName(
                         "CaseRecordService")},
  };
}

absl::StatusOr<std::vector<Route>> RoutesFromDescriptors(
    const std::vector<std::pair<std::string, const google::protobuf::ServiceDescriptor*>>&
        services) {
  std::vector<Route> routes;
  for (const auto& [short_name, service] : services) {
    for (int m = 0; m < service->method_count(); ++m) {
      const google::protobuf::MethodDescriptor* method = service->method(m);
      auto error = [&](absl::string_view why) {
        return absl::FailedPreconditionError(
            absl::StrCat("HTTP rule of ", method->full_name(), ": ", why));
      };
      if (!method->options().HasExtension(google::api::http)) {
        return error("missing (every public RPC needs option (google.api.http))");
      }
      const google::api::HttpRule& rule = method->options().GetExtension(google::api::http);
      if (rule.additional_bindings_size() > 0 || !rule.response_body().empty()) {
        return error("additional_bindings and response_body are not supported");
      }
      Route route;
      route.service = short_name;
      route.method = method;
      route.body = rule.body();
      absl::string_view text;
      switch (rule.pattern_case()) {
        case google::api::HttpRule::kGet:
          route.http_method = "GET", text = rule.get();
          break;
        case google::api::HttpRule::kPost:
          route.http_method = "POST", text = rule.post();
          break;
        case google::api::HttpRule::kPatch:
          route.http_method = "PATCH", text = rule.patch();
          break;
        case google::api::HttpRule::kPut:
          route.http_method = "PUT", text = rule.put();
          break;
        case google::api::HttpRule::kDelete:
          route.http_method = "DELETE", text = rule.delete_();
          break;
        default:
          return error("needs get, post, patch, put or delete");
      }
      absl::StatusOr<PathTemplate> path = PathTemplate::Parse(text);
      if (!path.ok()) return error(path.status().message());
      route.path = *std::move(path);
      const Descriptor* input = method->input_type();
      for (const PathVariable& v : route.path.variables) {
        const FieldDescriptor* f = FindFieldByPath(input, v.field_path);
        if (f == nullptr || f->type() != FieldDescriptor::TYPE_STRING || f->is_repeated()) {
          return error(absl::StrCat("variable ", v.field_path, " is not a string field"));
        }
      }
      if (!route.body.empty() && route.body != "*") {
        const FieldDescriptor* f = input->FindFieldByName(route.body);
        if (f == nullptr || f->message_type() == nullptr || f->is_repeated()) {
          return error(absl::StrCat("body ", route.body, " is not a message field"));
        }
      }
      if ((route.http_method == "GET" || route.http_method == "DELETE") && !route.body.empty()) {
        return error("GET and DELETE take no body");
      }
      routes.push_back(std::move(route));
    }
  }
  // Two routes with the same method and template would make one unreachable.
  for (size_t i = 0; i < routes.size(); ++i) {
    for (size_t j = i + 1; j < routes.size(); ++j) {
      if (routes[i].http_method == routes[j].http_method &&
          routes[i].path.OpenApiPath() == routes[j].path.OpenApiPath()) {
        return absl::FailedPreconditionError(
            absl::StrCat("HTTP rules of ", routes[i].method->full_name(), " and ",
                         routes[j].method->full_name(), " are the same route"));
      }
    }
  }
  return routes;
}

}  // namespace kompas::gateway
