// The case-record service's request checks, without a network or a database: the first byte
// picks a request, the rest is its wire format. As the handlers do, the resource names are
// parsed (ParseParticipantName / ParseChildName) and the resource converted (FromProto); then
// the store's validators run on it (storage/validate.h: the rules every write passes), and a
// valid resource is converted back (ToProto) and must serialise.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "fuzz/fuzz_input.h"
#include "services/caserecord/convert.h"
#include "services/caserecord/storage/validate.h"

namespace {

namespace cr = kompas::caserecord;
namespace st = kompas::caserecord::storage;
namespace v1 = kompas::caserecord::v1;
using kompas::fuzz::RequireNoInternalError;

// A fixed today, so that "not in the future" does not depend on the day the fuzzer runs.
constexpr st::Date kToday{2026, 3, 16};

void Parent(const std::string& parent) {
  RequireNoInternalError(cr::ParseParticipantName(parent, "parent").status());
}

void Child(const std::string& name, const char* collection) {
  const absl::StatusOr<cr::ChildName> parsed = cr::ParseChildName(name, collection, "name");
  RequireNoInternalError(parsed.status());
  // A parsed name formats back to itself.
  if (parsed.ok() && cr::ChildResourceName(parsed->participant, collection, parsed->id) != name) {
    std::abort();
  }
}

void Mask(const google::protobuf::FieldMask& mask) {
  const st::FieldMask m = cr::FromProto(mask);
  RequireNoInternalError(st::ValidateMask(m, {"display_name", "contact", "bsn", "mentor"}));
  (void)st::MaskHas(m, "notes");
}

template <typename Proto, typename Validate>
void Resource(const Proto& proto, Validate validate) {
  const auto value = cr::FromProto(proto);
  const absl::Status status = validate(value);
  RequireNoInternalError(status);
  if (!status.ok()) return;
  Proto back;
  cr::ToProto(value, &back);
  (void)back.SerializeAsString();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  kompas::fuzz::QuietProtobufLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kompas::fuzz::FuzzInput in(data, size);
  switch (in.Byte() % 11) {
    case 0: {
      const auto req = in.ParseRest<v1::CreateParticipantRequest>();
      Resource(req.participant(),
               [](const st::Participant& p) { return st::ValidateParticipant(p); });
      break;
    }
    case 1: {
      const auto req = in.ParseRest<v1::UpdateParticipantRequest>();
      const absl::StatusOr<std::string> id =
          cr::ParseParticipantName(req.participant().name(), "participant.name");
      RequireNoInternalError(id.status());
      if (id.ok() && cr::ParticipantName(*id) != req.participant().name()) std::abort();
      Mask(req.update_mask());
      Resource(req.participant(),
               [](const st::Participant& p) { return st::ValidateParticipant(p); });
      break;
    }
    case 2: {
      const auto req = in.ParseRest<v1::ListParticipantsRequest>();
      RequireNoInternalError(st::ValidateFilter(cr::FromProto(req)));
      RequireNoInternalError(st::PageSize(req.page_size()).status());
      break;
    }
    case 3: {
      const auto req = in.ParseRest<v1::CreateConsentRequest>();
      Parent(req.parent());
      Resource(req.consent(), [](const st::Consent& c) { return st::ValidateConsent(c, kToday); });
      break;
    }
    case 4: {
      const auto req = in.ParseRest<v1::WithdrawConsentRequest>();
      Child(req.name(), cr::kConsents);
      const st::Date date = cr::FromProto(req.withdraw_date());
      (void)st::IsValidDate(date);
      break;
    }
    case 5: {
      const auto req = in.ParseRest<v1::CreateAssessmentRequest>();
      Parent(req.parent());
      Resource(req.assessment(),
               [](const st::Assessment& a) { return st::ValidateAssessment(a, kToday); });
      break;
    }
    case 6: {
      const auto req = in.ParseRest<v1::UpdateAssessmentRequest>();
      Child(req.assessment().name(), cr::kAssessments);
      Mask(req.update_mask());
      Resource(req.assessment(),
               [](const st::Assessment& a) { return st::ValidateAssessment(a, kToday); });
      break;
    }
    case 7: {
      const auto req = in.ParseRest<v1::CreateGoalRequest>();
      Parent(req.parent());
      Resource(req.goal(), [](const st::Goal& g) { return st::ValidateGoal(g); });
      break;
    }
    case 8: {
      const auto req = in.ParseRest<v1::ListGoalsRequest>();
      Parent(req.parent());
      (void)cr::FromProto(req);
      RequireNoInternalError(st::PageSize(req.page_size()).status());
      break;
    }
    case 9: {
      const auto req = in.ParseRest<v1::CreateSessionRequest>();
      Parent(req.parent());
      Resource(req.session(), [](const st::Session& s) { return st::ValidateSession(s, kToday); });
      break;
    }
    default: {
      const auto req = in.ParseRest<v1::GetSessionRequest>();
      Child(req.name(), cr::kSessions);
      break;
    }
  }
  return 0;
}
