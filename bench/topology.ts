/**
 * The two topologies the benchmark compares, each started the way a user starts it (`npm start`: dev server on
 * SQLite, one worker, one API; `npm run start:cluster`: the real Temporal server on Postgres, two workers, two
 * API replicas behind the balancer), in a private data directory on free ports, so a running stack or another
 * checkout is never touched. The bench reads figures over HTTP, SQL and the Temporal client, and the CPU of each
 * role's processes from /proc.
 */
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { descendsFrom, launchStartCommand, processTable } from '../embedded/launch';
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
  const entry = name === 'dev' ? 'embedded/start.ts' : 'embedded/start-cluster.ts';
  say(`starting ${name} topology (${entry})`);
  const launched = await launchStartCommand(entry, {
    dirPrefix: `gxcase-bench-${name}-`,
    timeoutMs: 30 * 60_000,
  });
  const { child, dir, port, temporalPort, pgPort, smtpPort, mailUiPort, readySeconds } = launched;
  say(`${name} ready in ${readySeconds.toFixed(1)} s (${dir})`);
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const connection = await Connection.connect({ address: temporalAddress });
  const temporal = new Client({ connection, namespace: 'default' });

  const processes = (): Map<Role, number[]> => {
    const table = processTable();
    const byRole = new Map<Role, number[]>();
    for (const [pid] of table) {
      if (!descendsFrom(table, pid, child.pid ?? -1)) continue;
      // the nearest ancestor (or itself) with a known role
      let role: Role | undefined;
      for (let p = pid; p > 1 && !role; p = table.get(p)?.ppid ?? 0) role = roleOf(table.get(p)?.args ?? '');
      if (role) byRole.set(role, [...(byRole.get(role) ?? []), pid]);
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
