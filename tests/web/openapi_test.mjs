// The gateway's OpenAPI document, checked from outside: it validates against the OpenAPI 3.0
// schema (@seriousme/openapi-schema-validator), and its operations are exactly the
// google.api.http rules written in the .proto files (read here as text, independently of the
// gateway's C++), each with the proto comment as its description.
//
//   node tests/web/openapi_test.mjs --bin_dir=build/release
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';

import { ROOT, binDir, skipIfAsked } from './stack.mjs';

skipIfAsked();

// (METHOD, OpenAPI path) of every rule in the public protos.
function rulesInProtos() {
  const rules = new Set();
  for (const service of ['budget', 'catalog', 'matching', 'caserecord']) {
    const dir = path.join(ROOT, 'proto', 'kompas', service, 'v1');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.proto'))) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const m of text.matchAll(/^\s*(get|post|patch|put|delete):\s*"([^"]+)"/gm)) {
        // "/v1/{name=participants/*/goals/*}:erase" → "/v1/participants/{participant}/goals/{goal}:erase"
        const openapi = m[2].replace(/\{[^}=]+=([^}]+)\}/g, (_, pattern) =>
          pattern.split('/').map((seg, i, segs) => (seg === '*' ? `{${segs[i - 1].replace(/s$/, '')}}` : seg)).join('/'));
        rules.add(`${m[1].toUpperCase()} ${openapi}`);
      }
    }
  }
  return rules;
}

// Starts the gateway alone (no services: the document needs none) and returns its address.
function startGateway() {
  const exe = path.join(binDir(), 'services', 'gateway', 'kompas-gateway');
  const child = spawn(exe, ['--listen=127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error('no "listening" line within 20 s:\n' + log)), 20000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /"event":"listening".*"port":(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${m[1]}` });
      }
    });
    child.on('exit', (code) => reject(new Error(`kompas-gateway exited with ${code}:\n${log}`)));
  });
}

async function main() {
  const { child, url } = await startGateway();
  try {
    const response = await fetch(url + '/openapi.json');
    assert.equal(response.status, 200);
    const doc = await response.json();

    const result = await new Validator().validate(doc);
    assert.ok(result.valid, 'not a valid OpenAPI document: ' + String(JSON.stringify(result.errors, null, 1)).slice(0, 3000));
    assert.match(doc.openapi, /^3\.0\./);

    const documented = new Set();
    for (const [p, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        documented.add(`${method.toUpperCase()} ${p}`);
        assert.ok(op.description && op.description.length > 10, `${method} ${p} has the proto's comment`);
        assert.ok(op.responses['200'] && op.responses['400'] && op.responses['401'] && op.responses['403'], `${method} ${p} responses`);
      }
    }
    const expected = rulesInProtos();
    assert.ok(expected.size >= 50, `found ${expected.size} rules in the protos`);
    assert.deepEqual([...documented].sort(), [...expected].sort(), 'the document and the protos list different routes');
    assert.deepEqual(doc.security, [{ bearerAuth: [] }]);
    console.log(`web_openapi: passed; ${documented.size} operations, valid OpenAPI ${doc.openapi}`);
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
