#!/usr/bin/python3
"""Security sweep over the public API of the real local stack, as a hostile caller would try it.

- Every RPC of every public service, without a token, with an expired and with a revoked token:
  UNAUTHENTICATED; with a valid token lacking the method's scope: PERMISSION_DENIED.
- Every case-record RPC, called by a second organisation with the first one's resource names:
  NOT_FOUND (exactly as for a name that never existed), and nothing of the first one changes.
- Oversized messages and huge repeated fields are refused without the service's memory growing.
- Afterwards no log line of any service holds a BSN, a name, a note or a token.

The methods come from the service descriptors of the generated stubs, so a new RPC without a
case here fails the sweep instead of going unchecked.

    tests/python/security_sweep_test.py --bin_dir=build/release [unittest args]
"""

import argparse
import glob
import json
import os
import re
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kompas_stack  # noqa: E402  (the shared stack and stub helpers)

BSN_A = "111222333"  # elfproef: 66 ≡ 0 (mod 11)
NAME_A = "Geheime Naam Zeldzaam"
NOTE_A = "notitie-die-nooit-in-een-log-mag-staan"

# Scopes each method needs (from the services' method tables); a token holding only the
# other scopes must get PERMISSION_DENIED.
SANITIZED = False  # --sanitized

ALL_SCOPES = ["compass", "records.read", "records.write", "catalog.admin", "network.report"]


class Sweep(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = kompas_stack.Stack()
        cls.pb = cls.stack.pb
        cls.grpc = cls.stack.grpc
        s = cls.stack
        cls.tokens = {
            "expired": s.new_token("demo", ALL_SCOPES),
            "revoked": s.new_token("demo", ALL_SCOPES),
            "other": s.new_token("other-org", ["records.read", "records.write", "compass"]),
        }
        for scope in ALL_SCOPES:
            cls.tokens["only:" + scope] = s.new_token("demo", [scope])
        s.expire_token(cls.tokens["expired"])
        s.revoke_token(cls.tokens["revoked"])
        s.reload_tokens()
        cls.a = cls.make_organisation_a_records()

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    # --- Organisation A's records ------------------------------------------------------------

    @classmethod
    def make_organisation_a_records(cls):
        m = cls.pb["caserecord_pb2"]
        p = cls.pb["participant_pb2"]
        cr = cls.stack.stub("caserecord")
        md = cls.stack.auth()
        date = {"year": 2026, "month": 3, "day": 2}
        part = cr.CreateParticipant(m.CreateParticipantRequest(participant=p.Participant(
            display_name=NAME_A, bsn=BSN_A, mentor="mentor-1", gemeente_code="GM0935",
            intake_date=date)), metadata=md, timeout=10)
        a = {"participants": part}
        a["consents"] = cr.CreateConsent(m.CreateConsentRequest(parent=part.name, consent=p.Consent(
            purpose=p.CONSENT_PURPOSE_NETWORK_EVALUATION, grant_date=date, evidence="formulier")),
            metadata=md, timeout=10)
        bridge = cls.pb["bridge_pb2"]
        a["assessments"] = cr.CreateAssessment(m.CreateAssessmentRequest(
            parent=part.name, assessment=bridge.Assessment(
                assessment_date=date, notes=NOTE_A,
                levels=[bridge.PillarLevel(pillar=i, level=2) for i in range(1, 6)])),
            metadata=md, timeout=10)
        goal = cls.pb["goal_pb2"]
        a["goals"] = cr.CreateGoal(m.CreateGoalRequest(parent=part.name, goal=goal.Goal(
            pillar=bridge.PILLAR_EMPLOYMENT_CAREER, title="Werk vinden",
            done_when="contract getekend", target_date={"year": 2027, "month": 1, "day": 1},
            state=goal.GOAL_STATE_OPEN)), metadata=md, timeout=10)
        session = cls.pb["session_pb2"]
        a["sessions"] = cr.CreateSession(m.CreateSessionRequest(parent=part.name, session=session.Session(
            session_date=date, duration_minutes=30, mode=session.SESSION_MODE_IN_PERSON,
            notes=NOTE_A)), metadata=md, timeout=10)
        outcome = cls.pb["outcome_pb2"]
        a["outcomes"] = cr.CreateOutcome(m.CreateOutcomeRequest(parent=part.name, outcome=outcome.Outcome(
            type=outcome.OUTCOME_TYPE_TRAINING_COMPLETED, outcome_date=date,
            training=outcome.TrainingDetails(description="VCA", certified=True))),
            metadata=md, timeout=10)
        snapshot = cls.pb["snapshot_pb2"]
        a["compassSnapshots"] = cr.CreateCompassSnapshot(m.CreateCompassSnapshotRequest(
            parent=part.name, compass_snapshot=snapshot.CompassSnapshot(
                label="Intake", income_request=cls.pb["budget_pb2"].CalculateIncomeRequest(
                    household=kompas_stack.household(cls.pb)))), metadata=md, timeout=30)
        return a

    def snapshot_of_a(self):
        """Everything A has, as A reads it (to check B changed nothing)."""
        m = self.pb["caserecord_pb2"]
        return self.stack.stub("caserecord").ExportParticipant(
            m.ExportParticipantRequest(name=self.a["participants"].name),
            metadata=self.stack.auth(), timeout=10)

    # --- Requests per method -------------------------------------------------------------------

    def cross_tenant_requests(self):
        """For every case-record method: a well-formed request naming A's resources."""
        m = self.pb["caserecord_pb2"]
        a = self.a
        pname = a["participants"].name
        mask = self.pb["field_mask_pb2"].FieldMask

        def copy(kind):
            msg = type(a[kind])()
            msg.CopyFrom(a[kind])
            return msg

        def body(kind, field):
            # A's own resource as the body of a create: output-only fields are ignored.
            msg = copy(kind)
            msg.ClearField("name")
            msg.ClearField("etag")
            return {"parent": pname, field: msg}

        return {
            "GetParticipant": m.GetParticipantRequest(name=pname),
            "UpdateParticipant": m.UpdateParticipantRequest(
                participant=copy("participants"), update_mask=mask(paths=["display_name"])),
            "LookupParticipant": m.LookupParticipantRequest(bsn=BSN_A),
            "ExportParticipant": m.ExportParticipantRequest(name=pname),
            "EraseParticipant": m.EraseParticipantRequest(
                name=pname, reason=m.ERASURE_REASON_PARTICIPANT_REQUEST),
            "GetTimeline": m.GetTimelineRequest(participant=pname),
            "CreateConsent": m.CreateConsentRequest(**body("consents", "consent")),
            "GetConsent": m.GetConsentRequest(name=a["consents"].name),
            "ListConsents": m.ListConsentsRequest(parent=pname),
            "WithdrawConsent": m.WithdrawConsentRequest(name=a["consents"].name),
            "CreateAssessment": m.CreateAssessmentRequest(**body("assessments", "assessment")),
            "GetAssessment": m.GetAssessmentRequest(name=a["assessments"].name),
            "ListAssessments": m.ListAssessmentsRequest(parent=pname),
            "UpdateAssessment": m.UpdateAssessmentRequest(
                assessment=copy("assessments"), update_mask=mask(paths=["notes"])),
            "DeleteAssessment": m.DeleteAssessmentRequest(name=a["assessments"].name),
            "SuggestAssessmentLevels": m.SuggestAssessmentLevelsRequest(
                parent=pname, compass_snapshot=a["compassSnapshots"].name),
            "CreateGoal": m.CreateGoalRequest(**body("goals", "goal")),
            "GetGoal": m.GetGoalRequest(name=a["goals"].name),
            "ListGoals": m.ListGoalsRequest(parent=pname),
            "UpdateGoal": m.UpdateGoalRequest(goal=copy("goals"), update_mask=mask(paths=["title"])),
            "DeleteGoal": m.DeleteGoalRequest(name=a["goals"].name),
            "CreateSession": m.CreateSessionRequest(**body("sessions", "session")),
            "GetSession": m.GetSessionRequest(name=a["sessions"].name),
            "ListSessions": m.ListSessionsRequest(parent=pname),
            "UpdateSession": m.UpdateSessionRequest(
                session=copy("sessions"), update_mask=mask(paths=["notes"])),
            "DeleteSession": m.DeleteSessionRequest(name=a["sessions"].name),
            "CreateCompassSnapshot": m.CreateCompassSnapshotRequest(
                parent=pname, compass_snapshot=self.pb["snapshot_pb2"].CompassSnapshot(
                    label="Inbraak", income_request=a["compassSnapshots"].income_request)),
            "GetCompassSnapshot": m.GetCompassSnapshotRequest(name=a["compassSnapshots"].name),
            "ListCompassSnapshots": m.ListCompassSnapshotsRequest(parent=pname),
            "DeleteCompassSnapshot": m.DeleteCompassSnapshotRequest(name=a["compassSnapshots"].name),
            "RecomputeCompassSnapshot": m.RecomputeCompassSnapshotRequest(
                name=a["compassSnapshots"].name),
            "CreateOutcome": m.CreateOutcomeRequest(**body("outcomes", "outcome")),
            "GetOutcome": m.GetOutcomeRequest(name=a["outcomes"].name),
            "ListOutcomes": m.ListOutcomesRequest(parent=pname),
            "UpdateOutcome": m.UpdateOutcomeRequest(
                outcome=copy("outcomes"), update_mask=mask(paths=["outcome_date"])),
            "DeleteOutcome": m.DeleteOutcomeRequest(name=a["outcomes"].name),
            "ListAuditEvents": m.ListAuditEventsRequest(parent=pname),
        }

    # Methods that name no existing resource of another organisation, and why.
    NOT_RESOURCE_SCOPED = {
        "CreateParticipant": "creates in the caller's own organisation",
        "ListParticipants": "lists the caller's own organisation (checked below: A's are absent)",
        "GetNetworkReport": "cross-organisation aggregates by design (scope network.report)",
    }

    # --- Tests -----------------------------------------------------------------------------------

    def test_every_rpc_refuses_missing_expired_and_revoked_tokens(self):
        checked = 0
        for service, method in self.stack.public_methods():
            for label, token in [("none", None), ("expired", self.tokens["expired"]),
                                 ("revoked", self.tokens["revoked"]),
                                 ("garbage", "kompas_" + "x" * 40)]:
                with self.subTest(method=method.full_name, token=label):
                    code, details = self.stack.call(service, method, None, token)
                    self.assertEqual(code, self.grpc.StatusCode.UNAUTHENTICATED, details)
                    checked += 1
        self.assertGreater(checked, 4 * 40)

    def test_every_rpc_refuses_a_token_without_its_scope(self):
        checked = 0
        for service, method in self.stack.public_methods():
            allowed = self.stack.scopes_allowed(method)
            for scope in ALL_SCOPES:
                if scope in allowed:
                    continue
                with self.subTest(method=method.full_name, scope=scope):
                    code, details = self.stack.call(service, method, None,
                                                    self.tokens["only:" + scope])
                    self.assertEqual(code, self.grpc.StatusCode.PERMISSION_DENIED, details)
                    checked += 1
        self.assertGreater(checked, 40)

    def test_another_organisation_gets_not_found_for_every_case_record_rpc(self):
        before = self.snapshot_of_a()
        requests = self.cross_tenant_requests()
        methods = [m for s, m in self.stack.public_methods() if s == "caserecord"]
        for method in methods:
            if method.name in self.NOT_RESOURCE_SCOPED:
                continue
            self.assertIn(method.name, requests, "no cross-organisation case for " + method.name)
            with self.subTest(method=method.name):
                code, details = self.stack.call("caserecord", method, requests[method.name],
                                                self.tokens["other"])
                self.assertEqual(code, self.grpc.StatusCode.NOT_FOUND, details)
                # The same message as for a name that never existed: no hint it exists elsewhere.
                self.assertNotIn("other", details.lower())
        # B's list shows none of A's participants.
        m = self.pb["caserecord_pb2"]
        listed = self.stack.stub("caserecord").ListParticipants(
            m.ListParticipantsRequest(page_size=1000), metadata=self.stack.auth(self.tokens["other"]),
            timeout=10)
        self.assertNotIn(self.a["participants"].name, [x.name for x in listed.participants])
        # And nothing of A changed (the export's own time aside).
        after = self.snapshot_of_a()
        before.ClearField("export_time")
        after.ClearField("export_time")
        before.ClearField("audit_events")
        after.ClearField("audit_events")
        self.assertEqual(before, after)

    def test_oversized_messages_and_huge_repeated_fields_are_refused(self):
        budget = self.stack.stub("budget")
        bpb = self.pb["budget_pb2"]
        rss_before = self.stack.rss_kib("budget")
        # 8 MiB of fixed costs: over the 4 MiB receive limit.
        h = kompas_stack.household(self.pb)
        for _ in range(4):
            h.fixed_costs.add(description="x" * (2 << 20))
        with self.assertRaises(self.grpc.RpcError) as e:
            budget.CalculateIncome(bpb.CalculateIncomeRequest(household=h),
                                   metadata=self.stack.auth(), timeout=10)
        self.assertEqual(e.exception.code(), self.grpc.StatusCode.RESOURCE_EXHAUSTED)
        # 100,000 scenarios in under 4 MiB: refused by rule, naming the field.
        batch = bpb.CalculateIncomeBatchRequest(household=kompas_stack.household(self.pb))
        for i in range(100_000):
            batch.scenarios.add(scenario_id=str(i))
        self.assertLess(batch.ByteSize(), 4 << 20)
        for _ in range(5):
            with self.assertRaises(self.grpc.RpcError) as e:
                budget.CalculateIncomeBatch(batch, metadata=self.stack.auth(), timeout=10)
            self.assertEqual(e.exception.code(), self.grpc.StatusCode.INVALID_ARGUMENT)
            self.assertIn("scenarios", e.exception.details())
        # Case record: a note far over its limit names the field.
        m = self.pb["caserecord_pb2"]
        session = self.pb["session_pb2"]
        with self.assertRaises(self.grpc.RpcError) as e:
            self.stack.stub("caserecord").CreateSession(m.CreateSessionRequest(
                parent=self.a["participants"].name, session=session.Session(
                    session_date={"year": 2026, "month": 3, "day": 3}, duration_minutes=30,
                    mode=session.SESSION_MODE_IN_PERSON, notes="n" * (1 << 20))),
                metadata=self.stack.auth(), timeout=10)
        self.assertEqual(e.exception.code(), self.grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("notes", e.exception.details())
        # Memory: the refused calls left no lasting growth (generous bound: 64 MiB; under
        # AddressSanitizer its quarantine keeps up to 256 MiB of freed memory resident).
        bound_mib = 320 if SANITIZED else 64
        self.assertLess(self.stack.rss_kib("budget") - rss_before, bound_mib * 1024)
        # And the service still answers.
        ok = budget.CalculateIncome(bpb.CalculateIncomeRequest(household=kompas_stack.household(self.pb)),
                                    metadata=self.stack.auth(), timeout=10)
        self.assertTrue(ok.calculation.lines)

    def test_zz_logs_hold_no_personal_data_or_tokens(self):
        # Runs last (unittest sorts by name): after every other test wrote its log lines.
        secrets = [BSN_A, NAME_A, NOTE_A, self.stack.token] + list(self.tokens.values())
        logs = glob.glob(os.path.join(self.stack.state, "*.log"))
        self.assertGreaterEqual(len(logs), 4)
        lines = 0
        for path in logs:
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    lines += 1
                    for secret in secrets:
                        self.assertNotIn(secret, line, "%s leaks a secret" % os.path.basename(path))
        self.assertGreater(lines, 100)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin_dir", default=kompas_stack.BIN_DIR)
    parser.add_argument("--sanitized", action="store_true",
                        help="the binaries are built with a sanitizer (memory bounds differ)")
    args, rest = parser.parse_known_args()
    SANITIZED = args.sanitized
    kompas_stack.BIN_DIR = os.path.abspath(args.bin_dir)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=1)
