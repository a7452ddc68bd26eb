#include "services/caserecord/convert.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/validation.h"

namespace kompas::caserecord {
namespace {

constexpr char kParticipants[] = "participants";

bool IsId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

template <typename To, typename From>
To Enum(From value) {
  return static_cast<To>(static_cast<int32_t>(value));
}

}  // namespace

// --- Resource names ----------------------------------------------------------------------------

std::string ParticipantName(absl::string_view participant_id) {
  return absl::StrCat(kParticipants, "/", participant_id);
}

std::string ChildResourceName(absl::string_view participant_id, absl::string_view collection,
                              absl::string_view id) {
  return absl::StrCat(kParticipants, "/", participant_id, "/", collection, "/", id);
}

absl::StatusOr<std::string> ParseParticipantName(absl::string_view name, absl::string_view field) {
  if (name.empty()) return InvalidField(field, "is required");
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 2 || parts[0] != kParticipants || !IsId(parts[1])) {
    return InvalidField(field, "must be a participant's name, participants/{participant}");
  }
  return std::string(parts[1]);
}

absl::StatusOr<ChildName> ParseChildName(absl::string_view name, absl::string_view collection,
                                         absl::string_view field) {
  if (name.empty()) return InvalidField(field, "is required");
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != kParticipants || !IsId(parts[1]) || parts[2] != collection ||
      !IsId(parts[3])) {
    return InvalidField(
        field, absl::StrCat("must be a name of the form participants/{participant}/", collection,
                            "/{id}"));
  }
  return ChildName{std::string(parts[1]), std::string(parts[3])};
}

// --- Scalars -------------------------------------------------------------------------------------

storage::Date FromProto(const kompas::type::v1::Date& date) {
  return storage::Date{date.year(), date.month(), date.day()};
}

void ToProto(const storage::Date& date, kompas::type::v1::Date* out) {
  out->set_year(date.year);
  out->set_month(date.month);
  out->set_day(date.day);
}

void ToProto(absl::Time time, google::protobuf::Timestamp* out) {
  if (time == absl::InfinitePast() || time == absl::InfiniteFuture()) return;
  const int64_t nanos = absl::ToUnixNanos(time);
  int64_t seconds = nanos / 1'000'000'000;
  int64_t rest = nanos % 1'000'000'000;
  if (rest < 0) {
    rest += 1'000'000'000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest));
}

storage::FieldMask FromProto(const google::protobuf::FieldMask& mask) {
  return storage::FieldMask(mask.paths().begin(), mask.paths().end());
}

// --- Participants -------------------------------------------------------------------------------

storage::Participant FromProto(const v1::Participant& p) {
  storage::Participant out;
  out.display_name = p.display_name();
  out.contact.phone = p.contact().phone();
  out.contact.email = p.contact().email();
  out.bsn = p.bsn();
  out.mentor = p.mentor();
  out.state = Enum<storage::ParticipantState>(p.state());
  out.gemeente_code = p.gemeente_code();
  if (p.has_intake_date()) out.intake_date = FromProto(p.intake_date());
  if (p.has_close_date()) out.close_date = FromProto(p.close_date());
  out.etag = p.etag();
  return out;
}

void ToProto(const storage::Participant& p, v1::Participant* out) {
  out->Clear();
  out->set_name(ParticipantName(p.id));
  out->set_display_name(p.display_name);
  if (!p.contact.phone.empty() || !p.contact.email.empty()) {
    out->mutable_contact()->set_phone(p.contact.phone);
    out->mutable_contact()->set_email(p.contact.email);
  }
  // The BSN is never returned: only whether one is on file.
  out->set_bsn_on_file(p.bsn_on_file);
  out->set_mentor(p.mentor);
  out->set_state(Enum<v1::ParticipantState>(p.state));
  out->set_gemeente_code(p.gemeente_code);
  if (!p.intake_date.empty()) ToProto(p.intake_date, out->mutable_intake_date());
  if (!p.close_date.empty()) ToProto(p.close_date, out->mutable_close_date());
  ToProto(p.create_time, out->mutable_create_time());
  ToProto(p.update_time, out->mutable_update_time());
  out->set_etag(p.etag);
}

// --- Consents -----------------------------------------------------------------------------------

storage::Consent FromProto(const v1::Consent& c) {
  storage::Consent out;
  out.purpose = Enum<storage::ConsentPurpose>(c.purpose());
  if (c.has_grant_date()) out.grant_date = FromProto(c.grant_date());
  out.evidence = c.evidence();
  out.etag = c.etag();
  return out;
}

void ToProto(const storage::Consent& c, v1::Consent* out) {
  out->Clear();
  out->set_name(ChildResourceName(c.participant_id, kConsents, c.id));
  out->set_purpose(Enum<v1::ConsentPurpose>(c.purpose));
  if (!c.grant_date.empty()) ToProto(c.grant_date, out->mutable_grant_date());
  out->set_evidence(c.evidence);
  out->set_recorded_by(c.recorded_by);
  out->set_state(Enum<v1::ConsentState>(c.state));
  if (!c.withdraw_date.empty()) ToProto(c.withdraw_date, out->mutable_withdraw_date());
  out->set_withdrawn_by(c.withdrawn_by);
  ToProto(c.create_time, out->mutable_create_time());
  ToProto(c.update_time, out->mutable_update_time());
  out->set_etag(c.etag);
}

// --- Assessments --------------------------------------------------------------------------------

storage::Assessment FromProto(const v1::Assessment& a) {
  storage::Assessment out;
  if (a.has_assessment_date()) out.assessment_date = FromProto(a.assessment_date());
  out.levels.reserve(static_cast<size_t>(a.levels_size()));
  for (const v1::PillarLevel& level : a.levels()) {
    out.levels.push_back(
        storage::PillarLevel{Enum<storage::Pillar>(level.pillar()), level.level()});
  }
  out.notes = a.notes();
  out.etag = a.etag();
  return out;
}

void ToProto(const storage::Assessment& a, v1::Assessment* out) {
  out->Clear();
  out->set_name(ChildResourceName(a.participant_id, kAssessments, a.id));
  if (!a.assessment_date.empty()) ToProto(a.assessment_date, out->mutable_assessment_date());
  for (const storage::PillarLevel& level : a.levels) {
    v1::PillarLevel* l = out->add_levels();
    l->set_pillar(Enum<v1::Pillar>(level.pillar));
    l->set_level(level.level);
  }
  out->set_total_score(a.total_score);
  out->set_notes(a.notes);
  out->set_assessed_by(a.assessed_by);
  ToProto(a.create_time, out->mutable_create_time());
  ToProto(a.update_time, out->mutable_update_time());
  out->set_etag(a.etag);
}

// --- Goals --------------------------------------------------------------------------------------

storage::Goal FromProto(const v1::Goal& g) {
  storage::Goal out;
  out.pillar = Enum<storage::Pillar>(g.pillar());
  out.title = g.title();
  out.done_when = g.done_when();
  if (g.has_target_date()) out.target_date = FromProto(g.target_date());
  out.state = Enum<storage::GoalState>(g.state());
  out.steps.reserve(static_cast<size_t>(g.steps_size()));
  for (const v1::GoalStep& s : g.steps()) {
    storage::GoalStep step;
    step.step_id = s.step_id();
    step.title = s.title();
    if (s.has_due_date()) step.due_date = FromProto(s.due_date());
    step.done_when = s.done_when();
    step.done = s.done();
    if (s.has_done_date()) step.done_date = FromProto(s.done_date());
    step.reward = s.reward();
    out.steps.push_back(std::move(step));
  }
  out.reward = g.reward();
  if (g.has_achieve_date()) out.achieve_date = FromProto(g.achieve_date());
  out.etag = g.etag();
  return out;
}

void ToProto(const storage::Goal& g, v1::Goal* out) {
  out->Clear();
  out->set_name(ChildResourceName(g.participant_id, kGoals, g.id));
  out->set_pillar(Enum<v1::Pillar>(g.pillar));
  out->set_title(g.title);
  out->set_done_when(g.done_when);
  if (!g.target_date.empty()) ToProto(g.target_date, out->mutable_target_date());
  out->set_state(Enum<v1::GoalState>(g.state));
  for (const storage::GoalStep& step : g.steps) {
    v1::GoalStep* s = out->add_steps();
    s->set_step_id(step.step_id);
    s->set_title(step.title);
    if (!step.due_date.empty()) ToProto(step.due_date, s->mutable_due_date());
    s->set_done_when(step.done_when);
    s->set_done(step.done);
    if (!step.done_date.empty()) ToProto(step.done_date, s->mutable_done_date());
    s->set_reward(step.reward);
  }
  out->set_reward(g.reward);
  if (!g.achieve_date.empty()) ToProto(g.achieve_date, out->mutable_achieve_date());
  ToProto(g.create_time, out->mutable_create_time());
  ToProto(g.update_time, out->mutable_update_time());
  out->set_etag(g.etag);
}

// --- Sessions -----------------------------------------------------------------------------------

storage::Session FromProto(const v1::Session& s) {
  storage::Session out;
  if (s.has_session_date()) out.session_date = FromProto(s.session_date());
  out.duration_minutes = s.duration_minutes();
  out.mode = Enum<storage::SessionMode>(s.mode());
  out.pillars.reserve(static_cast<size_t>(s.pillars_size()));
  for (const int pillar : s.pillars()) out.pillars.push_back(static_cast<storage::Pillar>(pillar));
  out.notes = s.notes();
  out.etag = s.etag();
  return out;
}

void ToProto(const storage::Session& s, v1::Session* out) {
  out->Clear();
  out->set_name(ChildResourceName(s.participant_id, kSessions, s.id));
  if (!s.session_date.empty()) ToProto(s.session_date, out->mutable_session_date());
  out->set_duration_minutes(s.duration_minutes);
  out->set_mode(Enum<v1::SessionMode>(s.mode));
  for (const storage::Pillar pillar : s.pillars) out->add_pillars(Enum<v1::Pillar>(pillar));
  out->set_notes(s.notes);
  out->set_mentor(s.mentor);
  ToProto(s.create_time, out->mutable_create_time());
  ToProto(s.update_time, out->mutable_update_time());
  out->set_etag(s.etag);
}

// --- Compass snapshots --------------------------------------------------------------------------

storage::CompassSnapshot FromProto(const v1::CompassSnapshot& s) {
  storage::CompassSnapshot out;
  out.label = s.label();
  switch (s.question_case()) {
    case v1::CompassSnapshot::kMatchProfile:
      out.question_kind = storage::SnapshotQuestion::kMatch;
      s.match_profile().SerializeToString(&out.question);
      break;
    case v1::CompassSnapshot::kIncomeRequest:
      out.question_kind = storage::SnapshotQuestion::kIncome;
      s.income_request().SerializeToString(&out.question);
      break;
    case v1::CompassSnapshot::QUESTION_NOT_SET:
      break;
  }
  switch (s.answer_case()) {
    case v1::CompassSnapshot::kMatchResult:
      s.match_result().SerializeToString(&out.answer);
      break;
    case v1::CompassSnapshot::kIncomeResponse:
      s.income_response().SerializeToString(&out.answer);
      break;
    case v1::CompassSnapshot::ANSWER_NOT_SET:
      break;
  }
  out.rule_set_id = s.rule_set_id().value();
  out.data_version = s.data_version();
  out.margin_cents = s.margin().cents();
  out.lonend = s.lonend();
  return out;
}

void FillAnswerFigures(v1::CompassSnapshot* s) {
  if (s->has_match_result()) {
    const kompas::matching::v1::MatchResult& r = s->match_result();
    *s->mutable_rule_set_id() = r.basis().rules().rule_set_id();
    s->set_data_version(r.data().data_version());
    s->mutable_margin()->set_cents(r.current_margin().cents());
    const kompas::matching::v1::Candidate* top = nullptr;
    for (const kompas::matching::v1::Candidate& c : r.candidates()) {
      if (top == nullptr || c.rank() < top->rank()) top = &c;
    }
    s->set_lonend(top != nullptr ? top->lonend() : r.current_margin().cents() >= 0);
  } else if (s->has_income_response()) {
    const kompas::budget::v1::CalculateIncomeResponse& r = s->income_response();
    *s->mutable_rule_set_id() = r.basis().rules().rule_set_id();
    s->clear_data_version();
    s->mutable_margin()->set_cents(r.calculation().margin().cents());
    s->set_lonend(r.calculation().lonend());
  }
}

void ToProto(const storage::CompassSnapshot& s, v1::CompassSnapshot* out, bool content) {
  out->Clear();
  out->set_name(ChildResourceName(s.participant_id, kCompassSnapshots, s.id));
  out->set_label(s.label);
  // Question and answer were serialized from these very messages and sealed (authenticated):
  // they parse. A failure would leave the oneof unset rather than show something wrong.
  if (content && !s.question.empty()) {
    if (s.question_kind == storage::SnapshotQuestion::kMatch) {
      if (!out->mutable_match_profile()->ParseFromString(s.question)) out->clear_match_profile();
      if (!s.answer.empty() && !out->mutable_match_result()->ParseFromString(s.answer)) {
        out->clear_match_result();
      }
    } else if (s.question_kind == storage::SnapshotQuestion::kIncome) {
      if (!out->mutable_income_request()->ParseFromString(s.question)) {
        out->clear_income_request();
      }
      if (!s.answer.empty() && !out->mutable_income_response()->ParseFromString(s.answer)) {
        out->clear_income_response();
      }
    }
  }
  if (!s.rule_set_id.empty()) out->mutable_rule_set_id()->set_value(s.rule_set_id);
  out->set_data_version(s.data_version);
  out->mutable_margin()->set_cents(s.margin_cents);
  out->set_lonend(s.lonend);
  out->set_created_by(s.created_by);
  ToProto(s.create_time, out->mutable_create_time());
}

// --- Outcomes -----------------------------------------------------------------------------------

storage::Outcome FromProto(const v1::Outcome& o) {
  storage::Outcome out;
  out.type = Enum<storage::OutcomeType>(o.type());
  if (o.has_outcome_date()) out.outcome_date = FromProto(o.outcome_date());
  switch (o.details_case()) {
    case v1::Outcome::kJob:
      out.details = storage::OutcomeDetails::kJob;
      out.job.occupation = o.job().occupation();
      out.job.minutes_per_week = o.job().minutes_per_week();
      out.job.gross_hourly_wage_cents = o.job().gross_hourly_wage().cents();
      out.job.permanent_contract = o.job().permanent_contract();
      break;
    case v1::Outcome::kTraining:
      out.details = storage::OutcomeDetails::kTraining;
      out.training.description = o.training().description();
      out.training.level = static_cast<int32_t>(o.training().level());
      out.training.certified = o.training().certified();
      break;
    case v1::Outcome::kDebts:
      out.details = storage::OutcomeDetails::kDebts;
      out.debts.amount_resolved_cents = o.debts().amount_resolved().cents();
      out.debts.debt_free = o.debts().debt_free();
      break;
    case v1::Outcome::DETAILS_NOT_SET:
      break;
  }
  out.etag = o.etag();
  return out;
}

void ToProto(const storage::Outcome& o, v1::Outcome* out) {
  out->Clear();
  out->set_name(ChildResourceName(o.participant_id, kOutcomes, o.id));
  out->set_type(Enum<v1::OutcomeType>(o.type));
  if (!o.outcome_date.empty()) ToProto(o.outcome_date, out->mutable_outcome_date());
  switch (o.details) {
    case storage::OutcomeDetails::kJob: {
      v1::JobDetails* job = out->mutable_job();
      job->set_occupation(o.job.occupation);
      job->set_minutes_per_week(o.job.minutes_per_week);
      job->mutable_gross_hourly_wage()->set_cents(o.job.gross_hourly_wage_cents);
      job->set_permanent_contract(o.job.permanent_contract);
      break;
    }
    case storage::OutcomeDetails::kTraining: {
      v1::TrainingDetails* training = out->mutable_training();
      training->set_description(o.training.description);
      training->set_level(static_cast<kompas::catalog::v1::EducationLevel>(o.training.level));
      training->set_certified(o.training.certified);
      break;
    }
    case storage::OutcomeDetails::kDebts: {
      v1::DebtDetails* debts = out->mutable_debts();
      debts->mutable_amount_resolved()->set_cents(o.debts.amount_resolved_cents);
      debts->set_debt_free(o.debts.debt_free);
      break;
    }
    case storage::OutcomeDetails::kNone:
      break;
  }
  ToProto(o.create_time, out->mutable_create_time());
  ToProto(o.update_time, out->mutable_update_time());
  out->set_etag(o.etag);
}

// --- Export -------------------------------------------------------------------------------------

void ToProto(const storage::ParticipantExport& e, v1::ExportParticipantResponse* out) {
  out->Clear();
  ToProto(e.participant, out->mutable_participant());
  for (const auto& c : e.consents) ToProto(c, out->add_consents());
  for (const auto& a : e.assessments) ToProto(a, out->add_assessments());
  for (const auto& g : e.goals) ToProto(g, out->add_goals());
  for (const auto& s : e.sessions) ToProto(s, out->add_sessions());
  for (const auto& s : e.snapshots) ToProto(s, out->add_compass_snapshots());
  for (const auto& o : e.outcomes) ToProto(o, out->add_outcomes());
  for (const auto& a : e.audit_events) ToProto(a, out->add_audit_events());
  ToProto(e.export_time, out->mutable_export_time());
}

// --- Access log and timeline --------------------------------------------------------------------

void ToProto(const storage::AuditEvent& e, v1::AuditEvent* out) {
  out->Clear();
  out->set_name(ChildResourceName(e.participant_id, kAuditEvents, e.id));
  ToProto(e.event_time, out->mutable_event_time());
  out->set_token_id(e.token_id);
  out->set_actor(e.actor);
  out->set_method(e.method);
  out->set_resource(e.resource);
  out->set_status_code(e.status_code);
}

void ToProto(const storage::TimelineEntry& e, v1::TimelineEntry* out) {
  out->Clear();
  if (!e.entry_date.empty()) ToProto(e.entry_date, out->mutable_entry_date());
  switch (e.kind) {
    case storage::TimelineEntry::Kind::kConsent:
      ToProto(e.consent, out->mutable_consent());
      break;
    case storage::TimelineEntry::Kind::kAssessment:
      ToProto(e.assessment, out->mutable_assessment());
      break;
    case storage::TimelineEntry::Kind::kGoal:
      ToProto(e.goal, out->mutable_goal());
      break;
    case storage::TimelineEntry::Kind::kSession:
      ToProto(e.session, out->mutable_session());
      break;
    case storage::TimelineEntry::Kind::kSnapshot:
      ToProto(e.snapshot, out->mutable_compass_snapshot(), /*content=*/false);
      break;
    case storage::TimelineEntry::Kind::kOutcome:
      ToProto(e.outcome, out->mutable_outcome());
      break;
  }
}

// --- Filters ------------------------------------------------------------------------------------

storage::ParticipantFilter FromProto(const v1::ListParticipantsRequest& request) {
  storage::ParticipantFilter filter;
  filter.mentor = request.mentor();
  filter.state = Enum<storage::ParticipantState>(request.state());
  filter.pillar = Enum<storage::Pillar>(request.pillar());
  filter.max_pillar_level = request.max_pillar_level();
  filter.min_days_without_session = request.min_days_without_session();
  return filter;
}

storage::GoalFilter FromProto(const v1::ListGoalsRequest& request) {
  storage::GoalFilter filter;
  filter.state = Enum<storage::GoalState>(request.state());
  filter.pillar = Enum<storage::Pillar>(request.pillar());
  return filter;
}

}  // namespace kompas::caserecord
