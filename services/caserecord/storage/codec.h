// The sealed payloads: a resource's content as JSON, before encryption with the participant's
// data key. Internal to the storage library. Metadata (ids, times, etag) lives in columns and
// is not part of the payload.
#ifndef KOMPAS_SERVICES_CASERECORD_STORAGE_CODEC_H_
#define KOMPAS_SERVICES_CASERECORD_STORAGE_CODEC_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/caserecord/storage/types.h"

namespace kompas::caserecord::storage {

// Participant: display name and contact only.
std::string ToPayload(const Participant& p);
std::string ToPayload(const Consent& c);
std::string ToPayload(const Assessment& a);
std::string ToPayload(const Goal& g);
std::string ToPayload(const Session& s);
// Question and answer (protobuf bytes) as base64.
std::string ToPayload(const CompassSnapshot& s);
std::string ToPayload(const Outcome& o);

// DATA_LOSS when the payload is malformed. Fill only the payload's fields of `out`.
absl::Status FromPayload(absl::string_view json, Participant* out);
absl::Status FromPayload(absl::string_view json, Consent* out);
absl::Status FromPayload(absl::string_view json, Assessment* out);
absl::Status FromPayload(absl::string_view json, Goal* out);
absl::Status FromPayload(absl::string_view json, Session* out);
absl::Status FromPayload(absl::string_view json, CompassSnapshot* out);
absl::Status FromPayload(absl::string_view json, Outcome* out);

}  // namespace kompas::caserecord::storage

#endif  // KOMPAS_SERVICES_CASERECORD_STORAGE_CODEC_H_
