// Unknown-field check for Kubernetes objects (what `kubeconform -strict` or the API server's
// strict field validation does): the JSON schemas of kubernetes-models accept any extra
// property, so a misspelt field (`readinessProbes`, `securityContex`) would pass them and be
// dropped by the cluster. The package's TypeScript declarations list every field of every
// type; this walks an object along them and reports fields they do not declare.
//
//   unknownFields(object) -> ["spec.template.spec.containers[0].readinessProbes", ...]
//
// Where a declaration cannot be followed (maps, unions, free-form JSON) the walk stops there:
// it can miss an unknown field below such a point, never report a known one.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const modelsDir = path.dirname(require.resolve("kubernetes-models/package.json"));
const nodeModules = path.dirname(modelsDir);
const cache = new Map();

// One declaration file: its imports (name -> file) and its interfaces (name -> {prop: type}).
function load(file) {
  if (cache.has(file)) return cache.get(file);
  const text = fs.readFileSync(file, "utf8");
  const imports = new Map();
  for (const m of text.matchAll(/import \{ ([^}]+) \} from "([^"]+)";/g)) {
    for (const name of m[1].split(",").map((s) => s.trim())) {
      let spec = m[2].replace(/\.js$/, "");
      spec = spec.startsWith(".") ? path.resolve(path.dirname(file), spec) : path.join(nodeModules, spec);
      imports.set(name, `${spec}.d.ts`);
    }
  }
  const interfaces = new Map();
  for (const m of text.matchAll(/export interface (\w+)(?: extends [^{]+)? \{([\s\S]*?)\n\}/g)) {
    const props = {};
    const body = m[2].replace(/\/\*\*[\s\S]*?\*\//g, "");
    // The interface's own fields are indented by four spaces; a type written over several
    // lines (an inline map or object) is kept as "{", which the walk does not follow.
    for (const p of body.matchAll(/^ {4}"([^"]+)"\??: (.+)$/gm)) props[p[1]] = p[2].replace(/;$/, "").trim();
    interfaces.set(m[1], props);
  }
  // `export type { IFoo as IIoK8s...Foo }`: the long names other files import it by.
  const aliases = new Map();
  for (const m of text.matchAll(/export type \{ ([^}]+) \}/g)) {
    for (const pair of m[1].split(",")) {
      const [local, exported] = pair.split(" as ").map((s) => s.trim());
      if (exported) aliases.set(exported, local);
    }
  }
  const entry = { imports, interfaces, aliases };
  cache.set(file, entry);
  return entry;
}

// The interface a type name refers to, from inside `file`: [file, props] or null.
function resolve(file, typeName) {
  const here = load(file);
  if (here.interfaces.has(typeName)) return [file, here.interfaces.get(typeName)];
  const target = here.imports.get(typeName);
  if (!target || !fs.existsSync(target)) return null;
  const there = load(target);
  const local = there.aliases.get(typeName) ?? typeName;
  return there.interfaces.has(local) ? [target, there.interfaces.get(local)] : null;
}

function walk(value, file, props, where, out) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const type = props[key];
    const at = where ? `${where}.${key}` : key;
    if (type === undefined) {
      out.push(at);
      continue;
    }
    const array = /^Array<(\w+)>$/.exec(type);
    const single = /^(\w+)$/.exec(type);
    const name = array ? array[1] : single ? single[1] : null;
    if (!name || ["string", "number", "boolean", "any", "object", "unknown"].includes(name)) continue;
    const next = resolve(file, name);
    if (!next) continue;
    if (array && Array.isArray(child)) {
      child.forEach((item, i) => walk(item, next[0], next[1], `${at}[${i}]`, out));
    } else if (!array) {
      walk(child, next[0], next[1], at, out);
    }
  }
}

// The declaration file of a kind: kubernetes-models/<group or "">/<version>/<Kind>.d.ts.
export function unknownFields(object) {
  const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
  const file = path.join(modelsDir, group, version, `${object.kind}.d.ts`);
  if (!fs.existsSync(file)) return [`(no declarations for ${object.apiVersion} ${object.kind})`];
  const props = load(file).interfaces.get(`I${object.kind}`);
  if (!props) return [`(no interface I${object.kind})`];
  const out = [];
  walk(object, file, props, "", out);
  return out;
}
