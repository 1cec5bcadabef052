/**
 * The operator's backup commands for the embedded default (issue 14), registered in cli.ts's COMMANDS:
 *   backup [--to <目录>] [--include-signing-key]
 *   restore --from <备份目录> [--data-dir <目录>] [--force]
 * The data directory is GXCASE_DATA_DIR (or .data/), as for npm start. Progress goes to stderr, the result
 * (the manifest, or what was restored and what to do next) to stdout as JSON.
 */
import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { DomainError } from './core/errors';
import { createBackup } from './embedded/backup';
import { auditKeyFileOf, dataDirOf, projectRoot } from './embedded/paths';
import { restoreBackup } from './embedded/restore';

interface Ctx {
  env: NodeJS.ProcessEnv;
}

interface BackupCommand {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | undefined>, ctx: Ctx): unknown;
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const say = (m: string) => process.stderr.write(`[gxcase] ${m}\n`);

/** e.g. backups/gxcase-20260304-091500 (Beijing time: what the operator's clock shows) */
function defaultTarget(now = new Date()): string {
  const bj = new Date(now.getTime() + 8 * 3_600_000).toISOString();
  const stamp = `${bj.slice(0, 10).replace(/-/g, '')}-${bj.slice(11, 19).replace(/:/g, '')}`;
  return path.join(projectRoot, 'backups', `gxcase-${stamp}`);
}

export const BACKUP_COMMANDS: Record<string, BackupCommand> = {
  backup: {
    summary: '备份内置系统 (PostgreSQL 与 Temporal 的 SQLite 数据库, 彼此一致); 运行中或已停止均可',
    usage: 'backup [--to <备份目录>] [--include-signing-key]',
    options: { to: { type: 'string' }, 'include-signing-key': { type: 'boolean' } },
    async run(v, ctx) {
      const dataDir = dataDirOf(ctx.env);
      const result = await createBackup({
        dataDir,
        to: str(v.to) ?? defaultTarget(),
        auditKeyFile: auditKeyFileOf(ctx.env, dataDir),
        includeSigningKey: v['include-signing-key'] === true,
        log: say,
      });
      for (const w of result.warnings) say(`注意: ${w}`);
      say(`备份完成: ${result.backup} (${result.seconds.toFixed(1)} s)`);
      return result;
    },
  },
  restore: {
    summary: '从备份恢复到数据目录 (先校验, 在暂存目录验证后再替换; 已有数据需 --force, 原数据改名保留)',
    usage: 'restore --from <备份目录> [--data-dir <目录>] [--force]',
    options: { from: { type: 'string' }, 'data-dir': { type: 'string' }, force: { type: 'boolean' } },
    async run(v, ctx) {
      const from = str(v.from);
      if (!from) throw new DomainError('invalid', 'missing_from', '缺少 --from: 备份目录');
      const dataDir = str(v['data-dir']) ?? dataDirOf(ctx.env);
      const result = await restoreBackup({
        from,
        dataDir,
        auditKeyFile: auditKeyFileOf(ctx.env, dataDir),
        force: v.force === true,
        log: say,
      });
      for (const w of result.warnings) say(`注意: ${w}`);
      return result;
    },
  },
};
