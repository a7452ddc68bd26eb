// The gateway's translation without a network: routes from the real protos' HTTP rules, path
// templates, requests from path, query and body, problems, and the OpenAPI document.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "kompas/budget/v1/budget.pb.h"
#include "kompas/caserecord/v1/caserecord.pb.h"
#include "kompas/catalog/v1/catalog.pb.h"
#include "kompas/matching/v1/matching.pb.h"
#include "services/gateway/openapi.h"
#include "services/gateway/route.h"
#include "services/gateway/transcode.h"

namespace kompas::gateway {
namespace {

using ::testing::HasSubstr;

auto Services() { return PublicServices(); }

const std::vector<Route>& AllRoutes() {
  static const std::vector<Route>* routes = [] {
    absl::StatusOr<std::vector<Route>> r = RoutesFromDescriptors(Services());
    EXPECT_TRUE(r.ok()) << r.status();
    return new std::vector<Route>(r.ok() ? *r : std::vector<Route>{});
  }();
  return *routes;
}

const Route& RouteOf(absl::string_view method) {
  for (const Route& r : AllRoutes()) {
    if (r.method->name() == method) return r;
  }
  ADD_FAILURE() << "no route for " << method;
  static const Route none;
  return none;
}

TEST(PathTemplate, MatchesMultiSegmentVariablesAndVerbs) {
  absl::StatusOr<PathTemplate> t = PathTemplate::Parse("/v1/{name=participants/*/goals/*}");
  ASSERT_TRUE(t.ok()) << t.status();
  std::vector<std::string> values;
  ASSERT_TRUE(t->Match("/v1/participants/p1/goals/g2", &values));
  EXPECT_EQ(values, std::vector<std::string>{"participants/p1/goals/g2"});
  EXPECT_FALSE(t->Match("/v1/participants/p1/sessions/g2", nullptr));
  EXPECT_FALSE(t->Match("/v1/participants/p1/goals", nullptr));
  EXPECT_FALSE(t->Match("/v1/participants/p1/goals/g2/x", nullptr));
  EXPECT_FALSE(t->Match("/v1/participants//goals/g2", nullptr));
  EXPECT_FALSE(t->Match("/v1/participants/p1/goals/g2:erase", nullptr)) << "no verb expected";

  absl::StatusOr<PathTemplate> erase = PathTemplate::Parse("/v1/{name=participants/*}:erase");
  ASSERT_TRUE(erase.ok()) << erase.status();
  EXPECT_EQ(erase->verb, "erase");
  ASSERT_TRUE(erase->Match("/v1/participants/p1:erase", &values));
  EXPECT_EQ(values, std::vector<std::string>{"participants/p1"});
  EXPECT_FALSE(erase->Match("/v1/participants/p1", nullptr));
  EXPECT_FALSE(erase->Match("/v1/participants/p1:export", nullptr));

  absl::StatusOr<PathTemplate> lookup = PathTemplate::Parse("/v1/participants:lookup");
  ASSERT_TRUE(lookup.ok());
  EXPECT_TRUE(lookup->Match("/v1/participants:lookup", nullptr));
  EXPECT_FALSE(lookup->Match("/v1/participants", nullptr));
}

TEST(PathTemplate, RefusesWhatItDoesNotSupport) {
  for (const char* bad : {"v1/x", "/v1/{name=participants/**}", "/v1/{=x}", "/v1/{name", "/v1//x",
                          "/v1/x:a b", "/v1/a b"}) {
    EXPECT_FALSE(PathTemplate::Parse(bad).ok()) << bad;
  }
}

TEST(PathTemplate, OpenApiPathNamesEachWildcardAfterItsCollection) {
  absl::StatusOr<PathTemplate> t =
      PathTemplate::Parse("/v1/{name=participants/*/compassSnapshots/*}:recompute");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->OpenApiPath(),
            "/v1/participants/{participant}/compassSnapshots/{compassSnapshot}:recompute");
}

TEST(Routes, EveryPublicRpcHasExactlyOneRoute) {
  size_t methods = 0;
  for (const auto& [name, service] : Services())
    methods += static_cast<size_t>(service->method_count());
  EXPECT_EQ(AllRoutes().size(), methods);
  const Route& update = RouteOf("UpdateParticipant");
  EXPECT_EQ(update.http_method, "PATCH");
  EXPECT_EQ(update.body, "participant");
  EXPECT_EQ(update.path.variables.at(0).field_path, "participant.name");
  // The BSN must never be in a URL (logs, proxies, history): the lookup takes a body.
  EXPECT_EQ(RouteOf("LookupParticipant").http_method, "POST");
  EXPECT_EQ(RouteOf("LookupParticipant").body, "*");
}

TEST(BuildRequest, PathVariablesAndQueryParameters) {
  const Route& list = RouteOf("ListParticipants");
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> m = BuildRequest(
      list, {}, {{"pageSize", "20"}, {"state", "PARTICIPANT_STATE_ACTIVE"}, {"mentor", "m-7"}}, "");
  ASSERT_TRUE(m.ok()) << m.status();
  auto* request = dynamic_cast<caserecord::v1::ListParticipantsRequest*>(m->get());
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(request->page_size(), 20);
  EXPECT_EQ(request->state(), caserecord::v1::PARTICIPANT_STATE_ACTIVE);
  EXPECT_EQ(request->mentor(), "m-7");

  // Proto names work too; nested fields by dots; booleans only as true/false.
  const Route& report = RouteOf("GetNetworkReport");
  m = BuildRequest(
      report, {},
      {{"period_start.year", "2026"}, {"periodStart.month", "7"}, {"groupByRegion", "true"}}, "");
  ASSERT_TRUE(m.ok()) << m.status();
  auto* r = dynamic_cast<caserecord::v1::GetNetworkReportRequest*>(m->get());
  EXPECT_EQ(r->period_start().year(), 2026);
  EXPECT_EQ(r->period_start().month(), 7);
  EXPECT_TRUE(r->group_by_region());
  m = BuildRequest(report, {}, {{"groupByRegion", "yes"}}, "");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "groupByRegion: must be true or false");

  const Route& get = RouteOf("GetGoal");
  m = BuildRequest(get, {"participants/p1/goals/g2"}, {}, "");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(dynamic_cast<caserecord::v1::GetGoalRequest*>(m->get())->name(),
            "participants/p1/goals/g2");
}

TEST(BuildRequest, RefusesWhatDoesNotBelongNamingIt) {
  struct Case {
    const char* method;
    QueryParams query;
    const char* body;
    const char* message_start;
  };
  for (const Case& c : std::vector<Case>{
           {"ListParticipants", {{"pageSize", "many"}}, "", "pageSize: "},
           {"ListParticipants", {{"nosuch", "1"}}, "", "nosuch: no such parameter"},
           {"ListParticipants",
            {{"pageSize", "1"}, {"pageSize", "2"}},
            "",
            "pageSize: is given more"},
           {"GetGoal", {{"name", "participants/x/goals/y"}}, "", "name: is set by the path"},
           {"GetGoal", {}, "{}", "body: this route takes no request body"},
           {"GetNetworkReport", {{"periodStart", "2026"}}, "", "periodStart: is a message"},
           {"Match", {{"profile.jobSeeker", "1"}}, "{}", "profile.jobSeeker: not allowed"},
           {"Match", {}, R"({"profile":{"jobSeeker":"one"}})", "profile.jobSeeker: invalid JSON"},
           {"Match", {}, R"({"profile":{"nosuch":1}})", "profile.nosuch: no such field"},
           {"Match", {}, R"({"profile":)", "body: invalid JSON"},
           {"CreateGoal", {}, R"({"nosuch":1})", "goal.nosuch: no such field"},
           {"CreateGoal", {}, R"({"pillar":{}})", "goal.pillar: invalid JSON"},
           {"FindRequiredWage", {}, R"({"adultNumber":{"x":1}})", "adultNumber: invalid JSON"},
           {"UpdateGoal", {{"goal.title", "x"}}, "{}", "goal.title: is set by the"},
       }) {
    std::vector<std::string> path_values(RouteOf(c.method).path.variables.size(),
                                         "participants/p/goals/g");
    absl::StatusOr<std::unique_ptr<google::protobuf::Message>> m =
        BuildRequest(RouteOf(c.method), path_values, c.query, c.body);
    ASSERT_FALSE(m.ok()) << c.method << " " << c.message_start;
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(m.status().message()), ::testing::StartsWith(c.message_start))
        << c.method;
  }
}

TEST(BuildRequest, BodyFieldAndUpdateMask) {
  const Route& update = RouteOf("UpdateParticipant");
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> m =
      BuildRequest(update, {"participants/p9"}, {{"updateMask", "displayName,mentor"}},
                   R"({"name":"participants/other","displayName":"A"})");
  ASSERT_TRUE(m.ok()) << m.status();
  auto* r = dynamic_cast<caserecord::v1::UpdateParticipantRequest*>(m->get());
  EXPECT_EQ(r->participant().name(), "participants/p9") << "the path wins over the body";
  EXPECT_EQ(r->participant().display_name(), "A");
  ASSERT_EQ(r->update_mask().paths_size(), 2);
  EXPECT_EQ(r->update_mask().paths(0), "display_name");
}

TEST(Problem, MapsCodesAndNamesTheFieldInJsonForm) {
  const google::protobuf::Descriptor* match = matching::v1::MatchRequest::descriptor();
  Problem p = ProblemFor(
      absl::InvalidArgumentError("profile.household.adults[1].birth_date: must be a real date"),
      match);
  EXPECT_EQ(p.http_status, 400);
  nlohmann::json j = nlohmann::json::parse(p.json);
  EXPECT_EQ(j["status"], 400);
  EXPECT_EQ(j["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(j["field"], "profile.household.adults[1].birthDate");
  EXPECT_EQ(j["invalidParams"][0]["reason"], "must be a real date");
  // A prefix that is not a field of the request is no field.
  j = nlohmann::json::parse(ProblemFor(absl::InvalidArgumentError("token: expired"), match).json);
  EXPECT_FALSE(j.contains("field"));
  struct Expect {
    absl::StatusCode code;
    int http;
  };
  for (Expect e : {Expect{absl::StatusCode::kUnauthenticated, 401},
                   {absl::StatusCode::kPermissionDenied, 403},
                   {absl::StatusCode::kNotFound, 404},
                   {absl::StatusCode::kAborted, 409},
                   {absl::StatusCode::kAlreadyExists, 409},
                   {absl::StatusCode::kFailedPrecondition, 400},
                   {absl::StatusCode::kResourceExhausted, 429},
                   {absl::StatusCode::kUnavailable, 503},
                   {absl::StatusCode::kDeadlineExceeded, 504},
                   {absl::StatusCode::kDataLoss, 500},
                   {absl::StatusCode::kInternal, 500}}) {
    Problem q = ProblemFor(absl::Status(e.code, "x"), match);
    EXPECT_EQ(q.http_status, e.http) << absl::StatusCodeToString(e.code);
    EXPECT_EQ(nlohmann::json::parse(q.json)["code"], absl::StatusCodeToString(e.code));
  }
}

// Collects every "$ref" in the document.
void Refs(const nlohmann::json& j, std::set<std::string>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "$ref") out.insert(it.value().get<std::string>());
      Refs(it.value(), out);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) Refs(v, out);
  }
}

TEST(OpenApi, DescribesEveryRouteWithResolvableSchemas) {
  nlohmann::json doc = nlohmann::json::parse(BuildOpenApi(AllRoutes()));
  EXPECT_EQ(doc["openapi"], "3.0.3");
  for (const Route& r : AllRoutes()) {
    std::string method = r.http_method;
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    const std::string path = r.path.OpenApiPath();
    ASSERT_TRUE(doc["paths"].contains(path)) << path;
    ASSERT_TRUE(doc["paths"][path].contains(method)) << method << " " << path;
    const nlohmann::json& op = doc["paths"][path][method];
    // Every {parameter} of the path is declared as a path parameter.
    std::set<std::string> declared;
    for (const auto& p : op["parameters"]) {
      if (p["in"] == "path") declared.insert(p["name"].get<std::string>());
    }
    for (const std::string& name : r.path.WildcardNames()) {
      EXPECT_TRUE(declared.contains(name)) << path << " " << name;
    }
    EXPECT_EQ(op.contains("requestBody"), !r.body.empty()) << path;
  }
  std::set<std::string> refs;
  Refs(doc, refs);
  EXPECT_GT(refs.size(), 50u);
  for (const std::string& ref : refs) {
    ASSERT_EQ(ref.rfind("#/components/schemas/", 0), 0u) << ref;
    EXPECT_TRUE(doc["components"]["schemas"].contains(ref.substr(21))) << ref;
  }
  // int64 follows the JSON mapping: a string.
  EXPECT_EQ(doc["components"]["schemas"]["kompas.type.v1.Money"]["properties"]["cents"]["type"],
            "string");
  // The list's query parameters, not the body, for a GET.
  const nlohmann::json& list = doc["paths"]["/v1/participants"]["get"];
  std::set<std::string> query;
  for (const auto& p : list["parameters"]) query.insert(p["name"].get<std::string>());
  EXPECT_TRUE(query.contains("pageSize"));
  EXPECT_TRUE(query.contains("pageToken"));
}

TEST(OpenApi, CarriesTheProtosComments) {
  std::unique_ptr<ApiDocs> docs = ApiDocs::Embedded();
  ASSERT_NE(docs, nullptr);
  nlohmann::json doc = nlohmann::json::parse(BuildOpenApi(AllRoutes(), {}, docs.get()));
  // The comments of caserecord.proto, money.proto and participant.proto, as written there.
  EXPECT_THAT(doc["paths"]["/v1/participants/{participant}:erase"]["post"]["description"]
                  .get<std::string>(),
              HasSubstr("Erases a participant"));
  EXPECT_THAT(
      doc["components"]["schemas"]["kompas.type.v1.Money"]["properties"]["cents"]["description"]
          .get<std::string>(),
      HasSubstr("Euro cents"));
  const nlohmann::json& state =
      doc["components"]["schemas"]["kompas.caserecord.v1.Participant"]["properties"]["state"];
  ASSERT_TRUE(state.contains("allOf")) << "a described $ref goes through allOf";
  EXPECT_EQ(state["allOf"][0]["$ref"],
            "#/components/schemas/kompas.caserecord.v1.ParticipantState");
  EXPECT_FALSE(state["description"].get<std::string>().empty());
  EXPECT_EQ(ApiDocs::FromDescriptorSet("not a descriptor set", 20), nullptr);
}

}  // namespace
}  // namespace kompas::gateway
