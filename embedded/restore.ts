/**
 * Restore of a backup made by backup.ts into the embedded default's data directory. Nothing is touched before
 * the whole backup is checked (manifest, sha-256 of every part, migrations this code knows); the parts are
 * unpacked into a staging directory inside the data directory, the database is started there once and its
 * counts compared with the manifest, and only then are they renamed into place. An existing database is
 * never overwritten without --force, and then it is kept beside as `<name>.before-restore-<time>`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { publicKeyFromPem } from '../audit/signing-key';
import { DomainError } from '../core/errors';
import { expectedMigrations } from '../core/readiness';
import {
  FORMAT,
  KEY_PART,
  MANIFEST,
  checkSqlite,
  ownForPostgres,
  processesUsing,
  runningPostmaster,
  settleCluster,
  sha256File,
  untar,
  type Manifest,
  type PartInfo,
} from './backup-parts';

export interface RestoreOptions {
  from: string;
  dataDir: string;
  auditKeyFile: string;
  force?: boolean;
  log?: (m: string) => void;
}

export interface RestoreResult {
  restored: string;
  from: string;
  createdAt: string;
  commit: string;
  cases: number;
  openCases: number;
  /** migrations this code has that the backup lacks: npm start applies them */
  pendingMigrations: string[];
  /** what --force moved aside */
  keptAside: string[];
  warnings: string[];
  next: string[];
}

function readManifest(dir: string): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as Manifest;
  } catch (e) {
    throw new DomainError(
      'invalid',
      'manifest_unreadable',
      `无法读取备份清单 ${path.join(dir, MANIFEST)}: ${(e as Error).message}`,
    );
  }
  if (m?.format !== FORMAT || !m.postgres?.sha256 || !m.temporal?.sha256 || !Array.isArray(m.migrations))
    throw new DomainError('invalid', 'manifest_invalid', `备份清单格式不符 (应为 ${FORMAT})`);
  return m;
}

async function checkPart(dir: string, part: PartInfo): Promise<void> {
  const file = path.join(dir, path.basename(part.file));
  if (!fs.existsSync(file))
    throw new DomainError('invalid', 'backup_incomplete', `备份缺少文件 ${part.file}`);
  const sha = await sha256File(file);
  if (sha !== part.sha256)
    throw new DomainError(
      'invalid',
      'backup_checksum_mismatch',
      `备份文件 ${part.file} 的 sha-256 与清单不符 (已损坏或被改动), 未做任何恢复`,
    );
}

const stampOf = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');

export async function restoreBackup(o: RestoreOptions): Promise<RestoreResult> {
  const log = o.log ?? (() => undefined);
  const from = path.resolve(o.from);
  const dataDir = path.resolve(o.dataDir);
  const manifest = readManifest(from);
  await checkPart(from, manifest.postgres);
  await checkPart(from, manifest.temporal);
  if (manifest.auditSigningKey?.part) await checkPart(from, manifest.auditSigningKey.part);
  log(`备份校验通过: ${manifest.createdAt}, ${manifest.cases} 件案件 (未结 ${manifest.openCases})`);

  const known = expectedMigrations();
  const unknown = manifest.migrations.filter((m) => !known.includes(m));
  if (unknown.length > 0)
    throw new DomainError(
      'unprocessable',
      'backup_newer_than_code',
      `备份来自更新的版本 (commit ${manifest.commit}), 含本代码不认识的迁移: ${unknown.join(', ')}。请先检出该版本再恢复`,
    );
  const pendingMigrations = known.filter((m) => !manifest.migrations.includes(m));

  const cluster = path.join(dataDir, 'postgres');
  const sqlite = path.join(dataDir, 'temporal.sqlite');
  const running = runningPostmaster(cluster);
  const temporalUsers = processesUsing(sqlite);
  if (running || temporalUsers.length > 0)
    throw new DomainError(
      'conflict',
      'stack_running',
      `数据目录 ${dataDir} 的系统正在运行 (${running ? `PostgreSQL pid ${running.pid}` : `Temporal pid ${temporalUsers.join(',')}`}), 请先停止 npm start 再恢复`,
    );
  const existing = [cluster, sqlite].filter((p) => fs.existsSync(p));
  if (existing.length > 0 && !o.force)
    throw new DomainError(
      'conflict',
      'data_dir_not_empty',
      `数据目录 ${dataDir} 已有数据 (${existing.map((p) => path.basename(p)).join('、')}), 未做任何恢复。确认要替换时加 --force (原数据会改名保留)`,
    );

  fs.mkdirSync(dataDir, { recursive: true });
  const stamp = stampOf(new Date());
  // inside the data directory: the final renames stay on one file system, hence atomic each
  const staging = path.join(dataDir, `.restore-${stamp}`);
  // 0755: as root the cluster inside belongs to the user postgres, who must be able to reach it
  fs.mkdirSync(staging, { mode: 0o755 });
  const keptAside: string[] = [];
  try {
    const stagedCluster = path.join(staging, 'postgres');
    await untar(path.join(from, path.basename(manifest.postgres.file)), stagedCluster);
    await ownForPostgres(stagedCluster);
    const stagedSqlite = path.join(staging, 'temporal.sqlite');
    fs.copyFileSync(path.join(from, path.basename(manifest.temporal.file)), stagedSqlite);
    await checkSqlite(stagedSqlite);
    const facts = await settleCluster(stagedCluster, log);
    if (facts.cases !== manifest.cases || facts.openCases !== manifest.openCases)
      throw new DomainError(
        'unprocessable',
        'restore_counts_differ',
        `恢复出的数据库有 ${facts.cases} 件案件 (未结 ${facts.openCases}), 清单记载 ${manifest.cases} (未结 ${manifest.openCases}), 未替换现有数据`,
      );

    for (const p of existing) {
      const aside = `${p}.before-restore-${stamp}`;
      fs.renameSync(p, aside);
      keptAside.push(aside);
    }
    fs.renameSync(stagedCluster, cluster);
    fs.renameSync(stagedSqlite, sqlite);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  log(`已恢复到 ${dataDir}`);

  const warnings: string[] = [];
  const key = manifest.auditSigningKey;
  const current = fs.existsSync(o.auditKeyFile)
    ? publicKeyFromPem(fs.readFileSync(o.auditKeyFile, 'utf8')).keyId
    : undefined;
  if (key?.included && !current) {
    fs.mkdirSync(path.dirname(o.auditKeyFile), { recursive: true, mode: 0o700 });
    fs.copyFileSync(path.join(from, KEY_PART), o.auditKeyFile);
    fs.chmodSync(o.auditKeyFile, 0o600);
    log(`审计签名私钥已恢复到 ${o.auditKeyFile}`);
  } else if (key && current !== key.keyId) {
    warnings.push(
      current
        ? `本机的审计签名密钥 (keyId ${current}) 不是备份时的密钥 (keyId ${key.keyId}): 未替换。旧的日摘要仍需旧公钥校验 (见清单 auditSigningKey.publicKeyPem)`
        : `备份不含审计签名私钥 (keyId ${key.keyId}): 请把保存的密钥文件放到 ${o.auditKeyFile} 后再启动, 否则启动时会生成新密钥`,
    );
  }
  return {
    restored: dataDir,
    from,
    createdAt: manifest.createdAt,
    commit: manifest.commit,
    cases: manifest.cases,
    openCases: manifest.openCases,
    pendingMigrations,
    keptAside,
    warnings,
    next: [
      'npm start',
      'npx tsx cli.ts reconcile --repair   (把落后于工作流的案件记录补齐; 在线备份时两份副本之间相差的几秒)',
    ],
  };
}
