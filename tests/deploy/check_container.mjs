// Static checks of the container build and the one-machine pilot (no container engine here):
//
//   node check_container.mjs --repo=DIR [--compose=RESOLVED.yaml]
//
// deploy/Dockerfile: multi-stage (build on debian:bookworm, run on debian:bookworm-slim); the
// runtime stage installs exactly deploy/runtime-packages.txt and nothing else, runs as a
// numeric non-root user, carries the data files, copies only binaries from the build stage;
// one target per service with its binary, ENTRYPOINT, gRPC port and a HEALTHCHECK through the
// gRPC health service; each target's flags include those scripts/stack gives the service.
// The Dockerfile's ignore file keeps secrets and build trees out and lets the sources through.
//
// compose.yaml, as `docker-compose config` resolved it (--compose): the four services built
// from their targets, the local stack's flags, health-gated start order, read-only and
// capability-free containers, a stop grace period that covers the drain, key files as secrets
// and the tokens as a directory mount.
//
// Prints one line per problem and "N passed, N failed"; exit code 1 on a problem.
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([a-z_]+)=(.*)$/.exec(a);
    if (!m) throw new Error(`bad argument ${a}`);
    return [m[1], m[2]];
  }),
);
const repo = args.repo;
let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) passed++;
  else {
    failed++;
    console.log(`FAIL ${what}`);
  }
  return ok;
}
const SERVICES = ["budget", "catalog", "matching", "caserecord"];
const read = (rel) => fs.readFileSync(path.join(repo, rel), "utf8");

// ---- scripts/stack: the flags each service gets in the local stack ---------------------------
const stack = read("scripts/stack");
const flagNames = (text) => new Set([...text.matchAll(/--([a-z_]+)=/g)].map((m) => m[1]));
const stackFlags = {};
{
  const body = stack.slice(stack.indexOf("service_args() {"), stack.indexOf("esac", stack.indexOf("service_args() {")));
  for (const svc of SERVICES) {
    const start = body.indexOf(`    ${svc})`);
    const end = body.indexOf(";;", start);
    check(start >= 0 && end > start, `scripts/stack: service_args has ${svc}`);
    stackFlags[svc] = flagNames(body.slice(start, end));
  }
  // The flags every service gets in `up` (the setsid line).
  const common = flagNames(stack.slice(stack.indexOf('setsid "$exe"'), stack.indexOf(">>", stack.indexOf('setsid "$exe"'))));
  for (const svc of SERVICES) for (const f of common) stackFlags[svc].add(f);
  check(stackFlags.budget.has("rules_dir") && stackFlags.budget.has("tokens_file"), "parsed scripts/stack");
}

// ---- Dockerfile -----------------------------------------------------------------------------
// Instructions with their continuation lines joined; comments dropped.
const instructions = [];
{
  let cur = "";
  for (const raw of read("deploy/Dockerfile").split("\n")) {
    const line = raw.trimEnd();
    if (cur === "" && (line.trim() === "" || line.trimStart().startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      cur += line.slice(0, -1) + " ";
      continue;
    }
    cur += line;
    const m = /^\s*([A-Z]+)\s+(.*)$/s.exec(cur);
    if (m) instructions.push({ op: m[1], arg: m[2].replace(/\s+/g, " ").trim() });
    cur = "";
  }
}
const argDefaults = Object.fromEntries(
  instructions.filter((i) => i.op === "ARG" && i.arg.includes("=")).map((i) => i.arg.split("=")),
);
const stages = [];
for (const i of instructions) {
  if (i.op === "FROM") {
    const m = /^(\S+)(?: AS (\S+))?$/i.exec(i.arg);
    const base = m[1].replace(/^\$\{(\w+)\}$/, (_, v) => argDefaults[v] ?? `\${${v}}`);
    stages.push({ base, name: m[2], body: [] });
  } else if (stages.length) {
    stages.at(-1).body.push(i);
  }
}
const stage = (name) => stages.find((s) => s.name === name);
const build = stage("build");
const runtime = stage("runtime");
check(build?.base === "debian:bookworm", `build stage on debian:bookworm (is ${build?.base})`);
check(runtime?.base === "debian:bookworm-slim", `runtime stage on debian:bookworm-slim (is ${runtime?.base})`);
check(stages.filter((s) => s.base.startsWith("debian:")).length === 2, "two Debian stages: build and runtime");

// The build stage installs the build list and builds with the release preset.
check(build.body.some((i) => i.op === "COPY" && i.arg.includes("scripts/debian-packages.txt")) &&
  build.body.some((i) => i.op === "RUN" && /apt-get install .*debian-packages\.txt/.test(i.arg)),
  "build stage installs scripts/debian-packages.txt");
check(build.body.some((i) => i.op === "RUN" && i.arg.includes("cmake --preset release")), "build stage uses the release preset");

// Runtime stage: the only apt-get install is of the runtime list, expanded from the file.
const runtimeRuns = runtime.body.filter((i) => i.op === "RUN");
const installs = runtimeRuns.filter((i) => /apt-get install/.test(i.arg));
check(installs.length === 1, "runtime stage: one apt-get install");
if (installs.length === 1) {
  const m = /apt-get install ((?:-\S+ )*)(.*?)(?: && |$)/.exec(installs[0].arg);
  const what = m ? m[2].trim() : "";
  check(/^\$\(sed -e 's\/#\.\*\/\/' \S*runtime-packages\.txt\)$/.test(what),
    `runtime stage installs exactly the runtime list (installs: ${what})`);
  check(m && m[1].includes("--no-install-recommends"), "runtime stage: --no-install-recommends");
  check(installs[0].arg.includes("rm -rf /var/lib/apt/lists"), "runtime stage: no package lists left");
  check(runtime.body.some((i) => i.op === "COPY" && /^deploy\/runtime-packages\.txt /.test(i.arg)),
    "runtime stage copies deploy/runtime-packages.txt");
}
for (const r of runtimeRuns) {
  check(!/\b(gcc|g\+\+|clang|cmake|make|ninja|build-essential|-dev)\b/.test(r.arg.replace(/\/dev\//g, "")),
    `runtime stage: no build tools (${r.arg.slice(0, 60)}…)`);
}

// The runtime chain: runtime and every stage built FROM it.
const targets = stages.filter((s) => s.base === "runtime");
const userOf = (s) => [...runtime.body, ...s.body].filter((i) => i.op === "USER").map((i) => i.arg).at(-1);
for (const t of [runtime, ...targets]) {
  const user = userOf(t);
  check(/^[1-9][0-9]*(:[1-9][0-9]*)?$/.test(user ?? ""), `stage ${t.name}: numeric non-root USER (is ${user})`);
  for (const c of t.body.filter((i) => i.op === "COPY" && i.arg.startsWith("--from="))) {
    check(/^--from=build \/out\/\S+( \/out\/\S+)* \/usr\/local\/bin\/$/.test(c.arg),
      `stage ${t.name}: copies only built binaries from the build stage (${c.arg})`);
  }
}
check(runtime.body.some((i) => i.op === "COPY" && /^data\/? \/usr\/share\/kompas\/data\/?$/.test(i.arg)),
  "runtime stage carries data/ in /usr/share/kompas/data");
check(runtime.body.some((i) => i.op === "COPY" && /--from=build .*\/out\/kompas /.test(i.arg)),
  "runtime stage carries the kompas CLI (for HEALTHCHECK)");
check(runtime.body.some((i) => i.op === "WORKDIR" && i.arg === "/usr/share/kompas"),
  "runtime WORKDIR makes the services' relative data defaults work");

const parseJsonArray = (s) => {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
};
for (const svc of SERVICES) {
  const t = stage(svc);
  if (!check(t?.base === "runtime", `target ${svc} built FROM runtime`)) continue;
  const op = (o) => t.body.filter((i) => i.op === o);
  check(op("COPY").some((i) => i.arg === `--from=build /out/kompas-${svc} /usr/local/bin/`), `target ${svc}: its binary`);
  check(JSON.stringify(parseJsonArray(op("ENTRYPOINT")[0]?.arg)) === JSON.stringify([`kompas-${svc}`]),
    `target ${svc}: ENTRYPOINT ["kompas-${svc}"] (exec form: the service is PID 1 and gets SIGTERM)`);
  check(op("EXPOSE").some((i) => i.arg.split(" ").includes("50051")), `target ${svc}: EXPOSE 50051`);
  const hc = op("HEALTHCHECK")[0]?.arg ?? "";
  const cmd = parseJsonArray(hc.slice(hc.indexOf("CMD ") + 4));
  check(Array.isArray(cmd) && cmd[0] === "kompas" && cmd[1] === "health" &&
    cmd.includes(`--services=${svc}=127.0.0.1:50051`),
    `target ${svc}: HEALTHCHECK runs kompas health on its own port (${hc})`);
  check(/--start-period=\d+s/.test(hc), `target ${svc}: HEALTHCHECK has a start period for the data load`);
  const flags = parseJsonArray(op("CMD")[0]?.arg) ?? [];
  check(flags.includes("--listen=0.0.0.0:50051"), `target ${svc}: CMD listens on 0.0.0.0:50051`);
  const have = new Set(flags.map((f) => /^--([a-z_]+)=/.exec(f)?.[1]));
  for (const f of stackFlags[svc]) {
    if (f === "redis") continue; // no Redis in a bare `docker run`; compose and Kubernetes pass it
    check(have.has(f), `target ${svc}: CMD has --${f} like scripts/stack`);
  }
}

// The gateway target: REST and the web page on HTTP 8080, its own probe as HEALTHCHECK (the
// slim image has no curl), the page's files, and every service's address.
{
  const t = stage("gateway");
  if (check(t?.base === "runtime", "target gateway built FROM runtime")) {
    const op = (o) => t.body.filter((i) => i.op === o);
    check(op("COPY").some((i) => i.arg === "--from=build /out/kompas-gateway /usr/local/bin/"), "target gateway: its binary");
    check(op("COPY").some((i) => /^services\/gateway\/web\/? \/usr\/share\/kompas\/web\/?$/.test(i.arg)),
      "target gateway: the web page's files");
    check(JSON.stringify(parseJsonArray(op("ENTRYPOINT")[0]?.arg)) === '["kompas-gateway"]',
      "target gateway: ENTRYPOINT [\"kompas-gateway\"] (exec form)");
    check(op("EXPOSE").some((i) => i.arg.split(" ").includes("8080")), "target gateway: EXPOSE 8080");
    const hc = op("HEALTHCHECK")[0]?.arg ?? "";
    const cmd = parseJsonArray(hc.slice(hc.indexOf("CMD ") + 4));
    check(Array.isArray(cmd) && cmd[0] === "kompas-gateway" && cmd[1] === "--probe=http://127.0.0.1:8080/healthz",
      `target gateway: HEALTHCHECK probes its own port (${hc})`);
    const flags = parseJsonArray(op("CMD")[0]?.arg) ?? [];
    check(flags.includes("--listen=0.0.0.0:8080"), "target gateway: CMD listens on 0.0.0.0:8080");
    check(flags.includes("--web_root=/usr/share/kompas/web"), "target gateway: CMD serves the page");
    for (const svc of SERVICES) {
      check(flags.includes(`--${svc}_address=${svc}:50051`), `target gateway: CMD reaches ${svc}`);
    }
  }
}

// The ignore file: keeps secrets, build trees and caches out of the build context, and lets
// through what the Dockerfile copies and every directory the top-level CMakeLists.txt adds.
{
  const patterns = read("deploy/Dockerfile.dockerignore").split("\n").map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  check(!patterns.some((l) => l.startsWith("!")), "Dockerfile.dockerignore: plain exclusions only");
  // Enough of Docker's matching for the patterns used: "dir/" and "name" match the path and
  // everything below it; "**/x/" matches x at any depth; "*" within one path element.
  const toRegex = (pat) => {
    let p = pat.replace(/\/$/, "");
    const anyDepth = p.startsWith("**/");
    if (anyDepth) p = p.slice(3);
    const body = p.split("/").map((e) => e.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")).join("/");
    return new RegExp(`^${anyDepth ? "(?:.*/)?" : ""}${body}(?:/.*)?$`);
  };
  const regexes = patterns.map(toRegex);
  const excluded = (p) => regexes.some((r) => r.test(p.replace(/\/$/, "")));
  for (const p of ["deploy/secrets/caserecord-deployment.key", "deploy/secrets/tokens/tokens.jsonl", ".git/config",
    "build/release/CMakeCache.txt", "tests/deploy/node_modules/js-yaml/index.js", "node_modules/.bin/buf", ".stack/token"]) {
    check(excluded(p), `Dockerfile.dockerignore keeps ${p} out of the build context`);
  }
  const copied = instructions.filter((i) => i.op === "COPY" && !i.arg.startsWith("--from"))
    .flatMap((i) => i.arg.split(" ").slice(0, -1)).filter((p) => p !== ".");
  const cmakeDirs = [...read("CMakeLists.txt").matchAll(/^\s*add_subdirectory\(([^)\s]+)/gm)].map((m) => m[1]);
  check(cmakeDirs.includes("services"), "parsed the top-level CMakeLists.txt");
  // The build stage copies the sources by name: each directory CMake adds must be among them.
  const buildCopies = build.body.filter((i) => i.op === "COPY" && !i.arg.startsWith("--from"))
    .flatMap((i) => i.arg.split(" ").slice(0, -1).map((p) => p.replace(/\/$/, "")));
  check(!buildCopies.includes("."), "build stage does not COPY the whole context");
  for (const p of buildCopies) check(fs.existsSync(path.join(repo, p)), `build stage copies ${p}, which exists`);
  for (const d of [...cmakeDirs, "cmake"]) {
    const top = d.split("/")[0];
    check(buildCopies.includes(top), `build stage copies ${top}/ (the top-level CMakeLists.txt adds ${d})`);
  }
  for (const p of [...copied, "CMakeLists.txt", "CMakePresets.json", "cmake/KompasWarnings.cmake", ...cmakeDirs.map((d) => `${d}/CMakeLists.txt`)]) {
    check(!excluded(p), `Dockerfile.dockerignore lets ${p} through`);
  }
}

// ---- compose.yaml (resolved) ------------------------------------------------------------------
if (args.compose) {
  const compose = yaml.load(fs.readFileSync(args.compose, "utf8"));
  const s = compose.services;
  const seconds = (d) => {
    const m = /^(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(d ?? "");
    return m ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) : NaN;
  };
  for (const svc of SERVICES) {
    const c = s[svc];
    if (!check(c !== undefined, `compose: service ${svc}`)) continue;
    check(c.build?.target === svc && /deploy\/Dockerfile$/.test(c.build?.dockerfile ?? ""),
      `compose ${svc}: built from deploy/Dockerfile target ${svc}`);
    const cmd = c.command ?? [];
    const have = new Set(cmd.map((f) => /^--([a-z_]+)=/.exec(f)?.[1]));
    for (const f of stackFlags[svc]) check(have.has(f), `compose ${svc}: --${f} like scripts/stack`);
    check(cmd.includes("--listen=0.0.0.0:50051"), `compose ${svc}: listens on 50051 (HEALTHCHECK's port)`);
    check(cmd.includes("--redis=tcp://redis:6379"), `compose ${svc}: Redis`);
    check(c.read_only === true, `compose ${svc}: read-only root file system`);
    check(JSON.stringify(c.cap_drop) === '["ALL"]', `compose ${svc}: all capabilities dropped`);
    check((c.security_opt ?? []).includes("no-new-privileges:true"), `compose ${svc}: no-new-privileges`);
    check(c.user === undefined || /^[1-9]/.test(String(c.user)), `compose ${svc}: not root`);
    check(seconds(c.stop_grace_period) >= 25, `compose ${svc}: stop_grace_period ${c.stop_grace_period} >= drain 20 s + 5 s`);
    const tokens = (c.volumes ?? []).find((v) => v.target === "/etc/kompas/tokens");
    check(tokens?.type === "bind" && tokens.read_only === true && /secrets\/tokens$/.test(tokens.source),
      `compose ${svc}: tokens directory mounted read-only (a file mount would miss kompas-admin's rename)`);
  }
  {
    const g = s.gateway;
    if (check(g !== undefined, "compose: service gateway")) {
      check(g.build?.target === "gateway", "compose gateway: built from target gateway");
      for (const svc of SERVICES) {
        check(g.command.includes(`--${svc}_address=${svc}:50051`), `compose gateway: reaches ${svc}`);
        check(g.depends_on?.[svc]?.condition === "service_healthy", `compose gateway: starts after ${svc} is healthy`);
      }
      check(g.read_only === true && JSON.stringify(g.cap_drop) === '["ALL"]', "compose gateway: read-only, no capabilities");
      check((g.ports ?? []).every((p) => String(p.host_ip ?? p.published ?? p).includes("127.0.0.1") ||
        String(p).startsWith("127.0.0.1")), `compose gateway: published on loopback only (${JSON.stringify(g.ports)})`);
      check(!g.volumes?.some((v) => v.target === "/etc/kompas/tokens"), "compose gateway: no tokens (they pass through)");
    }
  }
  const dep = (svc, on) => s[svc]?.depends_on?.[on]?.condition;
  check(dep("matching", "budget") === "service_healthy" && dep("matching", "catalog") === "service_healthy",
    "compose: matching starts after budget and catalog are healthy");
  check(dep("caserecord", "postgres") === "service_healthy", "compose: caserecord starts after postgres is healthy");
  // Its compass snapshots call budget and matching (scripts/stack starts it after them).
  for (const on of ["budget", "matching"]) {
    const flag = `--${on}_address=${on}:50051`;
    if (s.caserecord.command.includes(flag)) {
      check(dep("caserecord", on) === "service_healthy", `compose: caserecord starts after ${on} is healthy`);
    }
  }
  check(dep("budget", "redis") === "service_healthy" && dep("catalog", "redis") === "service_healthy",
    "compose: budget and catalog start after redis");
  check(s.redis?.healthcheck && s.postgres?.healthcheck, "compose: redis and postgres have health checks");
  check(s.matching.command.includes("--budget_address=budget:50051") &&
    s.matching.command.includes("--catalog_address=catalog:50051"), "compose: matching finds budget and catalog");
  // Key files and the database password come as secrets, never in the environment.
  const cr = s.caserecord;
  const secretTargets = (c) => (c.secrets ?? []).map((x) => `/run/secrets/${x.target ?? x.source}`);
  for (const flag of ["deployment_key_file", "bsn_secret_file"]) {
    const v = cr.command.find((f) => f.startsWith(`--${flag}=`))?.split("=")[1];
    check(secretTargets(cr).includes(v), `compose caserecord: --${flag} is a secret (${v})`);
  }
  check(secretTargets(cr).includes(cr.environment?.PGPASSFILE), "compose caserecord: PGPASSFILE is a secret");
  check(cr.command.some((f) => f.startsWith("--database=postgres:") && !/password/i.test(f)),
    "compose caserecord: PostgreSQL without a password on the command line");
  check(secretTargets(s.postgres).includes(s.postgres.environment?.POSTGRES_PASSWORD_FILE),
    "compose postgres: password from a secret");
  for (const [name, sec] of Object.entries(compose.secrets ?? {})) {
    check(/\/deploy\/secrets\/[^/]+$/.test(sec.file ?? ""), `compose secret ${name} lives in deploy/secrets/`);
  }
  const gitignore = read(".gitignore");
  check(/^\/deploy\/secrets\/$/m.test(gitignore), ".gitignore keeps deploy/secrets/ out of git");
}

console.log(`check_container: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
