#!/usr/bin/python3
"""A member organisation's own system, in Python, against Kompas's public API.

Nothing here comes from the C++ code: the client is generated from the .proto files by Debian's
protoc and grpc_python_plugin and runs on Debian's python3-grpcio, exactly as a municipality's
system would be built. It starts the local stack (scripts/stack: Redis and the four services
on loopback) and talks to it over gRPC with the stack's bearer token.

    tests/python/foreign_client_test.py --bin_dir=build/release [unittest args]
"""

import argparse
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kompas_stack  # noqa: E402  (the shared stack and stub helpers)

# A BSN that passes the elfproef: 9·1+8·1+7·1+6·2+5·2+4·2+3·3+2·3−1·3 = 66 ≡ 0 (mod 11).
BSN = "111222333"
STACK = None
grpc = None
pb = {}


def setUpModule():
    global STACK, grpc
    STACK = kompas_stack.Stack()
    grpc = STACK.grpc
    pb.update(STACK.pb)


def tearDownModule():
    if STACK:
        STACK.close()


def auth(token=None, actor="mentor-7"):
    return STACK.auth(token, actor)


def household():
    return kompas_stack.household(pb)


class BudgetTest(unittest.TestCase):
    def setUp(self):
        self.budget = STACK.stub("budget")

    def test_calculate_income_answer_is_self_consistent(self):
        request = pb["budget_pb2"].CalculateIncomeRequest(household=household())
        answer = self.budget.CalculateIncome(request, metadata=auth(), timeout=10)
        calc = answer.calculation
        # budget.proto: disposable_income is the sum of the lines; margin = disposable −
        # required; lonend = margin ≥ 0.
        self.assertGreater(len(calc.lines), 0)
        self.assertEqual(calc.disposable_income.cents, sum(l.monthly_amount.cents for l in calc.lines))
        self.assertEqual(calc.margin.cents,
                         calc.disposable_income.cents - calc.required_budget.cents)
        self.assertEqual(calc.lonend, calc.margin.cents >= 0)
        # Not working: no wage at all.
        self.assertEqual(calc.gross_monthly_wage.cents, 0)
        self.assertTrue(answer.basis.rules.rule_set_id.value)

    def test_bad_household_is_invalid_argument_naming_the_field(self):
        h = household()
        h.gemeente_code = "GM9999"
        with self.assertRaises(grpc.RpcError) as e:
            self.budget.CalculateIncome(pb["budget_pb2"].CalculateIncomeRequest(household=h),
                                        metadata=auth(), timeout=10)
        self.assertEqual(e.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("gemeente_code", e.exception.details())

    def test_without_a_token_is_unauthenticated(self):
        with self.assertRaises(grpc.RpcError) as e:
            self.budget.CalculateIncome(
                pb["budget_pb2"].CalculateIncomeRequest(household=household()), timeout=10)
        self.assertEqual(e.exception.code(), grpc.StatusCode.UNAUTHENTICATED)


class MatchTest(unittest.TestCase):
    def test_match_agrees_with_budget_for_the_top_candidate(self):
        matching = STACK.stub("matching")
        budget = STACK.stub("budget")
        profile = pb["matching_pb2"].MatchProfile(
            profile_id="python-1", household=household(), job_seeker=1,
            available_minutes_per_week=32 * 60, max_training_months=24, max_candidates=10,
            education_level=pb["catalog_pb2"].EDUCATION_LEVEL_NLQF_2)
        result = matching.Match(pb["matching_pb2"].MatchRequest(profile=profile),
                                metadata=auth(), timeout=30).result
        self.assertEqual(result.profile_id, "python-1")
        self.assertGreater(len(result.candidates), 0)
        self.assertLessEqual(len(result.candidates), 10)
        self.assertEqual([c.rank for c in result.candidates],
                         list(range(1, len(result.candidates) + 1)))
        # The current situation is budget's answer for the household as it is.
        now = budget.CalculateIncome(pb["budget_pb2"].CalculateIncomeRequest(household=household()),
                                     metadata=auth(), timeout=10).calculation
        self.assertEqual(result.current_margin.cents, now.margin.cents)
        self.assertEqual(result.current_disposable_income.cents, now.disposable_income.cents)
        self.assertEqual(result.required_budget.cents, now.required_budget.cents)
        # The top candidate is budget's answer with the job seeker working that job.
        top = result.candidates[0]
        working = household()
        working.adults[0].gross_hourly_wage.cents = top.wage.gross_hourly_wage.cents
        working.adults[0].minutes_per_week = top.minutes_per_week
        job = budget.CalculateIncome(pb["budget_pb2"].CalculateIncomeRequest(household=working),
                                     metadata=auth(), timeout=10).calculation
        self.assertEqual(top.disposable_income.cents, job.disposable_income.cents)
        self.assertEqual(top.margin.cents, job.margin.cents)
        self.assertEqual(top.lonend, job.lonend)

    def test_bad_profile_names_the_field(self):
        matching = STACK.stub("matching")
        profile = pb["matching_pb2"].MatchProfile(profile_id="bad", household=household(),
                                                  job_seeker=3)
        with self.assertRaises(grpc.RpcError) as e:
            matching.Match(pb["matching_pb2"].MatchRequest(profile=profile), metadata=auth(),
                           timeout=10)
        self.assertEqual(e.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("job_seeker", e.exception.details())


class CaseRecordLifecycleTest(unittest.TestCase):
    def setUp(self):
        self.cr = STACK.stub("caserecord")
        self.m = pb["caserecord_pb2"]
        self.p = pb["participant_pb2"]

    def test_lifecycle(self):
        m, p = self.m, self.p
        created = self.cr.CreateParticipant(m.CreateParticipantRequest(participant=p.Participant(
            display_name="Python Deelnemer", bsn=BSN, mentor="mentor-7", gemeente_code="GM0935",
            intake_date={"year": 2026, "month": 3, "day": 2})), metadata=auth(), timeout=10)
        self.assertTrue(created.name.startswith("participants/"))
        self.assertTrue(created.bsn_on_file)
        self.assertEqual(created.bsn, "")  # never returned
        self.assertEqual(created.state, p.PARTICIPANT_STATE_ACTIVE)

        # The same BSN again: ALREADY_EXISTS naming the participant on file.
        with self.assertRaises(grpc.RpcError) as e:
            self.cr.CreateParticipant(m.CreateParticipantRequest(participant=p.Participant(
                display_name="Dubbel", bsn=BSN, mentor="mentor-7", gemeente_code="GM0935",
                intake_date={"year": 2026, "month": 3, "day": 2})), metadata=auth(), timeout=10)
        self.assertEqual(e.exception.code(), grpc.StatusCode.ALREADY_EXISTS)
        self.assertIn(created.name, e.exception.details())

        found = self.cr.LookupParticipant(m.LookupParticipantRequest(bsn=BSN), metadata=auth(),
                                          timeout=10)
        self.assertEqual(found.name, created.name)
        self.assertEqual(found.display_name, "Python Deelnemer")

        # Update with a field mask and the etag; the old etag is then stale.
        change = p.Participant(name=created.name, display_name="P. Deelnemer", etag=created.etag)
        updated = self.cr.UpdateParticipant(m.UpdateParticipantRequest(
            participant=change, update_mask=pb["field_mask_pb2"].FieldMask(paths=["display_name"])),
            metadata=auth(), timeout=10)
        self.assertEqual(updated.display_name, "P. Deelnemer")
        self.assertEqual(updated.gemeente_code, "GM0935")
        self.assertNotEqual(updated.etag, created.etag)
        with self.assertRaises(grpc.RpcError) as e:
            self.cr.UpdateParticipant(m.UpdateParticipantRequest(
                participant=change, update_mask=pb["field_mask_pb2"].FieldMask(paths=["display_name"])),
                metadata=auth(), timeout=10)
        self.assertEqual(e.exception.code(), grpc.StatusCode.ABORTED)

        # A bad mask names the field.
        with self.assertRaises(grpc.RpcError) as e:
            self.cr.UpdateParticipant(m.UpdateParticipantRequest(
                participant=p.Participant(name=created.name),
                update_mask=pb["field_mask_pb2"].FieldMask(paths=["create_time"])),
                metadata=auth(), timeout=10)
        self.assertEqual(e.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("update_mask", e.exception.details())

        # Consent, an assessment and three sessions.
        consent = self.cr.CreateConsent(m.CreateConsentRequest(parent=created.name, consent=p.Consent(
            purpose=p.CONSENT_PURPOSE_KEEP_RECORD, grant_date={"year": 2026, "month": 3, "day": 2},
            evidence="getekend formulier")), metadata=auth(), timeout=10)
        self.assertTrue(consent.name.startswith(created.name + "/consents/"))
        bridge = pb["bridge_pb2"]
        assessment = self.cr.CreateAssessment(m.CreateAssessmentRequest(
            parent=created.name, assessment=bridge.Assessment(
                assessment_date={"year": 2026, "month": 3, "day": 9},
                levels=[bridge.PillarLevel(pillar=pillar, level=2) for pillar in range(1, 6)])),
            metadata=auth(), timeout=10)
        self.assertEqual(assessment.total_score, 10)  # five pillars at level 2
        session_pb = pb["session_pb2"]
        for day in (10, 17, 24):
            self.cr.CreateSession(m.CreateSessionRequest(parent=created.name, session=session_pb.Session(
                session_date={"year": 2026, "month": 3, "day": day}, duration_minutes=45,
                mode=session_pb.SESSION_MODE_IN_PERSON, notes="gesprek %d maart" % day)),
                metadata=auth(), timeout=10)

        # Paging: two pages of two and one, newest first, each session once.
        seen, token = [], ""
        while True:
            page = self.cr.ListSessions(m.ListSessionsRequest(parent=created.name, page_size=2,
                                                              page_token=token),
                                        metadata=auth(), timeout=10)
            seen += [s.session_date.day for s in page.sessions]
            token = page.next_page_token
            if not token:
                break
        self.assertEqual(seen, [24, 17, 10])

        timeline = self.cr.GetTimeline(m.GetTimelineRequest(participant=created.name),
                                       metadata=auth(), timeout=10)
        kinds = [e.WhichOneof("item") for e in timeline.entries]
        self.assertEqual(kinds, ["consent", "assessment", "session", "session", "session"])

        # Another organisation does not see it.
        other = self.other_tenant_token()
        with self.assertRaises(grpc.RpcError) as e:
            self.cr.GetParticipant(m.GetParticipantRequest(name=created.name),
                                   metadata=auth(token=other), timeout=10)
        self.assertEqual(e.exception.code(), grpc.StatusCode.NOT_FOUND)

        # Erasure: gone everywhere but the access log.
        erased = self.cr.EraseParticipant(m.EraseParticipantRequest(
            name=created.name, reason=m.ERASURE_REASON_PARTICIPANT_REQUEST), metadata=auth(),
            timeout=10)
        self.assertEqual(erased.name, created.name)
        self.assertEqual(erased.resources_erased, 1 + 1 + 1 + 3)
        with self.assertRaises(grpc.RpcError) as e:
            self.cr.GetParticipant(m.GetParticipantRequest(name=created.name), metadata=auth(),
                                   timeout=10)
        self.assertEqual(e.exception.code(), grpc.StatusCode.NOT_FOUND)
        with self.assertRaises(grpc.RpcError) as e:
            self.cr.LookupParticipant(m.LookupParticipantRequest(bsn=BSN), metadata=auth(),
                                      timeout=10)
        self.assertEqual(e.exception.code(), grpc.StatusCode.NOT_FOUND)
        audit = self.cr.ListAuditEvents(m.ListAuditEventsRequest(parent=created.name, page_size=100),
                                        metadata=auth(), timeout=10)
        methods = {e.method.rsplit("/", 1)[-1] for e in audit.audit_events}
        self.assertTrue({"CreateParticipant", "UpdateParticipant", "CreateSession",
                         "EraseParticipant"} <= methods, methods)

    def other_tenant_token(self):
        """A token of a second organisation, added to the tokens file and loaded (SIGHUP)."""
        token = STACK.new_token("other-org", ["records.read", "records.write"])
        STACK.reload_tokens()
        return token


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin_dir", default=kompas_stack.BIN_DIR)
    args, rest = parser.parse_known_args()
    kompas_stack.BIN_DIR = os.path.abspath(args.bin_dir)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
