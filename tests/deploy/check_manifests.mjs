// Checks one rendered Kompas overlay (deploy/k8s/render OVERLAY > FILE) offline:
//
//   node check_manifests.mjs --overlay=pilot|national --rendered=FILE --repo=DIR
//
// 1. Every object validates against the Kubernetes OpenAPI schemas (the npm package
//    kubernetes-models: types, required fields, formats, enums) and has no field the API does
//    not declare (strict_fields.mjs).
// 2. Every pod meets the rules of issue 11: non-root, read-only root file system, all
//    capabilities dropped, no privilege escalation, RuntimeDefault seccomp, requests and
//    limits for CPU and memory.
// 3. Every Kompas service: native gRPC startup/readiness/liveness probes on its gRPC port; a
//    grace period that covers the preStop sleep, --drain_timeout and an idle client's GOAWAY.
// 4. References resolve: ConfigMaps, Secrets (or the documented out-of-band ones), Services'
//    and PDBs' selectors, Ingress backends, HPA targets, env-var names used as $(VAR) in args.
// 5. The data ConfigMaps hold exactly the repository's data files.
// 6. Per overlay: replicas; national: HPAs, PDBs, and the NetworkPolicies evaluated against
//    the intended who-may-talk-to-whom matrix.
//
// Prints one line per problem and "N passed, N failed" at the end; exit code 1 on a problem.
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import * as models from "kubernetes-models";
import { unknownFields } from "./strict_fields.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([a-z_]+)=(.*)$/.exec(a);
    if (!m) throw new Error(`bad argument ${a}`);
    return [m[1], m[2]];
  }),
);
const overlay = args.overlay;
const repo = args.repo;
const docs = yaml.loadAll(fs.readFileSync(args.rendered, "utf8")).filter((d) => d != null);

let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL ${what}`);
  }
  return ok;
}

const KOMPAS_SERVICES = ["budget", "catalog", "matching", "caserecord"];
const GRPC_PORT = 50051;
// Created by the operator before the first rollout (README.md, "Deploying"), never rendered.
const OUT_OF_BAND_SECRETS = new Set([
  "kompas-tokens",
  "kompas-caserecord-keys",
  "kompas-postgres",
  "kompas-api-tls",
]);

const byKind = (kind) => docs.filter((d) => d.kind === kind);
const named = (kind, name) => docs.find((d) => d.kind === kind && d.metadata.name === name);
const id = (d) => `${d.kind}/${d.metadata.name}`;

// ---- 1. schemas -------------------------------------------------------------------------
// kubernetes-models exports one class per kind: models.apps.v1.Deployment, the core group as
// models.v1, dotted groups camel-cased (networking.k8s.io -> models.networkingK8sIo).
function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const key = group.replace(/\.([a-z0-9])/g, (_, c) => c.toUpperCase());
  const ns = group === "" ? models[version] : (models[key] ?? {})[version];
  return ns ? ns[kind] : undefined;
}
for (const d of docs) {
  const Model = modelFor(d.apiVersion, d.kind);
  if (!check(Model !== undefined, `${id(d)}: no schema for ${d.apiVersion} ${d.kind}`)) continue;
  try {
    new Model(d).validate();
    check(true, "");
  } catch (e) {
    check(false, `${id(d)}: schema: ${e.message}`);
  }
  check(d.metadata.namespace === "kompas" || d.kind === "Namespace", `${id(d)}: namespace kompas`);
  // The schemas accept unknown fields; the cluster would drop a misspelt one silently.
  const unknown = unknownFields(d);
  check(unknown.length === 0, `${id(d)}: unknown fields ${unknown.join(", ")}`);
}

// ---- 2. pods ------------------------------------------------------------------------------
const workloads = docs.filter((d) => ["Deployment", "StatefulSet"].includes(d.kind));
for (const w of workloads) {
  const pod = w.spec.template.spec;
  const psc = pod.securityContext ?? {};
  check(psc.runAsNonRoot === true, `${id(w)}: pod runAsNonRoot`);
  check(Number.isInteger(psc.runAsUser) && psc.runAsUser > 0, `${id(w)}: numeric non-root uid`);
  check(psc.seccompProfile?.type === "RuntimeDefault", `${id(w)}: seccomp RuntimeDefault`);
  check(pod.automountServiceAccountToken === false, `${id(w)}: no service account token`);
  for (const c of pod.containers) {
    const sc = c.securityContext ?? {};
    const what = `${id(w)} container ${c.name}`;
    check(sc.readOnlyRootFilesystem === true, `${what}: readOnlyRootFilesystem`);
    check(sc.allowPrivilegeEscalation === false, `${what}: allowPrivilegeEscalation false`);
    check(JSON.stringify(sc.capabilities?.drop) === '["ALL"]', `${what}: capabilities drop ALL`);
    for (const kind of ["requests", "limits"]) {
      for (const r of ["cpu", "memory"]) {
        check(c.resources?.[kind]?.[r] !== undefined, `${what}: resources.${kind}.${r}`);
      }
    }
    // $(VAR) in args must name an env var of the container (Kubernetes leaves it verbatim
    // otherwise, and the service would get "$(VAR)" as its flag value).
    const env = new Set((c.env ?? []).map((e) => e.name));
    for (const a of c.args ?? []) {
      for (const m of a.matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
        check(env.has(m[1]), `${what}: $(${m[1]}) in args has no env var`);
      }
    }
  }
}

function durationSeconds(s) {
  const m = /^(\d+)s$/.exec(s);
  if (!m) throw new Error(`duration ${s}`);
  return Number(m[1]);
}

// ---- 3. the Kompas services ------------------------------------------------------------------
// The flags scripts/stack gives each service (service_args plus the common ones in `up`).
const stack = fs.readFileSync(path.join(repo, "scripts/stack"), "utf8");
const flagNames = (text) => [...text.matchAll(/--([a-z_]+)=/g)].map((m) => m[1]);
const commonFlags = flagNames(stack.slice(stack.indexOf('setsid "$exe"'), stack.indexOf(">>", stack.indexOf('setsid "$exe"'))));
function stackFlags(svc) {
  const body = stack.slice(stack.indexOf("service_args() {"));
  const start = body.indexOf(`    ${svc})`);
  return [...commonFlags, ...flagNames(body.slice(start, body.indexOf(";;", start)))];
}
for (const svc of KOMPAS_SERVICES) {
  const dep = named("Deployment", `kompas-${svc}`);
  if (!check(dep !== undefined, `Deployment kompas-${svc} exists`)) continue;
  const pod = dep.spec.template.spec;
  const c = pod.containers[0];
  const what = `Deployment kompas-${svc}`;
  check(c.image.endsWith(`/kompas-${svc}:0.1.0`), `${what}: image from the overlay (${c.image})`);
  const grpcPort = (c.ports ?? []).find((p) => p.name === "grpc");
  check(grpcPort?.containerPort === GRPC_PORT, `${what}: grpc port ${GRPC_PORT}`);
  check(c.args.includes(`--listen=0.0.0.0:${GRPC_PORT}`), `${what}: --listen on the grpc port`);
  for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
    check(c[probe]?.grpc?.port === GRPC_PORT, `${what}: ${probe} is a native gRPC probe`);
  }
  // Readiness asks the overall status (NOT_SERVING while a critical dependency is down);
  // liveness asks kompas.liveness (services/common/server.h), so a database outage drains
  // traffic from the pod but does not restart it.
  check(!c.readinessProbe?.grpc?.service, `${what}: readiness asks the overall status`);
  check(c.livenessProbe?.grpc?.service === "kompas.liveness", `${what}: liveness asks kompas.liveness`);
  check(c.args.some((a) => a.startsWith("--tokens_file=/etc/kompas/tokens/")), `${what}: tokens`);
  const have = new Set(c.args.map((a) => /^--([a-z_]+)=/.exec(a)?.[1]));
  check(commonFlags.includes("tokens_file"), "parsed scripts/stack");
  for (const f of stackFlags(svc)) {
    // In Kubernetes the ConfigMap is the catalogue: no import directory (see catalog.yaml).
    if (f === "catalog_import_dir") continue;
    check(have.has(f), `${what}: --${f} like scripts/stack`);
  }
  // The rollout-safety sum: endpoints removed during the preStop sleep, then SIGTERM and a
  // drain of at most --drain_timeout, plus ~5 s for an idle client's GOAWAY
  // (docs/architecture.md), all inside the grace period, else the kubelet SIGKILLs mid-drain.
  const pre = c.lifecycle?.preStop?.exec?.command ?? [];
  const preStop = pre[0] === "sleep" ? Number(pre[1]) : NaN;
  check(preStop >= 3, `${what}: preStop sleep of at least 3 s (has ${pre.join(" ")})`);
  const drainArg = c.args.find((a) => a.startsWith("--drain_timeout="));
  const drain = drainArg ? durationSeconds(drainArg.split("=")[1]) : 20; // the flag's default
  check(
    pod.terminationGracePeriodSeconds >= preStop + drain + 5,
    `${what}: terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} >= ` +
      `preStop ${preStop} + drain ${drain} + 5`,
  );
  check(dep.spec.strategy?.rollingUpdate?.maxUnavailable === 0, `${what}: maxUnavailable 0`);
  check(
    (pod.volumes ?? []).some((v) => v.name === "tokens" && v.secret?.secretName === "kompas-tokens"),
    `${what}: tokens Secret mounted as a directory`,
  );
  const tokensMount = c.volumeMounts.find((m) => m.name === "tokens");
  check(tokensMount && tokensMount.subPath === undefined, `${what}: tokens mount without subPath`);
}

// ---- 4. references ----------------------------------------------------------------------------
const configMaps = new Set(byKind("ConfigMap").map((d) => d.metadata.name));
const secrets = new Set([...byKind("Secret").map((d) => d.metadata.name), ...OUT_OF_BAND_SECRETS]);
function walk(node, visit) {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === "object") {
    visit(node);
    Object.values(node).forEach((n) => walk(n, visit));
  }
}
for (const w of workloads) {
  walk(w.spec.template.spec, (n) => {
    if (n.configMap?.name) check(configMaps.has(n.configMap.name), `${id(w)}: ConfigMap ${n.configMap.name}`);
    if (n.configMapKeyRef) {
      const cm = docs.find((d) => d.kind === "ConfigMap" && d.metadata.name === n.configMapKeyRef.name);
      check(cm?.data?.[n.configMapKeyRef.key] !== undefined,
        `${id(w)}: ConfigMap ${n.configMapKeyRef.name} key ${n.configMapKeyRef.key}`);
    }
    if (n.secret?.secretName) check(secrets.has(n.secret.secretName), `${id(w)}: Secret ${n.secret.secretName}`);
    if (n.secretKeyRef) check(secrets.has(n.secretKeyRef.name), `${id(w)}: Secret ${n.secretKeyRef.name}`);
  });
  const mounts = new Set(w.spec.template.spec.containers.flatMap((c) => (c.volumeMounts ?? []).map((m) => m.name)));
  const claims = new Set((w.spec.volumeClaimTemplates ?? []).map((v) => v.metadata.name));
  const volumes = new Set((w.spec.template.spec.volumes ?? []).map((v) => v.name));
  for (const m of mounts) check(volumes.has(m) || claims.has(m), `${id(w)}: volume ${m} defined`);
}
const podLabels = workloads.map((w) => ({ w, labels: w.spec.template.metadata.labels }));
const matches = (selector, labels) => {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    if (e.operator === "In" && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
    if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(e.operator)) return false;
  }
  return true;
};
for (const s of byKind("Service")) {
  // Member systems come in through the ingress only: no Service is reachable from outside.
  check([undefined, "ClusterIP"].includes(s.spec.type), `${id(s)}: ClusterIP only (is ${s.spec.type})`);
  check(!s.spec.externalIPs, `${id(s)}: no externalIPs`);
  const targets = podLabels.filter((p) => matches({ matchLabels: s.spec.selector }, p.labels));
  check(targets.length === 1, `${id(s)}: selects the pods of exactly one workload`);
  for (const port of s.spec.ports) {
    if (typeof port.targetPort !== "string") continue;
    const ok = targets.every((t) =>
      t.w.spec.template.spec.containers.some((c) => (c.ports ?? []).some((p) => p.name === port.targetPort)));
    check(ok, `${id(s)}: targetPort ${port.targetPort} is a named container port`);
  }
}
for (const w of workloads) {
  check(matches(w.spec.selector, w.spec.template.metadata.labels), `${id(w)}: selector matches its pods`);
}
check(JSON.stringify(byKind("Ingress").map((i) => i.metadata.name).sort()) === '["kompas-api","kompas-web"]',
  "two ingresses: kompas-api (gRPC) and kompas-web (the gateway's HTTP)");
for (const ing of byKind("Ingress")) {
  const backends = ing.spec.rules.flatMap((r) => r.http.paths);
  const served = new Set();
  for (const p of backends) {
    const svc = named("Service", p.backend.service.name);
    check(svc?.spec.ports.some((sp) => sp.name === p.backend.service.port.name),
      `${id(ing)}: backend ${p.backend.service.name}:${p.backend.service.port.name}`);
    served.add(p.backend.service.name);
  }
  check((ing.spec.tls ?? []).length > 0 && ing.spec.tls[0].hosts[0] === ing.spec.rules[0].host,
    `${id(ing)}: TLS for its host`);
  const protocol = ing.metadata.annotations?.["nginx.ingress.kubernetes.io/backend-protocol"];
  if (ing.metadata.name === "kompas-api") {
    for (const svc of KOMPAS_SERVICES) check(served.has(`kompas-${svc}`), `${id(ing)}: routes to kompas-${svc}`);
    check(protocol === "GRPC", `${id(ing)}: gRPC to the backends`);
  } else {
    check(JSON.stringify([...served]) === '["kompas-gateway"]', `${id(ing)}: routes to the gateway only`);
    check(protocol === undefined, `${id(ing)}: HTTP to the gateway`);
  }
}
// The gateway: HTTP probes (/healthz live, /readyz ready), every service's address, no tokens
// (they pass through), the same drain arithmetic as the services.
{
  const dep = named("Deployment", "kompas-gateway");
  if (check(dep !== undefined, "Deployment kompas-gateway exists")) {
    const pod = dep.spec.template.spec;
    const c = pod.containers[0];
    check(c.image.endsWith("/kompas-gateway:0.1.0"), `kompas-gateway: image from the overlay (${c.image})`);
    check(c.args.includes("--listen=0.0.0.0:8080") && (c.ports ?? []).some((p) => p.name === "http" && p.containerPort === 8080),
      "kompas-gateway: HTTP on 8080");
    check(c.readinessProbe?.httpGet?.path === "/readyz", "kompas-gateway: readiness asks /readyz");
    check(c.livenessProbe?.httpGet?.path === "/healthz" && c.startupProbe?.httpGet?.path === "/healthz",
      "kompas-gateway: liveness and startup ask /healthz");
    for (const svc of KOMPAS_SERVICES) {
      check(c.args.some((a) => a.startsWith(`--${svc}_address=`)), `kompas-gateway: --${svc}_address`);
    }
    check(!(pod.volumes ?? []).some((v) => v.secret), "kompas-gateway: no Secret mounted");
    const pre = c.lifecycle?.preStop?.exec?.command ?? [];
    check(pre[0] === "sleep" && pod.terminationGracePeriodSeconds >= Number(pre[1]) + 30,
      "kompas-gateway: grace period covers preStop and a request's --rpc_timeout (30 s)");
    check(dep.spec.strategy?.rollingUpdate?.maxUnavailable === 0, "kompas-gateway: maxUnavailable 0");
  }
}
for (const hpa of byKind("HorizontalPodAutoscaler")) {
  const dep = named("Deployment", hpa.spec.scaleTargetRef.name);
  check(dep !== undefined, `${id(hpa)}: target exists`);
  check(dep?.spec.template.spec.containers.every((c) => c.resources?.requests?.cpu),
    `${id(hpa)}: target has CPU requests (utilization is relative to them)`);
  check(dep?.spec.replicas === hpa.spec.minReplicas, `${id(hpa)}: Deployment starts at minReplicas`);
}
for (const pdb of byKind("PodDisruptionBudget")) {
  const n = podLabels.filter((p) => matches(pdb.spec.selector, p.labels));
  check(n.length === 1 && n[0].w.spec.replicas >= 2, `${id(pdb)}: selects one workload of >= 2 replicas`);
}

// ---- 5. data ConfigMaps == data/ --------------------------------------------------------------
const dataDirs = {
  "kompas-rules": { dir: "data/rules/nl", ext: ".yaml" },
  "kompas-rules-tables": { dir: "data/rules/nl/tables", ext: ".yaml" },
  "kompas-budget-standards": { dir: "data/budget-standards", ext: ".yaml" },
  "kompas-municipal": { dir: "data/municipal", ext: ".yaml" },
  "kompas-regions": { dir: "data/regions", ext: ".csv" },
};
function generated(prefix) {
  return byKind("ConfigMap").find((d) => d.metadata.name.replace(/-[a-z0-9]{10}$/, "") === prefix);
}
for (const [prefix, { dir, ext }] of Object.entries(dataDirs)) {
  const cm = generated(prefix);
  if (!check(cm !== undefined, `ConfigMap ${prefix} rendered`)) continue;
  const want = fs.readdirSync(path.join(repo, dir)).filter((f) => f.endsWith(ext)).sort();
  check(JSON.stringify(Object.keys(cm.data).sort()) === JSON.stringify(want),
    `ConfigMap ${prefix} holds exactly ${dir}/*${ext}: has ${Object.keys(cm.data)}, want ${want}`);
  for (const f of want) {
    check(cm.data[f] === fs.readFileSync(path.join(repo, dir, f), "utf8"), `${prefix}/${f}: same content`);
  }
}
{
  // The catalogue: manifest.csv and the files it lists, except the one that lives in regions.
  const cm = generated("kompas-jobs");
  const manifest = fs.readFileSync(path.join(repo, "data/jobs/manifest.csv"), "utf8")
    .split("\n").filter((l) => l && !l.startsWith("#")).slice(1).map((l) => l.split(",")[0]);
  const regions = fs.readdirSync(path.join(repo, "data/regions"));
  const want = ["manifest.csv", ...manifest.filter((f) => !regions.includes(f))].sort();
  check(cm && JSON.stringify(Object.keys(cm.data).sort()) === JSON.stringify(want),
    `ConfigMap kompas-jobs holds manifest.csv and its files: has ${cm && Object.keys(cm.data)}, want ${want}`);
}
// The projected rules volume must place every table under tables/.
{
  const dep = named("Deployment", "kompas-budget");
  const rules = dep.spec.template.spec.volumes.find((v) => v.name === "rules");
  const tables = rules.projected.sources.find((s) => s.configMap.name.startsWith("kompas-rules-tables"));
  const keys = (tables.configMap.items ?? []).map((i) => i.key).sort();
  const want = fs.readdirSync(path.join(repo, "data/rules/nl/tables")).filter((f) => f.endsWith(".yaml")).sort();
  check(JSON.stringify(keys) === JSON.stringify(want), `rules volume projects every table: ${keys} vs ${want}`);
  check((tables.configMap.items ?? []).every((i) => i.path === `tables/${i.key}`), "tables under tables/");
}

// ---- 6. per overlay -----------------------------------------------------------------------------
const replicas = (name) => named("Deployment", name)?.spec.replicas;
if (overlay === "pilot") {
  for (const svc of [...KOMPAS_SERVICES, "gateway"]) check(replicas(`kompas-${svc}`) === 1, `pilot: kompas-${svc} has 1 replica`);
  check(byKind("HorizontalPodAutoscaler").length === 0, "pilot: no autoscaling");
  check(named("StatefulSet", "kompas-postgres") !== undefined, "pilot: in-cluster PostgreSQL");
} else if (overlay === "national") {
  for (const svc of [...KOMPAS_SERVICES, "gateway"]) {
    check(replicas(`kompas-${svc}`) >= 2, `national: kompas-${svc} has at least 2 replicas`);
    check(named("PodDisruptionBudget", `kompas-${svc}`) !== undefined, `national: PDB for kompas-${svc}`);
  }
  const scaled = byKind("HorizontalPodAutoscaler").map((h) => h.spec.scaleTargetRef.name).sort();
  check(JSON.stringify(scaled) === JSON.stringify(["kompas-budget", "kompas-catalog", "kompas-gateway", "kompas-matching"]),
    `national: HPAs for budget, catalog, the gateway and matching (has ${scaled})`);
  for (const h of byKind("HorizontalPodAutoscaler")) {
    check(h.spec.metrics.length === 1 && h.spec.metrics[0].resource?.name === "cpu", `${id(h)}: on CPU`);
  }
  checkNetworkPolicies();
} else {
  check(false, `unknown overlay ${overlay}`);
}

// NetworkPolicy semantics (the parts used here): a pod selected by no policy of a direction is
// open in that direction; one selected by any is open only to what some selecting policy's
// rules allow. A connection needs the source's egress and the destination's ingress.
function checkNetworkPolicies() {
  const policies = byKind("NetworkPolicy");
  const nsLabels = {
    kompas: { "kubernetes.io/metadata.name": "kompas" },
    "ingress-nginx": { "kubernetes.io/metadata.name": "ingress-nginx" },
    monitoring: { "kubernetes.io/metadata.name": "monitoring" },
    "kube-system": { "kubernetes.io/metadata.name": "kube-system" },
    other: { "kubernetes.io/metadata.name": "other" },
  };
  const labelsOf = (name) => named("Deployment", name)?.spec.template.metadata.labels ??
    named("StatefulSet", name)?.spec.template.metadata.labels;
  const peers = {
    budget: { ns: "kompas", labels: labelsOf("kompas-budget") },
    catalog: { ns: "kompas", labels: labelsOf("kompas-catalog") },
    matching: { ns: "kompas", labels: labelsOf("kompas-matching") },
    caserecord: { ns: "kompas", labels: labelsOf("kompas-caserecord") },
    gateway: { ns: "kompas", labels: labelsOf("kompas-gateway") },
    redis: { ns: "kompas", labels: labelsOf("kompas-redis") },
    postgres: { ns: "kompas", labels: labelsOf("kompas-postgres") },
    debug: { ns: "kompas", labels: { run: "debug" } }, // any other pod in the namespace
    ingress: { ns: "ingress-nginx", labels: { "app.kubernetes.io/name": "ingress-nginx" } },
    prometheus: { ns: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" } },
    dns: { ns: "kube-system", labels: { "k8s-app": "kube-dns" } },
    stranger: { ns: "other", labels: { app: "member-system-in-cluster" } },
    internet: { ip: "203.0.113.7" },
  };
  const peerMatches = (rulePeers, p) => {
    if (rulePeers === undefined) return true; // no from/to: everyone
    return rulePeers.some((r) => {
      if (r.ipBlock) return false; // none used for pods here
      if (p.ip) return false;
      const nsOk = r.namespaceSelector ? matches(r.namespaceSelector, nsLabels[p.ns]) : p.ns === "kompas";
      const podOk = r.podSelector ? matches(r.podSelector, p.labels) : true;
      return nsOk && podOk;
    });
  };
  const portMatches = (ports, port, protocol) =>
    ports === undefined || ports.some((q) => q.port === port && (q.protocol ?? "TCP") === protocol);
  function allowed(direction, self, other, port, protocol) {
    if (self.ns !== "kompas") return true; // policies here govern only this namespace
    const type = direction === "ingress" ? "Ingress" : "Egress";
    const selecting = policies.filter((np) => np.spec.policyTypes.includes(type) && matches(np.spec.podSelector, self.labels));
    if (selecting.length === 0) return true;
    return selecting.some((np) => (np.spec[direction] ?? []).some((rule) =>
      peerMatches(direction === "ingress" ? rule.from : rule.to, other) && portMatches(rule.ports, port, protocol)));
  }
  // Each side is checked on its own (defence in depth): an allowed connection needs both the
  // source's egress and the destination's ingress; a denied one must be refused by every side
  // that lives in this namespace, so that one loosened policy is caught.
  const sides = (src, dst, port, protocol) => {
    const s = peers[src];
    const d = peers[dst];
    const out = [];
    if (s.ns === "kompas") out.push(["egress", allowed("egress", s, d, port, protocol)]);
    if (d.ns === "kompas") out.push(["ingress", allowed("ingress", d, s, port, protocol)]);
    return out;
  };
  // The intended matrix, written out from issue 11 (plus case-record -> matching, which its
  // compass snapshots need since issue 10).
  const api = ["budget", "catalog", "matching", "caserecord"];
  const expect = (src, dst, port, want, protocol = "TCP") => {
    const got = sides(src, dst, port, protocol);
    const wrong = got.filter(([, ok]) => ok !== want).map(([side]) => side);
    check(got.length > 0 && wrong.length === 0,
      `network: ${src} -> ${dst}:${port}/${protocol} should be ${want ? "allowed" : "denied"}` +
        ` (wrong on the ${wrong.join(" and ")} side)`);
  };
  for (const svc of api) {
    expect("ingress", svc, 50051, true);
    expect("internet", svc, 50051, false);
    expect("stranger", svc, 50051, false);
    expect("debug", svc, 50051, false);
    expect("prometheus", svc, 9464, true);
    expect("prometheus", svc, 50051, false);
    expect("ingress", svc, 9464, false);
    expect(svc, "redis", 6379, true);
    expect(svc, "dns", 53, true, "UDP");
    expect(svc, "internet", 443, false);
  }
  for (const caller of ["matching", "caserecord"]) {
    for (const callee of ["budget", "catalog"]) expect(caller, callee, 50051, true);
  }
  for (const caller of ["budget", "catalog"]) {
    for (const callee of api) if (callee !== caller) expect(caller, callee, 50051, false);
  }
  expect("budget", "catalog", 50051, false);
  // case-record's compass snapshots ask matching; nothing calls case-record from inside.
  expect("caserecord", "matching", 50051, true);
  expect("matching", "caserecord", 50051, false);
  expect("caserecord", "matching", 9464, false);
  expect("caserecord", "postgres", 5432, true);
  for (const other of ["budget", "catalog", "matching", "redis", "debug", "ingress", "stranger"]) {
    expect(other, "postgres", 5432, false);
  }
  for (const other of ["postgres", "debug", "ingress", "stranger"]) expect(other, "redis", 6379, false);
  expect("redis", "internet", 443, false);
  expect("postgres", "internet", 443, false);
  expect("ingress", "redis", 6379, false);
  expect("ingress", "postgres", 5432, false);
  // The gateway (issue 13): HTTP from the ingress controller only; it calls the four services
  // and nothing else; nothing inside calls it.
  expect("ingress", "gateway", 8080, true);
  for (const other of ["internet", "stranger", "debug", ...api]) expect(other, "gateway", 8080, false);
  expect("prometheus", "gateway", 9464, true);
  expect("ingress", "gateway", 9464, false);
  for (const svc of api) expect("gateway", svc, 50051, true);
  for (const svc of api) expect("gateway", svc, 9464, false);
  expect("gateway", "redis", 6379, false);
  expect("gateway", "postgres", 5432, false);
  expect("gateway", "internet", 443, false);
  expect("gateway", "dns", 53, true, "UDP");
  expect("ingress", "budget", 8080, false);
  // Any other pod in the namespace is closed both ways (default deny).
  expect("stranger", "debug", 8080, false);
  expect("ingress", "debug", 8080, false);
  expect("debug", "internet", 443, false);
  expect("debug", "dns", 53, true, "UDP");
}

console.log(`check_manifests ${overlay}: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
