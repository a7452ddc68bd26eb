#include "services/caserecord/caserecord_service.h"

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/caserecord/convert.h"
#include "services/caserecord/report/network_report.h"
#include "services/caserecord/snapshot_diff.h"
#include "services/caserecord/storage/validate.h"
#include "services/common/validation.h"

namespace kompas::caserecord {
namespace {

namespace st = ::kompas::caserecord::storage;

#define KOMPAS_CASERECORD_METHOD(name, scope) \
  constexpr MethodSpec k##name { "kompas.caserecord.v1.CaseRecordService/" #name, scope }

KOMPAS_CASERECORD_METHOD(CreateParticipant, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(GetParticipant, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(ListParticipants, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(UpdateParticipant, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(LookupParticipant, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(EraseParticipant, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(GetTimeline, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(CreateConsent, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(GetConsent, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(ListConsents, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(WithdrawConsent, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(CreateAssessment, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(GetAssessment, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(ListAssessments, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(UpdateAssessment, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(DeleteAssessment, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(CreateGoal, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(GetGoal, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(ListGoals, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(UpdateGoal, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(DeleteGoal, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(CreateSession, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(GetSession, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(ListSessions, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(UpdateSession, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(DeleteSession, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(ListAuditEvents, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(GetNetworkReport, Scope::kNetworkReport);
KOMPAS_CASERECORD_METHOD(ExportParticipant, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(SuggestAssessmentLevels, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(CreateCompassSnapshot, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(GetCompassSnapshot, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(ListCompassSnapshots, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(DeleteCompassSnapshot, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(RecomputeCompassSnapshot, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(CreateOutcome, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(GetOutcome, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(ListOutcomes, Scope::kRecordsRead);
KOMPAS_CASERECORD_METHOD(UpdateOutcome, Scope::kRecordsWrite);
KOMPAS_CASERECORD_METHOD(DeleteOutcome, Scope::kRecordsWrite);

#undef KOMPAS_CASERECORD_METHOD

using Call = std::shared_ptr<PendingCall>;

// The store's answer of one resource, converted into `resp`.
template <typename T, typename Resp>
st::Done<T> Reply(Call call, Resp* resp) {
  return [call = std::move(call), resp](absl::StatusOr<T> result) {
    if (!result.ok()) return call->Finish(result.status());
    ToProto(*result, resp);
    call->Finish(absl::OkStatus());
  };
}

// A page of the store's answer: each item converted into the message `add(resp)` returns.
template <typename T, typename Resp, typename Add>
st::Done<st::Page<T>> ReplyPage(Call call, Resp* resp, Add add) {
  return [call = std::move(call), resp, add](absl::StatusOr<st::Page<T>> page) {
    if (!page.ok()) return call->Finish(page.status());
    for (const T& item : page->items) ToProto(item, add(resp));
    resp->set_next_page_token(page->next_page_token);
    call->Finish(absl::OkStatus());
  };
}

st::DoneStatus ReplyEmpty(Call call) {
  return [call = std::move(call)](absl::Status status) { call->Finish(status); };
}

st::PageRequest PageOf(int32_t page_size, const std::string& page_token) {
  return st::PageRequest{page_size, page_token};
}

// A downstream's error as caserecord's caller sees it. UNAVAILABLE names the service but not
// its internal address (the shared client puts it in); INVALID_ARGUMENT names the field inside
// the snapshot's question ("budget: household.adults[0].age: …" →
// "compass_snapshot.income_request.household.adults[0].age: …"); anything else keeps its code
// and its message, which already names the service.
absl::Status FromDownstream(const absl::Status& status, absl::string_view service,
                            absl::string_view question_field) {
  if (status.code() == absl::StatusCode::kUnavailable) {
    return absl::UnavailableError(absl::StrCat(service, " is unavailable; try again shortly"));
  }
  if (status.code() == absl::StatusCode::kInvalidArgument) {
    absl::string_view message = status.message();
    absl::ConsumePrefix(&message, absl::StrCat(service, ": "));
    absl::ConsumePrefix(&message, "profile.");  // MatchRequest.profile is the question itself.
    return absl::InvalidArgumentError(absl::StrCat(question_field, ".", message));
  }
  return status;
}

// Just the question of `in` (match_profile or income_request), with `rule_date` when given.
std::shared_ptr<v1::CompassSnapshot> QuestionOf(const v1::CompassSnapshot& in,
                                                const kompas::type::v1::Date* rule_date) {
  auto out = std::make_shared<v1::CompassSnapshot>();
  out->set_label(in.label());
  if (in.has_match_profile()) {
    *out->mutable_match_profile() = in.match_profile();
    if (rule_date != nullptr) *out->mutable_match_profile()->mutable_rule_date() = *rule_date;
  } else if (in.has_income_request()) {
    *out->mutable_income_request() = in.income_request();
    if (rule_date != nullptr) *out->mutable_income_request()->mutable_rule_date() = *rule_date;
  }
  return out;
}

}  // namespace

CaseRecordServiceImpl::CaseRecordServiceImpl(const RpcEnv& env, storage::CaseStore& store,
                                             std::function<bool()> database_up,
                                             CompassClients compass,
                                             std::shared_ptr<const report::RegionMap> regions)
    : env_(env),
      store_(store),
      database_up_(std::move(database_up)),
      compass_(compass),
      regions_(std::move(regions)) {}

template <typename Handler>
grpc::ServerUnaryReactor* CaseRecordServiceImpl::Serve(grpc::CallbackServerContext* ctx,
                                                       const MethodSpec& spec, Handler&& handler) {
  return ServeUnaryAsync(env_, ctx, spec, [&](std::unique_ptr<PendingCall> pending) {
    Call call(std::move(pending));
    if (database_up_ && !database_up_()) {
      call->Finish(absl::UnavailableError(
          "caserecord: the case-record database is unreachable; retry later"));
      return;
    }
    const CallInfo& info = call->info();
    // The organisation comes from the verified token only, never from the request.
    const st::CallContext context{info.principal.tenant, info.principal.token_id, info.actor,
                                  std::string(spec.name)};
    if (absl::Status s = handler(call, context); !s.ok()) call->Finish(s);
  });
}

// --- Participants -------------------------------------------------------------------------------

grpc::ServerUnaryReactor* CaseRecordServiceImpl::CreateParticipant(
    grpc::CallbackServerContext* ctx, const v1::CreateParticipantRequest* req,
    v1::Participant* resp) {
  return Serve(ctx, kCreateParticipant, [&](Call call, const st::CallContext& c) {
    store_.CreateParticipant(c, FromProto(req->participant()),
                             Reply<st::Participant>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::GetParticipant(
    grpc::CallbackServerContext* ctx, const v1::GetParticipantRequest* req, v1::Participant* resp) {
  return Serve(ctx, kGetParticipant, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<std::string> id = ParseParticipantName(req->name(), "name");
    if (!id.ok()) return id.status();
    store_.GetParticipant(c, *id, Reply<st::Participant>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::ListParticipants(
    grpc::CallbackServerContext* ctx, const v1::ListParticipantsRequest* req,
    v1::ListParticipantsResponse* resp) {
  return Serve(ctx, kListParticipants, [&](Call call, const st::CallContext& c) {
    store_.ListParticipants(c, FromProto(*req), PageOf(req->page_size(), req->page_token()),
                            ReplyPage<st::Participant>(std::move(call), resp, [](auto* r) {
                              return r->add_participants();
                            }));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::UpdateParticipant(
    grpc::CallbackServerContext* ctx, const v1::UpdateParticipantRequest* req,
    v1::Participant* resp) {
  return Serve(ctx, kUpdateParticipant, [&](Call call, const st::CallContext& c) -> absl::Status {
    if (!req->has_participant()) return InvalidField("participant", "is required");
    absl::StatusOr<std::string> id =
        ParseParticipantName(req->participant().name(), "participant.name");
    if (!id.ok()) return id.status();
    st::Participant p = FromProto(req->participant());
    p.id = *id;
    store_.UpdateParticipant(c, std::move(p), FromProto(req->update_mask()),
                             Reply<st::Participant>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::LookupParticipant(
    grpc::CallbackServerContext* ctx, const v1::LookupParticipantRequest* req,
    v1::Participant* resp) {
  return Serve(ctx, kLookupParticipant, [&](Call call, const st::CallContext& c) -> absl::Status {
    if (req->bsn().empty()) return InvalidField("bsn", "is required");
    store_.LookupParticipant(c, req->bsn(), Reply<st::Participant>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::EraseParticipant(
    grpc::CallbackServerContext* ctx, const v1::EraseParticipantRequest* req,
    v1::EraseParticipantResponse* resp) {
  return Serve(ctx, kEraseParticipant, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<std::string> id = ParseParticipantName(req->name(), "name");
    if (!id.ok()) return id.status();
    if (req->reason() == v1::ERASURE_REASON_UNSPECIFIED) {
      return InvalidField("reason", "is required");
    }
    if (!v1::ErasureReason_IsValid(req->reason())) {
      return InvalidField("reason", "must be one of the erasure reasons");
    }
    store_.EraseParticipant(c, *id, req->etag(), static_cast<st::ErasureReason>(req->reason()),
                            [call = std::move(call), resp](absl::StatusOr<st::EraseResult> result) {
                              if (!result.ok()) return call->Finish(result.status());
                              resp->set_name(ParticipantName(result->participant_id));
                              ToProto(result->erase_time, resp->mutable_erase_time());
                              resp->set_resources_erased(result->resources_erased);
                              call->Finish(absl::OkStatus());
                            });
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::GetTimeline(grpc::CallbackServerContext* ctx,
                                                             const v1::GetTimelineRequest* req,
                                                             v1::GetTimelineResponse* resp) {
  return Serve(ctx, kGetTimeline, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<std::string> id = ParseParticipantName(req->participant(), "participant");
    if (!id.ok()) return id.status();
    store_.GetTimeline(c, *id, PageOf(req->page_size(), req->page_token()),
                       ReplyPage<st::TimelineEntry>(std::move(call), resp,
                                                    [](auto* r) { return r->add_entries(); }));
    return absl::OkStatus();
  });
}

// --- Consents -----------------------------------------------------------------------------------

grpc::ServerUnaryReactor* CaseRecordServiceImpl::CreateConsent(grpc::CallbackServerContext* ctx,
                                                               const v1::CreateConsentRequest* req,
                                                               v1::Consent* resp) {
  return Serve(ctx, kCreateConsent, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<std::string> pid = ParseParticipantName(req->parent(), "parent");
    if (!pid.ok()) return pid.status();
    store_.CreateConsent(c, *pid, FromProto(req->consent()),
                         Reply<st::Consent>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::GetConsent(grpc::CallbackServerContext* ctx,
                                                            const v1::GetConsentRequest* req,
                                                            v1::Consent* resp) {
  return Serve(ctx, kGetConsent, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<ChildName> name = ParseChildName(req->name(), kConsents, "name");
    if (!name.ok()) return name.status();
    store_.GetConsent(c, name->participant, name->id, Reply<st::Consent>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::ListConsents(grpc::CallbackServerContext* ctx,
                                                              const v1::ListConsentsRequest* req,
                                                              v1::ListConsentsResponse* resp) {
  return Serve(ctx, kListConsents, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<std::string> pid = ParseParticipantName(req->parent(), "parent");
    if (!pid.ok()) return pid.status();
    store_.ListConsents(
        c, *pid, PageOf(req->page_size(), req->page_token()),
        ReplyPage<st::Consent>(std::move(call), resp, [](auto* r) { return r->add_consents(); }));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::WithdrawConsent(
    grpc::CallbackServerContext* ctx, const v1::WithdrawConsentRequest* req, v1::Consent* resp) {
  return Serve(ctx, kWithdrawConsent, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<ChildName> name = ParseChildName(req->name(), kConsents, "name");
    if (!name.ok()) return name.status();
    const st::Date date = req->has_withdraw_date() ? FromProto(req->withdraw_date()) : st::Date{};
    store_.WithdrawConsent(c, name->participant, name->id, date, req->etag(),
                           Reply<st::Consent>(std::move(call), resp));
    return absl::OkStatus();
  });
}

// --- Assessments --------------------------------------------------------------------------------

grpc::ServerUnaryReactor* CaseRecordServiceImpl::CreateAssessment(
    grpc::CallbackServerContext* ctx, const v1::CreateAssessmentRequest* req,
    v1::Assessment* resp) {
  return Serve(ctx, kCreateAssessment, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<std::string> pid = ParseParticipantName(req->parent(), "parent");
    if (!pid.ok()) return pid.status();
    store_.CreateAssessment(c, *pid, FromProto(req->assessment()),
                            Reply<st::Assessment>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::GetAssessment(grpc::CallbackServerContext* ctx,
                                                               const v1::GetAssessmentRequest* req,
                                                               v1::Assessment* resp) {
  return Serve(ctx, kGetAssessment, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<ChildName> name = ParseChildName(req->name(), kAssessments, "name");
    if (!name.ok()) return name.status();
    store_.GetAssessment(c, name->participant, name->id,
                         Reply<st::Assessment>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::ListAssessments(
    grpc::CallbackServerContext* ctx, const v1::ListAssessmentsRequest* req,
    v1::ListAssessmentsResponse* resp) {
  return Serve(ctx, kListAssessments, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<std::string> pid = ParseParticipantName(req->parent(), "parent");
    if (!pid.ok()) return pid.status();
    store_.ListAssessments(c, *pid, PageOf(req->page_size(), req->page_token()),
                           ReplyPage<st::Assessment>(std::move(call), resp,
                                                     [](auto* r) { return r->add_assessments(); }));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::UpdateAssessment(
    grpc::CallbackServerContext* ctx, const v1::UpdateAssessmentRequest* req,
    v1::Assessment* resp) {
  return Serve(ctx, kUpdateAssessment, [&](Call call, const st::CallContext& c) -> absl::Status {
    if (!req->has_assessment()) return InvalidField("assessment", "is required");
    absl::StatusOr<ChildName> name =
        ParseChildName(req->assessment().name(), kAssessments, "assessment.name");
    if (!name.ok()) return name.status();
    st::Assessment a = FromProto(req->assessment());
    a.id = name->id;
    store_.UpdateAssessment(c, name->participant, std::move(a), FromProto(req->update_mask()),
                            Reply<st::Assessment>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::DeleteAssessment(
    grpc::CallbackServerContext* ctx, const v1::DeleteAssessmentRequest* req, Empty*) {
  return Serve(ctx, kDeleteAssessment, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<ChildName> name = ParseChildName(req->name(), kAssessments, "name");
    if (!name.ok()) return name.status();
    store_.DeleteAssessment(c, name->participant, name->id, req->etag(),
                            ReplyEmpty(std::move(call)));
    return absl::OkStatus();
  });
}

// --- Goals --------------------------------------------------------------------------------------

grpc::ServerUnaryReactor* CaseRecordServiceImpl::CreateGoal(grpc::CallbackServerContext* ctx,
                                                            const v1::CreateGoalRequest* req,
                                                            v1::Goal* resp) {
  return Serve(ctx, kCreateGoal, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<std::string> pid = ParseParticipantName(req->parent(), "parent");
    if (!pid.ok()) return pid.status();
    store_.CreateGoal(c, *pid, FromProto(req->goal()), Reply<st::Goal>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::GetGoal(grpc::CallbackServerContext* ctx,
                                                         const v1::GetGoalRequest* req,
                                                         v1::Goal* resp) {
  return Serve(ctx, kGetGoal, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<ChildName> name = ParseChildName(req->name(), kGoals, "name");
    if (!name.ok()) return name.status();
    store_.GetGoal(c, name->participant, name->id, Reply<st::Goal>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::ListGoals(grpc::CallbackServerContext* ctx,
                                                           const v1::ListGoalsRequest* req,
                                                           v1::ListGoalsResponse* resp) {
  return Serve(ctx, kListGoals, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<std::string> pid = ParseParticipantName(req->parent(), "parent");
    if (!pid.ok()) return pid.status();
    store_.ListGoals(
        c, *pid, FromProto(*req), PageOf(req->page_size(), req->page_token()),
        ReplyPage<st::Goal>(std::move(call), resp, [](auto* r) { return r->add_goals(); }));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::UpdateGoal(grpc::CallbackServerContext* ctx,
                                                            const v1::UpdateGoalRequest* req,
                                                            v1::Goal* resp) {
  return Serve(ctx, kUpdateGoal, [&](Call call, const st::CallContext& c) -> absl::Status {
    if (!req->has_goal()) return InvalidField("goal", "is required");
    absl::StatusOr<ChildName> name = ParseChildName(req->goal().name(), kGoals, "goal.name");
    if (!name.ok()) return name.status();
    st::Goal g = FromProto(req->goal());
    g.id = name->id;
    store_.UpdateGoal(c, name->participant, std::move(g), FromProto(req->update_mask()),
                      Reply<st::Goal>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::DeleteGoal(grpc::CallbackServerContext* ctx,
                                                            const v1::DeleteGoalRequest* req,
                                                            Empty*) {
  return Serve(ctx, kDeleteGoal, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<ChildName> name = ParseChildName(req->name(), kGoals, "name");
    if (!name.ok()) return name.status();
    store_.DeleteGoal(c, name->participant, name->id, req->etag(), ReplyEmpty(std::move(call)));
    return absl::OkStatus();
  });
}

// --- Sessions -----------------------------------------------------------------------------------

grpc::ServerUnaryReactor* CaseRecordServiceImpl::CreateSession(grpc::CallbackServerContext* ctx,
                                                               const v1::CreateSessionRequest* req,
                                                               v1::Session* resp) {
  return Serve(ctx, kCreateSession, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<std::string> pid = ParseParticipantName(req->parent(), "parent");
    if (!pid.ok()) return pid.status();
    store_.CreateSession(c, *pid, FromProto(req->session()),
                         Reply<st::Session>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::GetSession(grpc::CallbackServerContext* ctx,
                                                            const v1::GetSessionRequest* req,
                                                            v1::Session* resp) {
  return Serve(ctx, kGetSession, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<ChildName> name = ParseChildName(req->name(), kSessions, "name");
    if (!name.ok()) return name.status();
    store_.GetSession(c, name->participant, name->id, Reply<st::Session>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::ListSessions(grpc::CallbackServerContext* ctx,
                                                              const v1::ListSessionsRequest* req,
                                                              v1::ListSessionsResponse* resp) {
  return Serve(ctx, kListSessions, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<std::string> pid = ParseParticipantName(req->parent(), "parent");
    if (!pid.ok()) return pid.status();
    store_.ListSessions(
        c, *pid, PageOf(req->page_size(), req->page_token()),
        ReplyPage<st::Session>(std::move(call), resp, [](auto* r) { return r->add_sessions(); }));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::UpdateSession(grpc::CallbackServerContext* ctx,
                                                               const v1::UpdateSessionRequest* req,
                                                               v1::Session* resp) {
  return Serve(ctx, kUpdateSession, [&](Call call, const st::CallContext& c) -> absl::Status {
    if (!req->has_session()) return InvalidField("session", "is required");
    absl::StatusOr<ChildName> name =
        ParseChildName(req->session().name(), kSessions, "session.name");
    if (!name.ok()) return name.status();
    st::Session s = FromProto(req->session());
    s.id = name->id;
    store_.UpdateSession(c, name->participant, std::move(s), FromProto(req->update_mask()),
                         Reply<st::Session>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::DeleteSession(grpc::CallbackServerContext* ctx,
                                                               const v1::DeleteSessionRequest* req,
                                                               Empty*) {
  return Serve(ctx, kDeleteSession, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<ChildName> name = ParseChildName(req->name(), kSessions, "name");
    if (!name.ok()) return name.status();
    store_.DeleteSession(c, name->participant, name->id, req->etag(), ReplyEmpty(std::move(call)));
    return absl::OkStatus();
  });
}

// --- Export and level suggestions --------------------------------------------------------------

grpc::ServerUnaryReactor* CaseRecordServiceImpl::ExportParticipant(
    grpc::CallbackServerContext* ctx, const v1::ExportParticipantRequest* req,
    v1::ExportParticipantResponse* resp) {
  return Serve(ctx, kExportParticipant, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<std::string> id = ParseParticipantName(req->name(), "name");
    if (!id.ok()) return id.status();
    store_.ExportParticipant(c, *id, Reply<st::ParticipantExport>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::SuggestAssessmentLevels(
    grpc::CallbackServerContext* ctx, const v1::SuggestAssessmentLevelsRequest* req,
    v1::SuggestAssessmentLevelsResponse* resp) {
  return Serve(
      ctx, kSuggestAssessmentLevels, [&](Call call, const st::CallContext& c) -> absl::Status {
        absl::StatusOr<std::string> pid = ParseParticipantName(req->parent(), "parent");
        if (!pid.ok()) return pid.status();
        absl::StatusOr<ChildName> name =
            ParseChildName(req->compass_snapshot(), kCompassSnapshots, "compass_snapshot");
        if (!name.ok()) return name.status();
        if (name->participant != *pid) {
          return InvalidField("compass_snapshot", "must be a snapshot of `parent`");
        }
        store_.GetCompassSnapshot(
            c, name->participant, name->id,
            [call = std::move(call), resp](absl::StatusOr<st::CompassSnapshot> got) {
              if (!got.ok()) return call->Finish(got.status());
              v1::CompassSnapshot snapshot;
              ToProto(*got, &snapshot);
              absl::StatusOr<std::vector<v1::LevelSuggestion>> levels = SuggestLevels(snapshot);
              if (!levels.ok()) return call->Finish(levels.status());
              for (v1::LevelSuggestion& l : *levels) *resp->add_suggestions() = l;
              call->Finish(absl::OkStatus());
            });
        return absl::OkStatus();
      });
}

// --- Compass snapshots --------------------------------------------------------------------------

void CaseRecordServiceImpl::Answer(const Call& call, std::shared_ptr<v1::CompassSnapshot> snapshot,
                                   std::function<void(absl::Status)> done) const {
  const CallOptions options{.idempotent = true};
  if (snapshot->has_match_profile()) {
    if (compass_.matching == nullptr) {
      return done(absl::UnavailableError(
          "matching is unavailable: the case-record service runs without --matching_address"));
    }
    struct Exchange {
      kompas::matching::v1::MatchRequest request;
      kompas::matching::v1::MatchResponse response;
    };
    auto x = std::make_shared<Exchange>();
    *x->request.mutable_profile() = snapshot->match_profile();
    compass_.matching->Call(
        &kompas::matching::v1::MatchingService::Stub::async_interface::Match, &x->request,
        &x->response, options, &call->info(),
        [call, x, snapshot, done = std::move(done)](absl::Status s) {
          if (!s.ok()) return done(FromDownstream(s, "matching", "compass_snapshot.match_profile"));
          *snapshot->mutable_match_result() = std::move(*x->response.mutable_result());
          done(absl::OkStatus());
        });
    return;
  }
  if (snapshot->has_income_request()) {
    if (compass_.budget == nullptr) {
      return done(absl::UnavailableError(
          "budget is unavailable: the case-record service runs without --budget_address"));
    }
    auto response = std::make_shared<kompas::budget::v1::CalculateIncomeResponse>();
    compass_.budget->Call(
        &kompas::budget::v1::BudgetService::Stub::async_interface::CalculateIncome,
        &snapshot->income_request(), response.get(), options, &call->info(),
        [call, response, snapshot, done = std::move(done)](absl::Status s) {
          if (!s.ok()) return done(FromDownstream(s, "budget", "compass_snapshot.income_request"));
          *snapshot->mutable_income_response() = std::move(*response);
          done(absl::OkStatus());
        });
    return;
  }
  done(InvalidField("compass_snapshot.question",
                    "is required: set match_profile or income_request"));
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::CreateCompassSnapshot(
    grpc::CallbackServerContext* ctx, const v1::CreateCompassSnapshotRequest* req,
    v1::CompassSnapshot* resp) {
  return Serve(
      ctx, kCreateCompassSnapshot, [&](Call call, const st::CallContext& c) -> absl::Status {
        absl::StatusOr<std::string> pid = ParseParticipantName(req->parent(), "parent");
        if (!pid.ok()) return pid.status();
        if (!req->has_compass_snapshot()) {
          return InvalidField("compass_snapshot", "is required");
        }
        const v1::CompassSnapshot& in = req->compass_snapshot();
        // Checked before the question is sent anywhere (the store checks again).
        if (st::Utf8Length(in.label()) > 100) {
          return InvalidField("compass_snapshot.label", "must be at most 100 characters");
        }
        std::shared_ptr<v1::CompassSnapshot> snapshot = QuestionOf(in, nullptr);
        Answer(call, snapshot, [this, call, c, pid = *pid, snapshot, resp](absl::Status s) {
          if (!s.ok()) return call->Finish(s);
          FillAnswerFigures(snapshot.get());
          store_.CreateCompassSnapshot(c, pid, FromProto(*snapshot),
                                       Reply<st::CompassSnapshot>(call, resp));
        });
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::GetCompassSnapshot(
    grpc::CallbackServerContext* ctx, const v1::GetCompassSnapshotRequest* req,
    v1::CompassSnapshot* resp) {
  return Serve(ctx, kGetCompassSnapshot, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<ChildName> name = ParseChildName(req->name(), kCompassSnapshots, "name");
    if (!name.ok()) return name.status();
    store_.GetCompassSnapshot(c, name->participant, name->id,
                              Reply<st::CompassSnapshot>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::ListCompassSnapshots(
    grpc::CallbackServerContext* ctx, const v1::ListCompassSnapshotsRequest* req,
    v1::ListCompassSnapshotsResponse* resp) {
  return Serve(
      ctx, kListCompassSnapshots, [&](Call call, const st::CallContext& c) -> absl::Status {
        absl::StatusOr<std::string> pid = ParseParticipantName(req->parent(), "parent");
        if (!pid.ok()) return pid.status();
        store_.ListCompassSnapshots(
            c, *pid, PageOf(req->page_size(), req->page_token()),
            [call = std::move(call), resp](absl::StatusOr<st::Page<st::CompassSnapshot>> page) {
              if (!page.ok()) return call->Finish(page.status());
              // Without question and answer: get one for those.
              for (const st::CompassSnapshot& s : page->items) {
                ToProto(s, resp->add_compass_snapshots(), /*content=*/false);
              }
              resp->set_next_page_token(page->next_page_token);
              call->Finish(absl::OkStatus());
            });
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::DeleteCompassSnapshot(
    grpc::CallbackServerContext* ctx, const v1::DeleteCompassSnapshotRequest* req, Empty*) {
  return Serve(
      ctx, kDeleteCompassSnapshot, [&](Call call, const st::CallContext& c) -> absl::Status {
        absl::StatusOr<ChildName> name = ParseChildName(req->name(), kCompassSnapshots, "name");
        if (!name.ok()) return name.status();
        store_.DeleteCompassSnapshot(c, name->participant, name->id, ReplyEmpty(std::move(call)));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::RecomputeCompassSnapshot(
    grpc::CallbackServerContext* ctx, const v1::RecomputeCompassSnapshotRequest* req,
    v1::RecomputeCompassSnapshotResponse* resp) {
  return Serve(
      ctx, kRecomputeCompassSnapshot, [&](Call call, const st::CallContext& c) -> absl::Status {
        absl::StatusOr<ChildName> name = ParseChildName(req->name(), kCompassSnapshots, "name");
        if (!name.ok()) return name.status();
        if (req->has_rule_date() && !st::IsValidDate(FromProto(req->rule_date()))) {
          return InvalidField("rule_date", "must be a valid calendar date");
        }
        store_.GetCompassSnapshot(
            c, name->participant, name->id,
            [this, call, req, resp](absl::StatusOr<st::CompassSnapshot> got) {
              if (!got.ok()) return call->Finish(got.status());
              ToProto(*got, resp->mutable_original());
              // A stored snapshot always has its question; one that no longer parses is damaged
              // data, not the caller's mistake.
              if (resp->original().question_case() == v1::CompassSnapshot::QUESTION_NOT_SET) {
                return call->Finish(
                    absl::DataLossError("the stored compass snapshot's question does not parse"));
              }
              std::shared_ptr<v1::CompassSnapshot> again =
                  QuestionOf(resp->original(), req->has_rule_date() ? &req->rule_date() : nullptr);
              Answer(call, again, [call, again, resp](absl::Status s) {
                if (!s.ok()) return call->Finish(s);
                std::vector<v1::SnapshotDifference> differences;
                if (again->has_match_result()) {
                  differences = DiffMatch(resp->original().match_result(), again->match_result());
                  *resp->mutable_match_result() = std::move(*again->mutable_match_result());
                } else {
                  differences =
                      DiffIncome(resp->original().income_response(), again->income_response());
                  *resp->mutable_income_response() = std::move(*again->mutable_income_response());
                }
                for (v1::SnapshotDifference& d : differences) {
                  *resp->add_differences() = std::move(d);
                }
                call->Finish(absl::OkStatus());
              });
            });
        return absl::OkStatus();
      });
}

// --- Outcomes -----------------------------------------------------------------------------------

grpc::ServerUnaryReactor* CaseRecordServiceImpl::CreateOutcome(grpc::CallbackServerContext* ctx,
                                                               const v1::CreateOutcomeRequest* req,
                                                               v1::Outcome* resp) {
  return Serve(ctx, kCreateOutcome, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<std::string> pid = ParseParticipantName(req->parent(), "parent");
    if (!pid.ok()) return pid.status();
    if (!req->has_outcome()) return InvalidField("outcome", "is required");
    store_.CreateOutcome(c, *pid, FromProto(req->outcome()),
                         Reply<st::Outcome>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::GetOutcome(grpc::CallbackServerContext* ctx,
                                                            const v1::GetOutcomeRequest* req,
                                                            v1::Outcome* resp) {
  return Serve(ctx, kGetOutcome, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<ChildName> name = ParseChildName(req->name(), kOutcomes, "name");
    if (!name.ok()) return name.status();
    store_.GetOutcome(c, name->participant, name->id, Reply<st::Outcome>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::ListOutcomes(grpc::CallbackServerContext* ctx,
                                                              const v1::ListOutcomesRequest* req,
                                                              v1::ListOutcomesResponse* resp) {
  return Serve(ctx, kListOutcomes, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<std::string> pid = ParseParticipantName(req->parent(), "parent");
    if (!pid.ok()) return pid.status();
    store_.ListOutcomes(
        c, *pid, PageOf(req->page_size(), req->page_token()),
        ReplyPage<st::Outcome>(std::move(call), resp, [](auto* r) { return r->add_outcomes(); }));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::UpdateOutcome(grpc::CallbackServerContext* ctx,
                                                               const v1::UpdateOutcomeRequest* req,
                                                               v1::Outcome* resp) {
  return Serve(ctx, kUpdateOutcome, [&](Call call, const st::CallContext& c) -> absl::Status {
    if (!req->has_outcome()) return InvalidField("outcome", "is required");
    absl::StatusOr<ChildName> name =
        ParseChildName(req->outcome().name(), kOutcomes, "outcome.name");
    if (!name.ok()) return name.status();
    st::Outcome o = FromProto(req->outcome());
    o.id = name->id;
    store_.UpdateOutcome(c, name->participant, std::move(o), FromProto(req->update_mask()),
                         Reply<st::Outcome>(std::move(call), resp));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::DeleteOutcome(grpc::CallbackServerContext* ctx,
                                                               const v1::DeleteOutcomeRequest* req,
                                                               Empty*) {
  return Serve(ctx, kDeleteOutcome, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<ChildName> name = ParseChildName(req->name(), kOutcomes, "name");
    if (!name.ok()) return name.status();
    store_.DeleteOutcome(c, name->participant, name->id, req->etag(), ReplyEmpty(std::move(call)));
    return absl::OkStatus();
  });
}

// --- Access log ---------------------------------------------------------------------------------

grpc::ServerUnaryReactor* CaseRecordServiceImpl::ListAuditEvents(
    grpc::CallbackServerContext* ctx, const v1::ListAuditEventsRequest* req,
    v1::ListAuditEventsResponse* resp) {
  return Serve(ctx, kListAuditEvents, [&](Call call, const st::CallContext& c) -> absl::Status {
    absl::StatusOr<std::string> pid = ParseParticipantName(req->parent(), "parent");
    if (!pid.ok()) return pid.status();
    store_.ListAuditEvents(c, *pid, PageOf(req->page_size(), req->page_token()),
                           ReplyPage<st::AuditEvent>(std::move(call), resp, [](auto* r) {
                             return r->add_audit_events();
                           }));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CaseRecordServiceImpl::GetNetworkReport(
    grpc::CallbackServerContext* ctx, const v1::GetNetworkReportRequest* req,
    v1::NetworkReport* resp) {
  return Serve(ctx, kGetNetworkReport, [&](Call call, const st::CallContext&) -> absl::Status {
    if (regions_ == nullptr) {
      return absl::FailedPreconditionError("the network report needs --regions_file");
    }
    const absl::Time now = absl::Now();
    if (absl::Status s = report::ValidateReportRequest(*req, now); !s.ok()) return s;
    report::RunNetworkReport(store_, regions_, *req, now,
                             [call = std::move(call), resp](absl::StatusOr<v1::NetworkReport> r) {
                               if (!r.ok()) return call->Finish(r.status());
                               *resp = *std::move(r);
                               call->Finish(absl::OkStatus());
                             });
    return absl::OkStatus();
  });
}

}  // namespace kompas::caserecord
