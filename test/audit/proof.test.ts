/**
 * 第二十四条, the 2-year log: signed daily digests make a superuser's rewrite visible; verification resumes
 * from checkpoints; an export verifies offline with the public key alone and fails on any changed, removed
 * or foreign-signed line; retention never under 730 days, deleting behind a signed tombstone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { produceDigests } from '../../audit/digest';
import { exportAuditLines } from '../../audit/export';
import { appendAudit, chainHash, verifyAuditChain } from '../../audit/log';
import { verifyExportText } from '../../audit/offline-verify';
import { applyRetention } from '../../audit/retention';
import { loadOrCreateSigningKey, type AuditSigningKey } from '../../audit/signing-key';
import { scheduleAuditUpkeep } from '../../audit/upkeep';
import { verifyAuditProof } from '../../audit/verify';
import { runCli } from '../../cli';
import { loadConfig } from '../../config';
import { beijingDay } from '../../calendar/dates';
import type { Db } from '../../prisma/client';
import { createTestDatabase, type TestDatabase } from '../support/db';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gxcase-audit-proof-'));
const key = loadOrCreateSigningKey(path.join(tmp, 'keys', 'audit.pem'));
const otherKey = loadOrCreateSigningKey(path.join(tmp, 'other.pem'));
const dbs: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function freshDb(): Promise<TestDatabase> {
  const t = await createTestDatabase();
  dbs.push(t);
  return t;
}

/** The Beijing day `n` days before today. */
const daysAgo = (n: number) => beijingDay(new Date(Date.now() - n * 86_400_000));

/** Appends `count` chained entries at 10:00 Beijing of `day` (appendAudit always writes "now"). */
async function appendOn(db: Db, day: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const last = await db.auditLog.findFirst({ orderBy: { id: 'desc' } });
    const prevHash = last?.hash ?? '0'.repeat(64);
    const at = new Date(Date.parse(`${day}T10:00:00+08:00`) + i * 1000);
    const e = {
      actor: `client-${i}`,
      action: 'access_decision',
      target: `RK-${day}-${i}`,
      data: { n: i, day },
    };
    await db.auditLog.create({ data: { at, ...e, prevHash, hash: chainHash(prevHash, at, e) } });
  }
}

function withPg<T>(url: string, fn: (pg: Client) => Promise<T>): Promise<T> {
  const pg = new Client({ connectionString: url });
  return pg.connect().then(() => fn(pg).finally(() => pg.end()));
}

async function exportText(db: Db, k: AuditSigningKey, from: string, to: string): Promise<string> {
  let text = '';
  for await (const line of exportAuditLines(db, k, { from, to })) text += line;
  return text;
}

test('the signing key: a 0600 file outside the database, made once, named by its key id', () => {
  const file = path.join(tmp, 'keys', 'audit.pem');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(key.keyId).toMatch(/^[0-9a-f]{16}$/);
  expect(loadOrCreateSigningKey(file).keyId).toBe(key.keyId);
  expect(key.publicKeyPem).toContain('BEGIN PUBLIC KEY');
  expect(otherKey.keyId).not.toBe(key.keyId);
});

describe('digests, checkpoints, export', () => {
  let tdb: TestDatabase;
  const [d1, d2, d3] = [daysAgo(4), daysAgo(3), daysAgo(1)];
  beforeAll(async () => {
    tdb = await freshDb();
    await appendOn(tdb.db, d1, 3);
    await appendOn(tdb.db, d2, 4);
    await appendOn(tdb.db, d3, 2);
    await appendAudit(tdb.db, { actor: 'today', action: 'case_started', target: 'GX-1' });
  });

  test('one digest per completed day with entries; a second run creates nothing new', async () => {
    const first = await produceDigests(tdb.db, key);
    expect(first.created.map((c) => [c.day, c.entries])).toEqual([
      [d1, 3],
      [d2, 4],
      [d3, 2],
    ]);
    expect((await produceDigests(tdb.db, key)).created).toEqual([]);
    expect(await tdb.db.auditDigest.count()).toBe(3);
  });

  test('verification walks once, then resumes from the newest verified checkpoint', async () => {
    const full = await verifyAuditProof(tdb.db, key);
    expect(full).toMatchObject({
      intact: true,
      rows: 10,
      walkedFrom: { kind: 'genesis' },
      walkedRows: 10,
      digests: { count: 3, signaturesValid: true, anchorsValid: true },
    });
    const again = await verifyAuditProof(tdb.db, key);
    expect(again).toMatchObject({ intact: true, walkedFrom: { kind: 'checkpoint', day: d3 }, walkedRows: 1 });
    expect(await verifyAuditProof(tdb.db, key, { full: true })).toMatchObject({
      intact: true,
      walkedRows: 10,
    });
    // another deployment's key does not vouch for these digests
    expect(await verifyAuditProof(tdb.db, otherKey)).toMatchObject({
      intact: false,
      digests: { signaturesValid: false },
    });
  });

  test('an export verifies offline; a changed line, a removed line or a wrong key fails it', async () => {
    const text = await exportText(tdb.db, key, d1, d3);
    const good = verifyExportText(text, key.publicKeyPem);
    expect(good).toMatchObject({ ok: true, entries: 9, digests: 3 });
    expect(good.summary).toMatch(/^校验通过.*VERIFIED: 9 entries, 3 daily digests/);

    const lines = text.split('\n');
    const entryAt = lines.findIndex((l) => l.includes('"type":"entry"') && l.includes('"n":1'));
    const changed = [...lines];
    changed[entryAt] = changed[entryAt].replace('"client-1"', '"client-9"'); // one byte
    const rChanged = verifyExportText(changed.join('\n'), key.publicKeyPem);
    expect(rChanged.ok).toBe(false);
    expect(rChanged.summary).toMatch(/^校验失败 \/ VERIFICATION FAILED/);
    expect(rChanged.problems.join('\n')).toMatch(/内容与哈希不符/);

    const removed = lines.filter((_, i) => i !== entryAt);
    expect(verifyExportText(removed.join('\n'), key.publicKeyPem).problems.join('\n')).toMatch(/链接不上/);
    // a whole day cut from the end, entries and digest: the signed end line still tells
    const cut = lines.filter((l) => !l.includes(`"day":"${d3}"`));
    expect(verifyExportText(cut.join('\n'), key.publicKeyPem).ok).toBe(false);

    const wrong = verifyExportText(text, otherKey.publicKeyPem);
    expect(wrong.ok).toBe(false);
    expect(wrong.problems[0]).toMatch(/wrong public key/);

    // a range in the middle starts from the signed digest of the day before
    const mid = verifyExportText(await exportText(tdb.db, key, d2, d2), key.publicKeyPem);
    expect(mid).toMatchObject({ ok: true, entries: 4, digests: 1 });
  });

  test('the CLI: export to a file, verify offline with only the file and the PEM (exit 0, then 1)', async () => {
    const env = { DATABASE_URL: tdb.url, AUDIT_SIGNING_KEY_FILE: key.file };
    const out = path.join(tmp, 'export.jsonl');
    const exp = await runCli(['audit', 'export', '--from', d1, '--to', d3, '--out', out], env);
    expect(exp).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(exp.stdout)).toMatchObject({ entries: 9, digests: 3, keyId: key.keyId });
    const pem = path.join(tmp, 'public.pem');
    expect((await runCli(['audit', 'public-key', '--out', pem], env)).code).toBe(0);

    const offline = await runCli(['audit', 'verify-export', '--file', out, '--public-key', pem], {});
    expect(offline.code).toBe(0);
    expect(offline.stdout).toMatch(/^校验通过: .* \/ VERIFIED: 9 entries/);

    const bytes = fs.readFileSync(out);
    const at = bytes.indexOf('"client-2"') + 1;
    bytes[at] = 'C'.charCodeAt(0);
    fs.writeFileSync(out, bytes);
    const bad = await runCli(['audit', 'verify-export', '--file', out, '--public-key', pem], {});
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^校验失败 \/ VERIFICATION FAILED/);
    expect((await runCli(['audit', 'verify'], env)).code).toBe(0);
  });

  test('a superuser rewrite that recomputes every hash is caught by the signed digests', async () => {
    await withPg(tdb.url, async (pg) => {
      await pg.query(`ALTER TABLE "AuditLog" DISABLE TRIGGER audit_log_no_update_delete`);
      // change an entry of d2 and re-chain everything after it, as someone with full database rights could
      const rows = await pg.query<{
        id: string;
        at: string;
        actor: string;
        action: string;
        target: string | null;
        data: Record<string, unknown>;
      }>(
        `SELECT id::text, to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, action, target, data
           FROM "AuditLog" ORDER BY "AuditLog".id`,
      );
      let prev = '0'.repeat(64);
      for (const r of rows.rows) {
        const data = r.target === `RK-${d2}-1` ? { ...r.data, n: 99 } : r.data;
        const at = new Date(r.at);
        const hash = chainHash(prev, at, {
          actor: r.actor,
          action: r.action,
          target: r.target ?? undefined,
          data,
        });
        await pg.query(`UPDATE "AuditLog" SET data = $2, "prevHash" = $3, hash = $4 WHERE id = $1`, [
          r.id,
          JSON.stringify(data),
          prev,
          hash,
        ]);
        prev = hash;
      }
      await pg.query(`ALTER TABLE "AuditLog" ENABLE TRIGGER audit_log_no_update_delete`);
    });
    // the chain alone is perfect again ...
    expect(await verifyAuditChain(tdb.db)).toBeUndefined();
    // ... but the signature over d2's last hash no longer matches, even in the incremental mode
    const v = await verifyAuditProof(tdb.db, key);
    expect(v).toMatchObject({ intact: false, firstBrokenDay: d2, digests: { anchorsValid: false } });
    expect(v.problems.join('\n')).toMatch(new RegExp(`${d2} 的记录与签名的日摘要不符`));
    expect(
      (await runCli(['audit', 'verify'], { DATABASE_URL: tdb.url, AUDIT_SIGNING_KEY_FILE: key.file })).code,
    ).toBe(1);
  });
});

describe('retention', () => {
  test('config refuses less than 730 days; unset keeps for ever', () => {
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '729' })).toThrow(/不小于 730/);
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '两年' })).toThrow(/AUDIT_RETENTION_DAYS/);
    expect(loadConfig({ AUDIT_RETENTION_DAYS: '730' }).auditRetentionDays).toBe(730);
    expect(loadConfig({}).auditRetentionDays).toBeUndefined();
  });

  test('deletes whole old days behind a signed tombstone; the chain, digests and exports still verify', async () => {
    const tdb = await freshDb();
    const [old1, old2, recent] = [daysAgo(800), daysAgo(799), daysAgo(10)];
    await appendOn(tdb.db, old1, 2);
    await appendOn(tdb.db, old2, 3);
    await appendOn(tdb.db, recent, 2);
    await produceDigests(tdb.db, key);
    await expect(applyRetention(tdb.db, key, 729)).rejects.toThrow(/不得少于 730/);
    // without the retention setting the table still refuses the delete
    await expect(withPg(tdb.url, (pg) => pg.query(`DELETE FROM "AuditLog"`))).rejects.toThrow(/append-only/);

    const run = await applyRetention(tdb.db, key, 730);
    expect(run).toMatchObject({ deleted: 5, tombstone: { throughDay: old2 } });
    expect(await tdb.db.auditLog.count()).toBe(2);
    expect((await applyRetention(tdb.db, key, 730)).deleted).toBe(0);

    await appendAudit(tdb.db, { actor: 'after', action: 'case_started' });
    const v = await verifyAuditProof(tdb.db, key, { full: true });
    expect(v).toMatchObject({
      intact: true,
      walkedFrom: { kind: 'tombstone', day: old2 },
      tombstones: { count: 1, signaturesValid: true, deletedEntries: 5 },
    });
    const text = await exportText(tdb.db, key, old1, recent);
    expect(text).toContain('"source":"tombstone"');
    expect(verifyExportText(text, key.publicKeyPem)).toMatchObject({ ok: true, entries: 2, digests: 1 });
  });

  test('when retention has deleted every row, the next entry chains on from the tombstone', async () => {
    const tdb = await freshDb();
    await appendOn(tdb.db, daysAgo(900), 2);
    await produceDigests(tdb.db, key);
    expect((await applyRetention(tdb.db, key, 730)).deleted).toBe(2);
    await appendAudit(tdb.db, { actor: 'after', action: 'case_started' });
    expect(await verifyAuditProof(tdb.db, key)).toMatchObject({ intact: true, walkedRows: 1 });
  });

  test("the worker's periodic upkeep signs missed days and applies retention", async () => {
    const tdb = await freshDb();
    await appendOn(tdb.db, daysAgo(760), 2);
    await appendOn(tdb.db, daysAgo(2), 1);
    const logs: string[] = [];
    const job = scheduleAuditUpkeep({ db: tdb.db, key, retentionDays: 730 }, 3_600_000, (level, msg) =>
      logs.push(`${level} ${msg}`),
    );
    await job.idle();
    job.stop();
    expect(logs).toEqual(['info audit digests signed / retention applied']);
    expect(await tdb.db.auditDigest.count()).toBe(2);
    expect(await tdb.db.auditTombstone.count()).toBe(1);
    expect(await tdb.db.auditLog.count()).toBe(1);
  });
});
