"""The local stack and a generated Python client, for the Python tests (a member system's view).

Stack() generates the client from the repository's .proto files with Debian's protoc and
grpc_python_plugin, starts scripts/stack in a fresh directory (Redis and the four services on
loopback) and offers typed stubs, generic calls by method descriptor, and token management
through kompas-admin, as an operator would do it.
"""

import glob
import importlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN_DIR = os.path.join(ROOT, "build", "release")

# service → (proto module, service name)
SERVICES = {
    "budget": ("kompas.budget.v1.budget", "BudgetService"),
    "catalog": ("kompas.catalog.v1.catalog", "CatalogService"),
    "matching": ("kompas.matching.v1.matching", "MatchingService"),
    "caserecord": ("kompas.caserecord.v1.caserecord", "CaseRecordService"),
}

MODULES = [
    "kompas.budget.v1.budget_pb2", "kompas.budget.v1.budget_pb2_grpc",
    "kompas.catalog.v1.catalog_pb2", "kompas.catalog.v1.catalog_pb2_grpc",
    "kompas.matching.v1.matching_pb2", "kompas.matching.v1.matching_pb2_grpc",
    "kompas.caserecord.v1.caserecord_pb2", "kompas.caserecord.v1.caserecord_pb2_grpc",
    "kompas.caserecord.v1.participant_pb2", "kompas.caserecord.v1.session_pb2",
    "kompas.caserecord.v1.bridge_pb2", "kompas.caserecord.v1.goal_pb2",
    "kompas.caserecord.v1.outcome_pb2", "kompas.caserecord.v1.snapshot_pb2",
    "kompas.type.v1.household_pb2", "google.protobuf.json_format",
    "google.protobuf.field_mask_pb2",
]


def generate_stubs(out_dir):
    """protoc --python_out / --grpc_python_out over every public proto of the repository."""
    protos = sorted(
        p for p in glob.glob(os.path.join(ROOT, "proto", "kompas", "**", "*.proto"), recursive=True)
        if os.sep + "testing" + os.sep not in p)
    # The HTTP annotation the service protos import (google/api, see proto/google/README.md).
    protos += sorted(glob.glob(os.path.join(ROOT, "proto", "google", "api", "*.proto")))
    subprocess.run(
        ["protoc", "-I", os.path.join(ROOT, "proto"), "-I", "/usr/include",
         "--python_out=" + out_dir, "--grpc_python_out=" + out_dir,
         "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin"] + protos,
        check=True)
    for d, _, _ in os.walk(os.path.join(out_dir, "kompas")):
        open(os.path.join(d, "__init__.py"), "a").close()


def household(pb):
    """The single parent in Maastricht of examples/, as a member system would send it."""
    with open(os.path.join(ROOT, "examples", "single-parent-maastricht.json")) as f:
        return pb["json_format"].Parse(f.read(), pb["household_pb2"].Household())


class Stack:
    def __init__(self):
        self.state = tempfile.mkdtemp(prefix="kompas-python-test.")
        stubs = os.path.join(self.state, "stubs")
        os.mkdir(stubs)
        generate_stubs(stubs)
        sys.path.insert(0, stubs)
        self.grpc = importlib.import_module("grpc")
        self.pb = {name.split(".")[-1]: importlib.import_module(name) for name in MODULES}
        up = self._stack("up")
        if up.returncode != 0:
            raise RuntimeError("scripts/stack up failed:\n" + up.stdout)
        with open(os.path.join(self.state, "stack.json")) as f:
            stack = json.load(f)
        self.addresses = stack["services"]
        # The REST gateway's base URL ("http://127.0.0.1:port").
        self.gateway = stack.get("gateway")
        with open(os.path.join(self.state, "token")) as f:
            self.token = f.read().strip()
        self.channels = {s: self.grpc.insecure_channel(a) for s, a in self.addresses.items()}

    def close(self):
        for c in self.channels.values():
            c.close()
        self._stack("down")
        if os.environ.get("KOMPAS_KEEP_TEST_STATE"):
            print("stack state and logs kept in", self.state, file=sys.stderr)
        else:
            shutil.rmtree(self.state, ignore_errors=True)

    def _stack(self, command):
        env = dict(os.environ, KOMPAS_STACK_DIR=self.state, KOMPAS_BIN_DIR=BIN_DIR)
        return subprocess.run([os.path.join(ROOT, "scripts", "stack"), command], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    # --- Calls -----------------------------------------------------------------------------------

    def auth(self, token=None, actor="mentor-7"):
        return (("authorization", "Bearer " + (self.token if token is None else token)),
                ("x-kompas-actor", actor))

    def stub(self, service):
        module, name = SERVICES[service]
        grpc_module = self.pb[module.split(".")[-1] + "_pb2_grpc"]
        return getattr(grpc_module, name + "Stub")(self.channels[service])

    def public_methods(self):
        """(service, MethodDescriptor) for every RPC of the four public services."""
        for service, (module, name) in SERVICES.items():
            descriptor = self.pb[module.split(".")[-1] + "_pb2"].DESCRIPTOR.services_by_name[name]
            for method in descriptor.methods:
                yield service, method

    def call(self, service, method, request, token):
        """Calls `method` with `request` (None = an empty one); returns (code, details)."""
        request_class = self._message_class(method.input_type)
        response_class = self._message_class(method.output_type)
        if request is None:
            request = request_class()
        path = "/%s/%s" % (method.containing_service.full_name, method.name)
        metadata = () if token is None else self.auth(token)
        channel = self.channels[service]
        try:
            if self._server_streaming(method):
                call = channel.unary_stream(path, request_serializer=request_class.SerializeToString,
                                            response_deserializer=response_class.FromString)
                for _ in call(request, metadata=metadata, timeout=10):
                    pass
            else:
                call = channel.unary_unary(path, request_serializer=request_class.SerializeToString,
                                           response_deserializer=response_class.FromString)
                call(request, metadata=metadata, timeout=10)
            return self.grpc.StatusCode.OK, ""
        except self.grpc.RpcError as e:
            return e.code(), e.details()

    def _message_class(self, descriptor):
        from google.protobuf import message_factory
        return message_factory.MessageFactory().GetPrototype(descriptor)

    @staticmethod
    def _server_streaming(method):
        from google.protobuf import descriptor_pb2
        proto = descriptor_pb2.MethodDescriptorProto()
        method.CopyToProto(proto)
        return proto.server_streaming

    @staticmethod
    def scopes_allowed(method):
        """The scope a method requires (the services' method tables, as documented in the protos)."""
        service = method.containing_service.name
        name = method.name
        if service in ("BudgetService", "MatchingService"):
            return {"compass"}
        if service == "CatalogService":
            return {"catalog.admin"} if name in ("ImportData", "ReloadData") else {"compass"}
        if name == "GetNetworkReport":
            return {"network.report"}
        if re.match(r"(Create|Update|Delete|Erase|Withdraw)", name):
            return {"records.write"}
        return {"records.read"}

    def rss_kib(self, service):
        with open(os.path.join(self.state, "pids", service)) as f:
            pid = int(f.read())
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS for " + service)

    # --- Tokens (as an operator manages them) -------------------------------------------------------

    def _admin(self, *args):
        return subprocess.run(
            [os.path.join(BIN_DIR, "tools", "admin", "kompas-admin"), "token", *args,
             "--tokens_file=" + os.path.join(self.state, "tokens.jsonl")],
            check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True).stdout.strip()

    @staticmethod
    def token_id(token):
        return token.split("_")[1]  # kmp_<id>_<secret>

    def new_token(self, tenant, scopes):
        """A new token (takes effect at reload_tokens)."""
        return self._admin("create", "--tenant=" + tenant, "--scopes=" + ",".join(scopes),
                           "--valid_days=1", "--note=python test")

    def revoke_token(self, token):
        self._admin("revoke", "--id=" + self.token_id(token))

    def expire_token(self, token):
        """Moves the token's expiry into the past: what the file says after its time ran out."""
        path = os.path.join(self.state, "tokens.jsonl")
        with open(path) as f:
            lines = f.readlines()
        token_id = self.token_id(token)
        with open(path, "w") as f:
            for line in lines:
                if line.startswith("{") and json.loads(line)["id"] == token_id:
                    record = json.loads(line)
                    record["expires"] = "2020-01-01T00:00:00+00:00"
                    line = json.dumps(record, separators=(",", ":")) + "\n"
                f.write(line)

    def reload_tokens(self):
        """SIGHUP to every service, then waits until each accepts a token made just before."""
        probe = self.new_token("demo", ["compass", "records.read"])
        for service in self.addresses:
            with open(os.path.join(self.state, "pids", service)) as f:
                os.kill(int(f.read()), signal.SIGHUP)
        for service in self.addresses:
            method = next(m for s, m in self.public_methods() if s == service)
            for _ in range(200):
                code, _ = self.call(service, method, None, probe)
                if code != self.grpc.StatusCode.UNAUTHENTICATED:
                    break
                time.sleep(0.05)
            else:
                raise RuntimeError(service + " never accepted the reloaded tokens")
