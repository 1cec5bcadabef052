/**
 * A migration that a database has applied must never change: `prisma migrate deploy` does not re-run it, so an
 * edit reaches fresh databases only and the rest silently lack it (this happened once: CalendarSignal,
 * healed by 20261130075000). prisma/migrations.sha256 pins every migration's content; a new migration adds
 * its line, and a change to an old one must be a new migration instead.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const dir = path.join(__dirname, '..', '..', 'prisma', 'migrations');
const pinned = new Map(
  fs
    .readFileSync(path.join(dir, '..', 'migrations.sha256'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(/\s+/).reverse() as [string, string]),
);
const migrations = fs
  .readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

test('every migration is pinned (add its line to prisma/migrations.sha256 when you add one)', () => {
  expect(migrations.filter((m) => !pinned.has(m))).toEqual([]);
  expect([...pinned.keys()].filter((m) => !migrations.includes(m))).toEqual([]);
});

test.each(migrations)('%s is unchanged since it was pinned', (name) => {
  const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'));
  expect(createHash('sha256').update(sql).digest('hex')).toBe(pinned.get(name));
});
