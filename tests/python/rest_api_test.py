#!/usr/bin/python3
"""The REST API through the gateway, route by route, against the real local stack.

The routes are enumerated from the protos' google.api.http rules (the generated descriptors),
so an RPC added without a case here fails the test. For every route:

  * a valid token gets 2xx and the right resource or answer;
  * no token gets 401 (UNAUTHENTICATED), a token without the route's scope 403
    (PERMISSION_DENIED), both as application/problem+json;
  * bad input gets 400 naming the field (every route that takes input);
  * another organisation's resource names get 404, and the owner's records stay unchanged
    (every case-record route with a resource in its path).

Also: unknown path 404, wrong method 405, a body over the limit 413, a body that is not JSON
415, MatchBatch as NDJSON, Cache-Control on answers, and no BSN, name, note or token in the
gateway's log.

    tests/python/rest_api_test.py --bin_dir=build/release [unittest args]
"""

import importlib
import json
import os
import re
import sys
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kompas_stack  # noqa: E402

BSN = "111222333"  # passes the elfproef; test data, not a person
BSN_ERASE = "123456782"
NAME = "Rest Testpersoon"
NOTE = "vertrouwelijke notitie rest"
ALL_SCOPES = ["compass", "records.read", "records.write", "catalog.admin", "network.report"]
DATE = {"year": 2026, "month": 3, "day": 2}


class Rest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = kompas_stack.Stack()
        s = cls.stack
        cls.annotations = importlib.import_module("google.api.annotations_pb2")
        cls.tokens = {"all": s.token, "other": s.new_token("other-org", ALL_SCOPES)}
        for scope in ALL_SCOPES:
            cls.tokens["only:" + scope] = s.new_token("demo", [scope])
        s.reload_tokens()
        with open(os.path.join(kompas_stack.ROOT, "examples", "single-parent-maastricht.json")) as f:
            cls.household = json.load(f)
        cls.profile = {"household": cls.household, "jobSeeker": 1,
                       "educationLevel": "EDUCATION_LEVEL_NLQF_2",
                       "availableMinutesPerWeek": 1440, "maxTrainingMonths": 24, "maxCandidates": 5}
        cls.w = cls.make_world()

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    # --- HTTP ----------------------------------------------------------------------------------

    @classmethod
    def http(cls, method, path, body=None, token="all", query=None, raw=None, content_type=None):
        """(status, headers, parsed body) of one request; token None = no Authorization."""
        url = cls.stack.gateway + path
        if query:
            url += "?" + urllib.parse.urlencode(query, doseq=True)
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        headers = {"X-Kompas-Actor": "mentor-rest"}
        if data is not None:
            headers["Content-Type"] = content_type or "application/json"
        if token is not None:
            headers["Authorization"] = "Bearer " + cls.tokens.get(token, token)
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                status, head, text = r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as e:
            status, head, text = e.code, e.headers, e.read().decode()
        if head.get("Content-Type", "").startswith("application/x-ndjson"):
            parsed = [json.loads(line) for line in text.splitlines() if line]
        else:
            parsed = json.loads(text) if text else None
        return status, head, parsed

    @classmethod
    def ok(cls, method, path, body=None, query=None):
        status, _, data = cls.http(method, path, body, query=query)
        if status != 200:
            raise AssertionError("%s %s: %d %s" % (method, path, status, data))
        return data

    # --- A participant with one of everything --------------------------------------------------

    @classmethod
    def make_world(cls):
        w = {}

        def participant(bsn, name):
            return cls.ok("POST", "/v1/participants", {
                "displayName": name, "bsn": bsn, "gemeenteCode": "GM0935", "intakeDate": DATE})

        w["P"] = participant(BSN, NAME)
        w["E"] = participant(BSN_ERASE, NAME + " twee")  # erased last
        p = "/v1/" + w["P"]["name"]
        w["C"] = cls.ok("POST", p + "/consents", {
            "purpose": "CONSENT_PURPOSE_NETWORK_EVALUATION", "grantDate": DATE, "evidence": "formulier"})
        levels = cls.levels(2)
        for key in ("A", "A2"):
            w[key] = cls.ok("POST", p + "/assessments", {"assessmentDate": DATE, "levels": levels, "notes": NOTE})
        for key in ("G", "G2"):
            w[key] = cls.ok("POST", p + "/goals", {
                "pillar": "PILLAR_EMPLOYMENT_CAREER", "title": "Werk vinden", "doneWhen": "contract",
                "targetDate": {"year": 2027, "month": 1, "day": 1}})
        for key in ("S", "S2"):
            w[key] = cls.ok("POST", p + "/sessions", {
                "sessionDate": DATE, "durationMinutes": 30, "mode": "SESSION_MODE_IN_PERSON", "notes": NOTE})
        for key in ("O", "O2"):
            w[key] = cls.ok("POST", p + "/outcomes", {
                "type": "OUTCOME_TYPE_TRAINING_COMPLETED", "outcomeDate": DATE,
                "training": {"description": "VCA", "certified": True}})
        for key in ("K", "K2"):
            w[key] = cls.ok("POST", p + "/compassSnapshots", {"label": "Intake", "matchProfile": cls.profile})
        return w

    @staticmethod
    def levels(level):
        """A Bridge assessment's levels: each of the five pillars once."""
        return [{"pillar": "PILLAR_" + x, "level": level} for x in (
            "FAMILY_STABILITY", "WELL_BEING", "EDUCATION_TRAINING", "FINANCIAL_MANAGEMENT", "EMPLOYMENT_CAREER")]

    # --- One valid call per RPC ----------------------------------------------------------------

    def valid_calls(self):
        """RPC name → (method, path, body, query, check(answer)). Deletes and the erasure last."""
        w, h, prof = self.w, self.household, self.profile
        p = "/v1/" + w["P"]["name"]
        n = lambda key: "/v1/" + w[key]["name"]  # noqa: E731
        positive = lambda money: int(money["cents"]) > 0  # noqa: E731
        curve = {"household": h, "adultNumber": 1, "hours": {
            "grossHourlyWage": {"cents": "1600"}, "fromMinutesPerWeek": 0, "toMinutesPerWeek": 2400,
            "stepMinutes": 240}}
        return {
            "GetRequiredBudget": ("POST", "/v1/requiredBudget:calculate", {"household": h}, None,
                                  lambda r: positive(r["requiredBudget"]["total"])),
            "CalculateIncome": ("POST", "/v1/income:calculate", {"household": h}, None,
                                lambda r: positive(r["calculation"]["disposableIncome"])),
            "CalculateIncomeBatch": ("POST", "/v1/income:calculateBatch", {"household": h, "scenarios": [
                {"scenarioId": "s1", "work": [{"adultNumber": 1, "grossHourlyWage": {"cents": "1600"},
                                               "minutesPerWeek": 1200}]}]}, None,
                lambda r: len(r["results"]) == 1),
            "GetIncomeCurve": ("POST", "/v1/incomeCurve:calculate", curve, None,
                               lambda r: len(r["points"]) == 11),
            "FindRequiredWage": ("POST", "/v1/requiredWage:find",
                                 {"household": h, "adultNumber": 1, "minutesPerWeek": 1440}, None,
                                 lambda r: "found" in r and r["explanation"] != ""),
            "ListRuleSets": ("GET", "/v1/ruleSets", None, {"pageSize": 10}, lambda r: len(r["ruleSets"]) >= 1),
            "ResolveMunicipality": ("GET", "/v1/municipalities:resolve", None, {"query": "Maastricht"},
                                    lambda r: r["municipality"]["code"] == "GM0935"),
            "GetRegion": ("GET", "/v1/regions/AM30", None, None, lambda r: r["code"] == "AM30"),
            "ListRegions": ("GET", "/v1/regions", None, {"pageSize": 5}, lambda r: len(r["regions"]) == 5),
            "GetOccupation": ("GET", "/v1/occupations/1051", None, None, lambda r: r["title"] != ""),
            "SearchOccupations": ("GET", "/v1/occupations:search", None,
                                  {"region": "regions/AM30", "pageSize": 3},
                                  lambda r: 0 < len(r["occupations"]) <= 3),
            "ListCareerSteps": ("GET", "/v1/occupations/1051/careerSteps", None, None,
                                lambda r: "careerSteps" in r),
            "GetDataVersion": ("GET", "/v1/dataVersion", None, None, lambda r: len(r["dataVersion"]) == 64),
            "ImportData": ("POST", "/v1/dataVersion:import", {"validateOnly": True, "files": [
                {"fileName": "regions.csv", "content": "eA=="}]}, None, lambda r: r["applied"] is False),
            "ReloadData": ("POST", "/v1/dataVersion:reload", {}, None, lambda r: r["applied"] is True),
            "Match": ("POST", "/v1/households:match", {"profile": prof}, None,
                      lambda r: len(r["result"]["candidates"]) == 5),
            "MatchBatch": ("POST", "/v1/households:matchBatch", {"profiles": [
                dict(prof, profileId="a"), dict(prof, profileId="b")]}, None,
                lambda r: sorted(x["profileId"] for x in r) == ["a", "b"]),  # in order of completion
            "CreateParticipant": ("POST", "/v1/participants", {
                "displayName": "Nog een", "gemeenteCode": "GM0935", "intakeDate": DATE}, None,
                lambda r: r["name"].startswith("participants/")),
            "GetParticipant": ("GET", p, None, None, lambda r: r["displayName"] == NAME),
            "ListParticipants": ("GET", "/v1/participants", None, {"pageSize": 50},
                                 lambda r: w["P"]["name"] in [x["name"] for x in r["participants"]]),
            "UpdateParticipant": ("PATCH", p, {"mentor": "mentor-9", "etag": w["P"]["etag"]},
                                  {"updateMask": "mentor"}, lambda r: r["mentor"] == "mentor-9"),
            "LookupParticipant": ("POST", "/v1/participants:lookup", {"bsn": BSN}, None,
                                  lambda r: r["name"] == w["P"]["name"]),
            "ExportParticipant": ("GET", p + ":export", None, None,
                                  lambda r: r["participant"]["name"] == w["P"]["name"] and len(r["goals"]) >= 1),
            "GetTimeline": ("GET", p + "/timeline", None, {"pageSize": 100}, lambda r: len(r["entries"]) >= 8),
            "CreateConsent": ("POST", p + "/consents", {
                "purpose": "CONSENT_PURPOSE_KEEP_RECORD", "grantDate": DATE, "evidence": "mondeling"}, None,
                lambda r: r["state"] != "CONSENT_STATE_UNSPECIFIED"),
            "GetConsent": ("GET", n("C"), None, None, lambda r: r["name"] == w["C"]["name"]),
            "ListConsents": ("GET", p + "/consents", None, None, lambda r: len(r["consents"]) >= 1),
            "WithdrawConsent": ("POST", n("C") + ":withdraw", {"withdrawDate": DATE, "etag": w["C"]["etag"]}, None,
                                lambda r: r["withdrawDate"]["year"] == 2026),
            "CreateAssessment": ("POST", p + "/assessments", {"assessmentDate": DATE, "levels": self.levels(3)},
                                 None, lambda r: r["totalScore"] == 15),
            "GetAssessment": ("GET", n("A"), None, None, lambda r: len(r["levels"]) == 5),
            "ListAssessments": ("GET", p + "/assessments", None, None, lambda r: len(r["assessments"]) >= 2),
            "UpdateAssessment": ("PATCH", n("A"), {"notes": "bijgewerkt", "etag": w["A"]["etag"]},
                                 {"updateMask": "notes"}, lambda r: r["notes"] == "bijgewerkt"),
            "SuggestAssessmentLevels": ("POST", p + "/assessments:suggestLevels",
                                        {"compassSnapshot": w["K"]["name"]}, None, lambda r: "suggestions" in r),
            "CreateGoal": ("POST", p + "/goals", {"pillar": "PILLAR_WELL_BEING", "title": "Rust",
                                                 "targetDate": {"year": 2027, "month": 2, "day": 1}}, None,
                           lambda r: r["state"] == "GOAL_STATE_OPEN"),
            "GetGoal": ("GET", n("G"), None, None, lambda r: r["title"] == "Werk vinden"),
            "ListGoals": ("GET", p + "/goals", None, None, lambda r: len(r["goals"]) >= 2),
            "UpdateGoal": ("PATCH", n("G"), {"title": "Werk gevonden", "etag": w["G"]["etag"]},
                           {"updateMask": "title"}, lambda r: r["title"] == "Werk gevonden"),
            "CreateSession": ("POST", p + "/sessions", {"sessionDate": DATE, "durationMinutes": 15,
                                                       "mode": "SESSION_MODE_PHONE"}, None,
                              lambda r: r["durationMinutes"] == 15),
            "GetSession": ("GET", n("S"), None, None, lambda r: r["durationMinutes"] == 30),
            "ListSessions": ("GET", p + "/sessions", None, None, lambda r: len(r["sessions"]) >= 2),
            "UpdateSession": ("PATCH", n("S"), {"durationMinutes": 40, "etag": w["S"]["etag"]},
                              {"updateMask": "durationMinutes"}, lambda r: r["durationMinutes"] == 40),
            "CreateCompassSnapshot": ("POST", p + "/compassSnapshots", {
                "label": "Tweede", "incomeRequest": {"household": h}}, None,
                lambda r: r["incomeResponse"]["calculation"]["disposableIncome"]["cents"] != "0"),
            "GetCompassSnapshot": ("GET", n("K"), None, None,
                                   lambda r: len(r["matchResult"]["candidates"]) == 5),
            "ListCompassSnapshots": ("GET", p + "/compassSnapshots", None, None,
                                     lambda r: len(r["compassSnapshots"]) >= 2),
            "RecomputeCompassSnapshot": ("POST", n("K") + ":recompute", {}, None,
                                         lambda r: r["original"]["name"] == w["K"]["name"] and "matchResult" in r),
            "CreateOutcome": ("POST", p + "/outcomes", {"type": "OUTCOME_TYPE_JOB_STARTED", "outcomeDate": DATE,
                                                       "job": {"occupation": "occupations/1051",
                                                               "minutesPerWeek": 1200}}, None,
                              lambda r: r["type"] == "OUTCOME_TYPE_JOB_STARTED"),
            "GetOutcome": ("GET", n("O"), None, None, lambda r: r["training"]["description"] == "VCA"),
            "ListOutcomes": ("GET", p + "/outcomes", None, None, lambda r: len(r["outcomes"]) >= 2),
            "UpdateOutcome": ("PATCH", n("O"), {"outcomeDate": {"year": 2026, "month": 3, "day": 3},
                                                "etag": w["O"]["etag"]}, {"updateMask": "outcomeDate"},
                              lambda r: r["outcomeDate"]["day"] == 3),
            "ListAuditEvents": ("GET", p + "/auditEvents", None, None, lambda r: len(r["auditEvents"]) >= 1),
            "GetNetworkReport": ("GET", "/v1/networkReport", None, {
                "periodStart.year": 2026, "periodStart.month": 7, "periodEnd.year": 2026, "periodEnd.month": 9},
                lambda r: "rows" in r or "total" in r or len(r) > 0),
            "DeleteAssessment": ("DELETE", n("A2"), None, None, lambda r: r == {}),
            "DeleteGoal": ("DELETE", n("G2"), None, None, lambda r: r == {}),
            "DeleteSession": ("DELETE", n("S2"), None, None, lambda r: r == {}),
            "DeleteCompassSnapshot": ("DELETE", n("K2"), None, None, lambda r: r == {}),
            "DeleteOutcome": ("DELETE", n("O2"), None, None, lambda r: r == {}),
            "EraseParticipant": ("POST", n("E") + ":erase", {"reason": "ERASURE_REASON_PARTICIPANT_REQUEST",
                                                              "etag": w["E"]["etag"]}, None,
                                 lambda r: r["name"] == w["E"]["name"]),
        }

    # --- Routes from the protos ----------------------------------------------------------------

    def routes(self):
        """(RPC name, scopes allowed, http rule) of every public RPC."""
        for _, method in self.stack.public_methods():
            rule = method.GetOptions().Extensions[self.annotations.http]
            yield method.name, self.stack.scopes_allowed(method), rule, method

    def assert_problem(self, status, head, body, want_status, want_code, what):
        self.assertEqual(status, want_status, "%s: %s" % (what, body))
        self.assertTrue(head.get("Content-Type", "").startswith("application/problem+json"), what)
        self.assertEqual(body["status"], want_status, what)
        self.assertEqual(body["code"], want_code, what)

    # --- The tests -----------------------------------------------------------------------------

    def test_1_every_route_answers_a_valid_call(self):
        calls = self.valid_calls()
        names = {name for name, _, _, _ in self.routes()}
        self.assertEqual(names - set(calls), set(), "routes without a valid call in this test")
        self.assertGreaterEqual(len(names), 50)
        rules = {name: rule for name, _, rule, _ in self.routes()}
        for name, (method, path, body, query, check) in calls.items():  # in order: deletes last
            with self.subTest(rpc=name):
                rule = rules[name]
                self.assertEqual(method, rule.WhichOneof("pattern").upper(), name)
                status, head, answer = self.http(method, path, body, query=query)
                self.assertEqual(status, 200, "%s %s: %s" % (method, path, answer))
                self.assertTrue(check(answer), "%s: unexpected answer %s" % (name, json.dumps(answer)[:400]))
                self.assertEqual(head.get("Cache-Control"), "no-store", name)
                self.assertEqual(head.get("API-Version"), "1.0.0", name)

    def test_2_every_route_refuses_no_token_and_the_wrong_scope(self):
        calls = self.valid_calls()
        for name, allowed, _, _ in self.routes():
            method, path, body, query, _ = calls[name]
            with self.subTest(rpc=name):
                status, head, answer = self.http(method, path, body, token=None, query=query)
                self.assert_problem(status, head, answer, 401, "UNAUTHENTICATED", name + " without token")
                wrong = next(s for s in ALL_SCOPES if s not in allowed)
                status, head, answer = self.http(method, path, body, token="only:" + wrong, query=query)
                self.assert_problem(status, head, answer, 403, "PERMISSION_DENIED", name + " with " + wrong)

    def bad_inputs(self):
        """RPC name → (method, path, body, query, field named): one broken value each."""
        calls = self.valid_calls()
        routes = {name: (rule, method) for name, _, rule, method in self.routes()}
        bad = {}
        for name, (method, path, body, query, _) in calls.items():
            rule, descriptor = routes[name]
            if "page_size" in descriptor.input_type.fields_by_name:
                # An out-of-range page size: the service names the field.
                bad[name] = (method, path, body, dict(query or {}, pageSize=-1), "pageSize")
            elif body is not None:
                # A field the request does not have, inside the body: named by the gateway, under
                # the body field when the route's body is one field of the request.
                prefix = "" if rule.body == "*" else re.sub(r"_(.)", lambda m: m.group(1).upper(), rule.body) + "."
                bad[name] = (method, path, dict(body, nosuchField=1), query, prefix + "nosuchField")
            elif path.startswith("/v1/participants/"):
                # A resource id with a character no id has: the service names the field.
                bad[name] = (method, re.sub(r"/participants/[^/:]+", "/participants/bad!id", path, count=1),
                             None, query, None)
            else:
                # A query parameter the request does not have: named by the gateway.
                bad[name] = (method, path, None, dict(query or {}, nosuchParam="1"), "nosuchParam")
        # Rules of the services themselves, named by them.
        h = self.household
        bad["Match"] = ("POST", "/v1/households:match", {"profile": dict(self.profile, jobSeeker=3)}, None,
                        "profile.jobSeeker")
        bad["CalculateIncome"] = ("POST", "/v1/income:calculate",
                                  {"household": dict(h, gemeenteCode="XX")}, None, "household.gemeenteCode")
        bad["LookupParticipant"] = ("POST", "/v1/participants:lookup", {"bsn": "123456789"}, None, "bsn")
        bad["ListRegions"] = ("GET", "/v1/regions", None, {"pageSize": "many"}, "pageSize")
        bad["GetNetworkReport"] = ("GET", "/v1/networkReport", None, {
            "periodStart.year": 2026, "periodStart.month": 8, "periodEnd.year": 2026, "periodEnd.month": 9},
            "periodStart")
        return bad

    def test_3_bad_input_is_400_naming_the_field(self):
        takes_input = {name for name, _, rule, method in self.routes()
                       if method.input_type.fields and name != "ReloadData"}
        bad = self.bad_inputs()
        self.assertEqual(takes_input - set(bad), set(), "routes with input but no bad-input case")
        for name, (method, path, body, query, field) in bad.items():
            with self.subTest(rpc=name):
                status, head, answer = self.http(method, path, body, query=query)
                self.assert_problem(status, head, answer, 400, "INVALID_ARGUMENT", name)
                self.assertIn("field", answer, "%s: no field in %s" % (name, answer))
                if field is not None:
                    self.assertEqual(answer["field"], field, name)
                else:
                    self.assertIn(answer["field"], ("name", "parent", "participant", "participant.name") +
                                  tuple(k + ".name" for k in ("consent", "assessment", "goal", "session",
                                                              "compassSnapshot", "outcome")), name)
        # Malformed JSON, a body that is not JSON, and a wrong-typed query parameter.
        status, head, answer = self.http("POST", "/v1/income:calculate", raw=b'{"household": ')
        self.assert_problem(status, head, answer, 400, "INVALID_ARGUMENT", "malformed JSON")
        status, head, answer = self.http("POST", "/v1/income:calculate", raw=b"household=1",
                                         content_type="application/x-www-form-urlencoded")
        self.assertEqual(status, 415)
        status, head, answer = self.http("GET", "/v1/networkReport", query={"groupByRegion": "soms"})
        self.assert_problem(status, head, answer, 400, "INVALID_ARGUMENT", "bool query")
        self.assertEqual(answer["field"], "groupByRegion")

    def test_4_another_organisation_gets_404_and_changes_nothing(self):
        before = self.ok("GET", "/v1/" + self.w["P"]["name"] + ":export")
        calls = self.valid_calls()
        names = [name for name, (_, path, _, _, _) in calls.items()
                 if path.startswith("/v1/participants/") and name != "EraseParticipant"]
        names.append("EraseParticipant")
        self.assertGreaterEqual(len(names), 35)
        for name in names:
            method, path, body, query, _ = calls[name]
            if name == "EraseParticipant":
                path, body = "/v1/" + self.w["P"]["name"] + ":erase", dict(body, etag=self.w["P"]["etag"])
            with self.subTest(rpc=name):
                status, head, answer = self.http(method, path, body, token="other", query=query)
                self.assert_problem(status, head, answer, 404, "NOT_FOUND", name + " as another organisation")
        after = self.ok("GET", "/v1/" + self.w["P"]["name"] + ":export")
        for key in ("participant", "consents", "assessments", "goals", "sessions", "compassSnapshots", "outcomes"):
            self.assertEqual(before[key], after[key], key + " changed by another organisation")

    def test_5_http_level_refusals_and_streaming(self):
        status, head, answer = self.http("GET", "/v1/nosuchthing")
        self.assert_problem(status, head, answer, 404, "NOT_FOUND", "unknown path")
        status, head, answer = self.http("DELETE", "/v1/regions")
        self.assertEqual(status, 405)
        self.assertEqual(head.get("Allow"), "GET")
        status, head, answer = self.http("POST", "/v1/income:calculate",
                                         raw=b'{"household": {"gemeenteCode": "' + b"x" * (9 << 20) + b'"}}')
        self.assertEqual(status, 413)
        status, head, lines = self.http("POST", "/v1/households:matchBatch", {"profiles": [
            dict(self.profile, profileId=str(i)) for i in range(5)]})
        self.assertEqual(status, 200)
        self.assertTrue(head["Content-Type"].startswith("application/x-ndjson"))
        self.assertEqual(sorted(x["profileId"] for x in lines), [str(i) for i in range(5)])
        self.assertTrue(all(len(x["result"]["candidates"]) == 5 for x in lines))
        status, head, doc = self.http("GET", "/openapi.json", token=None)
        self.assertEqual(status, 200)
        self.assertEqual(doc["openapi"], "3.0.3")

    def test_zz_gateway_log_holds_no_personal_data_or_tokens(self):
        # Runs last (unittest sorts by name): after every other test wrote its log lines.
        with open(os.path.join(self.stack.state, "gateway.log")) as f:
            log = f.read()
        self.assertGreater(log.count('"event":"http"'), 100)
        for secret in [BSN, BSN_ERASE, NAME, NOTE] + list(self.tokens.values()):
            self.assertNotIn(secret, log)
        self.assertNotIn("participants/", log, "resource ids are not logged either")


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--bin_dir", default=kompas_stack.BIN_DIR)
    args, rest = parser.parse_known_args()
    kompas_stack.BIN_DIR = os.path.abspath(args.bin_dir)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=1)
