// The gRPC face of the case record meets the storage layer here: resource names parsed into
// ids and formatted back, and every message converted field by field to and from the plain
// structs of services/caserecord/storage/types.h (whose enum numbers equal the proto's).
//
// Names: "participants/{participant}" and "participants/{participant}/{collection}/{id}" with
// the collections consents, assessments, goals, sessions, compassSnapshots, outcomes and
// auditEvents. Ids are 1..64
// characters of [a-z0-9]; a name of another shape is INVALID_ARGUMENT naming the field.
//
// Values are not validated here beyond their shape: the store validates every input and names
// the field as the API does ("session.notes: …"), so the rules live in one place.
#ifndef KOMPAS_SERVICES_CASERECORD_CONVERT_H_
#define KOMPAS_SERVICES_CASERECORD_CONVERT_H_

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "kompas/caserecord/v1/caserecord.pb.h"
#include "kompas/type/v1/date.pb.h"
#include "services/caserecord/storage/store.h"
#include "services/caserecord/storage/types.h"

namespace kompas::caserecord {

// --- Resource names ----------------------------------------------------------------------------

inline constexpr char kConsents[] = "consents";
inline constexpr char kAssessments[] = "assessments";
inline constexpr char kGoals[] = "goals";
inline constexpr char kSessions[] = "sessions";
inline constexpr char kAuditEvents[] = "auditEvents";
inline constexpr char kCompassSnapshots[] = "compassSnapshots";
inline constexpr char kOutcomes[] = "outcomes";

struct ChildName {
  std::string participant;  // participant id
  std::string id;           // the child's id
};

std::string ParticipantName(absl::string_view participant_id);
std::string ChildResourceName(absl::string_view participant_id, absl::string_view collection,
                              absl::string_view id);

// "participants/{id}" → id. INVALID_ARGUMENT naming `field` when empty or of another shape.
absl::StatusOr<std::string> ParseParticipantName(absl::string_view name, absl::string_view field);
// "participants/{p}/{collection}/{id}" → {p, id}; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<ChildName> ParseChildName(absl::string_view name, absl::string_view collection,
                                         absl::string_view field);

// --- Scalars -------------------------------------------------------------------------------------

storage::Date FromProto(const kompas::type::v1::Date& date);
void ToProto(const storage::Date& date, kompas::type::v1::Date* out);
// InfinitePast (never set) leaves `out` untouched.
void ToProto(absl::Time time, google::protobuf::Timestamp* out);
// The mask's paths, as the store takes them ("*" passes through).
storage::FieldMask FromProto(const google::protobuf::FieldMask& mask);

// --- Resources -----------------------------------------------------------------------------------
// FromProto copies every input field; `name` and output-only fields are not read (the caller
// parses the name). ToProto sets every field, the name included.

storage::Participant FromProto(const v1::Participant& p);
void ToProto(const storage::Participant& p, v1::Participant* out);

storage::Consent FromProto(const v1::Consent& c);
void ToProto(const storage::Consent& c, v1::Consent* out);

storage::Assessment FromProto(const v1::Assessment& a);
void ToProto(const storage::Assessment& a, v1::Assessment* out);

storage::Goal FromProto(const v1::Goal& g);
void ToProto(const storage::Goal& g, v1::Goal* out);

storage::Session FromProto(const v1::Session& s);
void ToProto(const storage::Session& s, v1::Session* out);

// A snapshot's label, question and (when set) answer, as the store keeps them: question and
// answer serialized, the figures (rule-set, data version, margin, lonend) taken from the
// answer (see FillAnswerFigures).
storage::CompassSnapshot FromProto(const v1::CompassSnapshot& s);
// Sets rule_set_id, data_version, margin and lonend of `s` from its answer: for a match the
// current situation's margin and whether the top candidate is lonend (the current situation
// when there is no candidate); for an income question the calculation's margin and lonend.
void FillAnswerFigures(v1::CompassSnapshot* s);
// With `content` false, question and answer are left out (lists and the timeline).
void ToProto(const storage::CompassSnapshot& s, v1::CompassSnapshot* out, bool content = true);

storage::Outcome FromProto(const v1::Outcome& o);
void ToProto(const storage::Outcome& o, v1::Outcome* out);

void ToProto(const storage::ParticipantExport& e, v1::ExportParticipantResponse* out);

void ToProto(const storage::AuditEvent& e, v1::AuditEvent* out);
void ToProto(const storage::TimelineEntry& e, v1::TimelineEntry* out);

storage::ParticipantFilter FromProto(const v1::ListParticipantsRequest& request);
storage::GoalFilter FromProto(const v1::ListGoalsRequest& request);

}  // namespace kompas::caserecord

#endif  // KOMPAS_SERVICES_CASERECORD_CONVERT_H_
