#!/usr/bin/env node
// Runs before node_modules may exist, so it is plain JavaScript with no dependencies: installs what is
// missing (npm ci), regenerates the Prisma client when the schema changed, then hands over to a TS entry.
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

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

function ensureDependencies() {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  if (mtime(installed) >= mtime(path.join(root, 'package-lock.json')) && mtime(installed) > 0) return;
  say('installing npm dependencies (npm ci)…');
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

function ensurePrismaClient() {
  const schema = fs.readFileSync(path.join(root, 'prisma', 'schema.prisma'));
  const hash = crypto.createHash('sha256').update(schema).digest('hex');
  const stamp = path.join(root, 'prisma', 'generated', '.schema-hash');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return;
  say('generating Prisma client…');
  execFileSync(path.join(root, 'node_modules', '.bin', 'prisma'), ['generate'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL || 'postgresql://unset@127.0.0.1:1/unset' },
  });
  fs.writeFileSync(stamp, hash);
}

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  say('usage: node embedded/bootstrap.js <entry.ts> [args…]');
  process.exit(2);
}
ensureDependencies();
ensurePrismaClient();
const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, entry), ...args], {
  cwd: root,
  stdio: 'inherit',
});
// Ctrl-C reaches the whole process group; the child handles it and we exit with its code.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
