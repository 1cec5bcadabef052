#!/usr/bin/env node
// Runs before node_modules may exist, so it is plain JavaScript with no dependencies: installs what is
// missing (npm ci), regenerates the Prisma client when the schema changed (prisma-client.js), then hands over
// to a TS entry.
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { ensurePrismaClient } = require('./prisma-client.js');

const root = path.resolve(__dirname, '..');
const say = (m) => process.stderr.write(`[gxcase] ${m}\n`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Installs when package-lock.json's content changed since the last install (a stamp in node_modules), not by
 * modification times: a checkout or a copy touches the lock file without changing it, and a needless `npm ci`
 * empties node_modules under every other process using it. A symlinked node_modules (a second worktree
 * sharing the first one's) is never reinstalled from here.
 */
function ensureDependencies() {
  const modules = path.join(root, 'node_modules');
  const lockHash = crypto
    .createHash('sha256')
    .update(fs.readFileSync(path.join(root, 'package-lock.json')))
    .digest('hex');
  const stamp = path.join(modules, '.gxcase-lock-hash');
  const installed = fs.existsSync(path.join(modules, '.package-lock.json'));
  if (installed && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === lockHash) return;
  if (fs.existsSync(modules) && fs.lstatSync(modules).isSymbolicLink()) {
    if (!installed) say('node_modules is a symlink to an incomplete install; run npm ci where it points');
    return;
  }
  if (
    installed &&
    !fs.existsSync(stamp) &&
    mtime(path.join(modules, '.package-lock.json')) >= mtime(path.join(root, 'package-lock.json'))
  ) {
    // installed before stamps existed and evidently current: adopt it
    fs.writeFileSync(stamp, lockHash);
    return;
  }
  say('installing npm dependencies (npm ci)…');
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  fs.writeFileSync(stamp, lockHash);
}

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  say('usage: node embedded/bootstrap.js <entry.ts> [args…]');
  process.exit(2);
}
/** Entry points that generate the Prisma client themselves, beside their other start-up work. */
const GENERATES_ITS_OWN_CLIENT = new Set(['embedded/start.ts']);

async function main() {
  ensureDependencies();
  if (!GENERATES_ITS_OWN_CLIENT.has(entry)) await ensurePrismaClient(say);
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, entry), ...args], {
    cwd: root,
    stdio: 'inherit',
  });
  // Ctrl-C reaches the whole process group; the child handles it and we exit with its code.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((e) => {
  say(`failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
