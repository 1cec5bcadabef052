/**
 * The operator's audit commands (第二十四条), registered in cli.ts's COMMANDS:
 *   audit digest | audit verify [--full] | audit export --from --to --out | audit public-key [--out]
 *   audit retention | audit verify-export --file --public-key (offline: no database, no key file)
 */
import fs from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { produceDigests } from './audit/digest';
import { exportAuditLines } from './audit/export';
import { verifyExportStream } from './audit/offline-verify';
import { applyRetention } from './audit/retention';
import { loadOrCreateSigningKey, type AuditSigningKey } from './audit/signing-key';
import { verifyAuditProof } from './audit/verify';
import { CliText } from './cli-text';
import { loadConfig, type AppConfig } from './config';
import { checkExportRange } from './core/audit-proof';
import { DomainError } from './core/errors';
import type { Db } from './prisma/client';

/** What cli.ts's CliContext offers (structurally: importing cli.ts here would make a cycle). */
interface Ctx {
  env: NodeJS.ProcessEnv;
  database(): Db | undefined;
}

interface AuditCommand {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | undefined>, ctx: Ctx): unknown;
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

function configOf(ctx: Ctx): AppConfig {
  try {
    return loadConfig(ctx.env);
  } catch (e) {
    throw new DomainError('invalid', 'invalid_config', (e as Error).message);
  }
}

function needDb(ctx: Ctx): Db {
  const db = ctx.database();
  if (!db)
    throw new DomainError('invalid', 'database_not_configured', '未设置 DATABASE_URL, 无法读取审计日志');
  return db;
}

function keyOf(ctx: Ctx): AuditSigningKey {
  const file = configOf(ctx).auditSigningKeyFile;
  try {
    return loadOrCreateSigningKey(file);
  } catch (e) {
    throw new DomainError(
      'unavailable',
      'audit_key_unavailable',
      `审计签名密钥不可用: ${(e as Error).message}`,
    );
  }
}

function need(v: string | boolean | undefined, flag: string, what: string): string {
  const s = str(v);
  if (!s) throw new DomainError('invalid', `missing_${flag.replace(/-/g, '_')}`, `缺少 --${flag}: ${what}`);
  return s;
}

export const AUDIT_COMMANDS: Record<string, AuditCommand> = {
  'audit digest': {
    summary: '为已结束且有日志的每一天 (北京时间) 签名生成日摘要; 已有的不重复生成',
    usage: 'audit digest',
    options: {},
    async run(_v, ctx) {
      return produceDigests(needDb(ctx), keyOf(ctx));
    },
  },
  'audit verify': {
    summary: '校验日志哈希链、日摘要与删除记录的签名; 从上次已校验处继续 (--full 从头); 不完整时退出码 1',
    usage: 'audit verify [--full]',
    options: { full: { type: 'boolean' } },
    async run(v, ctx) {
      const r = await verifyAuditProof(needDb(ctx), keyOf(ctx), { full: v.full === true });
      return new CliText(JSON.stringify(r, null, 2) + '\n', r.intact ? 0 : 1);
    },
  },
  'audit export': {
    summary: '把某段日期的日志及其签名日摘要导出为 JSON lines 文件 (可脱机校验)',
    usage: 'audit export --from <YYYY-MM-DD> --to <YYYY-MM-DD> --out <文件>',
    options: { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } },
    async run(v, ctx) {
      const range = checkExportRange(str(v.from), str(v.to));
      const out = need(v.out, 'out', '导出文件路径');
      const db = needDb(ctx);
      const key = keyOf(ctx);
      // completed days not yet digested (the worker was down) are signed first, so they can be exported
      await produceDigests(db, key);
      const file = fs.createWriteStream(out, { flags: 'wx' });
      const opened = new Promise<void>((resolve, reject) =>
        file.once('open', () => resolve()).once('error', reject),
      );
      await opened.catch((e: Error) => {
        throw new DomainError(
          'invalid',
          'invalid_out',
          `无法创建导出文件 ${out} (${e.message}; 不覆盖已有文件)`,
        );
      });
      let lines = 0;
      let end = '';
      for await (const line of exportAuditLines(db, key, range)) {
        lines++;
        end = line;
        if (!file.write(line)) await new Promise<void>((r) => file.once('drain', () => r()));
      }
      await new Promise<void>((resolve, reject) => {
        file.once('error', reject);
        file.end(() => resolve());
      });
      const summary = JSON.parse(end) as { entries: number; digests: number; sha256: string };
      return {
        file: out,
        lines,
        entries: summary.entries,
        digests: summary.digests,
        keyId: key.keyId,
        sha256: summary.sha256,
      };
    },
  },
  'audit public-key': {
    summary: '输出日志签名公钥 (PEM) 及其编号; 交给需要脱机校验导出文件的人',
    usage: 'audit public-key [--out <文件>]',
    options: { out: { type: 'string' } },
    run(v, ctx) {
      const key = keyOf(ctx);
      const out = str(v.out);
      if (!out) return new CliText(key.publicKeyPem);
      fs.writeFileSync(out, key.publicKeyPem);
      return { file: out, keyId: key.keyId, algorithm: 'Ed25519' };
    },
  },
  'audit retention': {
    summary: '删除早于保存期限 (AUDIT_RETENTION_DAYS, 不少于 730 天) 的日志, 留下签名的删除记录',
    usage: 'audit retention',
    options: {},
    async run(_v, ctx) {
      const days = configOf(ctx).auditRetentionDays;
      if (days === undefined)
        throw new DomainError(
          'invalid',
          'retention_not_configured',
          '未设置 AUDIT_RETENTION_DAYS: 日志永久保存, 不删除',
        );
      const db = needDb(ctx);
      const key = keyOf(ctx);
      await produceDigests(db, key);
      return applyRetention(db, key, days);
    },
  },
  'audit verify-export': {
    summary: '脱机校验导出文件 (只需导出文件和公钥 PEM, 不连数据库); 有任何问题时退出码 1',
    usage: 'audit verify-export --file <导出文件> --public-key <公钥PEM文件>',
    options: { file: { type: 'string' }, 'public-key': { type: 'string' } },
    async run(v) {
      const file = need(v.file, 'file', '导出文件路径');
      const pemFile = need(v['public-key'], 'public-key', '公钥 PEM 文件路径');
      let pem: string;
      try {
        pem = fs.readFileSync(pemFile, 'utf8');
        fs.accessSync(file, fs.constants.R_OK);
      } catch (e) {
        throw new DomainError('invalid', 'invalid_file', `无法读取文件 (${(e as Error).message})`);
      }
      // utf8 decoding in the stream keeps a character split across chunks whole
      const r = await verifyExportStream(fs.createReadStream(file, 'utf8'), pem);
      const details = r.ok ? '' : r.problems.map((p) => `  - ${p}`).join('\n') + '\n';
      return new CliText(`${r.summary}\n${details}`, r.ok ? 0 : 1);
    },
  },
};
