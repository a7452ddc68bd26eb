// Prints what deploy/Dockerfile says about one service target, as JSON:
// {"entrypoint": [...], "cmd": [...], "healthcheck": [...], "workdir": "..."}.
//   node dockerfile_target.mjs DOCKERFILE TARGET
import fs from "node:fs";

const [file, target] = process.argv.slice(2);
const lines = fs.readFileSync(file, "utf8").replace(/\\\n/g, " ").split("\n");
const stages = {};
let current = null;
for (const line of lines) {
  const m = /^([A-Z]+)\s+(.*)$/.exec(line.trim());
  if (!m) continue;
  if (m[1] === "FROM") {
    const f = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(m[2]);
    current = { from: f[1], ops: [] };
    if (f[2]) stages[f[2]] = current;
  } else if (current) {
    current.ops.push([m[1], m[2].replace(/\s+/g, " ").trim()]);
  }
}
// A stage's instructions after those of the stages it is built on.
const chain = (name) => (stages[name] ? [...chain(stages[name].from), ...stages[name].ops] : []);
const ops = chain(target);
if (!stages[target]) {
  console.error(`no target ${target}`);
  process.exit(2);
}
const last = (op) => ops.filter(([o]) => o === op).map(([, a]) => a).at(-1);
const hc = last("HEALTHCHECK") ?? "";
console.log(JSON.stringify({
  entrypoint: JSON.parse(last("ENTRYPOINT") ?? "[]"),
  cmd: JSON.parse(last("CMD") ?? "[]"),
  healthcheck: hc.includes("CMD ") ? JSON.parse(hc.slice(hc.indexOf("CMD ") + 4)) : [],
  workdir: last("WORKDIR") ?? "/",
}));
