// Coaching records per organisation: the gRPC face of the caserecord service. The rules and the
// data live in the store (services/caserecord/storage); this layer authenticates (through the
// shared runtime), takes the organisation from the token only, parses resource names, converts
// messages (convert.h) and answers from the store's threads: a gRPC callback thread never waits
// for the database.
#ifndef KOMPAS_SERVICES_CASERECORD_CASERECORD_SERVICE_H_
#define KOMPAS_SERVICES_CASERECORD_CASERECORD_SERVICE_H_

#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "kompas/budget/v1/budget.grpc.pb.h"
#include "kompas/caserecord/v1/caserecord.grpc.pb.h"
#include "kompas/matching/v1/matching.grpc.pb.h"
#include "services/caserecord/report/regions.h"
#include "services/caserecord/storage/store.h"
#include "services/common/client.h"
#include "services/common/rpc.h"

namespace kompas::caserecord {

inline constexpr char kCaseRecordServiceName[] = "kompas.caserecord.v1.CaseRecordService";

using MatchingClient = Downstream<kompas::matching::v1::MatchingService>;
using BudgetClient = Downstream<kompas::budget::v1::BudgetService>;

// The services a compass snapshot's question goes to (CreateCompassSnapshot,
// RecomputeCompassSnapshot). Either may be null (not configured): a question for it is then
// UNAVAILABLE naming the service. They must outlive the service. The caller's token is sent
// on, so creating a snapshot needs a token with the `compass` scope besides `records.write`.
struct CompassClients {
  const MatchingClient* matching = nullptr;
  const BudgetClient* budget = nullptr;
};

// Participants' Mobility Mentoring records per organisation (issues 9 and 10): participants,
// consents, assessments, goals, sessions, compass snapshots (answered by matching or budget),
// outcomes, export, level suggestions and the access log.
class CaseRecordServiceImpl final
    : public kompas::caserecord::v1::CaseRecordService::CallbackService {
 public:
  // `store` must outlive the service. `database_up`, when given, is asked before each call:
  // false answers UNAVAILABLE at once (the database is known to be down) instead of letting the
  // call wait for a connection attempt.
  CaseRecordServiceImpl(const RpcEnv& env, storage::CaseStore& store,
                        std::function<bool()> database_up = nullptr, CompassClients compass = {},
                        std::shared_ptr<const report::RegionMap> regions = nullptr);

  using Empty = google::protobuf::Empty;

  // Participants.
  grpc::ServerUnaryReactor* CreateParticipant(grpc::CallbackServerContext* ctx,
                                              const v1::CreateParticipantRequest* req,
                                              v1::Participant* resp) override;
  grpc::ServerUnaryReactor* GetParticipant(grpc::CallbackServerContext* ctx,
                                           const v1::GetParticipantRequest* req,
                                           v1::Participant* resp) override;
  grpc::ServerUnaryReactor* ListParticipants(grpc::CallbackServerContext* ctx,
                                             const v1::ListParticipantsRequest* req,
                                             v1::ListParticipantsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateParticipant(grpc::CallbackServerContext* ctx,
                                              const v1::UpdateParticipantRequest* req,
                                              v1::Participant* resp) override;
  grpc::ServerUnaryReactor* LookupParticipant(grpc::CallbackServerContext* ctx,
                                              const v1::LookupParticipantRequest* req,
                                              v1::Participant* resp) override;
  grpc::ServerUnaryReactor* EraseParticipant(grpc::CallbackServerContext* ctx,
                                             const v1::EraseParticipantRequest* req,
                                             v1::EraseParticipantResponse* resp) override;
  grpc::ServerUnaryReactor* GetTimeline(grpc::CallbackServerContext* ctx,
                                        const v1::GetTimelineRequest* req,
                                        v1::GetTimelineResponse* resp) override;

  // Consents.
  grpc::ServerUnaryReactor* CreateConsent(grpc::CallbackServerContext* ctx,
                                          const v1::CreateConsentRequest* req,
                                          v1::Consent* resp) override;
  grpc::ServerUnaryReactor* GetConsent(grpc::CallbackServerContext* ctx,
                                       const v1::GetConsentRequest* req,
                                       v1::Consent* resp) override;
  grpc::ServerUnaryReactor* ListConsents(grpc::CallbackServerContext* ctx,
                                         const v1::ListConsentsRequest* req,
                                         v1::ListConsentsResponse* resp) override;
  grpc::ServerUnaryReactor* WithdrawConsent(grpc::CallbackServerContext* ctx,
                                            const v1::WithdrawConsentRequest* req,
                                            v1::Consent* resp) override;

  // Assessments.
  grpc::ServerUnaryReactor* CreateAssessment(grpc::CallbackServerContext* ctx,
                                             const v1::CreateAssessmentRequest* req,
                                             v1::Assessment* resp) override;
  grpc::ServerUnaryReactor* GetAssessment(grpc::CallbackServerContext* ctx,
                                          const v1::GetAssessmentRequest* req,
                                          v1::Assessment* resp) override;
  grpc::ServerUnaryReactor* ListAssessments(grpc::CallbackServerContext* ctx,
                                            const v1::ListAssessmentsRequest* req,
                                            v1::ListAssessmentsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateAssessment(grpc::CallbackServerContext* ctx,
                                             const v1::UpdateAssessmentRequest* req,
                                             v1::Assessment* resp) override;
  grpc::ServerUnaryReactor* DeleteAssessment(grpc::CallbackServerContext* ctx,
                                             const v1::DeleteAssessmentRequest* req,
                                             Empty* resp) override;

  // Goals.
  grpc::ServerUnaryReactor* CreateGoal(grpc::CallbackServerContext* ctx,
                                       const v1::CreateGoalRequest* req, v1::Goal* resp) override;
  grpc::ServerUnaryReactor* GetGoal(grpc::CallbackServerContext* ctx, const v1::GetGoalRequest* req,
                                    v1::Goal* resp) override;
  grpc::ServerUnaryReactor* ListGoals(grpc::CallbackServerContext* ctx,
                                      const v1::ListGoalsRequest* req,
                                      v1::ListGoalsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateGoal(grpc::CallbackServerContext* ctx,
                                       const v1::UpdateGoalRequest* req, v1::Goal* resp) override;
  grpc::ServerUnaryReactor* DeleteGoal(grpc::CallbackServerContext* ctx,
                                       const v1::DeleteGoalRequest* req, Empty* resp) override;

  // Sessions.
  grpc::ServerUnaryReactor* CreateSession(grpc::CallbackServerContext* ctx,
                                          const v1::CreateSessionRequest* req,
                                          v1::Session* resp) override;
  grpc::ServerUnaryReactor* GetSession(grpc::CallbackServerContext* ctx,
                                       const v1::GetSessionRequest* req,
                                       v1::Session* resp) override;
  grpc::ServerUnaryReactor* ListSessions(grpc::CallbackServerContext* ctx,
                                         const v1::ListSessionsRequest* req,
                                         v1::ListSessionsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateSession(grpc::CallbackServerContext* ctx,
                                          const v1::UpdateSessionRequest* req,
                                          v1::Session* resp) override;
  grpc::ServerUnaryReactor* DeleteSession(grpc::CallbackServerContext* ctx,
                                          const v1::DeleteSessionRequest* req,
                                          Empty* resp) override;

  // Export and level suggestions.
  grpc::ServerUnaryReactor* ExportParticipant(grpc::CallbackServerContext* ctx,
                                              const v1::ExportParticipantRequest* req,
                                              v1::ExportParticipantResponse* resp) override;
  grpc::ServerUnaryReactor* SuggestAssessmentLevels(
      grpc::CallbackServerContext* ctx, const v1::SuggestAssessmentLevelsRequest* req,
      v1::SuggestAssessmentLevelsResponse* resp) override;

  // Compass snapshots.
  grpc::ServerUnaryReactor* CreateCompassSnapshot(grpc::CallbackServerContext* ctx,
                                                  const v1::CreateCompassSnapshotRequest* req,
                                                  v1::CompassSnapshot* resp) override;
  grpc::ServerUnaryReactor* GetCompassSnapshot(grpc::CallbackServerContext* ctx,
                                               const v1::GetCompassSnapshotRequest* req,
                                               v1::CompassSnapshot* resp) override;
  grpc::ServerUnaryReactor* ListCompassSnapshots(grpc::CallbackServerContext* ctx,
                                                 const v1::ListCompassSnapshotsRequest* req,
                                                 v1::ListCompassSnapshotsResponse* resp) override;
  grpc::ServerUnaryReactor* DeleteCompassSnapshot(grpc::CallbackServerContext* ctx,
                                                  const v1::DeleteCompassSnapshotRequest* req,
                                                  Empty* resp) override;
  grpc::ServerUnaryReactor* RecomputeCompassSnapshot(
      grpc::CallbackServerContext* ctx, const v1::RecomputeCompassSnapshotRequest* req,
      v1::RecomputeCompassSnapshotResponse* resp) override;

  // Outcomes.
  grpc::ServerUnaryReactor* CreateOutcome(grpc::CallbackServerContext* ctx,
                                          const v1::CreateOutcomeRequest* req,
                                          v1::Outcome* resp) override;
  grpc::ServerUnaryReactor* GetOutcome(grpc::CallbackServerContext* ctx,
                                       const v1::GetOutcomeRequest* req,
                                       v1::Outcome* resp) override;
  grpc::ServerUnaryReactor* ListOutcomes(grpc::CallbackServerContext* ctx,
                                         const v1::ListOutcomesRequest* req,
                                         v1::ListOutcomesResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateOutcome(grpc::CallbackServerContext* ctx,
                                          const v1::UpdateOutcomeRequest* req,
                                          v1::Outcome* resp) override;
  grpc::ServerUnaryReactor* DeleteOutcome(grpc::CallbackServerContext* ctx,
                                          const v1::DeleteOutcomeRequest* req,
                                          Empty* resp) override;

  // Access log.
  grpc::ServerUnaryReactor* ListAuditEvents(grpc::CallbackServerContext* ctx,
                                            const v1::ListAuditEventsRequest* req,
                                            v1::ListAuditEventsResponse* resp) override;

  // The network report (scope network.report): needs the region table.
  grpc::ServerUnaryReactor* GetNetworkReport(grpc::CallbackServerContext* ctx,
                                             const v1::GetNetworkReportRequest* req,
                                             v1::NetworkReport* resp) override;

 private:
  // A started call, shared with the store's callback.
  using Call = std::shared_ptr<PendingCall>;
  // Handler: absl::Status(Call, const storage::CallContext&). OK = the call was handed to the
  // store, which finishes it; an error finishes it at once.
  template <typename Handler>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* ctx, const MethodSpec& spec,
                                  Handler&& handler);

  // Answers the snapshot's question (match_profile or income_request) with the service for it
  // and calls `done` once, on a gRPC thread (or at once when the service is not configured),
  // with the answer set in `snapshot`. `call` must stay unfinished until then.
  void Answer(const Call& call, std::shared_ptr<v1::CompassSnapshot> snapshot,
              std::function<void(absl::Status)> done) const;

  const RpcEnv env_;
  storage::CaseStore& store_;
  const std::function<bool()> database_up_;
  const CompassClients compass_;
  const std::shared_ptr<const report::RegionMap> regions_;
};

}  // namespace kompas::caserecord

#endif  // KOMPAS_SERVICES_CASERECORD_CASERECORD_SERVICE_H_
