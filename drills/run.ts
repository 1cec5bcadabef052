/**
 * `npm run -s drill -- <name> [options]`: the fault drills of issue 14 against command 1's running system
 * (`npm start`; its ports from PORT, EMBEDDED_PG_PORT, EMBEDDED_TEMPORAL_PORT, EMBEDDED_MAIL_UI_PORT,
 * GXCASE_DATA_DIR, or DATABASE_URL / TEMPORAL_ADDRESS / DRILL_API_URL / DRILL_MAIL_UI_URL). Each prints one
 * summary line on stdout and exits 1 when anything was lost or duplicated.
 */
import { parseArgs } from 'node:util';
import { connectStack, type Stack } from './stack';
import { workerKillDrill } from './worker-kill';
import { idempotencyDrill } from './idempotency';
import { smtpDownDrill } from './smtp-down';
import { postgresDrill } from './postgres-restart';
import { calendarOutboxDrill } from './calendar-outbox';
import { temporalRestartDrill } from './temporal-restart';
import { loadDrill } from './load';

type Drill = (
  stack: Stack,
  v: Record<string, string | boolean | undefined>,
) => Promise<{ line: string; ok: boolean }>;

const num = (v: string | boolean | undefined, d: number) => (typeof v === 'string' ? Number(v) : d);

const DRILLS: Record<string, { usage: string; run: Drill }> = {
  'worker-kill': {
    usage: 'worker-kill [--cases 200] [--kill-after-ms 1500]',
    run: (s, v) =>
      workerKillDrill(s, {
        cases: num(v.cases, 200),
        killAfterMs: num(v['kill-after-ms'], 1500),
        timeoutMs: 600_000,
      }),
  },
  'temporal-restart': {
    usage: 'temporal-restart [--cases 30]',
    run: (s, v) => temporalRestartDrill(s, { cases: num(v.cases, 30) }),
  },
  'smtp-down': {
    usage: 'smtp-down [--cases 30] [--down-seconds 180]',
    run: (s, v) => smtpDownDrill(s, { cases: num(v.cases, 30), downSeconds: num(v['down-seconds'], 180) }),
  },
  'postgres-restart': {
    usage: 'postgres-restart [--cases 30] [--probes 10]',
    run: (s, v) => postgresDrill(s, { cases: num(v.cases, 30), probes: num(v.probes, 10) }),
  },
  idempotency: {
    usage: 'idempotency [--requests 50]',
    run: (s, v) => idempotencyDrill(s, { requests: num(v.requests, 50) }),
  },
  'calendar-outbox': {
    usage: 'calendar-outbox [--cases 20]',
    run: (s, v) => calendarOutboxDrill(s, { cases: num(v.cases, 20) }),
  },
  load: {
    usage: 'load [--clients 100] [--minutes 3] [--think-ms 1000]',
    run: (s, v) =>
      loadDrill(s, {
        clients: num(v.clients, 100),
        minutes: num(v.minutes, 3),
        thinkMs: num(v['think-ms'], 1000),
      }),
  },
};

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  const drill = name ? DRILLS[name] : undefined;
  if (!drill) {
    process.stderr.write(
      `用法：npm run -s drill -- <演练> [选项]\n${Object.values(DRILLS)
        .map((d) => `  ${d.usage}`)
        .join('\n')}\n`,
    );
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      cases: { type: 'string' },
      'kill-after-ms': { type: 'string' },
      'down-seconds': { type: 'string' },
      probes: { type: 'string' },
      requests: { type: 'string' },
      clients: { type: 'string' },
      minutes: { type: 'string' },
      'think-ms': { type: 'string' },
    },
    strict: true,
  });
  const stack = await connectStack();
  try {
    const { line, ok } = await drill.run(stack, values);
    process.stdout.write(line + '\n');
    return ok ? 0 : 1;
  } finally {
    await stack.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`演练失败 [drill_error]：${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
