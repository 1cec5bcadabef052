/**
 * Command-line entry. `npx tsx cli.ts <command> [options]`.
 * Output: the JSON answer on stdout, exit 0. Bad input: one Chinese line with the machine code on
 * stderr, exit 2. New commands (e.g. DB-backed `calendar load`) register in COMMANDS.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadBundledCalendar } from './calendar/bundled';
import { CalendarInputError } from './calendar/errors';
import { betweenResponse, dayResponse, deadlineResponse } from './calendar/service';

export interface CliCommand {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | undefined>): unknown | Promise<unknown>;
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
    run(v) {
      const profile = str(v.profile);
      return deadlineResponse(loadBundledCalendar({ profileId: profile }), {
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
    run(v) {
      return betweenResponse(loadBundledCalendar({ profileId: str(v.profile) }), {
        from: str(v.from),
        to: str(v.to),
      });
    },
  },
  day: {
    summary: '查询某日是否为工作日及原因',
    usage: 'day --date <日期> [--profile <id>]',
    options: { date: { type: 'string' }, profile: { type: 'string' } },
    run(v) {
      return dayResponse(loadBundledCalendar({ profileId: str(v.profile) }), { date: str(v.date) });
    },
  },
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

export async function runCli(argv: readonly string[]): Promise<CliResult> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    return {
      code: name === undefined ? 2 : 0,
      stdout: name === undefined ? '' : usage() + '\n',
      stderr: name === undefined ? usage() + '\n' : '',
    };
  }
  const cmd = COMMANDS[name];
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
    const result = await cmd.run(values);
    return { code: 0, stdout: JSON.stringify(result, null, 2) + '\n', stderr: '' };
  } catch (e) {
    if (e instanceof CalendarInputError)
      return { code: 2, stdout: '', stderr: `错误 [${e.code}]：${e.detail}\n` };
    throw e;
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
