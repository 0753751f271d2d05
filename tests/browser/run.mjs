#!/usr/bin/env node
// ctest's entry point for one browser test file: `node run.mjs FILE.test.mjs`.
// Exits 77 (ctest SKIP_RETURN_CODE) with a clear message when Debian's Chromium or the
// npm packages are missing, or when every test in the file skipped itself; otherwise
// runs the file with node's built-in test runner and exits with its status.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const SKIP = 77;
const file = process.argv[2];
if (!file) {
  console.error('usage: node run.mjs FILE.test.mjs');
  process.exit(2);
}
if (!existsSync('/usr/bin/chromium')) {
  console.log('SKIPPED: /usr/bin/chromium is missing; install it with scripts/deps (Debian package chromium).');
  process.exit(SKIP);
}
if (!existsSync(join(here, 'node_modules', 'playwright-core'))) {
  console.log('SKIPPED: tests/browser/node_modules is missing; run `npm ci --prefix tests/browser` (scripts/test does).');
  process.exit(SKIP);
}

// The tests run in this directory: a relative screenshot path means the caller's.
const env = { ...process.env };
if (env.SSEGW_DEMO_PNG) env.SSEGW_DEMO_PNG = resolve(env.SSEGW_DEMO_PNG);
const child = spawn(process.execPath, ['--test', '--test-reporter=tap', resolve(here, file)],
  { cwd: here, env, stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
child.stdout.setEncoding('utf8');
child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
child.on('exit', (code, signal) => {
  if (signal) process.exit(1);
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(out)?.[1] ?? 0);
  if (code === 0 && count('pass') === 0 && count('skipped') > 0) {
    console.log(`SKIPPED: every test in ${file} skipped itself (reason above).`);
    process.exit(SKIP);
  }
  process.exit(code ?? 1);
});
