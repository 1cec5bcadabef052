/**
 * Command-line entry. `npx tsx cli.ts <command> [options]`.
 * Output: the JSON answer on stdout, exit 0. Bad input: one Chinese line with the machine code on
 * stderr, exit 2. New commands (e.g. DB-backed `calendar load`) register in COMMANDS.
 */
import fs from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { WorkingDayCalendar } from './calendar/engine';
import { loadBundledCalendar } from './calendar/bundled';
import { CalendarInputError } from './calendar/errors';
import { DomainError } from './core/errors';
import { DEFAULT_PROFILE_ID, getProfile } from './calendar/profiles';
import { betweenResponse, dayResponse, deadlineResponse } from './calendar/service';
import { checkYear, loadCalendarYear, parseExpectedVersion } from './core/calendar/store';
import { dbCalendar } from './core/calendar/reading';
import { createDb, type Db } from './prisma/client';
import { AUDIT_COMMANDS } from './cli-audit';
import { CALENDAR_NOTICE_COMMANDS } from './cli-calendar-notice';
import { BACKUP_COMMANDS } from './cli-backup';
import { RECONCILE_COMMANDS } from './cli-reconcile';
import { CliText } from './cli-text';

export interface CliCommand {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | undefined>, ctx: CliContext): unknown | Promise<unknown>;
}

/**
 * Resources a command may open; runCli closes them when the command is done so the process exits.
 * With DATABASE_URL set, calendars are the bundled years overlaid with the years loaded into the
 * database (the same calendar the API and the worker use); without it, the bundled data alone.
 */
export class CliContext {
  private db?: Db;
  private closers: (() => Promise<unknown>)[] = [];
  constructor(readonly env: NodeJS.ProcessEnv = process.env) {}

  database(): Db | undefined {
    const url = this.env.DATABASE_URL;
    if (!url) return undefined;
    if (!this.db) {
      const db = createDb(url);
      this.db = db;
      this.closers.push(() => db.$disconnect());
    }
    return this.db;
  }

  async calendar(profile: string | undefined): Promise<WorkingDayCalendar> {
    const id = getProfile(profile ?? DEFAULT_PROFILE_ID).id;
    const db = this.database();
    return db ? dbCalendar({ db }, id) : loadBundledCalendar({ profileId: id });
  }

  onClose(fn: () => Promise<unknown>): void {
    this.closers.push(fn);
  }

  async close(): Promise<void> {
    for (const fn of this.closers.splice(0).reverse()) await fn().catch(() => undefined);
  }
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

export const COMMANDS: Record<string, CliCommand> = {
  deadline: {
    summary: '计算期限：收件日不计，第 N 个工作日 24:00（北京时间）届满',
    usage: 'deadline --from <YYYY-MM-DD|ISO时间> --working-days <N> [--profile <id>] [--explain]',
    options: {
      from: { type: 'string' },
      'working-days': { type: 'string' },
      profile: { type: 'string' },
      explain: { type: 'boolean' },
    },
    async run(v, ctx) {
      const profile = str(v.profile);
      return deadlineResponse(await ctx.calendar(profile), {
        from: str(v.from),
        workingDays: str(v['working-days']),
        profile,
        explain: v.explain === true,
      });
    },
  },
  between: {
    summary: '统计 (from, to] 之间的工作日数',
    usage: 'between --from <日期> --to <日期> [--profile <id>]',
    options: { from: { type: 'string' }, to: { type: 'string' }, profile: { type: 'string' } },
    async run(v, ctx) {
      return betweenResponse(await ctx.calendar(str(v.profile)), {
        from: str(v.from),
        to: str(v.to),
      });
    },
  },
  day: {
    summary: '查询某日是否为工作日及原因',
    usage: 'day --date <日期> [--profile <id>]',
    options: { date: { type: 'string' }, profile: { type: 'string' } },
    async run(v, ctx) {
      return dayResponse(await ctx.calendar(str(v.profile)), { date: str(v.date) });
    },
  },
  'calendar load': {
    summary: '把某年的节假日安排（JSON 文件）加载进数据库；--dry-run 只报告受影响的案件',
    usage:
      'calendar load --year <YYYY> --file <JSON文件> [--dry-run] [--expected-version <预演时的现行版本|none>] [--by <姓名>]',
    options: {
      year: { type: 'string' },
      file: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'expected-version': { type: 'string' },
      by: { type: 'string' },
    },
    async run(v, ctx) {
      const year = checkYear(str(v.year));
      const expectedVersion = parseExpectedVersion(str(v['expected-version']));
      const file = str(v.file);
      if (!file)
        throw new CalendarInputError('missing_file', '缺少 --file：年度节假日安排 JSON 文件路径', 'file');
      let arrangement: unknown;
      try {
        arrangement = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (e) {
        const reason =
          (e as NodeJS.ErrnoException).code === 'ENOENT' ? '文件不存在' : '无法读取或不是合法的 JSON';
        throw new CalendarInputError('invalid_file', `${reason}：${file}（${(e as Error).message}）`, 'file');
      }
      const db = ctx.database();
      if (!db)
        throw new CalendarInputError('database_not_configured', '未设置 DATABASE_URL，无法加载日历到数据库');
      let temporal: Client | undefined;
      const address = ctx.env.TEMPORAL_ADDRESS;
      const dryRun = v['dry-run'] === true;
      if (address && !dryRun) {
        const connection = await Connection.connect({ address });
        ctx.onClose(() => connection.close());
        temporal = new Client({ connection, namespace: ctx.env.TEMPORAL_NAMESPACE || 'default' });
      }
      const result = await loadCalendarYear(
        { db, temporal },
        {
          year,
          arrangement,
          loadedBy: `cli:${str(v.by) ?? (ctx.env.USER || 'unknown')}`,
          dryRun,
          expectedVersion,
        },
      );
      return temporal || dryRun
        ? result
        : { ...result, warning: '未设置 TEMPORAL_ADDRESS：未通知未结案件重新计算期限' };
    },
  },
  ...CALENDAR_NOTICE_COMMANDS,
  ...AUDIT_COMMANDS,
  ...RECONCILE_COMMANDS,
  ...BACKUP_COMMANDS,
};

function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(80)} ${c.summary}`);
  return ['用法：npx tsx cli.ts <命令> [选项]', ...lines].join('\n');
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliResult> {
  let [name, ...rest] = argv;
  if (name !== undefined && rest.length > 0 && COMMANDS[`${name} ${rest[0]}`]) {
    name = `${name} ${rest[0]}`;
    rest = rest.slice(1);
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    return {
      code: name === undefined ? 2 : 0,
      stdout: name === undefined ? '' : usage() + '\n',
      stderr: name === undefined ? usage() + '\n' : '',
    };
  }
  const cmd = COMMANDS[name];
  const ctx = new CliContext(env);
  try {
    if (!cmd)
      throw new CalendarInputError(
        'unknown_command',
        `未知命令：“${name}”，可用：${Object.keys(COMMANDS).join('、')}`,
      );
    let values: Record<string, string | boolean | undefined>;
    try {
      values = parseArgs({ args: [...rest], options: cmd.options, strict: true, allowPositionals: false })
        .values as Record<string, string | boolean | undefined>;
    } catch (e) {
      // node:util parseArgs errors are English; keep them as detail behind a Chinese lead.
      throw new CalendarInputError(
        'invalid_argument',
        `参数错误（${(e as Error).message}）。用法：${cmd.usage}`,
      );
    }
    const result = await cmd.run(values, ctx);
    if (result instanceof CliText) return { code: result.code, stdout: result.text, stderr: '' };
    return { code: 0, stdout: JSON.stringify(result, null, 2) + '\n', stderr: '' };
  } catch (e) {
    if (e instanceof CalendarInputError || e instanceof DomainError)
      return { code: 2, stdout: '', stderr: `错误 [${e.code}]：${e.detail}\n` };
    throw e;
  } finally {
    await ctx.close();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (r) => {
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.code;
    },
    (e: unknown) => {
      process.stderr.write(`内部错误 [internal_error]：${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
