/**
 * What a fault drill (issue 14) needs of the running system: command 1's (`npm start`) URLs, keys, database and
 * Temporal, each from an environment variable with the embedded default's value, and its processes (found by
 * their command line and environment, so another checkout's stack on the same machine is never touched).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createCalendarProvider, type CalendarProvider } from '../core/calendar/provider';
import { createDb, type Db } from '../prisma/client';
import { DEMO_CLIENTS } from '../prisma/seed';
import { dataDir, projectRoot } from '../embedded/paths';

export interface Stack {
  /** e.g. http://127.0.0.1:3000/api/v1 */
  api: string;
  databaseUrl: string;
  temporalAddress: string;
  /** the catcher's web page (npm start without SMTP_HOST) */
  mailUi: string;
  dataDir: string;
  taskQueue: string;
  keys: { admin: string; supervisor: string; rst: string; mzt: string; gat: string };
  db: Db;
  temporal: Client;
  calendars: CalendarProvider;
  close(): Promise<void>;
}

/** The stack's settings: the same variables npm start reads, so one `source` sets up both. */
export function stackSettings(env: NodeJS.ProcessEnv = process.env) {
  const port = env.PORT || '3000';
  return {
    api: env.DRILL_API_URL || `http://127.0.0.1:${port}/api/v1`,
    databaseUrl:
      env.DATABASE_URL ||
      `postgresql://postgres:gxcase-local@127.0.0.1:${env.EMBEDDED_PG_PORT || 54329}/gxcase`,
    temporalAddress: env.TEMPORAL_ADDRESS || `127.0.0.1:${env.EMBEDDED_TEMPORAL_PORT || 7233}`,
    mailUi: env.DRILL_MAIL_UI_URL || `http://127.0.0.1:${env.EMBEDDED_MAIL_UI_PORT || 1080}`,
    dataDir,
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'statutory-cases',
  };
}

const keyOf = (name: string) => DEMO_CLIENTS.find((c) => c.name.includes(name))?.key ?? '';

export async function connectStack(env: NodeJS.ProcessEnv = process.env): Promise<Stack> {
  const s = stackSettings(env);
  const db = createDb(s.databaseUrl);
  const connection = await Connection.connect({ address: s.temporalAddress });
  const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE || 'default' });
  return {
    ...s,
    keys: {
      admin: DEMO_CLIENTS[0].key,
      supervisor: DEMO_CLIENTS[1].key,
      rst: keyOf('人力资源') || DEMO_CLIENTS[2].key,
      mzt: keyOf('民政') || DEMO_CLIENTS[3].key,
      gat: keyOf('公安') || DEMO_CLIENTS[4].key,
    },
    db,
    temporal,
    calendars: createCalendarProvider(db),
    async close() {
      await connection.close();
      await db.$disconnect();
    },
  };
}

export interface HttpResult {
  status: number;
  /** when the request was sent (ms since the epoch) */
  at: number;
  ms: number;
  body: unknown;
  contentType: string;
  /** no answer within the timeout, or the connection failed */
  error?: string;
}

/** One API call with the key; never throws: a hang or a reset is a result the drills count. */
export async function call(
  stack: Pick<Stack, 'api'>,
  key: string,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<HttpResult> {
  const t = Date.now();
  try {
    const res = await fetch(stack.api + url, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return {
      status: res.status,
      at: t,
      ms: Date.now() - t,
      body: parsed,
      contentType: res.headers.get('content-type') ?? '',
    };
  } catch (e) {
    return { status: 0, at: t, ms: Date.now() - t, body: undefined, contentType: '', error: String(e) };
  }
}

/** Processes of this checkout whose command line matches, and (when given) whose environment has `envHas`. */
export function findProcesses(match: (args: string[]) => boolean, envHas?: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const args = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (!match(args)) continue;
      if (envHas && !fs.readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(envHas)) continue;
      out.push(Number(name));
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return out.sort((a, b) => b - a); // children (higher pids, usually) first
}

/** The worker processes of this stack: tsx's wrapper and the node process it runs. */
export function workerPids(stack: Pick<Stack, 'temporalAddress'>): number[] {
  const entry = path.join(projectRoot, 'worker.ts');
  return findProcesses((a) => a.includes(entry), `TEMPORAL_ADDRESS=${stack.temporalAddress}`);
}

/** The Temporal dev server serving this stack's port. */
export function temporalServerPids(stack: Pick<Stack, 'temporalAddress'>): number[] {
  const port = stack.temporalAddress.split(':').pop()!;
  return findProcesses((a) => a.includes('start-dev') && a[a.indexOf('--port') + 1] === port);
}

/** The postmaster of this stack's data directory (first line of postmaster.pid). */
export function postmasterPid(stack: Pick<Stack, 'dataDir'>): number | undefined {
  try {
    return Number(
      fs.readFileSync(path.join(stack.dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
  } catch {
    return undefined;
  }
}

export function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a value other than undefined, or gives up after `timeoutMs`. */
export async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 1_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) return undefined;
    await sleep(everyMs);
  }
}

/** Percentile of sorted-or-not numbers (nearest rank). */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
