/**
 * The pieces `npm start` (start-app.ts) and `npm run start:cluster` (start-cluster.ts) share once the Prisma
 * client exists: the registry and demo data, the readiness wait and the printed URLs. Only the engine underneath
 * (dev server or the real Temporal server on Postgres, one or several workers and API replicas) differs.
 */
import { Client, Connection } from '@temporalio/client';
import { createCalendarProvider } from '../core/calendar/provider';
import type { AppConfig } from '../config';
import { createDb } from '../prisma/client';
import { DEMO_ACCOUNTS, DEMO_CLIENTS, seedDemoAccounts, seedDemoClients, seedRegistry } from '../prisma/seed';
import { retry } from '../retry';
import { seedDemoCases } from './demo-cases';
import { demoSeedDecision } from './exposure';
import type { Say } from './local-mail';

/** The registry always; demo clients, accounts and cases only where nobody else can reach them. */
export async function seedData(env: NodeJS.ProcessEnv, config: AppConfig, say: Say): Promise<boolean> {
  const db = createDb(env.DATABASE_URL as string);
  try {
    await seedRegistry(db);
    // the README publishes the demo keys: never on an address others can reach, unless asked for explicitly
    const seeding = demoSeedDecision(config.host, env.SEED_DEMO);
    if (seeding.reason) say(seeding.seed ? `WARNING: ${seeding.reason}` : `no demo data: ${seeding.reason}`);
    if (!seeding.seed) return false;
    await seedDemoClients(db);
    await seedDemoAccounts(db);
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    const temporal = new Client({ connection, namespace: config.temporalNamespace });
    const seedDeps = {
      db,
      temporal,
      calendars: createCalendarProvider(db),
      taskQueue: config.taskQueue,
      noticePrefix: config.noticeNumberPrefix,
    };
    // the engine's port opens a moment before its namespace serves requests
    await retry(() => seedDemoCases(seedDeps), { attempts: 30 });
    await connection.close();
    return true;
  } finally {
    await db.$disconnect();
  }
}

export async function waitReady(url: string, timeoutMs: number): Promise<void> {
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

/** What the user reads once everything answers: where to go, which demo keys and logins work. */
export function banner(o: {
  title: string;
  base: string;
  temporalUi?: string;
  mailUi?: string;
  data: string;
  demo: boolean;
  extra?: string[];
}): string {
  const lines = [
    '',
    `  ${o.title}`,
    `  API          ${o.base}/api/v1`,
    `  Dashboard    ${o.base}/dashboard`,
    `  Health       ${o.base}/readyz`,
    ...(o.temporalUi ? [`  Temporal UI  ${o.temporalUi}`] : []),
    ...(o.mailUi ? [`  Mail (local) ${o.mailUi}`] : []),
    `  Data         ${o.data}`,
    ...(o.extra ?? []),
    ...(o.demo
      ? ['  Demo API keys (local only):', ...DEMO_CLIENTS.map((c) => `    ${c.key}  ${c.name}`)]
      : []),
    ...(o.demo
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
  return lines.join('\n') + '\n';
}
