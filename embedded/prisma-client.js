// Plain JavaScript (runs before the TypeScript loader may exist): whether the generated Prisma client matches
// prisma/schema.prisma, and generating it. bootstrap.js waits for it before any entry point; `npm start`
// generates it beside starting Postgres and Temporal instead, a new machine's longest waits.
'use strict';
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'prisma', 'generated', '.schema-hash');

function schemaHash() {
  const schema = fs.readFileSync(path.join(root, 'prisma', 'schema.prisma'));
  return crypto.createHash('sha256').update(schema).digest('hex');
}

function prismaClientCurrent() {
  return fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === schemaHash();
}

/** Resolves once the client is current (at once when it already is); `say` hears that generation starts. */
function ensurePrismaClient(say) {
  if (prismaClientCurrent()) return Promise.resolve();
  say('generating Prisma client…');
  const hash = schemaHash();
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, 'node_modules', '.bin', 'prisma'), ['generate'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        DATABASE_URL: process.env.DATABASE_URL || 'postgresql://unset@127.0.0.1:1/unset',
      },
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`prisma generate exited with ${code}`));
      fs.writeFileSync(stamp, hash);
      resolve();
    });
  });
}

module.exports = { ensurePrismaClient, prismaClientCurrent };
