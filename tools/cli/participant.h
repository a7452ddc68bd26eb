// `kompas participant …`: a mentor's day against the case-record service — register a
// participant, record a Bridge assessment, set a goal and its steps, log a session, and look at
// the caseload and one participant's timeline.
//
// Arguments after the subcommand are key=value pairs (quote values with spaces in the shell):
//   kompas participant create gemeente=GM0014 intake=2026-03-02 name="Fatima" [phone= email=
//                             bsn= mentor=]
//   kompas participant list [mentor=ID] [state=active|paused|closed] [pillar=P max_level=N]
//                           [no_session_days=N]
//   kompas participant show participants/ID
//   kompas participant assess participants/ID date=2026-03-02 family=3 wellbeing=2
//                             education=4 finance=2 employment=1 [notes=…]
//   kompas participant goal participants/ID pillar=employment title="…" by=2026-09-01
//                           [done_when=… reward=…]
//   kompas participant step participants/ID/goals/GID title="…" by=2026-04-01 [done_when=…]
//   kompas participant done participants/ID/goals/GID step=STEP_ID [date=2026-04-02]
//   kompas participant session participants/ID date=2026-03-09 minutes=45 [mode=in_person|
//                              home_visit|phone|video] [pillars=employment,finance] [notes=…]
//   kompas participant timeline participants/ID
//   kompas participant snapshot participants/ID household=FILE.json [label=…] [kind=income|
//                               match] [hours=32] [education=2]   (a saved compass answer; the
//                               token needs the compass scope too)
//   kompas participant export participants/ID        (everything, decrypted, as JSON: an AVG
//                                                     access request)
//   kompas participant erase participants/ID --reason=participant-request|retention-expired|
//                                                     recorded-in-error   (irreversible)
// A participant may also be given by its id alone ("ID" for "participants/ID").
// Pillars: family, wellbeing, education, finance, employment.
#ifndef KOMPAS_TOOLS_CLI_PARTICIPANT_H_
#define KOMPAS_TOOLS_CLI_PARTICIPANT_H_

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "kompas/caserecord/v1/caserecord.pb.h"
#include "tools/cli/stack_file.h"

namespace kompas::cli {

struct ParticipantOptions {
  absl::Duration timeout = absl::Seconds(3);
  bool json = false;      // print the answer as JSON
  std::string actor;      // sent as x-kompas-actor (the mentor's pseudonymous id); may be empty
  std::string today;      // yyyy-mm-dd for defaults; empty = the local date
  std::string reason;     // erase: --reason (or reason= after the name)
  std::string household;  // snapshot: --household (or household= after the name)
};

// Runs `kompas participant <args…>`; returns the exit code (0 ok, 1 the call failed, 2 usage).
int RunParticipant(const StackFile& stack, const std::vector<std::string>& args,
                   const ParticipantOptions& options, std::ostream& out, std::ostream& err);

// --- Parsing and formatting (tested without a service) ---------------------------------------

using KeyValues = std::map<std::string, std::string>;

// "key=value" words; INVALID_ARGUMENT naming the word when it has no '=' or a key repeats, or
// the key is not in `allowed`.
absl::StatusOr<KeyValues> ParseKeyValues(const std::vector<std::string>& words,
                                         const std::vector<std::string>& allowed);
// "2026-03-02" → a date; INVALID_ARGUMENT naming `key`.
absl::StatusOr<kompas::type::v1::Date> ParseDate(absl::string_view text, absl::string_view key);
// "employment" (or "employment_career", "PILLAR_EMPLOYMENT_CAREER") → the pillar.
absl::StatusOr<kompas::caserecord::v1::Pillar> ParsePillar(absl::string_view text);
// The short name: PILLAR_EMPLOYMENT_CAREER → "employment".
std::string PillarShortName(kompas::caserecord::v1::Pillar pillar);

absl::StatusOr<kompas::caserecord::v1::Participant> ParticipantFromArgs(const KeyValues& kv);
absl::StatusOr<kompas::caserecord::v1::Assessment> AssessmentFromArgs(const KeyValues& kv);
absl::StatusOr<kompas::caserecord::v1::Goal> GoalFromArgs(const KeyValues& kv);
absl::StatusOr<kompas::caserecord::v1::GoalStep> StepFromArgs(const KeyValues& kv);
absl::StatusOr<kompas::caserecord::v1::Session> SessionFromArgs(const KeyValues& kv);
absl::StatusOr<kompas::caserecord::v1::ListParticipantsRequest> CaseloadFromArgs(
    const KeyValues& kv);

// "participants/ID" as given, or "ID" → "participants/ID".
std::string ParticipantNameArg(absl::string_view text);
// participant-request | retention-expired | recorded-in-error; INVALID_ARGUMENT naming --reason.
absl::StatusOr<kompas::caserecord::v1::ErasureReason> ParseErasureReason(absl::string_view text);

std::string FormatParticipant(const kompas::caserecord::v1::Participant& p);
std::string FormatCaseload(const std::vector<kompas::caserecord::v1::Participant>& participants);
std::string FormatTimeline(const std::vector<kompas::caserecord::v1::TimelineEntry>& entries);

}  // namespace kompas::cli

#endif  // KOMPAS_TOOLS_CLI_PARTICIPANT_H_
