#include "services/caserecord/convert.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kompas::caserecord {
namespace {

using ::testing::HasSubstr;
namespace st = ::kompas::caserecord::storage;

TEST(NamesTest, ParticipantNamesRoundTrip) {
  EXPECT_EQ(ParticipantName("abc123"), "participants/abc123");
  absl::StatusOr<std::string> id = ParseParticipantName("participants/abc123", "name");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "abc123");
}

TEST(NamesTest, MalformedParticipantNamesNameTheField) {
  for (const char* bad :
       {"participant/abc", "participants/", "participants/ABC", "participants/abc/sessions/x",
        "abc", "participants/a-b", "/participants/abc"}) {
    absl::StatusOr<std::string> id = ParseParticipantName(bad, "parent");
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(id.status().message()), HasSubstr("parent: ")) << bad;
  }
  EXPECT_THAT(std::string(ParseParticipantName("", "name").status().message()),
              HasSubstr("name: is required"));
  EXPECT_FALSE(ParseParticipantName("participants/" + std::string(65, 'a'), "name").ok());
}

TEST(NamesTest, ChildNamesCheckTheCollection) {
  absl::StatusOr<ChildName> n = ParseChildName("participants/p1/sessions/s9", kSessions, "name");
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(n->participant, "p1");
  EXPECT_EQ(n->id, "s9");
  EXPECT_EQ(ChildResourceName("p1", kSessions, "s9"), "participants/p1/sessions/s9");
  absl::StatusOr<ChildName> wrong =
      ParseChildName("participants/p1/goals/s9", kSessions, "session.name");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(wrong.status().message()), HasSubstr("session.name: "));
  EXPECT_FALSE(ParseChildName("participants/p1/sessions", kSessions, "name").ok());
  EXPECT_FALSE(ParseChildName("participants/p1/sessions/s9/x", kSessions, "name").ok());
}

TEST(ConvertTest, ParticipantNeverReturnsTheBsn) {
  v1::Participant in;
  in.set_name("participants/ignored");
  in.set_display_name("Fatima");
  in.mutable_contact()->set_phone("0612345678");
  in.set_bsn("111222333");
  in.set_mentor("mentor-7");
  in.set_state(v1::PARTICIPANT_STATE_PAUSED);
  in.set_gemeente_code("GM0014");
  in.mutable_intake_date()->set_year(2026);
  in.mutable_intake_date()->set_month(2);
  in.mutable_intake_date()->set_day(3);
  in.set_etag("4");
  st::Participant p = FromProto(in);
  EXPECT_EQ(p.id, "");  // the name is parsed by the caller
  EXPECT_EQ(p.display_name, "Fatima");
  EXPECT_EQ(p.contact.phone, "0612345678");
  EXPECT_EQ(p.bsn, "111222333");
  EXPECT_EQ(p.state, st::ParticipantState::kPaused);
  EXPECT_EQ(p.intake_date, (st::Date{2026, 2, 3}));
  EXPECT_TRUE(p.close_date.empty());
  EXPECT_EQ(p.etag, "4");

  p.id = "p1";
  p.bsn_on_file = true;
  p.create_time = absl::FromUnixMicros(1'700'000'000'123'456);
  p.update_time = p.create_time;
  v1::Participant out;
  ToProto(p, &out);
  EXPECT_EQ(out.name(), "participants/p1");
  EXPECT_EQ(out.bsn(), "");
  EXPECT_TRUE(out.bsn_on_file());
  EXPECT_EQ(out.state(), v1::PARTICIPANT_STATE_PAUSED);
  EXPECT_EQ(out.create_time().seconds(), 1'700'000'000);
  EXPECT_EQ(out.create_time().nanos(), 123'456'000);
  EXPECT_FALSE(out.has_close_date());
  EXPECT_EQ(out.etag(), "4");
}

TEST(ConvertTest, UnknownEnumNumbersReachTheStoreUnchanged) {
  // The store validates enums and names the field; the conversion must not clamp them.
  v1::Assessment a;
  v1::PillarLevel* l = a.add_levels();
  l->set_pillar(static_cast<v1::Pillar>(9));
  l->set_level(7);
  st::Assessment s = FromProto(a);
  ASSERT_EQ(s.levels.size(), 1u);
  EXPECT_EQ(static_cast<int>(s.levels[0].pillar), 9);
  EXPECT_EQ(s.levels[0].level, 7);
  v1::Session session;
  session.add_pillars(static_cast<v1::Pillar>(42));
  EXPECT_EQ(static_cast<int>(FromProto(session).pillars[0]), 42);
}

TEST(ConvertTest, GoalStepsRoundTrip) {
  st::Goal g;
  g.id = "g1";
  g.participant_id = "p1";
  g.pillar = st::Pillar::kEmploymentCareer;
  g.title = "Werkervaring opdoen";
  g.target_date = st::Date{2026, 9, 1};
  g.state = st::GoalState::kOpen;
  g.steps.push_back(st::GoalStep{"s1", "CV maken", st::Date{2026, 4, 1}, "CV klaar", true,
                                 st::Date{2026, 3, 20}, "taart"});
  v1::Goal proto;
  ToProto(g, &proto);
  EXPECT_EQ(proto.name(), "participants/p1/goals/g1");
  ASSERT_EQ(proto.steps_size(), 1);
  EXPECT_EQ(proto.steps(0).done_date().day(), 20);
  st::Goal back = FromProto(proto);
  EXPECT_EQ(back.steps, g.steps);
  EXPECT_EQ(back.pillar, g.pillar);
  EXPECT_EQ(back.target_date, g.target_date);
}

TEST(ConvertTest, TimelineEntriesCarryTheirKind) {
  st::TimelineEntry e;
  e.kind = st::TimelineEntry::Kind::kSession;
  e.entry_date = st::Date{2026, 1, 5};
  e.session.id = "s1";
  e.session.participant_id = "p1";
  e.session.notes = "n";
  v1::TimelineEntry out;
  ToProto(e, &out);
  EXPECT_EQ(out.item_case(), v1::TimelineEntry::kSession);
  EXPECT_EQ(out.session().name(), "participants/p1/sessions/s1");
  EXPECT_EQ(out.entry_date().day(), 5);
}

TEST(ConvertTest, MasksPassTheirPathsThrough) {
  google::protobuf::FieldMask mask;
  mask.add_paths("mentor");
  mask.add_paths("no_such_field");
  EXPECT_THAT(FromProto(mask), ::testing::ElementsAre("mentor", "no_such_field"));
}

TEST(ConvertTest, OutcomeDetailsRoundTrip) {
  v1::Outcome in;
  in.set_type(v1::OUTCOME_TYPE_TRAINING_COMPLETED);
  in.mutable_outcome_date()->set_year(2026);
  in.mutable_outcome_date()->set_month(2);
  in.mutable_outcome_date()->set_day(27);
  in.mutable_training()->set_description("MBO 2 Logistiek medewerker");
  in.mutable_training()->set_level(kompas::catalog::v1::EDUCATION_LEVEL_NLQF_2);
  in.mutable_training()->set_certified(true);
  st::Outcome o = FromProto(in);
  EXPECT_EQ(o.type, st::OutcomeType::kTrainingCompleted);
  EXPECT_EQ(o.details, st::OutcomeDetails::kTraining);
  EXPECT_EQ(o.training.level, 3);  // EDUCATION_LEVEL_NLQF_2's number
  o.id = "o1";
  o.participant_id = "p1";
  v1::Outcome out;
  ToProto(o, &out);
  EXPECT_EQ(out.name(), "participants/p1/outcomes/o1");
  EXPECT_EQ(out.details_case(), v1::Outcome::kTraining);
  EXPECT_EQ(out.training().description(), "MBO 2 Logistiek medewerker");
  EXPECT_EQ(out.training().level(), kompas::catalog::v1::EDUCATION_LEVEL_NLQF_2);
  EXPECT_EQ(out.outcome_date().day(), 27);
  // No details given: none stored.
  v1::Outcome left;
  left.set_type(v1::OUTCOME_TYPE_LEFT_BIJSTAND);
  EXPECT_EQ(FromProto(left).details, st::OutcomeDetails::kNone);
}

TEST(ConvertTest, SnapshotFiguresComeFromTheAnswer) {
  v1::CompassSnapshot s;
  s.mutable_match_profile()->set_job_seeker(1);
  kompas::matching::v1::MatchResult* r = s.mutable_match_result();
  r->mutable_current_margin()->set_cents(-4200);
  r->mutable_data()->set_data_version("v9");
  r->mutable_basis()->mutable_rules()->mutable_rule_set_id()->set_value("nl/2026-01");
  // The top candidate is the one ranked 1, wherever it is listed.
  kompas::matching::v1::Candidate* second = r->add_candidates();
  second->set_rank(2);
  second->set_lonend(false);
  kompas::matching::v1::Candidate* first = r->add_candidates();
  first->set_rank(1);
  first->set_lonend(true);
  FillAnswerFigures(&s);
  EXPECT_EQ(s.margin().cents(), -4200);
  EXPECT_TRUE(s.lonend());
  EXPECT_EQ(s.data_version(), "v9");
  EXPECT_EQ(s.rule_set_id().value(), "nl/2026-01");

  // Stored as bytes and back: the same question and answer; without content for lists.
  s.set_label("Intake");
  st::CompassSnapshot stored = FromProto(s);
  EXPECT_EQ(stored.question_kind, st::SnapshotQuestion::kMatch);
  EXPECT_EQ(stored.margin_cents, -4200);
  stored.id = "c1";
  stored.participant_id = "p1";
  v1::CompassSnapshot full;
  ToProto(stored, &full);
  EXPECT_EQ(full.name(), "participants/p1/compassSnapshots/c1");
  EXPECT_EQ(full.match_result().SerializeAsString(), s.match_result().SerializeAsString());
  EXPECT_EQ(full.match_profile().job_seeker(), 1);
  v1::CompassSnapshot bare;
  ToProto(stored, &bare, /*content=*/false);
  EXPECT_FALSE(bare.has_match_profile());
  EXPECT_FALSE(bare.has_match_result());
  EXPECT_EQ(bare.label(), "Intake");

  // An income answer: margin and lonend of the calculation; no data version.
  v1::CompassSnapshot income;
  income.mutable_income_request();
  income.mutable_income_response()->mutable_calculation()->mutable_margin()->set_cents(1500);
  income.mutable_income_response()->mutable_calculation()->set_lonend(true);
  FillAnswerFigures(&income);
  EXPECT_EQ(income.margin().cents(), 1500);
  EXPECT_TRUE(income.lonend());
  EXPECT_TRUE(income.data_version().empty());
}

}  // namespace
}  // namespace kompas::caserecord
