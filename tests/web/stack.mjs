// Starts the real local stack (scripts/stack) in a fresh directory for a web test, and stops it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// --bin_dir=… from the command line (ctest passes the build directory).
export function binDir() {
  const arg = process.argv.find((a) => a.startsWith('--bin_dir='));
  return arg ? arg.slice('--bin_dir='.length) : path.join(ROOT, 'build', 'release');
}

// Under a sanitizer build (ctest passes --skip_sanitized) the web tests add nothing: they check
// the page and the API's description, not memory or threads, and Chromium would share the
// machine with slow instrumented services. Exit code 77 is ctest's SKIP_RETURN_CODE.
export function skipIfAsked() {
  if (process.argv.includes('--skip_sanitized')) {
    console.log('skipped: sanitizer build (the web tests run in the release build)');
    process.exit(77);
  }
}

export class Stack {
  constructor() {
    this.state = fs.mkdtempSync(path.join(os.tmpdir(), 'kompas-web-test.'));
    this.env = { ...process.env, KOMPAS_STACK_DIR: this.state, KOMPAS_BIN_DIR: binDir() };
  }

  up() {
    try {
      execFileSync(path.join(ROOT, 'scripts', 'stack'), ['up'], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      throw new Error('scripts/stack up failed:\n' + e.stdout + e.stderr);
    }
    const stack = JSON.parse(fs.readFileSync(path.join(this.state, 'stack.json'), 'utf8'));
    this.gateway = stack.gateway;
    this.token = fs.readFileSync(path.join(this.state, 'token'), 'utf8').trim();
    return this;
  }

  down() {
    try {
      execFileSync(path.join(ROOT, 'scripts', 'stack'), ['down'], { env: this.env, stdio: 'ignore' });
    } finally {
      if (process.env.KOMPAS_KEEP_TEST_STATE) console.error('stack state kept in', this.state);
      else fs.rmSync(this.state, { recursive: true, force: true });
    }
  }

  // A REST call with the stack's token, as a member system would make it.
  async call(method, route, body) {
    const headers = { Authorization: 'Bearer ' + this.token };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(this.gateway + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await response.json();
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(data)}`);
    return data;
  }
}

// Where screenshots and the PDF go (kept by CI as test artefacts).
export function artifactsDir() {
  const dir = process.env.KOMPAS_TEST_ARTIFACTS || path.join(binDir(), 'test-artifacts', 'web');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
