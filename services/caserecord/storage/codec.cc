#include "services/caserecord/storage/codec.h"

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"

namespace kompas::caserecord::storage {
namespace {

using nlohmann::json;

json DateJson(const Date& d) { return json::array({d.year, d.month, d.day}); }

Date JsonDate(const json& j) {
  Date d;
  if (j.is_array() && j.size() == 3) {
    d.year = j[0].get<int32_t>();
    d.month = j[1].get<int32_t>();
    d.day = j[2].get<int32_t>();
  }
  return d;
}

template <typename E>
E JsonEnum(const json& j, const char* key) {
  return static_cast<E>(j.value(key, int32_t{0}));
}

template <typename E>
int32_t EnumInt(E e) {
  return static_cast<int32_t>(e);
}

// Parses, runs `fill` and maps every parse or type error to DATA_LOSS.
template <typename Fill>
absl::Status Decode(absl::string_view text, Fill fill) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return absl::DataLossError("stored record is malformed");
  try {
    fill(j);
  } catch (const json::exception&) {
    return absl::DataLossError("stored record is malformed");
  }
  return absl::OkStatus();
}

}  // namespace

std::string ToPayload(const Participant& p) {
  return json{
      {"display_name", p.display_name}, {"phone", p.contact.phone}, {"email", p.contact.email}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string ToPayload(const Consent& c) {
  return json{{"purpose", EnumInt(c.purpose)}, {"grant_date", DateJson(c.grant_date)},
              {"evidence", c.evidence},        {"recorded_by", c.recorded_by},
              {"state", EnumInt(c.state)},     {"withdraw_date", DateJson(c.withdraw_date)},
              {"withdrawn_by", c.withdrawn_by}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string ToPayload(const Assessment& a) {
  json levels = json::array();
  for (const PillarLevel& l : a.levels) levels.push_back({EnumInt(l.pillar), l.level});
  return json{{"assessment_date", DateJson(a.assessment_date)},
              {"levels", levels},
              {"notes", a.notes},
              {"assessed_by", a.assessed_by}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string ToPayload(const Goal& g) {
  json steps = json::array();
  for (const GoalStep& s : g.steps) {
    steps.push_back({{"step_id", s.step_id},
                     {"title", s.title},
                     {"due_date", DateJson(s.due_date)},
                     {"done_when", s.done_when},
                     {"done", s.done},
                     {"done_date", DateJson(s.done_date)},
                     {"reward", s.reward}});
  }
  return json{{"pillar", EnumInt(g.pillar)}, {"title", g.title},
              {"done_when", g.done_when},    {"target_date", DateJson(g.target_date)},
              {"state", EnumInt(g.state)},   {"steps", steps},
              {"reward", g.reward},          {"achieve_date", DateJson(g.achieve_date)}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string ToPayload(const Session& s) {
  json pillars = json::array();
  for (const Pillar p : s.pillars) pillars.push_back(EnumInt(p));
  return json{{"session_date", DateJson(s.session_date)},
              {"duration_minutes", s.duration_minutes},
              {"mode", EnumInt(s.mode)},
              {"pillars", pillars},
              {"notes", s.notes},
              {"mentor", s.mentor}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string ToPayload(const CompassSnapshot& s) {
  return json{{"label", s.label},
              {"question_kind", EnumInt(s.question_kind)},
              {"question", absl::Base64Escape(s.question)},
              {"answer", absl::Base64Escape(s.answer)},
              {"rule_set_id", s.rule_set_id},
              {"data_version", s.data_version},
              {"margin_cents", s.margin_cents},
              {"lonend", s.lonend},
              {"created_by", s.created_by}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string ToPayload(const Outcome& o) {
  json j{{"type", EnumInt(o.type)},
         {"outcome_date", DateJson(o.outcome_date)},
         {"details", EnumInt(o.details)}};
  switch (o.details) {
    case OutcomeDetails::kJob:
      j["job"] = {{"occupation", o.job.occupation},
                  {"minutes_per_week", o.job.minutes_per_week},
                  {"gross_hourly_wage_cents", o.job.gross_hourly_wage_cents},
                  {"permanent_contract", o.job.permanent_contract}};
      break;
    case OutcomeDetails::kTraining:
      j["training"] = {{"description", o.training.description},
                       {"level", o.training.level},
                       {"certified", o.training.certified}};
      break;
    case OutcomeDetails::kDebts:
      j["debts"] = {{"amount_resolved_cents", o.debts.amount_resolved_cents},
                    {"debt_free", o.debts.debt_free}};
      break;
    case OutcomeDetails::kNone:
      break;
  }
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

absl::Status FromPayload(absl::string_view text, Participant* out) {
  return Decode(text, [out](const json& j) {
    out->display_name = j.at("display_name").get<std::string>();
    out->contact.phone = j.at("phone").get<std::string>();
    out->contact.email = j.at("email").get<std::string>();
  });
}

absl::Status FromPayload(absl::string_view text, Consent* out) {
  return Decode(text, [out](const json& j) {
    out->purpose = JsonEnum<ConsentPurpose>(j, "purpose");
    out->grant_date = JsonDate(j.at("grant_date"));
    out->evidence = j.at("evidence").get<std::string>();
    out->recorded_by = j.at("recorded_by").get<std::string>();
    out->state = JsonEnum<ConsentState>(j, "state");
    out->withdraw_date = JsonDate(j.at("withdraw_date"));
    out->withdrawn_by = j.at("withdrawn_by").get<std::string>();
  });
}

absl::Status FromPayload(absl::string_view text, Assessment* out) {
  return Decode(text, [out](const json& j) {
    out->assessment_date = JsonDate(j.at("assessment_date"));
    out->levels.clear();
    out->total_score = 0;
    for (const json& l : j.at("levels")) {
      out->levels.push_back({static_cast<Pillar>(l.at(0).get<int32_t>()), l.at(1).get<int32_t>()});
      out->total_score += out->levels.back().level;
    }
    out->notes = j.at("notes").get<std::string>();
    out->assessed_by = j.at("assessed_by").get<std::string>();
  });
}

absl::Status FromPayload(absl::string_view text, Goal* out) {
  return Decode(text, [out](const json& j) {
    out->pillar = JsonEnum<Pillar>(j, "pillar");
    out->title = j.at("title").get<std::string>();
    out->done_when = j.at("done_when").get<std::string>();
    out->target_date = JsonDate(j.at("target_date"));
    out->state = JsonEnum<GoalState>(j, "state");
    out->steps.clear();
    for (const json& s : j.at("steps")) {
      GoalStep step;
      step.step_id = s.at("step_id").get<std::string>();
      step.title = s.at("title").get<std::string>();
      step.due_date = JsonDate(s.at("due_date"));
      step.done_when = s.at("done_when").get<std::string>();
      step.done = s.at("done").get<bool>();
      step.done_date = JsonDate(s.at("done_date"));
      step.reward = s.at("reward").get<std::string>();
      out->steps.push_back(std::move(step));
    }
    out->reward = j.at("reward").get<std::string>();
    out->achieve_date = JsonDate(j.at("achieve_date"));
  });
}

absl::Status FromPayload(absl::string_view text, Session* out) {
  return Decode(text, [out](const json& j) {
    out->session_date = JsonDate(j.at("session_date"));
    out->duration_minutes = j.at("duration_minutes").get<int32_t>();
    out->mode = JsonEnum<SessionMode>(j, "mode");
    out->pillars.clear();
    for (const json& p : j.at("pillars"))
      out->pillars.push_back(static_cast<Pillar>(p.get<int32_t>()));
    out->notes = j.at("notes").get<std::string>();
    out->mentor = j.at("mentor").get<std::string>();
  });
}

absl::Status FromPayload(absl::string_view text, CompassSnapshot* out) {
  bool bad_base64 = false;
  absl::Status status = Decode(text, [out, &bad_base64](const json& j) {
    out->label = j.at("label").get<std::string>();
    out->question_kind = JsonEnum<SnapshotQuestion>(j, "question_kind");
    bad_base64 = !absl::Base64Unescape(j.at("question").get<std::string>(), &out->question) ||
                 !absl::Base64Unescape(j.at("answer").get<std::string>(), &out->answer);
    out->rule_set_id = j.at("rule_set_id").get<std::string>();
    out->data_version = j.at("data_version").get<std::string>();
    out->margin_cents = j.at("margin_cents").get<int64_t>();
    out->lonend = j.at("lonend").get<bool>();
    out->created_by = j.at("created_by").get<std::string>();
  });
  if (status.ok() && bad_base64) return absl::DataLossError("stored record is malformed");
  return status;
}

absl::Status FromPayload(absl::string_view text, Outcome* out) {
  return Decode(text, [out](const json& j) {
    out->type = JsonEnum<OutcomeType>(j, "type");
    out->outcome_date = JsonDate(j.at("outcome_date"));
    out->details = JsonEnum<OutcomeDetails>(j, "details");
    out->job = JobDetails();
    out->training = TrainingDetails();
    out->debts = DebtDetails();
    switch (out->details) {
      case OutcomeDetails::kJob: {
        const json& d = j.at("job");
        out->job.occupation = d.at("occupation").get<std::string>();
        out->job.minutes_per_week = d.at("minutes_per_week").get<int32_t>();
        out->job.gross_hourly_wage_cents = d.at("gross_hourly_wage_cents").get<int64_t>();
        out->job.permanent_contract = d.at("permanent_contract").get<bool>();
        break;
      }
      case OutcomeDetails::kTraining: {
        const json& d = j.at("training");
        out->training.description = d.at("description").get<std::string>();
        out->training.level = d.at("level").get<int32_t>();
        out->training.certified = d.at("certified").get<bool>();
        break;
      }
      case OutcomeDetails::kDebts: {
        const json& d = j.at("debts");
        out->debts.amount_resolved_cents = d.at("amount_resolved_cents").get<int64_t>();
        out->debts.debt_free = d.at("debt_free").get<bool>();
        break;
      }
      default:
        out->details = OutcomeDetails::kNone;
    }
  });
}

}  // namespace kompas::caserecord::storage
