#include "tools/cli/participant.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace kompas::cli {
namespace {

using ::testing::HasSubstr;
namespace v1 = ::kompas::caserecord::v1;

TEST(ParticipantArgsTest, KeyValuesRefuseUnknownRepeatedAndBareWords) {
  absl::StatusOr<KeyValues> kv =
      ParseKeyValues({"name=Fatima Z", "gemeente=GM0014"}, {"name", "gemeente"});
  ASSERT_TRUE(kv.ok()) << kv.status();
  EXPECT_EQ(kv->at("name"), "Fatima Z");
  EXPECT_THAT(std::string(ParseKeyValues({"colour=red"}, {"name"}).status().message()),
              HasSubstr("unknown key 'colour'"));
  EXPECT_THAT(std::string(ParseKeyValues({"name=a", "name=b"}, {"name"}).status().message()),
              HasSubstr("twice"));
  EXPECT_FALSE(ParseKeyValues({"Fatima"}, {"name"}).ok());
  EXPECT_TRUE(ParseKeyValues({"name="}, {"name"}).ok());  // an empty value is a value
}

TEST(ParticipantArgsTest, DatesAndPillars) {
  absl::StatusOr<kompas::type::v1::Date> d = ParseDate("2026-03-02", "date");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->year(), 2026);
  EXPECT_EQ(d->month(), 3);
  EXPECT_EQ(d->day(), 2);
  for (const char* bad : {"2026-3", "02-03-2026", "2026-13-01", "2026-01-xx", ""}) {
    EXPECT_THAT(std::string(ParseDate(bad, "by").status().message()), HasSubstr("by: ")) << bad;
  }
  EXPECT_EQ(*ParsePillar("employment"), v1::PILLAR_EMPLOYMENT_CAREER);
  EXPECT_EQ(*ParsePillar("PILLAR_WELL_BEING"), v1::PILLAR_WELL_BEING);
  EXPECT_EQ(*ParsePillar("Finance"), v1::PILLAR_FINANCIAL_MANAGEMENT);
  EXPECT_FALSE(ParsePillar("housing").ok());
  EXPECT_EQ(PillarShortName(v1::PILLAR_FAMILY_STABILITY), "family");
}

TEST(ParticipantArgsTest, AnAssessmentNeedsEveryPillar) {
  KeyValues kv = {{"date", "2026-03-02"}, {"family", "3"},  {"wellbeing", "2"},
                  {"education", "4"},     {"finance", "2"}, {"employment", "1"}};
  absl::StatusOr<v1::Assessment> a = AssessmentFromArgs(kv);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(a->levels_size(), 5);
  EXPECT_EQ(a->levels(4).pillar(), v1::PILLAR_EMPLOYMENT_CAREER);
  EXPECT_EQ(a->levels(4).level(), 1);
  kv.erase("finance");
  EXPECT_THAT(std::string(AssessmentFromArgs(kv).status().message()), HasSubstr("finance=1..5"));
  kv["finance"] = "veel";
  EXPECT_THAT(std::string(AssessmentFromArgs(kv).status().message()), HasSubstr("whole number"));
}

TEST(ParticipantArgsTest, SessionsGoalsAndTheCaseload) {
  absl::StatusOr<v1::Session> s = SessionFromArgs({{"date", "2026-03-09"},
                                                   {"minutes", "45"},
                                                   {"pillars", "employment,finance"},
                                                   {"mode", "phone"},
                                                   {"notes", "cv besproken"}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->duration_minutes(), 45);
  EXPECT_EQ(s->mode(), v1::SESSION_MODE_PHONE);
  EXPECT_EQ(s->pillars_size(), 2);
  EXPECT_FALSE(SessionFromArgs({{"date", "2026-03-09"}}).ok());  // minutes required
  EXPECT_FALSE(SessionFromArgs({{"date", "2026-03-09"}, {"minutes", "5"}, {"mode", "fax"}}).ok());

  absl::StatusOr<v1::Goal> g =
      GoalFromArgs({{"pillar", "employment"}, {"title", "Werk in de zorg"}, {"by", "2026-09-01"}});
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->target_date().month(), 9);
  EXPECT_THAT(
      std::string(GoalFromArgs({{"pillar", "employment"}, {"title", "x"}}).status().message()),
      HasSubstr("by=yyyy-mm-dd"));

  absl::StatusOr<v1::ListParticipantsRequest> list =
      CaseloadFromArgs({{"mentor", "m7"}, {"pillar", "finance"}, {"max_level", "2"}});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->mentor(), "m7");
  EXPECT_EQ(list->pillar(), v1::PILLAR_FINANCIAL_MANAGEMENT);
  EXPECT_EQ(list->max_pillar_level(), 2);
  EXPECT_FALSE(CaseloadFromArgs({{"pillar", "finance"}}).ok());  // needs max_level
}

TEST(ParticipantFormatTest, TimelineAndCaseload) {
  std::vector<v1::TimelineEntry> entries(2);
  entries[0].mutable_entry_date()->set_year(2026);
  entries[0].mutable_entry_date()->set_month(3);
  entries[0].mutable_entry_date()->set_day(2);
  v1::Assessment* a = entries[0].mutable_assessment();
  a->set_total_score(12);
  v1::PillarLevel* l = a->add_levels();
  l->set_pillar(v1::PILLAR_FINANCIAL_MANAGEMENT);
  l->set_level(2);
  *entries[1].mutable_entry_date() = entries[0].entry_date();
  v1::Session* s = entries[1].mutable_session();
  s->set_duration_minutes(45);
  s->set_mode(v1::SESSION_MODE_HOME_VISIT);
  s->set_notes("eerste regel\ntweede regel");
  const std::string text = FormatTimeline(entries);
  EXPECT_THAT(text, HasSubstr("2026-03-02  assessment  Bridge 12/25 (finance 2)"));
  EXPECT_THAT(text, HasSubstr("45 min home visit: eerste regel"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("tweede regel")));
  EXPECT_EQ(FormatTimeline({}), "nothing recorded yet\n");

  v1::Participant p;
  p.set_name("participants/abc");
  p.set_display_name("Fatima");
  p.set_state(v1::PARTICIPANT_STATE_ACTIVE);
  const std::string caseload = FormatCaseload({p});
  EXPECT_THAT(caseload, HasSubstr("participants/abc"));
  EXPECT_THAT(caseload, HasSubstr("active"));
  EXPECT_THAT(caseload, HasSubstr("1 participant\n"));
}

TEST(ParticipantRunTest, UsageErrorsNeedNoService) {
  StackFile stack;
  std::ostringstream out, err;
  EXPECT_EQ(RunParticipant(stack, {"list"}, {}, out, err), 2);
  EXPECT_THAT(err.str(), HasSubstr("no caserecord service"));
  stack.services["caserecord"] = "127.0.0.1:1";
  err.str("");
  EXPECT_EQ(RunParticipant(stack, {"fly"}, {}, out, err), 2);
  EXPECT_THAT(err.str(), HasSubstr("unknown subcommand"));
  err.str("");
  EXPECT_EQ(RunParticipant(stack, {"create", "gemeente=GM0014"}, {}, out, err), 2);
  EXPECT_THAT(err.str(), HasSubstr("intake=yyyy-mm-dd is required"));
}

TEST(ParticipantRunTest, EraseNeedsAReasonAndExportANameBeforeAnyCall) {
  StackFile stack;
  stack.services["caserecord"] = "127.0.0.1:1";  // Nothing listens: only usage errors return 2.
  std::ostringstream out, err;
  EXPECT_EQ(RunParticipant(stack, {"erase", "participants/abc"}, {}, out, err), 2);
  EXPECT_THAT(err.str(), HasSubstr("--reason: must be participant-request"));
  err.str("");
  EXPECT_EQ(RunParticipant(stack, {"erase", "participants/abc", "reason=because"}, {}, out, err),
            2);
  EXPECT_THAT(err.str(), HasSubstr("--reason"));
  err.str("");
  EXPECT_EQ(RunParticipant(stack, {"export"}, {}, out, err), 2);
  EXPECT_THAT(err.str(), HasSubstr("give the participant"));
  EXPECT_EQ(ParseErasureReason("retention-expired").value(), v1::ERASURE_REASON_RETENTION_EXPIRED);
  EXPECT_EQ(ParseErasureReason("recorded-in-error").value(), v1::ERASURE_REASON_RECORDED_IN_ERROR);
  EXPECT_EQ(ParticipantNameArg("abc"), "participants/abc");
  EXPECT_EQ(ParticipantNameArg("participants/abc"), "participants/abc");
}

TEST(ParticipantFormatTest, TimelineShowsSnapshotsAndOutcomes) {
  std::vector<v1::TimelineEntry> entries(2);
  entries[0].mutable_entry_date()->set_year(2026);
  entries[0].mutable_entry_date()->set_month(3);
  entries[0].mutable_entry_date()->set_day(2);
  v1::CompassSnapshot* c = entries[0].mutable_compass_snapshot();
  c->set_label("Intake");
  c->mutable_margin()->set_cents(-12345);
  *entries[1].mutable_entry_date() = entries[0].entry_date();
  v1::Outcome* o = entries[1].mutable_outcome();
  o->set_type(v1::OUTCOME_TYPE_JOB_STARTED);
  o->mutable_job()->set_occupation("occupations/5131");
  o->mutable_job()->set_minutes_per_week(1440);
  const std::string text = FormatTimeline(entries);
  EXPECT_THAT(text,
              HasSubstr("2026-03-02  snapshot    Intake: margin -€ 123,45 a month, not lonend"));
  EXPECT_THAT(text, HasSubstr("outcome     job_started occupations/5131 24 h/week"));
}

}  // namespace
}  // namespace kompas::cli
