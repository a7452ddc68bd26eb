#include "tools/cli/participant.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "kompas/caserecord/v1/caserecord.grpc.pb.h"
#include "services/budget/income/engine.h"

namespace kompas::cli {
namespace {

namespace v1 = ::kompas::caserecord::v1;
using Stub = v1::CaseRecordService::Stub;

constexpr const char* kPillarKeys[] = {"family", "wellbeing", "education", "finance", "employment"};

absl::Status Usage(absl::string_view message) { return absl::InvalidArgumentError(message); }

std::string DateText(const kompas::type::v1::Date& d) {
  if (d.year() == 0) return "-";
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string StateText(v1::ParticipantState s) {
  switch (s) {
    case v1::PARTICIPANT_STATE_ACTIVE:
      return "active";
    case v1::PARTICIPANT_STATE_PAUSED:
      return "paused";
    case v1::PARTICIPANT_STATE_CLOSED:
      return "closed";
    default:
      return "-";
  }
}

std::string ModeText(v1::SessionMode m) {
  switch (m) {
    case v1::SESSION_MODE_IN_PERSON:
      return "in person";
    case v1::SESSION_MODE_HOME_VISIT:
      return "home visit";
    case v1::SESSION_MODE_PHONE:
      return "phone";
    case v1::SESSION_MODE_VIDEO:
      return "video";
    default:
      return "-";
  }
}

// The first line of a text, at most `max` characters (UTF-8 safe enough for display).
std::string Snippet(absl::string_view text, size_t max) {
  absl::string_view line = text.substr(0, text.find('\n'));
  if (line.size() <= max) return std::string(line);
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat(line.substr(0, cut), "…");
}

absl::StatusOr<int> ParseInt(const KeyValues& kv, const std::string& key) {
  int value = 0;
  if (!absl::SimpleAtoi(kv.at(key), &value)) {
    return Usage(absl::StrCat(key, ": must be a whole number"));
  }
  return value;
}

absl::StatusOr<kompas::type::v1::Date> RequiredDate(const KeyValues& kv, const std::string& key) {
  auto it = kv.find(key);
  if (it == kv.end()) return Usage(absl::StrCat(key, "=yyyy-mm-dd is required"));
  return ParseDate(it->second, key);
}

std::string Get(const KeyValues& kv, const std::string& key) {
  auto it = kv.find(key);
  return it == kv.end() ? "" : it->second;
}

// --- Calls --------------------------------------------------------------------------------------

class Client {
 public:
  Client(std::unique_ptr<Stub> stub, const StackFile& stack, const ParticipantOptions& options)
      : stub_(std::move(stub)), stack_(stack), options_(options) {}

  template <typename Req, typename Resp>
  absl::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                    const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
    ctx.AddMetadata("authorization", "Bearer " + stack_.token);
    if (!options_.actor.empty()) ctx.AddMetadata("x-kompas-actor", options_.actor);
    grpc::Status s = (stub_.get()->*method)(&ctx, req, resp);
    if (s.ok()) return absl::OkStatus();
    return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                        absl::StrCat("caserecord: ", s.error_message()));
  }

 private:
  std::unique_ptr<Stub> stub_;
  const StackFile& stack_;
  const ParticipantOptions& options_;
};

std::string Json(const google::protobuf::Message& m) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &json, options);
  return json;
}

// Positional resource name first, key=values after it.
struct Parsed {
  std::string name;
  KeyValues kv;
};

absl::StatusOr<Parsed> WithName(const std::vector<std::string>& rest, absl::string_view what,
                                const std::vector<std::string>& allowed) {
  if (rest.empty() || absl::StrContains(rest[0], '=')) {
    return Usage(absl::StrCat("give the ", what, " first"));
  }
  absl::StatusOr<KeyValues> kv =
      ParseKeyValues(std::vector<std::string>(rest.begin() + 1, rest.end()), allowed);
  if (!kv.ok()) return kv.status();
  return Parsed{rest[0], *std::move(kv)};
}

absl::Status Run(Client& client, const std::string& sub, const std::vector<std::string>& rest,
                 const ParticipantOptions& options, std::ostream& out) {
  if (sub == "create") {
    absl::StatusOr<KeyValues> kv =
        ParseKeyValues(rest, {"gemeente", "intake", "name", "phone", "email", "bsn", "mentor"});
    if (!kv.ok()) return kv.status();
    absl::StatusOr<v1::Participant> p = ParticipantFromArgs(*kv);
    if (!p.ok()) return p.status();
    v1::CreateParticipantRequest req;
    *req.mutable_participant() = *std::move(p);
    v1::Participant resp;
    if (absl::Status s = client.Call(&Stub::CreateParticipant, req, &resp); !s.ok()) return s;
    out << (options.json ? Json(resp) : FormatParticipant(resp));
    return absl::OkStatus();
  }
  if (sub == "list") {
    absl::StatusOr<KeyValues> kv =
        ParseKeyValues(rest, {"mentor", "state", "pillar", "max_level", "no_session_days"});
    if (!kv.ok()) return kv.status();
    absl::StatusOr<v1::ListParticipantsRequest> req = CaseloadFromArgs(*kv);
    if (!req.ok()) return req.status();
    req->set_page_size(500);
    std::vector<v1::Participant> all;
    v1::ListParticipantsResponse page;
    do {
      page.Clear();
      if (absl::Status s = client.Call(&Stub::ListParticipants, *req, &page); !s.ok()) return s;
      all.insert(all.end(), page.participants().begin(), page.participants().end());
      req->set_page_token(page.next_page_token());
    } while (!page.next_page_token().empty());
    if (options.json) {
      v1::ListParticipantsResponse whole;
      for (v1::Participant& p : all) *whole.add_participants() = std::move(p);
      out << Json(whole);
    } else {
      out << FormatCaseload(all);
    }
    return absl::OkStatus();
  }
  if (sub == "show") {
    absl::StatusOr<Parsed> parsed = WithName(rest, "participant (participants/ID)", {});
    if (!parsed.ok()) return parsed.status();
    v1::GetParticipantRequest req;
    req.set_name(parsed->name);
    v1::Participant resp;
    if (absl::Status s = client.Call(&Stub::GetParticipant, req, &resp); !s.ok()) return s;
    out << (options.json ? Json(resp) : FormatParticipant(resp));
    return absl::OkStatus();
  }
  if (sub == "assess") {
    std::vector<std::string> allowed = {"date", "notes"};
    allowed.insert(allowed.end(), std::begin(kPillarKeys), std::end(kPillarKeys));
    absl::StatusOr<Parsed> parsed = WithName(rest, "participant (participants/ID)", allowed);
    if (!parsed.ok()) return parsed.status();
    absl::StatusOr<v1::Assessment> a = AssessmentFromArgs(parsed->kv);
    if (!a.ok()) return a.status();
    v1::CreateAssessmentRequest req;
    req.set_parent(parsed->name);
    *req.mutable_assessment() = *std::move(a);
    v1::Assessment resp;
    if (absl::Status s = client.Call(&Stub::CreateAssessment, req, &resp); !s.ok()) return s;
    if (options.json) {
      out << Json(resp);
    } else {
      out << resp.name() << "\n"
          << "Bridge score " << resp.total_score() << " of 25 on "
          << DateText(resp.assessment_date()) << "\n";
    }
    return absl::OkStatus();
  }
  if (sub == "goal") {
    absl::StatusOr<Parsed> parsed = WithName(rest, "participant (participants/ID)",
                                             {"pillar", "title", "by", "done_when", "reward"});
    if (!parsed.ok()) return parsed.status();
    absl::StatusOr<v1::Goal> g = GoalFromArgs(parsed->kv);
    if (!g.ok()) return g.status();
    v1::CreateGoalRequest req;
    req.set_parent(parsed->name);
    *req.mutable_goal() = *std::move(g);
    v1::Goal resp;
    if (absl::Status s = client.Call(&Stub::CreateGoal, req, &resp); !s.ok()) return s;
    if (options.json) {
      out << Json(resp);
    } else {
      out << resp.name() << "\n"
          << PillarShortName(resp.pillar()) << ": " << resp.title() << " (by "
          << DateText(resp.target_date()) << ")\n";
    }
    return absl::OkStatus();
  }
  if (sub == "step" || sub == "done") {
    const bool add = sub == "step";
    absl::StatusOr<Parsed> parsed =
        WithName(rest, "goal (participants/ID/goals/GID)",
                 add ? std::vector<std::string>{"title", "by", "done_when", "reward"}
                     : std::vector<std::string>{"step", "date"});
    if (!parsed.ok()) return parsed.status();
    v1::GetGoalRequest get;
    get.set_name(parsed->name);
    v1::Goal goal;
    if (absl::Status s = client.Call(&Stub::GetGoal, get, &goal); !s.ok()) return s;
    v1::UpdateGoalRequest req;
    *req.mutable_goal() = goal;  // with its etag: a concurrent change → ABORTED, not lost
    req.mutable_update_mask()->add_paths("steps");
    if (add) {
      absl::StatusOr<v1::GoalStep> step = StepFromArgs(parsed->kv);
      if (!step.ok()) return step.status();
      *req.mutable_goal()->add_steps() = *std::move(step);
    } else {
      const std::string id = Get(parsed->kv, "step");
      if (id.empty()) return Usage("step=STEP_ID is required (see `show`/`timeline --json`)");
      auto* steps = req.mutable_goal()->mutable_steps();
      auto it = std::find_if(steps->begin(), steps->end(),
                             [&](const v1::GoalStep& s) { return s.step_id() == id; });
      if (it == steps->end()) return absl::NotFoundError(absl::StrCat("no step ", id));
      absl::StatusOr<kompas::type::v1::Date> date =
          ParseDate(parsed->kv.count("date") ? parsed->kv.at("date") : options.today, "date");
      if (!date.ok()) return date.status();
      it->set_done(true);
      *it->mutable_done_date() = *date;
    }
    v1::Goal resp;
    if (absl::Status s = client.Call(&Stub::UpdateGoal, req, &resp); !s.ok()) return s;
    if (options.json) {
      out << Json(resp);
    } else {
      out << resp.name() << "\n";
      for (const v1::GoalStep& s : resp.steps()) {
        out << absl::StrFormat("  [%s] %s (by %s)  step=%s\n", s.done() ? "x" : " ", s.title(),
                               DateText(s.due_date()), s.step_id());
      }
    }
    return absl::OkStatus();
  }
  if (sub == "session") {
    absl::StatusOr<Parsed> parsed = WithName(rest, "participant (participants/ID)",
                                             {"date", "minutes", "mode", "pillars", "notes"});
    if (!parsed.ok()) return parsed.status();
    absl::StatusOr<v1::Session> session = SessionFromArgs(parsed->kv);
    if (!session.ok()) return session.status();
    v1::CreateSessionRequest req;
    req.set_parent(parsed->name);
    *req.mutable_session() = *std::move(session);
    v1::Session resp;
    if (absl::Status s = client.Call(&Stub::CreateSession, req, &resp); !s.ok()) return s;
    if (options.json) {
      out << Json(resp);
    } else {
      out << resp.name() << "\n"
          << DateText(resp.session_date()) << ", " << resp.duration_minutes() << " min, "
          << ModeText(resp.mode()) << "\n";
    }
    return absl::OkStatus();
  }
  if (sub == "timeline") {
    absl::StatusOr<Parsed> parsed = WithName(rest, "participant (participants/ID)", {});
    if (!parsed.ok()) return parsed.status();
    v1::GetTimelineRequest req;
    req.set_participant(parsed->name);
    req.set_page_size(1000);
    v1::GetTimelineResponse whole;
    v1::GetTimelineResponse page;
    do {
      page.Clear();
      if (absl::Status s = client.Call(&Stub::GetTimeline, req, &page); !s.ok()) return s;
      for (const v1::TimelineEntry& e : page.entries()) *whole.add_entries() = e;
      req.set_page_token(page.next_page_token());
    } while (!page.next_page_token().empty());
    if (options.json) {
      out << Json(whole);
    } else {
      out << FormatTimeline({whole.entries().begin(), whole.entries().end()});
    }
    return absl::OkStatus();
  }
  if (sub == "snapshot") {
    // Saves a compass answer: the income of the household in FILE (kind=income, the default) or
    // the Career Compass for its first adult (kind=match, hours= available per week).
    absl::StatusOr<Parsed> parsed = WithName(rest, "participant (participants/ID)",
                                             {"household", "label", "kind", "hours", "education"});
    if (!parsed.ok()) return parsed.status();
    const std::string path =
        parsed->kv.count("household") ? parsed->kv.at("household") : options.household;
    if (path.empty()) return Usage("household=FILE.json is required (see examples/)");
    std::ifstream in(path);
    if (!in) return Usage(absl::StrCat("household: cannot read ", path));
    std::stringstream text;
    text << in.rdbuf();
    kompas::type::v1::Household household;
    if (auto s = google::protobuf::util::JsonStringToMessage(text.str(), &household); !s.ok()) {
      return Usage(absl::StrCat("household: ", path, ": ", s.message().as_string()));
    }
    v1::CreateCompassSnapshotRequest req;
    req.set_parent(ParticipantNameArg(parsed->name));
    v1::CompassSnapshot* snapshot = req.mutable_compass_snapshot();
    snapshot->set_label(Get(parsed->kv, "label"));
    const std::string kind = parsed->kv.count("kind") ? parsed->kv.at("kind") : "income";
    if (kind == "income") {
      *snapshot->mutable_income_request()->mutable_household() = std::move(household);
    } else if (kind == "match") {
      int hours = 32;
      if (parsed->kv.count("hours")) {
        absl::StatusOr<int> h = ParseInt(parsed->kv, "hours");
        if (!h.ok()) return h.status();
        hours = *h;
      }
      int education = 2;  // the highest completed NLQF level, 0 = none
      if (parsed->kv.count("education")) {
        absl::StatusOr<int> e = ParseInt(parsed->kv, "education");
        if (!e.ok()) return e.status();
        if (*e < 0 || *e > 8) return Usage("education: must be an NLQF level 1..8, or 0 for none");
        education = *e;
      }
      kompas::matching::v1::MatchProfile* profile = snapshot->mutable_match_profile();
      profile->set_education_level(static_cast<kompas::catalog::v1::EducationLevel>(education + 1));
      *profile->mutable_household() = std::move(household);
      profile->set_job_seeker(1);
      profile->set_available_minutes_per_week(hours * 60);
      profile->set_max_training_months(24);
    } else {
      return Usage("kind: must be income or match");
    }
    v1::CompassSnapshot resp;
    if (absl::Status s = client.Call(&Stub::CreateCompassSnapshot, req, &resp); !s.ok()) return s;
    if (options.json) {
      out << Json(resp);
    } else {
      out << resp.name() << "\n"
          << (resp.label().empty() ? "" : absl::StrCat(resp.label(), ": ")) << "margin "
          << kompas::budget::FormatEuro(resp.margin().cents()) << " a month, "
          << (resp.has_match_result() ? "best job " : "")
          << (resp.lonend() ? "lonend" : "not lonend") << " (rules " << resp.rule_set_id().value()
          << (resp.data_version().empty() ? "" : absl::StrCat(", data ", resp.data_version()))
          << ")\n";
    }
    return absl::OkStatus();
  }
  if (sub == "export") {
    // An AVG access request: everything held about the participant, always as JSON.
    absl::StatusOr<Parsed> parsed = WithName(rest, "participant (participants/ID)", {});
    if (!parsed.ok()) return parsed.status();
    v1::ExportParticipantRequest req;
    req.set_name(ParticipantNameArg(parsed->name));
    v1::ExportParticipantResponse resp;
    if (absl::Status s = client.Call(&Stub::ExportParticipant, req, &resp); !s.ok()) return s;
    out << Json(resp);
    return absl::OkStatus();
  }
  if (sub == "erase") {
    absl::StatusOr<Parsed> parsed = WithName(rest, "participant (participants/ID)", {"reason"});
    if (!parsed.ok()) return parsed.status();
    const std::string reason_text =
        parsed->kv.count("reason") ? parsed->kv.at("reason") : options.reason;
    absl::StatusOr<v1::ErasureReason> reason = ParseErasureReason(reason_text);
    if (!reason.ok()) return reason.status();
    v1::EraseParticipantRequest req;
    req.set_name(ParticipantNameArg(parsed->name));
    req.set_reason(*reason);
    v1::EraseParticipantResponse resp;
    if (absl::Status s = client.Call(&Stub::EraseParticipant, req, &resp); !s.ok()) return s;
    if (options.json) {
      out << Json(resp);
    } else {
      out << "erased " << resp.name() << ": " << resp.resources_erased()
          << " resources deleted, its data key destroyed; the access log stays\n";
    }
    return absl::OkStatus();
  }
  return Usage(absl::StrCat(
      "unknown subcommand '", sub,
      "': create, list, show, assess, goal, step, done, session, timeline, snapshot, export, "
      "erase"));
}

}  // namespace

std::string ParticipantNameArg(absl::string_view text) {
  if (absl::StartsWith(text, "participants/")) return std::string(text);
  return absl::StrCat("participants/", text);
}

absl::StatusOr<v1::ErasureReason> ParseErasureReason(absl::string_view text) {
  if (text == "participant-request") return v1::ERASURE_REASON_PARTICIPANT_REQUEST;
  if (text == "retention-expired") return v1::ERASURE_REASON_RETENTION_EXPIRED;
  if (text == "recorded-in-error") return v1::ERASURE_REASON_RECORDED_IN_ERROR;
  return Usage(
      "--reason: must be participant-request, retention-expired or recorded-in-error "
      "(erasure is irreversible: say why)");
}

// --- Parsing ------------------------------------------------------------------------------------

absl::StatusOr<KeyValues> ParseKeyValues(const std::vector<std::string>& words,
                                         const std::vector<std::string>& allowed) {
  KeyValues kv;
  for (const std::string& word : words) {
    const size_t eq = word.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Usage(absl::StrCat("'", word, "': expected key=value"));
    }
    const std::string key = word.substr(0, eq);
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return Usage(absl::StrCat("unknown key '", key, "'; known: ", absl::StrJoin(allowed, ", ")));
    }
    if (!kv.emplace(key, word.substr(eq + 1)).second) {
      return Usage(absl::StrCat("key '", key, "' given twice"));
    }
  }
  return kv;
}

absl::StatusOr<kompas::type::v1::Date> ParseDate(absl::string_view text, absl::string_view key) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  int y = 0, m = 0, d = 0;
  if (parts.size() != 3 || parts[0].size() != 4 || !absl::SimpleAtoi(parts[0], &y) ||
      !absl::SimpleAtoi(parts[1], &m) || !absl::SimpleAtoi(parts[2], &d) || m < 1 || m > 12 ||
      d < 1 || d > 31) {
    return Usage(absl::StrCat(key, ": must be a date yyyy-mm-dd"));
  }
  kompas::type::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

absl::StatusOr<v1::Pillar> ParsePillar(absl::string_view text) {
  const std::string t = absl::AsciiStrToLower(text);
  static const std::pair<const char*, v1::Pillar> kNames[] = {
      {"family", v1::PILLAR_FAMILY_STABILITY},
      {"family_stability", v1::PILLAR_FAMILY_STABILITY},
      {"wellbeing", v1::PILLAR_WELL_BEING},
      {"well_being", v1::PILLAR_WELL_BEING},
      {"education", v1::PILLAR_EDUCATION_TRAINING},
      {"education_training", v1::PILLAR_EDUCATION_TRAINING},
      {"finance", v1::PILLAR_FINANCIAL_MANAGEMENT},
      {"financial_management", v1::PILLAR_FINANCIAL_MANAGEMENT},
      {"employment", v1::PILLAR_EMPLOYMENT_CAREER},
      {"employment_career", v1::PILLAR_EMPLOYMENT_CAREER},
  };
  for (const auto& [name, pillar] : kNames) {
    if (t == name || t == absl::StrCat("pillar_", name)) return pillar;
  }
  return Usage(absl::StrCat("'", text,
                            "' is no pillar: family, wellbeing, education, finance, "
                            "employment"));
}

std::string PillarShortName(v1::Pillar pillar) {
  const int i = static_cast<int>(pillar);
  return i >= 1 && i <= 5 ? kPillarKeys[i - 1] : "-";
}

absl::StatusOr<v1::Participant> ParticipantFromArgs(const KeyValues& kv) {
  v1::Participant p;
  p.set_gemeente_code(absl::AsciiStrToUpper(Get(kv, "gemeente")));
  if (p.gemeente_code().empty()) return Usage("gemeente=GM0014 is required");
  absl::StatusOr<kompas::type::v1::Date> intake = RequiredDate(kv, "intake");
  if (!intake.ok()) return intake.status();
  *p.mutable_intake_date() = *intake;
  p.set_display_name(Get(kv, "name"));
  if (kv.count("phone")) p.mutable_contact()->set_phone(kv.at("phone"));
  if (kv.count("email")) p.mutable_contact()->set_email(kv.at("email"));
  p.set_bsn(Get(kv, "bsn"));
  p.set_mentor(Get(kv, "mentor"));
  return p;
}

absl::StatusOr<v1::Assessment> AssessmentFromArgs(const KeyValues& kv) {
  v1::Assessment a;
  absl::StatusOr<kompas::type::v1::Date> date = RequiredDate(kv, "date");
  if (!date.ok()) return date.status();
  *a.mutable_assessment_date() = *date;
  for (int i = 0; i < 5; ++i) {
    const std::string key = kPillarKeys[i];
    if (!kv.count(key)) {
      return Usage(absl::StrCat(key, "=1..5 is required (every pillar is assessed: ",
                                absl::StrJoin(kPillarKeys, ", "), ")"));
    }
    absl::StatusOr<int> level = ParseInt(kv, key);
    if (!level.ok()) return level.status();
    v1::PillarLevel* l = a.add_levels();
    l->set_pillar(static_cast<v1::Pillar>(i + 1));
    l->set_level(*level);  // the range is the service's to check (and name)
  }
  a.set_notes(Get(kv, "notes"));
  return a;
}

absl::StatusOr<v1::Goal> GoalFromArgs(const KeyValues& kv) {
  v1::Goal g;
  if (!kv.count("pillar")) return Usage("pillar=… is required");
  absl::StatusOr<v1::Pillar> pillar = ParsePillar(kv.at("pillar"));
  if (!pillar.ok()) return pillar.status();
  g.set_pillar(*pillar);
  g.set_title(Get(kv, "title"));
  if (g.title().empty()) return Usage("title=… is required");
  absl::StatusOr<kompas::type::v1::Date> by = RequiredDate(kv, "by");
  if (!by.ok()) return by.status();
  *g.mutable_target_date() = *by;
  g.set_done_when(Get(kv, "done_when"));
  g.set_reward(Get(kv, "reward"));
  return g;
}

absl::StatusOr<v1::GoalStep> StepFromArgs(const KeyValues& kv) {
  v1::GoalStep s;
  s.set_title(Get(kv, "title"));
  if (s.title().empty()) return Usage("title=… is required");
  absl::StatusOr<kompas::type::v1::Date> by = RequiredDate(kv, "by");
  if (!by.ok()) return by.status();
  *s.mutable_due_date() = *by;
  s.set_done_when(Get(kv, "done_when"));
  s.set_reward(Get(kv, "reward"));
  return s;
}

absl::StatusOr<v1::Session> SessionFromArgs(const KeyValues& kv) {
  v1::Session s;
  absl::StatusOr<kompas::type::v1::Date> date = RequiredDate(kv, "date");
  if (!date.ok()) return date.status();
  *s.mutable_session_date() = *date;
  if (!kv.count("minutes")) return Usage("minutes=… is required");
  absl::StatusOr<int> minutes = ParseInt(kv, "minutes");
  if (!minutes.ok()) return minutes.status();
  s.set_duration_minutes(*minutes);
  const std::string mode = absl::AsciiStrToLower(Get(kv, "mode"));
  if (mode.empty() || mode == "in_person") {
    s.set_mode(v1::SESSION_MODE_IN_PERSON);
  } else if (mode == "home_visit") {
    s.set_mode(v1::SESSION_MODE_HOME_VISIT);
  } else if (mode == "phone") {
    s.set_mode(v1::SESSION_MODE_PHONE);
  } else if (mode == "video") {
    s.set_mode(v1::SESSION_MODE_VIDEO);
  } else {
    return Usage("mode: must be in_person, home_visit, phone or video");
  }
  for (absl::string_view name : absl::StrSplit(Get(kv, "pillars"), ',', absl::SkipEmpty())) {
    absl::StatusOr<v1::Pillar> pillar = ParsePillar(name);
    if (!pillar.ok()) return pillar.status();
    s.add_pillars(*pillar);
  }
  s.set_notes(Get(kv, "notes"));
  return s;
}

absl::StatusOr<v1::ListParticipantsRequest> CaseloadFromArgs(const KeyValues& kv) {
  v1::ListParticipantsRequest req;
  req.set_mentor(Get(kv, "mentor"));
  const std::string state = absl::AsciiStrToLower(Get(kv, "state"));
  if (state == "active") {
    req.set_state(v1::PARTICIPANT_STATE_ACTIVE);
  } else if (state == "paused") {
    req.set_state(v1::PARTICIPANT_STATE_PAUSED);
  } else if (state == "closed") {
    req.set_state(v1::PARTICIPANT_STATE_CLOSED);
  } else if (!state.empty()) {
    return Usage("state: must be active, paused or closed");
  }
  if (kv.count("pillar") != kv.count("max_level")) {
    return Usage("pillar=… and max_level=1..5 go together");
  }
  if (kv.count("pillar")) {
    absl::StatusOr<v1::Pillar> pillar = ParsePillar(kv.at("pillar"));
    if (!pillar.ok()) return pillar.status();
    req.set_pillar(*pillar);
    absl::StatusOr<int> level = ParseInt(kv, "max_level");
    if (!level.ok()) return level.status();
    req.set_max_pillar_level(*level);
  }
  if (kv.count("no_session_days")) {
    absl::StatusOr<int> days = ParseInt(kv, "no_session_days");
    if (!days.ok()) return days.status();
    req.set_min_days_without_session(*days);
  }
  return req;
}

// --- Formatting ---------------------------------------------------------------------------------

std::string FormatParticipant(const v1::Participant& p) {
  std::string out = absl::StrCat(p.name(), "\n");
  absl::StrAppend(&out, "  name shown   ", p.display_name().empty() ? "-" : p.display_name(), "\n");
  absl::StrAppend(&out, "  mentor       ", p.mentor().empty() ? "-" : p.mentor(), "\n");
  absl::StrAppend(&out, "  state        ", StateText(p.state()), "\n");
  absl::StrAppend(&out, "  gemeente     ", p.gemeente_code(), "\n");
  absl::StrAppend(&out, "  intake       ", DateText(p.intake_date()), "\n");
  if (p.has_close_date()) absl::StrAppend(&out, "  closed       ", DateText(p.close_date()), "\n");
  absl::StrAppend(&out, "  BSN on file  ", p.bsn_on_file() ? "yes" : "no", "\n");
  return out;
}

std::string FormatCaseload(const std::vector<v1::Participant>& participants) {
  std::string out = absl::StrFormat("%-36s %-24s %-14s %-7s %s\n", "PARTICIPANT", "NAME SHOWN",
                                    "MENTOR", "STATE", "INTAKE");
  for (const v1::Participant& p : participants) {
    absl::StrAppend(&out, absl::StrFormat("%-36s %-24s %-14s %-7s %s\n", p.name(),
                                          Snippet(p.display_name(), 24), Snippet(p.mentor(), 14),
                                          StateText(p.state()), DateText(p.intake_date())));
  }
  absl::StrAppend(&out, participants.size(),
                  participants.size() == 1 ? " participant\n" : " participants\n");
  return out;
}

std::string FormatTimeline(const std::vector<v1::TimelineEntry>& entries) {
  std::string out;
  for (const v1::TimelineEntry& e : entries) {
    std::string kind;
    std::string what;
    switch (e.item_case()) {
      case v1::TimelineEntry::kConsent: {
        const v1::Consent& c = e.consent();
        kind = "consent";
        what = absl::StrCat(c.purpose() == v1::CONSENT_PURPOSE_NETWORK_EVALUATION
                                ? "network evaluation"
                                : "keep the record",
                            c.state() == v1::CONSENT_STATE_WITHDRAWN
                                ? absl::StrCat(", withdrawn ", DateText(c.withdraw_date()))
                                : ", given");
        break;
      }
      case v1::TimelineEntry::kAssessment: {
        const v1::Assessment& a = e.assessment();
        kind = "assessment";
        std::vector<std::string> levels;
        for (const v1::PillarLevel& l : a.levels()) {
          levels.push_back(absl::StrCat(PillarShortName(l.pillar()), " ", l.level()));
        }
        what = absl::StrCat("Bridge ", a.total_score(), "/25 (", absl::StrJoin(levels, ", "), ")");
        break;
      }
      case v1::TimelineEntry::kGoal: {
        const v1::Goal& g = e.goal();
        kind = "goal";
        const auto done = std::count_if(g.steps().begin(), g.steps().end(),
                                        [](const v1::GoalStep& s) { return s.done(); });
        what = absl::StrCat(PillarShortName(g.pillar()), ": ", Snippet(g.title(), 40), " (by ",
                            DateText(g.target_date()), ", ", done, "/", g.steps_size(),
                            " steps done)");
        break;
      }
      case v1::TimelineEntry::kSession: {
        const v1::Session& s = e.session();
        kind = "session";
        std::vector<std::string> pillars;
        for (const int p : s.pillars())
          pillars.push_back(PillarShortName(static_cast<v1::Pillar>(p)));
        what = absl::StrCat(
            s.duration_minutes(), " min ", ModeText(s.mode()),
            pillars.empty() ? "" : absl::StrCat(" [", absl::StrJoin(pillars, ", "), "]"),
            s.notes().empty() ? "" : absl::StrCat(": ", Snippet(s.notes(), 50)));
        break;
      }
      case v1::TimelineEntry::kCompassSnapshot: {
        const v1::CompassSnapshot& c = e.compass_snapshot();
        kind = "snapshot";
        what = absl::StrCat(c.label().empty() ? "(no label)" : Snippet(c.label(), 30), ": margin ",
                            kompas::budget::FormatEuro(c.margin().cents()), " a month, ",
                            c.lonend() ? "lonend" : "not lonend");
        break;
      }
      case v1::TimelineEntry::kOutcome: {
        const v1::Outcome& o = e.outcome();
        kind = "outcome";
        absl::string_view type = v1::OutcomeType_Name(o.type());
        absl::ConsumePrefix(&type, "OUTCOME_TYPE_");
        what = absl::AsciiStrToLower(type);
        if (o.has_job()) {
          absl::StrAppend(&what, " ", o.job().occupation(), " ", o.job().minutes_per_week() / 60,
                          " h/week");
        }
        break;
      }
      default:
        kind = "other";
        break;
    }
    absl::StrAppend(&out, absl::StrFormat("%s  %-10s  %s\n", DateText(e.entry_date()), kind, what));
  }
  if (entries.empty()) out = "nothing recorded yet\n";
  return out;
}

int RunParticipant(const StackFile& stack, const std::vector<std::string>& args,
                   const ParticipantOptions& options, std::ostream& out, std::ostream& err) {
  if (args.empty()) {
    err << "kompas participant: give a subcommand: create, list, show, assess, goal, step, done, "
           "session, timeline, snapshot, export, erase\n";
    return 2;
  }
  auto it = stack.services.find("caserecord");
  if (it == stack.services.end()) {
    err << "kompas participant: the stack names no caserecord service\n";
    return 2;
  }
  ParticipantOptions opts = options;
  if (opts.today.empty()) {
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::LocalTimeZone());
    opts.today = absl::FormatCivilTime(today);
  }
  Client client(v1::CaseRecordService::NewStub(
                    grpc::CreateChannel(it->second, grpc::InsecureChannelCredentials())),
                stack, opts);
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  absl::Status s = Run(client, args[0], rest, opts, out);
  if (s.ok()) return 0;
  err << "kompas participant " << args[0] << ": " << s.message() << "\n";
  // A usage error found here is the caller's; one the service reports is a failed call.
  return absl::IsInvalidArgument(s) && !absl::StartsWith(s.message(), "caserecord: ") ? 2 : 1;
}

}  // namespace kompas::cli
