#include "services/caserecord/storage/validate.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/caserecord/storage/crypto.h"
#include "services/common/netherlands_time.h"
#include "services/common/validation.h"

namespace kompas::caserecord::storage {
namespace {

// The mentor is a pseudonymous actor id (as x-kompas-actor), never a name: 1-64 characters of
// A-Z, a-z, 0-9, '-', '_', '.', ':'; empty = none.
absl::Status CheckMentor(absl::string_view mentor) {
  const bool ok = mentor.size() <= 64 && std::all_of(mentor.begin(), mentor.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
                  });
  if (ok) return absl::OkStatus();
  return InvalidField("participant.mentor",
                      "must be a pseudonymous id of at most 64 characters (A-Z, a-z, 0-9, "
                      "'-', '_', '.', ':'), never a name");
}

absl::Status MaxChars(absl::string_view field, absl::string_view value, size_t max) {
  if (Utf8Length(value) > max) {
    return InvalidField(field, absl::StrCat("must be at most ", max, " characters"));
  }
  return absl::OkStatus();
}

absl::Status RequiredChars(absl::string_view field, absl::string_view value, size_t max) {
  if (value.empty()) return InvalidField(field, "is required");
  return MaxChars(field, value, max);
}

absl::Status CheckDate(absl::string_view field, const Date& date, bool required) {
  if (date.empty()) return required ? InvalidField(field, "is required") : absl::OkStatus();
  if (!IsValidDate(date)) return InvalidField(field, "must be a valid calendar date");
  return absl::OkStatus();
}

absl::Status CheckPast(absl::string_view field, const Date& date, const Date& today) {
  if (absl::Status s = CheckDate(field, date, true); !s.ok()) return s;
  if (date.ToKey() > today.ToKey()) return InvalidField(field, "must not be in the future");
  return absl::OkStatus();
}

bool ValidPillar(Pillar p) {
  return static_cast<int32_t>(p) >= 1 && static_cast<int32_t>(p) <= kPillarCount;
}

}  // namespace

bool IsValidDate(const Date& d) {
  if (d.year < 1900 || d.year > 9999 || d.month < 1 || d.month > 12 || d.day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
  const int days = kDays[d.month - 1] + (d.month == 2 && leap ? 1 : 0);
  return d.day <= days;
}

size_t Utf8Length(absl::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

absl::Status CheckContext(const CallContext& ctx) {
  if (ctx.tenant.empty()) return InvalidField("tenant", "is required");
  return absl::OkStatus();
}

absl::Status ValidateParticipant(const Participant& p) {
  Validator v;
  v.Check(MaxChars("participant.display_name", p.display_name, 200))
      .Check(MaxChars("participant.contact.phone", p.contact.phone, 30))
      .Check(MaxChars("participant.contact.email", p.contact.email, 254))
      .Check(CheckMentor(p.mentor));
  if (!p.bsn.empty() && !IsValidBsn(p.bsn)) {
    v.Check(InvalidField("participant.bsn", "must be 9 digits that pass the elfproef"));
  }
  const auto state = static_cast<int32_t>(p.state);
  v.Check(CheckRange("participant.state", state, 0, 3));
  bool gemeente = p.gemeente_code.size() == 6 && p.gemeente_code.substr(0, 2) == "GM";
  for (size_t i = 2; gemeente && i < 6; ++i) {
    gemeente = absl::ascii_isdigit(static_cast<unsigned char>(p.gemeente_code[i]));
  }
  if (p.gemeente_code.empty()) {
    v.Check(InvalidField("participant.gemeente_code", "is required"));
  } else if (!gemeente) {
    v.Check(InvalidField("participant.gemeente_code", "must be a CBS code such as GM0014"));
  }
  v.Check(CheckDate("participant.intake_date", p.intake_date, true))
      .Check(CheckDate("participant.close_date", p.close_date, false));
  if (v.ok() && !p.close_date.empty() && p.close_date.ToKey() < p.intake_date.ToKey()) {
    v.Check(InvalidField("participant.close_date", "must not be before the intake date"));
  }
  return v.status();
}

absl::Status ValidateConsent(const Consent& c, const Date& today) {
  Validator v;
  const auto purpose = static_cast<int32_t>(c.purpose);
  if (purpose == 0) {
    v.Check(InvalidField("consent.purpose", "is required"));
  } else {
    v.Check(CheckRange("consent.purpose", purpose, 1, 2));
  }
  v.Check(CheckPast("consent.grant_date", c.grant_date, today))
      .Check(MaxChars("consent.evidence", c.evidence, 200));
  return v.status();
}

absl::Status ValidateAssessment(const Assessment& a, const Date& today) {
  Validator v;
  v.Check(CheckPast("assessment.assessment_date", a.assessment_date, today));
  if (a.levels.size() != kPillarCount) {
    v.Check(InvalidField("assessment.levels", "must hold each of the five pillars exactly once"));
  }
  bool seen[kPillarCount + 1] = {};
  for (size_t i = 0; i < a.levels.size(); ++i) {
    const PillarLevel& level = a.levels[i];
    const std::string path = Indexed("assessment.levels", i);
    if (!ValidPillar(level.pillar)) {
      v.Check(InvalidField(absl::StrCat(path, ".pillar"), "must be one of the five pillars"));
      continue;
    }
    const auto pillar = static_cast<size_t>(level.pillar);
    if (seen[pillar]) v.Check(InvalidField(absl::StrCat(path, ".pillar"), "is repeated"));
    seen[pillar] = true;
    v.Check(CheckRange(absl::StrCat(path, ".level"), level.level, 1, 5));
  }
  v.Check(CheckMaxLength("assessment.notes", a.notes, kMaxNotesBytes));
  return v.status();
}

absl::Status ValidateGoal(const Goal& g) {
  Validator v;
  if (g.pillar == Pillar::kUnspecified) {
    v.Check(InvalidField("goal.pillar", "is required"));
  } else if (!ValidPillar(g.pillar)) {
    v.Check(InvalidField("goal.pillar", "must be one of the five pillars"));
  }
  v.Check(RequiredChars("goal.title", g.title, 500))
      .Check(MaxChars("goal.done_when", g.done_when, 500))
      .Check(CheckDate("goal.target_date", g.target_date, true))
      .Check(CheckRange("goal.state", static_cast<int32_t>(g.state), 0, 3))
      .Check(MaxChars("goal.reward", g.reward, 200))
      .Check(CheckDate("goal.achieve_date", g.achieve_date, false));
  if (g.steps.size() > 50) v.Check(InvalidField("goal.steps", "must be at most 50 steps"));
  for (size_t i = 0; i < g.steps.size(); ++i) {
    const GoalStep& step = g.steps[i];
    const std::string path = Indexed("goal.steps", i);
    v.Check(RequiredChars(absl::StrCat(path, ".title"), step.title, 500))
        .Check(CheckDate(absl::StrCat(path, ".due_date"), step.due_date, true))
        .Check(MaxChars(absl::StrCat(path, ".done_when"), step.done_when, 500))
        .Check(CheckDate(absl::StrCat(path, ".done_date"), step.done_date, step.done))
        .Check(MaxChars(absl::StrCat(path, ".reward"), step.reward, 200));
  }
  return v.status();
}

absl::Status ValidateSession(const Session& s, const Date& today) {
  Validator v;
  v.Check(CheckPast("session.session_date", s.session_date, today))
      .Check(CheckRange("session.duration_minutes", s.duration_minutes, 1, 600))
      .Check(CheckRange("session.mode", static_cast<int32_t>(s.mode), 0, 4));
  bool seen[kPillarCount + 1] = {};
  for (size_t i = 0; i < s.pillars.size(); ++i) {
    const std::string path = Indexed("session.pillars", i);
    if (!ValidPillar(s.pillars[i])) {
      v.Check(InvalidField(path, "must be one of the five pillars"));
      continue;
    }
    const auto pillar = static_cast<size_t>(s.pillars[i]);
    if (seen[pillar]) v.Check(InvalidField(path, "is repeated"));
    seen[pillar] = true;
  }
  v.Check(CheckMaxLength("session.notes", s.notes, kMaxNotesBytes));
  return v.status();
}

absl::Status ValidateSnapshot(const CompassSnapshot& s) {
  Validator v;
  v.Check(MaxChars("compass_snapshot.label", s.label, 100));
  const auto kind = static_cast<int32_t>(s.question_kind);
  if (kind == 0 || s.question.empty()) {
    v.Check(InvalidField("compass_snapshot.question",
                         "is required: set match_profile or income_request"));
  } else {
    v.Check(CheckRange("compass_snapshot.question", kind, 1, 2));
  }
  if (s.question.size() > kMaxSnapshotPartBytes) {
    v.Check(InvalidField("compass_snapshot.question",
                         absl::StrCat("must be at most ", kMaxSnapshotPartBytes, " bytes")));
  }
  if (s.answer.empty()) v.Check(InvalidField("compass_snapshot.answer", "is required"));
  if (s.answer.size() > kMaxSnapshotPartBytes) {
    v.Check(InvalidField("compass_snapshot.answer",
                         absl::StrCat("must be at most ", kMaxSnapshotPartBytes, " bytes")));
  }
  v.Check(MaxChars("compass_snapshot.rule_set_id", s.rule_set_id, 200))
      .Check(MaxChars("compass_snapshot.data_version", s.data_version, 200));
  return v.status();
}

absl::Status ValidateOutcome(const Outcome& o, const Date& today) {
  Validator v;
  const auto type = static_cast<int32_t>(o.type);
  if (type == 0) {
    v.Check(InvalidField("outcome.type", "is required"));
  } else {
    v.Check(CheckRange("outcome.type", type, 1, 5));
  }
  v.Check(CheckPast("outcome.outcome_date", o.outcome_date, today));
  switch (o.details) {
    case OutcomeDetails::kNone:
      break;
    case OutcomeDetails::kJob:
      if (o.type != OutcomeType::kJobStarted && o.type != OutcomeType::kJobEnded) {
        v.Check(InvalidField("outcome.job", "is only for JOB_STARTED and JOB_ENDED outcomes"));
      }
      if (!o.job.occupation.empty() && o.job.occupation.rfind("occupations/", 0) != 0) {
        v.Check(InvalidField("outcome.job.occupation",
                             "must be an occupation's name, occupations/{occupation}"));
      }
      v.Check(MaxChars("outcome.job.occupation", o.job.occupation, 100))
          .Check(CheckRange("outcome.job.minutes_per_week", o.job.minutes_per_week, 0, 4800))
          .Check(CheckRange("outcome.job.gross_hourly_wage.cents", o.job.gross_hourly_wage_cents, 0,
                            1'000'000));
      break;
    case OutcomeDetails::kTraining:
      if (o.type != OutcomeType::kTrainingCompleted) {
        v.Check(InvalidField("outcome.training", "is only for TRAINING_COMPLETED outcomes"));
      }
      v.Check(MaxChars("outcome.training.description", o.training.description, 200))
          .Check(CheckRange("outcome.training.level", o.training.level, 0, 9));
      break;
    case OutcomeDetails::kDebts:
      if (o.type != OutcomeType::kDebtsResolved) {
        v.Check(InvalidField("outcome.debts", "is only for DEBTS_RESOLVED outcomes"));
      }
      v.Check(CheckRange("outcome.debts.amount_resolved.cents", o.debts.amount_resolved_cents, 0,
                         int64_t{1'000'000'000'000}));
      break;
  }
  return v.status();
}

absl::Status ValidateFilter(const ParticipantFilter& f) {
  Validator v;
  v.Check(CheckRange("state", static_cast<int32_t>(f.state), 0, 3));
  if (f.pillar != Pillar::kUnspecified || f.max_pillar_level != 0) {
    if (!ValidPillar(f.pillar)) v.Check(InvalidField("pillar", "must be one of the five pillars"));
    v.Check(CheckRange("max_pillar_level", f.max_pillar_level, 1, 5));
  }
  if (f.min_days_without_session != 0) {
    v.Check(CheckRange("min_days_without_session", f.min_days_without_session, 1, 3650));
  }
  return v.status();
}

absl::Status ValidateMask(const FieldMask& mask,
                          std::initializer_list<absl::string_view> updatable) {
  if (mask.empty()) return InvalidField("update_mask", "is required");
  for (const std::string& field : mask) {
    if (field == "*") continue;
    if (std::find(updatable.begin(), updatable.end(), field) == updatable.end()) {
      return InvalidField("update_mask", absl::StrCat("'", field, "' is not an updatable field"));
    }
  }
  return absl::OkStatus();
}

bool MaskHas(const FieldMask& mask, absl::string_view field) {
  return std::any_of(mask.begin(), mask.end(),
                     [&](const std::string& f) { return f == "*" || f == field; });
}

absl::StatusOr<int> PageSize(int32_t page_size) {
  if (page_size == 0) return 50;
  if (page_size < 0 || page_size > 1000) {
    return InvalidField("page_size", "must be between 0 and 1000");
  }
  return static_cast<int>(page_size);
}

}  // namespace kompas::caserecord::storage

namespace kompas::caserecord::storage {

Date Date::FromKey(int64_t key) {
  Date d;
  d.year = static_cast<int32_t>(key / 10000);
  d.month = static_cast<int32_t>(key / 100 % 100);
  d.day = static_cast<int32_t>(key % 100);
  return d;
}

// Dates are Dutch calendar days: "today" for a session logged at 00:30 in Maastricht is that
// day, not yesterday in UTC.
Date Date::FromTime(absl::Time t) {
  const absl::CivilDay day = DutchDay(t);
  return Date{static_cast<int32_t>(day.year()), day.month(), day.day()};
}

}  // namespace kompas::caserecord::storage
