#!/usr/bin/python3
"""A member organisation's own system, in Python, against Kompas's public API.

Nothing here comes from the C++ code: the client is generated from the .proto files by Debian's
protoc and grpc_python_plugin and runs on Debian's python3-grpcio, exactly as a municipality's
system would be built. It starts the local stack (scripts/stack: Redis and the four services
on loopback) and talks to it over gRPC with the stack's bearer token.

    tests/python/foreign_client_test.py --bin_dir=build/release [unittest args]
"""

import argparse
import glob
import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN_DIR = os.path.join(ROOT, "build", "release")
STATE = None  # the stack's directory
STUBS = None  # the generated Python modules
ADDRESSES = {}
TOKEN = ""
# A BSN that passes the elfproef: 9·1+8·1+7·1+6·2+5·2+4·2+3·3+2·3−1·3 = 66 ≡ 0 (mod 11).
BSN = "111222333"

# Filled in by setUpModule, after the stubs exist.
grpc = None
pb = {}


def generate_stubs(out_dir):
    """protoc --python_out / grpc_python_plugin over every public proto of the repository."""
    protos = sorted(
        p for p in glob.glob(os.path.join(ROOT, "proto", "kompas", "**", "*.proto"), recursive=True)
        if os.sep + "testing" + os.sep not in p)
    subprocess.run(
        ["protoc", "-I", os.path.join(ROOT, "proto"), "-I", "/usr/include",
         "--python_out=" + out_dir, "--grpc_python_out=" + out_dir,
         "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin"] + protos,
        check=True)
    # Packages for Python's import system.
    for d, _, _ in os.walk(os.path.join(out_dir, "kompas")):
        open(os.path.join(d, "__init__.py"), "a").close()


def stack(command):
    env = dict(os.environ, KOMPAS_STACK_DIR=STATE, KOMPAS_BIN_DIR=BIN_DIR)
    return subprocess.run([os.path.join(ROOT, "scripts", "stack"), command], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def setUpModule():
    global STATE, STUBS, grpc, TOKEN
    STATE = tempfile.mkdtemp(prefix="kompas-python-client.")
    STUBS = os.path.join(STATE, "stubs")
    os.mkdir(STUBS)
    generate_stubs(STUBS)
    sys.path.insert(0, STUBS)
    grpc = importlib.import_module("grpc")
    for name in ["kompas.budget.v1.budget_pb2", "kompas.budget.v1.budget_pb2_grpc",
                 "kompas.matching.v1.matching_pb2", "kompas.matching.v1.matching_pb2_grpc",
                 "kompas.caserecord.v1.caserecord_pb2", "kompas.caserecord.v1.caserecord_pb2_grpc",
                 "kompas.caserecord.v1.participant_pb2", "kompas.caserecord.v1.session_pb2",
                 "kompas.caserecord.v1.bridge_pb2", "kompas.type.v1.household_pb2",
                 "kompas.catalog.v1.catalog_pb2",
                 "google.protobuf.json_format", "google.protobuf.field_mask_pb2"]:
        pb[name.split(".")[-1]] = importlib.import_module(name)
    up = stack("up")
    if up.returncode != 0:
        raise RuntimeError("scripts/stack up failed:\n" + up.stdout)
    with open(os.path.join(STATE, "stack.json")) as f:
        ADDRESSES.update(json.load(f)["services"])
    with open(os.path.join(STATE, "token")) as f:
        TOKEN = f.read().strip()


def tearDownModule():
    if STATE:
        stack("down")
        if os.environ.get("KOMPAS_KEEP_TEST_STATE"):
            print("stack state and logs kept in", STATE, file=sys.stderr)
        else:
            shutil.rmtree(STATE, ignore_errors=True)


def channel(service):
    return grpc.insecure_channel(ADDRESSES[service])


def auth(token=None, actor="mentor-7"):
    return (("authorization", "Bearer " + (TOKEN if token is None else token)),
            ("x-kompas-actor", actor))


def household():
    """The single parent in Maastricht of examples/, as a member system would send it."""
    with open(os.path.join(ROOT, "examples", "single-parent-maastricht.json")) as f:
        return pb["json_format"].Parse(f.read(), pb["household_pb2"].Household())


class BudgetTest(unittest.TestCase):
    def setUp(self):
        self.budget = pb["budget_pb2_grpc"].BudgetServiceStub(channel("budget"))

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
        matching = pb["matching_pb2_grpc"].MatchingServiceStub(channel("matching"))
        budget = pb["budget_pb2_grpc"].BudgetServiceStub(channel("budget"))
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
        matching = pb["matching_pb2_grpc"].MatchingServiceStub(channel("matching"))
        profile = pb["matching_pb2"].MatchProfile(profile_id="bad", household=household(),
                                                  job_seeker=3)
        with self.assertRaises(grpc.RpcError) as e:
            matching.Match(pb["matching_pb2"].MatchRequest(profile=profile), metadata=auth(),
                           timeout=10)
        self.assertEqual(e.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("job_seeker", e.exception.details())


class CaseRecordLifecycleTest(unittest.TestCase):
    def setUp(self):
        self.cr = pb["caserecord_pb2_grpc"].CaseRecordServiceStub(channel("caserecord"))
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
        """A token of a second organisation, added to the stack's tokens file (SIGHUP reloads)."""
        made = subprocess.run(
            [os.path.join(BIN_DIR, "tools", "admin", "kompas-admin"), "token", "create",
             "--tokens_file=" + os.path.join(STATE, "tokens.jsonl"), "--tenant=other-org",
             "--scopes=records.read,records.write", "--valid_days=1", "--note=python test"],
            check=True, stdout=subprocess.PIPE, text=True)
        with open(os.path.join(STATE, "pids", "caserecord")) as f:
            os.kill(int(f.read()), signal.SIGHUP)
        token = made.stdout.strip()
        # The reload is asynchronous: wait until the new token is accepted.
        for _ in range(100):
            try:
                self.cr.ListParticipants(self.m.ListParticipantsRequest(),
                                         metadata=auth(token=token), timeout=5)
                return token
            except grpc.RpcError as e:
                if e.code() != grpc.StatusCode.UNAUTHENTICATED:
                    raise
                time.sleep(0.05)
        self.fail("the second organisation's token was never accepted")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin_dir", default=BIN_DIR)
    args, rest = parser.parse_known_args()
    BIN_DIR = os.path.abspath(args.bin_dir)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
