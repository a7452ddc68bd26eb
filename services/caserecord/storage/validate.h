// Validation of the case record's resources: one INVALID_ARGUMENT per broken rule, naming the
// field as the API does ("session.notes: must be at most 65536 bytes") and never echoing the
// value (it may be personal data). Internal to the storage library; the store validates every
// input, so the gRPC layer need not repeat it.
#ifndef KOMPAS_SERVICES_CASERECORD_STORAGE_VALIDATE_H_
#define KOMPAS_SERVICES_CASERECORD_STORAGE_VALIDATE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/caserecord/storage/store.h"
#include "services/caserecord/storage/types.h"

namespace kompas::caserecord::storage {

inline constexpr size_t kMaxNotesBytes = 65536;
// A snapshot's question or answer (serialized protobuf), at most this many bytes each.
inline constexpr size_t kMaxSnapshotPartBytes = 4 * 1024 * 1024;

bool IsValidDate(const Date& date);
// The number of UTF-8 code points in `s`.
size_t Utf8Length(absl::string_view s);

absl::Status CheckContext(const CallContext& ctx);
// `today` decides "not in the future".
absl::Status ValidateParticipant(const Participant& p);
absl::Status ValidateConsent(const Consent& c, const Date& today);
absl::Status ValidateAssessment(const Assessment& a, const Date& today);
absl::Status ValidateGoal(const Goal& g);
absl::Status ValidateSession(const Session& s, const Date& today);
// The store fills question, answer and the figures from a real answer; the label is the caller's.
absl::Status ValidateSnapshot(const CompassSnapshot& s);
absl::Status ValidateOutcome(const Outcome& o, const Date& today);
absl::Status ValidateFilter(const ParticipantFilter& filter);
// The mask names only fields in `updatable` (or is "*"); INVALID_ARGUMENT naming update_mask.
absl::Status ValidateMask(const FieldMask& mask,
                          std::initializer_list<absl::string_view> updatable);
bool MaskHas(const FieldMask& mask, absl::string_view field);
// 0 → 50; 1..1000 as is; else INVALID_ARGUMENT naming page_size.
absl::StatusOr<int> PageSize(int32_t page_size);

}  // namespace kompas::caserecord::storage

#endif  // KOMPAS_SERVICES_CASERECORD_STORAGE_VALIDATE_H_
