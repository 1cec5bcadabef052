/**
 * The second half of `npm start`, once Postgres, Temporal and the generated Prisma client are in place: demo
 * data, worker and API, and the printed URLs. A module of its own because everything here loads the Prisma
 * client, which start.ts generates beside starting the servers (a new machine's longest waits).
 */
import { Client, Connection } from '@temporalio/client';
import { createCalendarProvider } from '../core/calendar/provider';
import { loadConfig } from '../config';
import { createDb } from '../prisma/client';
import { DEMO_ACCOUNTS, DEMO_CLIENTS, seedDemoAccounts, seedDemoClients, seedRegistry } from '../prisma/seed';
import { retry } from '../retry';
import type { superviseChildren } from './children';
import { seedDemoCases } from './demo-cases';
import { demoSeedDecision, urlHostOf } from './exposure';
import { dataDir } from './paths';

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
      last = await res.text();
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`API 未在 ${timeoutMs / 1000}s 内就绪: ${last}`);
}

export async function startApplication(o: {
  env: NodeJS.ProcessEnv;
  say: (m: string) => void;
  children: ReturnType<typeof superviseChildren>;
  started: number;
  databaseUrl: string;
  temporalUi?: string;
  mailUi?: string;
}): Promise<void> {
  const { env, say, children, started, databaseUrl, temporalUi, mailUi } = o;
  const config = loadConfig(env);
  // worker and API boot (bundling the workflows, compiling TypeScript: seconds on a new machine) while the
  // demo data is written; the URLs are printed only once both are done
  children.run('worker', 'worker.ts', env);
  children.run('api', 'api/server.ts', env);
  const db = createDb(databaseUrl);
  await seedRegistry(db);
  // the README publishes the demo keys: never on an address others can reach, unless asked for explicitly
  const seeding = demoSeedDecision(config.host, env.SEED_DEMO);
  if (seeding.reason) say(seeding.seed ? `WARNING: ${seeding.reason}` : `no demo data: ${seeding.reason}`);
  const demo = seeding.seed;
  if (demo) await seedDemoClients(db);
  if (demo) await seedDemoAccounts(db);
  if (demo) {
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    const temporal = new Client({ connection, namespace: config.temporalNamespace });
    const calendars = createCalendarProvider(db);
    // the dev server's port opens a moment before its namespace serves requests
    const seedDeps = {
      db,
      temporal,
      calendars,
      taskQueue: config.taskQueue,
      noticePrefix: config.noticeNumberPrefix,
    };
    await retry(() => seedDemoCases(seedDeps), {
      attempts: 30,
    });
    await connection.close();
  }
  await db.$disconnect();

  const base = `http://${urlHostOf(config.host)}:${config.port}`;
  await waitReady(`${base}/readyz`, 120_000);
  const lines = [
    '',
    `  政务信息资源共享时限监督 — ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    `  API          ${base}/api/v1`,
    `  Dashboard    ${base}/dashboard`,
    `  Health       ${base}/readyz`,
    ...(temporalUi ? [`  Temporal UI  ${temporalUi}`] : []),
    ...(mailUi ? [`  Mail (local) ${mailUi}`] : []),
    `  Data         ${env.DATABASE_URL === process.env.DATABASE_URL ? '(external)' : dataDir}`,
    ...(demo ? ['  Demo API keys (local only):', ...DEMO_CLIENTS.map((c) => `    ${c.key}  ${c.name}`)] : []),
    ...(demo
      ? [
          '  Demo logins for the dashboard (local only):',
          ...DEMO_ACCOUNTS.map(
            (a) => `    ${a.username.padEnd(6)} / ${a.password.padEnd(16)} ${a.displayName}`,
          ),
        ]
      : []),
    '  Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
