#include "services/caserecord/caserecord_service.h"

#include <string>
#include <utility>

#include "services/caserecord/convert.h"
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

}  // namespace

CaseRecordServiceImpl::CaseRecordServiceImpl(const RpcEnv& env, storage::CaseStore& store,
                                             std::function<bool()> database_up)
    : env_(env), store_(store), database_up_(std::move(database_up)) {}

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
    store_.EraseParticipant(c, *id, req->etag(),
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

}  // namespace kompas::caserecord
