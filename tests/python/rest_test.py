#!/usr/bin/python3
"""The REST/JSON gateway against its specification, route by route, on the real local stack.

An independent check of kompas-gateway (written from the translation rules, not from the
gateway's code). The routes are read from the protos' google.api.http rules through the
generated descriptors, so an RPC added without a case here fails the test. For every route:

  1. a valid token gets 200 with the right resource or answer (a small world is built first
     through REST: participants, a consent, assessments, goals, sessions, compass snapshots,
     outcomes; deletes and the erasure come last);
  2. no token (and a token the services do not know) gets 401, code UNAUTHENTICATED;
  3. a token of the same organisation holding every scope but the route's gets 403, code
     PERMISSION_DENIED;
  4. bad input gets 400 naming the field: a value the service refuses (the service's
     snake_case path comes back camel-cased), an unknown query parameter, an unknown JSON
     field, malformed JSON, a wrong-typed JSON value and a wrong-typed query parameter;
  5. another organisation (every scope) naming this organisation's resources gets 404 on
     every case-record route with a resource in its path, and nothing changes.

Also: the JSON mapping (proto names accepted, int64 as strings, defaults printed, enums by
name, nested and FieldMask query parameters), X-Kompas-Actor forwarded, the status mapping
(404, 409 ALREADY_EXISTS/ABORTED, 400 FAILED_PRECONDITION, 503 for a stopped service),
problem+json and Cache-Control: no-store on every answer, 404 for an unknown path, 405 with
Allow for a wrong method, 413 over 8 MiB, MatchBatch as NDJSON (one line per profile, one
profile's error its own line, a stream failing midway ending in a problem line), /healthz and
/openapi.json. The last two tests stop matching and catalog: run the whole class, in order.
About 10 s on the release build.

    tests/python/rest_test.py --bin_dir=build/release [unittest args]
"""

import argparse
import base64
import datetime
import http.client
import importlib
import json
import os
import re
import signal
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kompas_stack  # noqa: E402  (the shared stack, stubs and token helpers)

ALL_SCOPES = ["compass", "records.read", "records.write", "catalog.admin", "network.report"]
ACTOR = "mentor-rest-42"
BSN = "111222333"  # passes the elfproef; test data, not a person
BSN_ERASE = "123456782"
BSN_BAD = "123456789"  # fails the elfproef
NAME = "Rest Proefpersoon"

TODAY = datetime.datetime.now(datetime.timezone.utc).date()


def ymd(d):
    return {"year": d.year, "month": d.month, "day": d.day}


DATE = ymd(TODAY - datetime.timedelta(days=30))  # intake, sessions, assessments, ...
LATER = ymd(TODAY - datetime.timedelta(days=20))
FUTURE = ymd(TODAY + datetime.timedelta(days=200))


def finished_quarter():
    """(start, end) year-months of the last calendar quarter that has ended."""
    first = 3 * ((TODAY.month - 1) // 3) + 1  # first month of the running quarter
    year, month = (TODAY.year - 1, 10) if first == 1 else (TODAY.year, first - 3)
    return {"year": year, "month": month}, {"year": year, "month": month + 2}


def camel(path):
    """household.adults[0].birth_date → household.adults[0].birthDate"""
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), path)


class Response:
    def __init__(self, status, headers, raw):
        self.status, self.headers, self.raw = status, headers, raw
        self.content_type = headers.get("Content-Type", "")
        text = raw.decode("utf-8", errors="replace")
        try:
            if self.content_type.startswith("application/x-ndjson"):
                self.json = [json.loads(line) for line in text.splitlines() if line.strip()]
            else:
                self.json = json.loads(text) if text else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return "%d %s %s" % (self.status, self.content_type, self.raw[:500].decode("utf-8", "replace"))


class Route:
    """One google.api.http rule of one public RPC."""

    def __init__(self, service, method, rule, scopes):
        self.service, self.method, self.rpc = service, method, method.name
        self.scopes = scopes
        self.verb = rule.WhichOneof("pattern")  # get | post | patch | delete | put | custom
        self.template = getattr(rule, self.verb)
        self.body = rule.body
        self.input = method.input_type
        self.path_fields = re.findall(r"\{([a-z_.]+)(?:=[^}]*)?\}", self.template)
        regex = ""
        for part in re.split(r"(\{[^}]*\})", self.template):
            if part.startswith("{"):
                pattern = part[1:-1].split("=", 1)[1] if "=" in part else "*"
                regex += "/".join("[^/]+" if s == "*" else ".+" if s == "**" else re.escape(s)
                                  for s in pattern.split("/"))
            else:
                regex += re.escape(part)
        self.regex = re.compile(regex + r"\Z")

    def query_leaves(self):
        """(json path, FieldDescriptor) of every scalar the query string may set."""
        if self.body == "*":
            return []
        taken = {p.split(".")[0] for p in self.path_fields} | ({self.body} if self.body else set())
        leaves = []

        def walk(message, prefix, depth):
            for f in message.fields:
                if not prefix and f.name in taken:
                    continue
                path = prefix + f.json_name
                if f.message_type is not None:
                    if f.message_type.full_name == "google.protobuf.FieldMask":
                        leaves.append((path, f))
                    elif depth < 3 and f.label != f.LABEL_REPEATED:
                        walk(f.message_type, path + ".", depth + 1)
                else:
                    leaves.append((path, f))
        walk(self.input, "", 0)
        return leaves

    def body_message(self):
        """The message the JSON body holds, or None."""
        if not self.body:
            return None
        if self.body == "*":
            return self.input
        return self.input.fields_by_name[self.body].message_type

    def takes_input(self):
        return len(self.input.fields) > 0


class RestTest(unittest.TestCase):
    maxDiff = 4000

    @classmethod
    def setUpClass(cls):
        cls.stack = kompas_stack.Stack()
        cls.addClassCleanup(cls.stack.close)  # also when the rest of the set-up fails
        s = cls.stack
        cls.base = getattr(s, "gateway", None)
        if not cls.base:
            with open(os.path.join(s.state, "stack.json")) as f:
                cls.base = json.load(f)["gateway"]
        u = urllib.parse.urlsplit(cls.base)
        cls.host, cls.port = u.hostname, u.port
        cls.annotations = importlib.import_module("google.api.annotations_pb2")
        cls.routes = []
        for service, method in s.public_methods():
            options = method.GetOptions()
            rule = options.Extensions[cls.annotations.http]
            cls.routes.append(Route(service, method, rule, s.scopes_allowed(method)) if
                              options.HasExtension(cls.annotations.http) else (service, method))
        # Tokens: the stack's (tenant demo, every scope); another organisation with every scope;
        # for each scope set a route needs, a demo token with every other scope.
        cls.tokens = {"all": s.token, "other": s.new_token("other", ALL_SCOPES)}
        for route in cls.routes:
            if isinstance(route, Route):
                key = "without:" + ",".join(sorted(route.scopes))
                if key not in cls.tokens:
                    cls.tokens[key] = s.new_token("demo", [x for x in ALL_SCOPES if x not in route.scopes])
        s.reload_tokens()
        with open(os.path.join(kompas_stack.ROOT, "examples", "single-parent-maastricht.json")) as f:
            cls.household = json.load(f)
        cls.profile = {"household": cls.household, "jobSeeker": 1,
                       "educationLevel": "EDUCATION_LEVEL_NLQF_2", "availableMinutesPerWeek": 1440,
                       "maxTrainingMonths": 24, "maxCandidates": 5}
        cls.w = cls.make_world()

    # --- HTTP --------------------------------------------------------------------------------------

    @classmethod
    def request(cls, method, path, body=None, token="all", query=None, raw=None, headers=None,
                content_type="application/json"):
        """One HTTP request on a fresh connection. body: JSON-able; raw: bytes as they are;
        query: dict (list values repeat the key) or a ready string; token None = no header."""
        url = path
        if query:
            url += "?" + (query if isinstance(query, str) else urllib.parse.urlencode(query, doseq=True))
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        h = {"X-Kompas-Actor": ACTOR}
        if data is not None and content_type:
            h["Content-Type"] = content_type
        if token is not None:
            h["Authorization"] = "Bearer " + cls.tokens.get(token, token)
        h.update(headers or {})
        conn = http.client.HTTPConnection(cls.host, cls.port, timeout=60)
        try:
            try:
                conn.request(method, url, body=data, headers=h)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may answer (413) before reading a large body
            r = conn.getresponse()
            return Response(r.status, r.headers, r.read())
        finally:
            conn.close()

    @classmethod
    def ok(cls, method, path, body=None, query=None, token="all"):
        r = cls.request(method, path, body, token=token, query=query)
        if r.status != 200:
            raise AssertionError("%s %s: %r" % (method, path, r))
        return r.json

    def assert_problem(self, r, status, code, what):
        self.assertEqual(r.status, status, "%s: %r" % (what, r))
        self.assertTrue(r.content_type.startswith("application/problem+json"),
                        "%s: Content-Type %r" % (what, r.content_type))
        self.assertIsInstance(r.json, dict, what)
        for key in ("type", "title", "status", "detail", "code"):
            self.assertIn(key, r.json, "%s: %r" % (what, r))
        self.assertEqual(r.json["status"], status, what)
        self.assertEqual(r.json["code"], code, "%s: %r" % (what, r))
        self.assertEqual(r.headers.get("Cache-Control"), "no-store", "%s: Cache-Control" % what)

    def assert_bad_field(self, r, field, what, code="INVALID_ARGUMENT"):
        self.assert_problem(r, 400, code, what)
        self.assertEqual(r.json.get("field"), field, "%s: %r" % (what, r))

    # --- The world ----------------------------------------------------------------------------------

    @staticmethod
    def levels(level):
        return [{"pillar": "PILLAR_" + p, "level": level} for p in (
            "FAMILY_STABILITY", "WELL_BEING", "EDUCATION_TRAINING", "FINANCIAL_MANAGEMENT",
            "EMPLOYMENT_CAREER")]

    @classmethod
    def make_world(cls):
        """Through REST: P (kept; read, updated, asked for by the other organisation), E (erased
        last); under P one of each child to keep (C, A, G, S, K, O) and one to delete (…2)."""
        w = {}
        w["P"] = cls.ok("POST", "/v1/participants", {
            "displayName": NAME, "bsn": BSN, "gemeenteCode": "GM0935", "intakeDate": DATE,
            "contact": {"email": "proef@example.org"}})
        w["E"] = cls.ok("POST", "/v1/participants", {
            "displayName": NAME + " twee", "bsn": BSN_ERASE, "gemeenteCode": "GM0935", "intakeDate": DATE})
        p = "/v1/" + w["P"]["name"]
        w["C"] = cls.ok("POST", p + "/consents", {
            "purpose": "CONSENT_PURPOSE_NETWORK_EVALUATION", "grantDate": DATE, "evidence": "formulier"})
        for key, level in (("A", 2), ("A2", 3)):
            w[key] = cls.ok("POST", p + "/assessments", {"assessmentDate": DATE, "levels": cls.levels(level),
                                                         "notes": "eerste gesprek"})
        for key in ("G", "G2"):
            w[key] = cls.ok("POST", p + "/goals", {
                "pillar": "PILLAR_EMPLOYMENT_CAREER", "title": "Werk vinden", "doneWhen": "contract",
                "targetDate": FUTURE, "steps": [{"title": "cv maken", "dueDate": FUTURE}]})
        for key in ("S", "S2"):
            w[key] = cls.ok("POST", p + "/sessions", {
                "sessionDate": DATE, "durationMinutes": 30, "mode": "SESSION_MODE_IN_PERSON",
                "pillars": ["PILLAR_WELL_BEING"], "notes": "kennismaking"})
        for key in ("O", "O2"):
            w[key] = cls.ok("POST", p + "/outcomes", {
                "type": "OUTCOME_TYPE_TRAINING_COMPLETED", "outcomeDate": DATE,
                "training": {"description": "VCA", "certified": True}})
        w["K"] = cls.ok("POST", p + "/compassSnapshots", {"label": "Intake", "matchProfile": cls.profile})
        w["K2"] = cls.ok("POST", p + "/compassSnapshots", {"label": "Inkomen",
                                                           "incomeRequest": {"household": cls.household}})
        return w

    def fresh(self, key):
        """The resource as it is now (its current etag)."""
        return self.ok("GET", "/v1/" + self.w[key]["name"])

    # --- One valid request per RPC -----------------------------------------------------------------

    def valid_calls(self):
        """RPC → (HTTP method, path, body, query, check(json) → bool). Reads first, then creates and
        updates, deletes and the erasure last."""
        w, h, prof = self.w, self.household, self.profile
        P = w["P"]["name"]
        p = "/v1/" + P
        n = lambda key: "/v1/" + w[key]["name"]  # noqa: E731
        cents = lambda money: int(money["cents"])  # noqa: E731  (int64: a JSON string)
        start, end = finished_quarter()
        # The catalogue's files as it loaded them, and its manifest (what an operator would send).
        files = [f["fileName"] for f in self.ok("GET", "/v1/dataVersion")["files"]] + ["manifest.csv"]
        contents = []
        for name in files:
            for d in ("jobs", "regions", "municipal"):
                path = os.path.join(kompas_stack.ROOT, "data", d, name)
                if os.path.exists(path):
                    with open(path, "rb") as f:
                        contents.append({"fileName": name, "content": base64.b64encode(f.read()).decode()})
                    break
        return {
            # budget
            "GetRequiredBudget": ("POST", "/v1/requiredBudget:calculate", {"household": h}, None,
                                  lambda r: cents(r["requiredBudget"]["total"]) > 0 and r["requiredBudget"]["lines"]),
            "CalculateIncome": ("POST", "/v1/income:calculate", {"household": h}, None,
                                lambda r: isinstance(r["calculation"]["disposableIncome"]["cents"], str)
                                and cents(r["calculation"]["disposableIncome"]) > 0),
            "CalculateIncomeBatch": ("POST", "/v1/income:calculateBatch", {"household": h, "scenarios": [
                {"scenarioId": "s1", "work": [{"adultNumber": 1, "grossHourlyWage": {"cents": "1600"},
                                               "minutesPerWeek": 1200}]},
                {"scenarioId": "s2", "work": [{"adultNumber": 1, "grossHourlyWage": {"cents": "1600"},
                                               "minutesPerWeek": 2400}]}]}, None,
                lambda r: [x["scenarioId"] for x in r["results"]] == ["s1", "s2"]),
            "GetIncomeCurve": ("POST", "/v1/incomeCurve:calculate", {"household": h, "adultNumber": 1, "hours": {
                "grossHourlyWage": {"cents": "1600"}, "fromMinutesPerWeek": 0, "toMinutesPerWeek": 2400,
                "stepMinutes": 240}}, None, lambda r: len(r["points"]) == 11),
            "FindRequiredWage": ("POST", "/v1/requiredWage:find",
                                 {"household": h, "adultNumber": 1, "minutesPerWeek": 1440}, None,
                                 lambda r: isinstance(r["found"], bool)
                                 and (cents(r["requiredHourlyWage"]) > 0 if r["found"] else r["reason"])),
            "ListRuleSets": ("GET", "/v1/ruleSets", None, {"pageSize": 10, "view": "RULE_SET_VIEW_FULL"},
                             lambda r: len(r["ruleSets"]) >= 1 and "nextPageToken" in r),
            # catalog
            "ResolveMunicipality": ("GET", "/v1/municipalities:resolve", None, {"query": "Maastricht"},
                                    lambda r: r["municipality"]["code"] == "GM0935"),
            "GetRegion": ("GET", "/v1/regions/AM30", None, None, lambda r: r["code"] == "AM30"),
            "ListRegions": ("GET", "/v1/regions", None, {"pageSize": 5},
                            lambda r: len(r["regions"]) == 5 and r["nextPageToken"] != ""),
            "GetOccupation": ("GET", "/v1/occupations/1051", None, {"region": "regions/AM30"},
                              lambda r: r["title"] != ""),
            "SearchOccupations": ("GET", "/v1/occupations:search", None,
                                  {"region": "regions/AM30", "pageSize": 3,
                                   "minimumMedianHourlyWage.cents": "1"},
                                  lambda r: 0 < len(r["occupations"]) <= 3),
            "ListCareerSteps": ("GET", "/v1/occupations/1051/careerSteps", None, {"maxDepth": 2},
                                lambda r: isinstance(r["careerSteps"], list)),
            "GetDataVersion": ("GET", "/v1/dataVersion", None, None,
                               lambda r: re.fullmatch("[0-9a-f]{64}", r["dataVersion"]) and r["files"]),
            "ImportData": ("POST", "/v1/dataVersion:import", {"validateOnly": True, "files": contents}, None,
                           lambda r: r["applied"] is False and r["errors"] == [] and len(contents) >= 5),
            "ReloadData": ("POST", "/v1/dataVersion:reload", {}, None, lambda r: r["applied"] is True),
            # matching
            "Match": ("POST", "/v1/households:match", {"profile": prof}, None,
                      lambda r: len(r["result"]["candidates"]) == 5),
            "MatchBatch": ("POST", "/v1/households:matchBatch", {"profiles": [
                dict(prof, profileId="a"), dict(prof, profileId="b")]}, None,
                lambda r: isinstance(r, list) and sorted(x["profileId"] for x in r) == ["a", "b"]
                and all(x["result"]["candidates"] for x in r)),
            # case record: reads
            "GetParticipant": ("GET", p, None, None,
                               lambda r: r["name"] == P and r["displayName"] == NAME and r["bsn"] == ""
                               and r["bsnOnFile"] is True),
            "ListParticipants": ("GET", "/v1/participants", None, {"pageSize": 1000, "state": "PARTICIPANT_STATE_ACTIVE"},
                                 lambda r: P in [x["name"] for x in r["participants"]]),
            "LookupParticipant": ("POST", "/v1/participants:lookup", {"bsn": BSN}, None, lambda r: r["name"] == P),
            "ExportParticipant": ("GET", p + ":export", None, None,
                                  lambda r: r["participant"]["name"] == P and len(r["goals"]) == 2
                                  and len(r["compassSnapshots"]) == 2),
            "GetTimeline": ("GET", p + "/timeline", None, {"pageSize": 100}, lambda r: len(r["entries"]) >= 11),
            "GetConsent": ("GET", n("C"), None, None,
                           lambda r: r["name"] == w["C"]["name"] and r["state"] == "CONSENT_STATE_GIVEN"),
            "ListConsents": ("GET", p + "/consents", None, {"pageSize": 10},
                             lambda r: w["C"]["name"] in [x["name"] for x in r["consents"]]),
            "GetAssessment": ("GET", n("A"), None, None, lambda r: r["totalScore"] == 10),
            "ListAssessments": ("GET", p + "/assessments", None, None, lambda r: len(r["assessments"]) == 2),
            "SuggestAssessmentLevels": ("POST", p + "/assessments:suggestLevels",
                                        {"compassSnapshot": w["K"]["name"]}, None,
                                        lambda r: isinstance(r["suggestions"], list)),
            "GetGoal": ("GET", n("G"), None, None, lambda r: r["title"] == "Werk vinden" and len(r["steps"]) == 1),
            "ListGoals": ("GET", p + "/goals", None, {"state": "GOAL_STATE_OPEN", "pillar": "PILLAR_EMPLOYMENT_CAREER"},
                          lambda r: len(r["goals"]) == 2),
            "GetSession": ("GET", n("S"), None, None,
                           lambda r: r["durationMinutes"] == 30 and r["pillars"] == ["PILLAR_WELL_BEING"]),
            "ListSessions": ("GET", p + "/sessions", None, None, lambda r: len(r["sessions"]) == 2),
            "GetCompassSnapshot": ("GET", n("K"), None, None,
                                   lambda r: len(r["matchResult"]["candidates"]) == 5),
            "ListCompassSnapshots": ("GET", p + "/compassSnapshots", None, None,
                                     lambda r: len(r["compassSnapshots"]) == 2),
            "RecomputeCompassSnapshot": ("POST", n("K") + ":recompute", {"ruleDate": ymd(TODAY)}, None,
                                         lambda r: r["original"]["name"] == w["K"]["name"]
                                         and len(r["matchResult"]["candidates"]) == 5),
            "GetOutcome": ("GET", n("O"), None, None, lambda r: r["training"]["description"] == "VCA"),
            "ListOutcomes": ("GET", p + "/outcomes", None, None, lambda r: len(r["outcomes"]) == 2),
            "ListAuditEvents": ("GET", p + "/auditEvents", None, {"pageSize": 5},
                                lambda r: 1 <= len(r["auditEvents"]) <= 5),
            "GetNetworkReport": ("GET", "/v1/networkReport", None, {
                "periodStart.year": start["year"], "periodStart.month": start["month"],
                "periodEnd.year": end["year"], "periodEnd.month": end["month"],
                "groupByRegion": "true", "includeCsv": "true"},
                lambda r: r["periodStart"]["month"] == start["month"] and r["k"] > 0
                and isinstance(r["rows"], list) and r["csv"] != ""),
            # case record: creates and updates
            "CreateParticipant": ("POST", "/v1/participants", {
                "displayName": "Nog een", "gemeenteCode": "GM0935", "intakeDate": DATE}, None,
                lambda r: r["name"].startswith("participants/") and r["mentor"] == ACTOR),
            "UpdateParticipant": ("PATCH", p, {"mentor": "mentor-9", "displayName": NAME,
                                               "etag": self.fresh("P")["etag"]},
                                  {"updateMask": "mentor,displayName"},
                                  lambda r: r["mentor"] == "mentor-9" and r["etag"] != w["P"]["etag"]),
            "CreateConsent": ("POST", p + "/consents", {
                "purpose": "CONSENT_PURPOSE_KEEP_RECORD", "grantDate": DATE, "evidence": "mondeling"}, None,
                lambda r: r["state"] == "CONSENT_STATE_GIVEN" and r["recordedBy"] == ACTOR),
            "WithdrawConsent": ("POST", n("C") + ":withdraw", {"withdrawDate": LATER,
                                                                "etag": self.fresh("C")["etag"]}, None,
                                lambda r: r["state"] == "CONSENT_STATE_WITHDRAWN" and r["withdrawnBy"] == ACTOR),
            "CreateAssessment": ("POST", p + "/assessments", {"assessmentDate": LATER, "levels": self.levels(4)},
                                 None, lambda r: r["totalScore"] == 20 and r["assessedBy"] == ACTOR),
            "UpdateAssessment": ("PATCH", n("A"), {"notes": "bijgewerkt", "etag": self.fresh("A")["etag"]},
                                 {"updateMask": "notes"}, lambda r: r["notes"] == "bijgewerkt"),
            "CreateGoal": ("POST", p + "/goals", {"pillar": "PILLAR_WELL_BEING", "title": "Rust",
                                                 "targetDate": FUTURE}, None,
                           lambda r: r["state"] == "GOAL_STATE_OPEN" and r["name"].startswith(P + "/goals/")),
            "UpdateGoal": ("PATCH", n("G"), {"title": "Werk gevonden", "state": "GOAL_STATE_ACHIEVED",
                                             "achieveDate": LATER, "etag": self.fresh("G")["etag"]},
                           {"updateMask": "title,state,achieveDate"},
                           lambda r: r["title"] == "Werk gevonden" and r["state"] == "GOAL_STATE_ACHIEVED"),
            "CreateSession": ("POST", p + "/sessions", {"sessionDate": LATER, "durationMinutes": 15,
                                                       "mode": "SESSION_MODE_PHONE"}, None,
                              lambda r: r["durationMinutes"] == 15 and r["mentor"] == ACTOR),
            "UpdateSession": ("PATCH", n("S"), {"durationMinutes": 40, "etag": self.fresh("S")["etag"]},
                              {"updateMask": "durationMinutes"}, lambda r: r["durationMinutes"] == 40),
            "CreateCompassSnapshot": ("POST", p + "/compassSnapshots", {
                "label": "Tweede", "incomeRequest": {"household": h}}, None,
                lambda r: cents(r["incomeResponse"]["calculation"]["disposableIncome"]) > 0
                and r["createdBy"] == ACTOR),
            "CreateOutcome": ("POST", p + "/outcomes", {
                "type": "OUTCOME_TYPE_JOB_STARTED", "outcomeDate": LATER,
                "job": {"occupation": "occupations/1051", "minutesPerWeek": 1200,
                        "grossHourlyWage": {"cents": "1500"}}}, None,
                lambda r: r["type"] == "OUTCOME_TYPE_JOB_STARTED" and r["job"]["grossHourlyWage"]["cents"] == "1500"),
            "UpdateOutcome": ("PATCH", n("O"), {"outcomeDate": LATER, "etag": self.fresh("O")["etag"]},
                              {"updateMask": "outcomeDate"}, lambda r: r["outcomeDate"] == LATER),
            # deletes, the erasure last
            "DeleteAssessment": ("DELETE", n("A2"), None, None, lambda r: r == {}),
            "DeleteGoal": ("DELETE", n("G2"), None, None, lambda r: r == {}),
            "DeleteSession": ("DELETE", n("S2"), None, None, lambda r: r == {}),
            "DeleteCompassSnapshot": ("DELETE", n("K2"), None, None, lambda r: r == {}),
            "DeleteOutcome": ("DELETE", n("O2"), None, None, lambda r: r == {}),
            "EraseParticipant": ("POST", n("E") + ":erase", {"reason": "ERASURE_REASON_PARTICIPANT_REQUEST",
                                                              "etag": w["E"]["etag"]}, None,
                                 lambda r: r["name"] == w["E"]["name"] and r["resourcesErased"] >= 1),
        }

    # --- One value each service refuses, naming the field ------------------------------------------

    def bad_calls(self):
        """RPC → (HTTP method, path, body, query, field the problem names). Every RPC with input."""
        w, h, prof = self.w, self.household, self.profile
        p = "/v1/" + w["P"]["name"]
        n = lambda key: "/v1/" + w[key]["name"]  # noqa: E731
        bad_h = dict(h, adults=[h["adults"][0], {"birthDate": {"year": 1990, "month": 13, "day": 1}}])
        start, end = finished_quarter()
        return {
            "GetRequiredBudget": ("POST", "/v1/requiredBudget:calculate", {"household": bad_h}, None,
                                  "household.adults[1].birthDate"),
            "CalculateIncome": ("POST", "/v1/income:calculate", {"household": dict(h, gemeenteCode="XX")},
                                None, "household.gemeenteCode"),
            "CalculateIncomeBatch": ("POST", "/v1/income:calculateBatch", {"household": h, "scenarios": [
                {"scenarioId": "s1", "work": [{"adultNumber": 1, "grossHourlyWage": {"cents": "1600"},
                                               "minutesPerWeek": -5}]}]}, None,
                "scenarios[0].work[0].minutesPerWeek"),
            "GetIncomeCurve": ("POST", "/v1/incomeCurve:calculate", {"household": h, "adultNumber": 1, "hours": {
                "grossHourlyWage": {"cents": "1600"}, "fromMinutesPerWeek": 0, "toMinutesPerWeek": 2400,
                "stepMinutes": 0}}, None, "hours.stepMinutes"),
            "FindRequiredWage": ("POST", "/v1/requiredWage:find",
                                 {"household": h, "adultNumber": 3, "minutesPerWeek": 1440}, None, "adultNumber"),
            "ListRuleSets": ("GET", "/v1/ruleSets", None, {"pageSize": -1}, "pageSize"),
            "ResolveMunicipality": ("GET", "/v1/municipalities:resolve", None, None, "query"),
            # The catalog takes any code in a region's or occupation's name as a lookup (404 when
            # unknown), and the path template guarantees the "regions/" prefix: the route's only
            # input is refused here as the path's field set again in the query.
            "GetRegion": ("GET", "/v1/regions/AM30", None, {"name": "regions/AM01"}, "name"),
            "ListRegions": ("GET", "/v1/regions", None, {"pageSize": 5000}, "pageSize"),
            "GetOccupation": ("GET", "/v1/occupations/1051", None, {"region": "gewesten/AM30"}, "region"),
            "SearchOccupations": ("GET", "/v1/occupations:search", None, {"region": "regions/AM30", "pageSize": -3},
                                  "pageSize"),
            "ListCareerSteps": ("GET", "/v1/occupations/1051/careerSteps", None, {"maxDepth": -1}, "maxDepth"),
            "ImportData": ("POST", "/v1/dataVersion:import", {"validateOnly": True, "files": [
                {"fileName": "../regions.csv", "content": "eA=="}]}, None, "files[0].fileName"),
            # Budget's rule about the household, named as a field of matching's own request.
            "Match": ("POST", "/v1/households:match",
                      {"profile": dict(prof, household=dict(h, adults=[
                          dict(h["adults"][0], birthDate={"year": 1990, "month": 13, "day": 1})]))}, None,
                      "profile.household.adults[0].birthDate"),
            "MatchBatch": ("POST", "/v1/households:matchBatch", {"profiles": []}, None, "profiles"),
            "CreateParticipant": ("POST", "/v1/participants", {
                "displayName": "Fout", "gemeenteCode": "GM0935", "intakeDate": DATE, "bsn": BSN_BAD}, None,
                "participant.bsn"),
            "GetParticipant": ("GET", "/v1/participants/bad!id", None, None, "name"),
            "ListParticipants": ("GET", "/v1/participants", None, {"pageSize": -1}, "pageSize"),
            "UpdateParticipant": ("PATCH", p, {"displayName": "Nieuw"}, {"updateMask": "displayName,noSuchField"},
                                  "updateMask"),
            "LookupParticipant": ("POST", "/v1/participants:lookup", {"bsn": BSN_BAD}, None, "bsn"),
            "ExportParticipant": ("GET", "/v1/participants/bad!id:export", None, None, "name"),
            "EraseParticipant": ("POST", n("E") + ":erase", {}, None, "reason"),
            "GetTimeline": ("GET", p + "/timeline", None, {"pageSize": 5000}, "pageSize"),
            "CreateConsent": ("POST", p + "/consents", {"grantDate": DATE, "evidence": "x"}, None,
                              "consent.purpose"),
            "GetConsent": ("GET", p + "/consents/bad!id", None, None, "name"),
            "ListConsents": ("GET", p + "/consents", None, {"pageSize": -1}, "pageSize"),
            "WithdrawConsent": ("POST", n("C") + ":withdraw", {"withdrawDate": FUTURE}, None, "withdrawDate"),
            "CreateAssessment": ("POST", p + "/assessments", {
                "assessmentDate": DATE, "levels": self.levels(2)[:4] + [{"pillar": "PILLAR_EMPLOYMENT_CAREER",
                                                                         "level": 9}]}, None,
                "assessment.levels[4].level"),
            "GetAssessment": ("GET", p + "/assessments/bad!id", None, None, "name"),
            "ListAssessments": ("GET", p + "/assessments", None, {"pageSize": -1}, "pageSize"),
            "UpdateAssessment": ("PATCH", "/v1/participants/bad!id/assessments/x", {"notes": "x"},
                                 {"updateMask": "notes"}, "assessment.name"),
            "DeleteAssessment": ("DELETE", p + "/assessments/bad!id", None, None, "name"),
            "SuggestAssessmentLevels": ("POST", p + "/assessments:suggestLevels", {"compassSnapshot": "x"}, None,
                                        "compassSnapshot"),
            "CreateGoal": ("POST", p + "/goals", {"pillar": "PILLAR_WELL_BEING", "title": "",
                                                 "targetDate": FUTURE}, None, "goal.title"),
            "GetGoal": ("GET", p + "/goals/bad!id", None, None, "name"),
            "ListGoals": ("GET", p + "/goals", None, {"pageSize": -1}, "pageSize"),
            "UpdateGoal": ("PATCH", "/v1/participants/bad!id/goals/x", {"title": "x"}, {"updateMask": "title"},
                           "goal.name"),
            "DeleteGoal": ("DELETE", p + "/goals/bad!id", None, None, "name"),
            "CreateSession": ("POST", p + "/sessions", {"sessionDate": DATE, "durationMinutes": -5,
                                                       "mode": "SESSION_MODE_PHONE"}, None,
                              "session.durationMinutes"),
            "GetSession": ("GET", p + "/sessions/bad!id", None, None, "name"),
            "ListSessions": ("GET", p + "/sessions", None, {"pageSize": -1}, "pageSize"),
            "UpdateSession": ("PATCH", n("S"), {"durationMinutes": -1}, {"updateMask": "durationMinutes"},
                              "session.durationMinutes"),
            "DeleteSession": ("DELETE", p + "/sessions/bad!id", None, None, "name"),
            # A rule of budget's, found through matching: named in case-record's own request.
            "CreateCompassSnapshot": ("POST", p + "/compassSnapshots", {
                "label": "Fout", "matchProfile": dict(prof, household=dict(h, adults=[
                    dict(h["adults"][0], birthDate={"year": 1990, "month": 13, "day": 1})]))}, None,
                "compassSnapshot.matchProfile.household.adults[0].birthDate"),
            "GetCompassSnapshot": ("GET", p + "/compassSnapshots/bad!id", None, None, "name"),
            "ListCompassSnapshots": ("GET", p + "/compassSnapshots", None, {"pageSize": -1}, "pageSize"),
            "DeleteCompassSnapshot": ("DELETE", p + "/compassSnapshots/bad!id", None, None, "name"),
            "RecomputeCompassSnapshot": ("POST", n("K") + ":recompute",
                                         {"ruleDate": {"year": 2026, "month": 13, "day": 1}}, None, "ruleDate"),
            "CreateOutcome": ("POST", p + "/outcomes", {"outcomeDate": DATE,
                                                       "training": {"description": "VCA"}}, None, "outcome.type"),
            "GetOutcome": ("GET", p + "/outcomes/bad!id", None, None, "name"),
            "ListOutcomes": ("GET", p + "/outcomes", None, {"pageSize": -1}, "pageSize"),
            "UpdateOutcome": ("PATCH", n("O"), {"outcomeDate": FUTURE}, {"updateMask": "outcomeDate"},
                              "outcome.outcomeDate"),
            "DeleteOutcome": ("DELETE", p + "/outcomes/bad!id", None, None, "name"),
            "ListAuditEvents": ("GET", "/v1/participants/bad!id/auditEvents", None, None, "parent"),
            "GetNetworkReport": ("GET", "/v1/networkReport", None, {
                "periodStart.year": start["year"], "periodStart.month": start["month"] + 1,
                "periodEnd.year": end["year"], "periodEnd.month": end["month"]}, "periodStart"),
        }

    # --- Helpers over routes ------------------------------------------------------------------------

    def route_table(self):
        return {r.rpc: r for r in self.routes if isinstance(r, Route)}

    def check_against_rule(self, route, method, path):
        self.assertEqual(method, route.verb.upper(), "%s: the table's method is not the rule's" % route.rpc)
        self.assertRegex(path, route.regex, "%s: the table's path does not match %s" % (route.rpc, route.template))

    # --- 0. the routes ---------------------------------------------------------------------------------

    def test_00_every_rpc_has_a_route_and_a_case(self):
        missing = ["%s/%s" % (s, m.name) for x in self.routes if not isinstance(x, Route) for s, m in [x]]
        self.assertEqual(missing, [], "public RPCs without a google.api.http rule")
        table = self.route_table()
        self.assertGreaterEqual(len(table), 57)
        for route in table.values():
            rule = route.method.GetOptions().Extensions[self.annotations.http]
            self.assertEqual(len(rule.additional_bindings), 0, route.rpc + ": additional bindings have no cases here")
        valid, bad = self.valid_calls(), self.bad_calls()
        self.assertEqual(set(table) - set(valid), set(), "routes without a valid request in this test")
        self.assertEqual(set(valid) - set(table), set(), "valid requests for RPCs that have no route")
        with_input = {name for name, r in table.items() if r.takes_input()}
        self.assertEqual(with_input - set(bad), set(), "routes with input but no bad-input case")
        self.assertEqual(set(bad) - with_input, set(), "bad-input cases for RPCs without input")
        for name, (method, path, *_rest) in valid.items():
            self.check_against_rule(table[name], method, path)
        for name, (method, path, *_rest) in bad.items():
            self.check_against_rule(table[name], method, path)

    # --- 1. valid token ----------------------------------------------------------------------------

    def test_60_every_route_answers_a_valid_request(self):
        table = self.route_table()
        for name, (method, path, body, query, check) in self.valid_calls().items():  # deletes last
            with self.subTest(rpc=name):
                r = self.request(method, path, body, query=query)
                self.assertEqual(r.status, 200, "%s %s: %r" % (method, path, r))
                streaming = kompas_stack.Stack._server_streaming(table[name].method)
                want = "application/x-ndjson" if streaming else "application/json"
                self.assertTrue(r.content_type.startswith(want), "%s: %s" % (name, r.content_type))
                self.assertEqual(r.headers.get("Cache-Control"), "no-store", name)
                try:
                    good = check(r.json)
                except (KeyError, TypeError, IndexError) as e:
                    good = False
                    self.fail("%s: %r missing in %s" % (name, e, json.dumps(r.json)[:600]))
                self.assertTrue(good, "%s: unexpected answer %s" % (name, json.dumps(r.json)[:600]))
        # What the deletes and the erasure removed is gone.
        for key in ("A2", "G2", "S2", "K2", "O2", "E"):
            with self.subTest(gone=key):
                r = self.request("GET", "/v1/" + self.w[key]["name"])
                self.assert_problem(r, 404, "NOT_FOUND", "GET of deleted " + key)

    # --- 2. no token / 3. wrong scope ----------------------------------------------------------------

    def test_20_every_route_refuses_a_missing_or_unknown_token(self):
        for name, (method, path, body, query, _) in self.valid_calls().items():
            with self.subTest(rpc=name):
                r = self.request(method, path, body, token=None, query=query)
                self.assert_problem(r, 401, "UNAUTHENTICATED", name + " without a token")
                r = self.request(method, path, body, token="kmp_nosuchid_" + "x" * 32, query=query)
                self.assert_problem(r, 401, "UNAUTHENTICATED", name + " with an unknown token")
        # Not a bearer token at all.
        r = self.request("GET", "/v1/regions", token=None,
                         headers={"Authorization": "Basic " + base64.b64encode(b"a:b").decode()})
        self.assert_problem(r, 401, "UNAUTHENTICATED", "Basic authorization")

    def test_30_every_route_refuses_a_token_without_its_scope(self):
        table = self.route_table()
        for name, (method, path, body, query, _) in self.valid_calls().items():
            route = table[name]
            token = "without:" + ",".join(sorted(route.scopes))
            with self.subTest(rpc=name, token=token):
                r = self.request(method, path, body, token=token, query=query)
                self.assert_problem(r, 403, "PERMISSION_DENIED", "%s with %s" % (name, token))

    # --- 4. bad input --------------------------------------------------------------------------------

    def test_40_a_value_the_service_refuses_is_400_naming_the_field(self):
        for name, (method, path, body, query, field) in self.bad_calls().items():
            with self.subTest(rpc=name):
                r = self.request(method, path, body, query=query)
                self.assert_bad_field(r, field, name)
                # The service's own message names the field in snake_case; the gateway camel-cases
                # exactly that path.
                prefix = r.json["detail"].split(":", 1)[0]
                if re.fullmatch(r"[a-z0-9_.\[\]]+", prefix):
                    self.assertEqual(camel(prefix), field, "%s: %r" % (name, r))

    def test_41_unknown_query_parameter_is_400_naming_it(self):
        for name, (method, path, body, query, _) in self.valid_calls().items():
            with self.subTest(rpc=name):
                q = dict(query or {}, noSuchParam="1")
                r = self.request(method, path, body, query=q)
                self.assert_bad_field(r, "noSuchParam", name)

    def test_42_wrong_typed_query_parameter_is_400_naming_it(self):
        """Every route with a non-string scalar in its query: an unparsable value."""
        table = self.route_table()
        checked = 0
        for name, (method, path, body, query, _) in self.valid_calls().items():
            leaves = [(p, fd) for p, fd in table[name].query_leaves()
                      if fd.type not in (fd.TYPE_STRING, fd.TYPE_BYTES, fd.TYPE_MESSAGE)]
            for path_json, fd in leaves[:2]:
                value = {fd.TYPE_BOOL: "soms", fd.TYPE_ENUM: "NO_SUCH_VALUE"}.get(fd.type, "twelve")
                with self.subTest(rpc=name, param=path_json):
                    r = self.request(method, path, body, query=dict(query or {}, **{path_json: value}))
                    self.assert_bad_field(r, path_json, "%s ?%s=%s" % (name, path_json, value))
                    checked += 1
        self.assertGreaterEqual(checked, 20)

    def test_43_a_path_field_in_the_query_is_400(self):
        """Fields the path sets are not query parameters."""
        for name, route in self.route_table().items():
            if not route.path_fields or route.body == "*":
                continue
            method, path, body, query, _ = self.valid_calls()[name]
            field = camel(route.path_fields[0])
            with self.subTest(rpc=name):
                r = self.request(method, path, body, query=dict(query or {}, **{field: "participants/x"}))
                self.assert_problem(r, 400, "INVALID_ARGUMENT", name + " with the path field in the query")
                self.assertEqual(r.json.get("field"), field, name)

    def test_44_unknown_json_field_malformed_json_and_wrong_types_are_400(self):
        table = self.route_table()
        checked = 0
        vague = []  # (route, case, field named) where the problem does not name the field at fault
        for name, (method, path, body, query, _) in self.valid_calls().items():
            route = table[name]
            message = route.body_message()
            if message is None:
                continue
            fields = {f.json_name for f in route.input.fields} | {f.name for f in route.input.fields}
            prefix = "" if route.body == "*" else camel(route.body) + "."
            with self.subTest(rpc=name, case="unknown field"):
                r = self.request(method, path, dict(body, noSuchField=1), query=query)
                self.assert_bad_field(r, prefix + "noSuchField", name + " with an unknown JSON field")
            for case, raw in (("malformed", b'{"a": '), ("trailing data", json.dumps(body).encode() + b" x"),
                              ("not an object", b"[1, 2]")):
                with self.subTest(rpc=name, case=case):
                    r = self.request(method, path, raw=raw, query=query)
                    self.assert_problem(r, 400, "INVALID_ARGUMENT", "%s with %s JSON" % (name, case))
                    # No one field is at fault: if one is named, it is one of the request's or the
                    # body as a whole ("body", the gateway's name for it).
                    named = r.json.get("field", "body")
                    if named != "body" and named.split(".")[0].split("[")[0] not in fields:
                        vague.append((name, case, r.json["field"]))
            scalars = [f for f in message.fields if f.label != f.LABEL_REPEATED and f.type in (
                f.TYPE_INT32, f.TYPE_INT64, f.TYPE_BOOL, f.TYPE_ENUM)]
            if scalars:
                f = scalars[0]
                value = "NO_SUCH_VALUE" if f.type == f.TYPE_ENUM else "twelve"
                with self.subTest(rpc=name, case="wrong type", field=f.json_name):
                    r = self.request(method, path, dict(body, **{f.json_name: value}), query=query)
                    self.assert_bad_field(r, prefix + f.json_name, "%s with %s=%r" % (name, f.json_name, value))
                r = self.request(method, path, dict(body, **{f.json_name: {"x": 1}}), query=query)
                self.assert_problem(r, 400, "INVALID_ARGUMENT", "%s with %s an object" % (name, f.json_name))
                if r.json.get("field") != prefix + f.json_name:
                    vague.append((name, f.json_name + " an object", r.json.get("field")))
            checked += 1
        self.assertGreaterEqual(checked, 26)
        self.assertEqual(vague, [], "problems that do not name the field at fault (route, case, field):\n" +
                         "\n".join(map(str, vague)))
        # A body that is not JSON is refused (415 by the gateway's documentation; a 4xx at least).
        r = self.request("POST", "/v1/income:calculate", raw=b"household=1",
                         content_type="application/x-www-form-urlencoded")
        self.assertIn(r.status, (400, 415), repr(r))
        self.assertTrue(r.content_type.startswith("application/problem+json"), repr(r))

    # --- 5. another organisation ---------------------------------------------------------------------

    def export(self):
        e = self.ok("GET", "/v1/" + self.w["P"]["name"] + ":export")
        e.pop("exportTime", None)
        e.pop("auditEvents", None)
        return e

    def test_50_another_organisation_gets_404_and_changes_nothing(self):
        before = self.export()
        w = self.w
        P = w["P"]["name"]
        valid = self.valid_calls()
        # Every resource the other organisation names is one of demo's that exists.
        kept = {"A2": "A", "G2": "G", "S2": "S", "K2": "K", "O2": "O", "E": "P"}
        checked = []
        for name, route in self.route_table().items():
            if route.service != "caserecord" or not route.path_fields:
                continue
            method, path, body, query, _ = valid[name]
            for gone, keep in kept.items():
                path = path.replace(w[gone]["name"], w[keep]["name"])
            if body and "etag" in body:  # the right etag: only the organisation can stop it
                body = dict(body, etag=self.fresh(self.key_of(path))["etag"])
            with self.subTest(rpc=name):
                self.assertIn(P, path, name)
                r = self.request(method, path, body, token="other", query=query)
                self.assert_problem(r, 404, "NOT_FOUND", name + " as another organisation")
                checked.append(name)
        self.assertGreaterEqual(len(checked), 36)
        # Not by BSN either, and demo's participants are not in the other's list.
        r = self.request("POST", "/v1/participants:lookup", {"bsn": BSN}, token="other")
        self.assert_problem(r, 404, "NOT_FOUND", "LookupParticipant as another organisation")
        listed = self.ok("GET", "/v1/participants", query={"pageSize": 1000}, token="other")
        self.assertNotIn(P, [x["name"] for x in listed["participants"]])
        # Nothing of demo's changed.
        self.assertEqual(before, self.export())

    def key_of(self, path):
        """The world's key of the resource a path names."""
        rest = path[len("/v1/"):].split(":")[0]
        for key, resource in self.w.items():
            if resource["name"] == rest:
                return key
        raise KeyError(path)

    # --- The JSON mapping, headers and status codes ---------------------------------------------------

    def test_70_json_mapping_and_forwarding(self):
        # Proto field names are accepted in the body, lowerCamelCase printed, defaults printed.
        r = self.request("POST", "/v1/participants", {
            "display_name": "Proto Namen", "gemeente_code": "GM0935", "intake_date": DATE})
        self.assertEqual(r.status, 200, repr(r))
        q = r.json
        self.assertEqual(q["displayName"], "Proto Namen")
        self.assertEqual(q["gemeenteCode"], "GM0935")
        self.assertNotIn("display_name", q)
        self.assertEqual(q["bsn"], "")  # default-valued fields are printed
        self.assertIs(q["bsnOnFile"], False)
        self.assertEqual(q["mentor"], ACTOR)  # X-Kompas-Actor reached the service
        self.assertEqual(q["state"], "PARTICIPANT_STATE_ACTIVE")  # enums by name
        # Enums are accepted by number too (the JSON mapping) and int64 by number or string.
        r = self.request("POST", "/v1/income:calculate", {"household": dict(self.household, housing=dict(
            self.household["housing"], tenure=1, bareRent={"cents": 75000}))})
        self.assertEqual(r.status, 200, repr(r))
        self.assertIsInstance(r.json["calculation"]["disposableIncome"]["cents"], str)
        # An empty list is printed as [] and an empty page token as "".
        lst = self.ok("GET", "/v1/" + q["name"] + "/goals")
        self.assertEqual(lst, {"goals": [], "nextPageToken": ""})
        # Paging through query parameters.
        first = self.ok("GET", "/v1/regions", query={"pageSize": 2})
        second = self.ok("GET", "/v1/regions", query={"pageSize": 2, "pageToken": first["nextPageToken"]})
        self.assertEqual(len(second["regions"]), 2)
        self.assertNotEqual(first["regions"][0]["code"], second["regions"][0]["code"])
        # A FieldMask in the query: only the masked fields change.
        r = self.request("PATCH", "/v1/" + q["name"], {"displayName": "Nieuw", "mentor": "niet-gemaskeerd"},
                         query={"updateMask": "displayName"})
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual((r.json["displayName"], r.json["mentor"]), ("Nieuw", ACTOR))
        # Enum query parameter filters.
        r = self.ok("GET", "/v1/" + self.w["P"]["name"] + "/goals", query={"pillar": "PILLAR_WELL_BEING"})
        self.assertTrue(all(g["pillar"] == "PILLAR_WELL_BEING" for g in r["goals"]), r)
        # A JSON media type with parameters is JSON.
        r = self.request("POST", "/v1/participants:lookup", {"bsn": BSN},
                         content_type="application/json; charset=utf-8")
        self.assertEqual(r.status, 200, repr(r))
        # A request id goes on and comes back.
        r = self.request("GET", "/v1/regions/AM30", headers={"X-Request-Id": "rest-test-123"})
        self.assertEqual(r.status, 200)
        self.assertTrue(r.headers.get("X-Request-Id"), "no X-Request-Id on the answer")

    def test_71_status_mapping(self):
        p = "/v1/" + self.w["P"]["name"]
        r = self.request("GET", "/v1/participants/nosuchparticipant")
        self.assert_problem(r, 404, "NOT_FOUND", "unknown participant")
        self.assertNotIn("field", r.json)
        r = self.request("POST", "/v1/participants", {"displayName": "Dubbel", "bsn": BSN,
                                                      "gemeenteCode": "GM0935", "intakeDate": DATE})
        self.assert_problem(r, 409, "ALREADY_EXISTS", "a BSN on file twice")
        r = self.request("PATCH", p + "/goals/" + self.w["G"]["name"].rsplit("/", 1)[1],
                         {"title": "x", "etag": "999999"}, query={"updateMask": "title"})
        self.assert_problem(r, 409, "ABORTED", "a stale etag")
        consent = self.ok("POST", p + "/consents", {"purpose": "CONSENT_PURPOSE_KEEP_RECORD",
                                                    "grantDate": DATE, "evidence": "x"})
        self.ok("POST", "/v1/" + consent["name"] + ":withdraw", {})
        r = self.request("POST", "/v1/" + consent["name"] + ":withdraw", {})
        self.assert_problem(r, 400, "FAILED_PRECONDITION", "withdrawn twice")
        r = self.request("GET", "/v1/networkReport", query={"periodStart.year": TODAY.year + 1,
                                                            "periodStart.month": 1, "periodEnd.year": TODAY.year + 1,
                                                            "periodEnd.month": 3}, token="all")
        self.assertEqual(r.status, 400, repr(r))
        self.assertIn(r.json.get("field"), ("periodStart", "periodEnd"), repr(r))

    def test_72_http_level_answers(self):
        r = self.request("GET", "/v1/noSuchCollection")
        self.assert_problem(r, 404, "NOT_FOUND", "unknown path")
        r = self.request("GET", "/v1/regions/")  # no trailing slashes
        self.assertEqual(r.status, 404, repr(r))
        for method, path, allow in [("DELETE", "/v1/regions", {"GET"}),
                                    ("PUT", "/v1/" + self.w["P"]["name"], {"GET", "PATCH"}),
                                    ("POST", "/v1/" + self.w["P"]["name"], {"GET", "PATCH"}),
                                    ("GET", "/v1/income:calculate", {"POST"}),
                                    ("PATCH", "/v1/participants", {"GET", "POST"}),
                                    ("OPTIONS", "/v1/regions", {"GET"})]:
            with self.subTest(method=method, path=path):
                r = self.request(method, path, {} if method in ("PUT", "POST", "PATCH") else None)
                self.assertEqual(r.status, 405, "%s %s: %r" % (method, path, r))
                self.assertTrue(r.content_type.startswith("application/problem+json"), repr(r))
                self.assertEqual({x.strip() for x in r.headers.get("Allow", "").split(",")}, allow)
                self.assertEqual(r.json["status"], 405)
                self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        big = b'{"household": {"gemeenteCode": "' + b"x" * (8 << 20) + b'"}}'
        r = self.request("POST", "/v1/income:calculate", raw=big)
        self.assertEqual(r.status, 413, repr(r))
        self.assertTrue(r.content_type.startswith("application/problem+json"), repr(r))
        self.assertEqual(r.json["status"], 413)
        self.assertEqual(r.headers.get("Cache-Control"), "no-store", "413: Cache-Control")
        # Just under the limit is read (and refused by the service's own rules, naming the field).
        under = b'{"household": {"gemeenteCode": "' + b"x" * ((8 << 20) - 64) + b'"}}'
        r = self.request("POST", "/v1/income:calculate", raw=under)
        self.assertIn(r.status, (400, 429), repr(r))
        r = self.request("GET", "/healthz", token=None)
        self.assertEqual(r.status, 200, repr(r))
        r = self.request("GET", "/openapi.json", token=None)
        self.assertEqual(r.status, 200, repr(r))
        doc = r.json
        self.assertTrue(doc["openapi"].startswith("3."))
        operations = {o.get("operationId", "").split("_")[-1]
                      for ops in doc["paths"].values() for o in ops.values() if isinstance(o, dict)}
        self.assertEqual(set(self.route_table()) - operations, set(), "routes missing from /openapi.json")

    def test_73_match_batch_streams_ndjson(self):
        profiles = [dict(self.profile, profileId="p%d" % i) for i in range(6)]
        profiles[3] = dict(profiles[3], household=dict(self.household, gemeenteCode="XX"))
        r = self.request("POST", "/v1/households:matchBatch", {"profiles": profiles})
        self.assertEqual(r.status, 200, repr(r))
        self.assertTrue(r.content_type.startswith("application/x-ndjson"), r.content_type)
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        lines = [line for line in r.raw.decode().split("\n") if line]
        self.assertEqual(len(lines), 6, r.raw[:1000])
        rows = [json.loads(line) for line in lines]  # each line a JSON object of its own
        self.assertEqual(sorted(x["profileId"] for x in rows), ["p%d" % i for i in range(6)])
        self.assertEqual(sorted(x["profileIndex"] for x in rows), list(range(6)))
        for row in rows:
            if row["profileId"] == "p3":
                self.assertIn("error", row, row)  # one profile's error is its own line
            else:
                self.assertEqual(len(row["result"]["candidates"]), 5, row)
        # An error before the first message is an ordinary problem.
        r = self.request("POST", "/v1/households:matchBatch", {"profiles": []})
        self.assert_bad_field(r, "profiles", "an empty batch")
        r = self.request("POST", "/v1/households:matchBatch", {"profiles": [self.profile]}, token=None)
        self.assert_problem(r, 401, "UNAUTHENTICATED", "a batch without a token")

    def test_97_the_gateway_log_holds_no_personal_data_ids_or_tokens(self):
        # After the tests above wrote their lines (unittest runs them by name).
        with open(os.path.join(self.stack.state, "gateway.log")) as f:
            log = f.read()
        self.assertGreater(log.count('"event":"http"'), 100)
        for secret in [BSN, BSN_ERASE, NAME] + list(self.tokens.values()):
            self.assertNotIn(secret, log)
        self.assertNotIn("participants/", log, "resource ids are not logged either")

    def test_98_a_stream_failing_midway_ends_with_a_problem_line(self):
        # Near last: kills the matching service this test's stack started, after the first line.
        profiles = [dict(self.profile, profileId=str(i)) for i in range(3000)]
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request("POST", "/v1/households:matchBatch", json.dumps({"profiles": profiles}),
                         {"Content-Type": "application/json", "Authorization": "Bearer " + self.tokens["all"]})
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            self.assertTrue(r.headers.get("Content-Type", "").startswith("application/x-ndjson"))
            first = json.loads(r.readline())
            self.assertIn("result", first)
            with open(os.path.join(self.stack.state, "pids", "matching")) as f:
                os.kill(int(f.read()), signal.SIGKILL)
            rest = [json.loads(line) for line in r.read().decode().splitlines() if line.strip()]
        finally:
            conn.close()
        self.assertLess(len(rest), len(profiles) - 1, "the stream did not fail")
        last = rest[-1] if rest else {}
        self.assertNotIn("profileId", last, "no problem line at the end: %s" % json.dumps(last)[:300])
        for key in ("type", "title", "status", "detail", "code"):
            self.assertIn(key, last, last)
        self.assertEqual((last["status"], last["code"]), (503, "UNAVAILABLE"), last)
        self.assertTrue(all("profileId" in x for x in rest[:-1]), "a problem line before the last")
        # Before any answer, a stopped service is an ordinary 503 problem.
        r = self.request("POST", "/v1/households:matchBatch", {"profiles": [self.profile]})
        self.assert_problem(r, 503, "UNAVAILABLE", "MatchBatch with matching stopped")

    def test_99_a_stopped_service_is_503(self):
        # Last: stops the catalog this test's stack started.
        with open(os.path.join(self.stack.state, "pids", "catalog")) as f:
            pid = int(f.read())
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        r = self.request("GET", "/v1/regions/AM30")
        self.assert_problem(r, 503, "UNAVAILABLE", "catalog stopped")
        r = self.request("GET", "/healthz", token=None)
        self.assertEqual(r.status, 200, "the gateway itself is still up")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--bin_dir", default=kompas_stack.BIN_DIR)
    args, rest = parser.parse_known_args()
    kompas_stack.BIN_DIR = os.path.abspath(args.bin_dir)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=1)
