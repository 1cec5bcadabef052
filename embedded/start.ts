/**
 * Command 1 (`npm start`): the whole system on its embedded default — real PostgreSQL and the Temporal dev
 * server started here with their data under .data/ (kept between runs), migrations, demo data, worker and
 * API. With DATABASE_URL / TEMPORAL_ADDRESS set, those are used and nothing embedded is started.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createCalendarProvider } from '../core/calendar/provider';
import { loadConfig } from '../config';
import { startMailCatcher } from '../mail/catcher';
import { createDb } from '../prisma/client';
import { DEMO_ACCOUNTS, DEMO_CLIENTS, seedDemoAccounts, seedDemoClients, seedRegistry } from '../prisma/seed';
import { retry } from '../retry';
import { superviseChildren } from './children';
import { seedDemoCases } from './demo-cases';
import { demoSeedDecision, urlHostOf } from './exposure';
import { migrateIfPending } from './migrate';
import { dataDir } from './paths';
import { startEmbeddedPostgres } from './postgres';
import { ensureTemporalCli } from './temporal-executables';
import { startTemporalDevServer } from './temporal-dev-server';

const say = (m: string) => process.stderr.write(`[gxcase] ${m}\n`);
const stops: (() => Promise<void>)[] = [];
const children = superviseChildren(say);
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('stopping…');
    await children.stopAll();
    for (const stop of stops.reverse()) await stop().catch((e) => say(`stop failed: ${e}`));
  }
  process.exit(code);
}

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

async function main(): Promise<void> {
  const started = Date.now();
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  const env: NodeJS.ProcessEnv = { ...process.env };

  // Postgres (then its migrations), Temporal (its CLI may need downloading first) and the mail catcher start
  // side by side: on a new machine the download and the migrations are most of the wait
  const database = async (): Promise<string> => {
    let url = env.DATABASE_URL;
    if (!url) {
      const pg = await startEmbeddedPostgres({
        dir: path.join(dataDir, 'postgres'),
        port: Number(env.EMBEDDED_PG_PORT || 54329),
        database: 'gxcase',
        onRestart: say,
        shouldRestart: () => !stopping,
      });
      stops.push(pg.stop);
      url = pg.url;
      say(`embedded PostgreSQL up (${path.join(dataDir, 'postgres')})`);
    }
    const applied = await migrateIfPending(url);
    if (applied.length > 0) say(`migrations applied: ${applied.join(', ')}`);
    return url;
  };
  const engine = async (): Promise<{ address: string; ui?: string }> => {
    if (env.TEMPORAL_ADDRESS) return { address: env.TEMPORAL_ADDRESS };
    const executable = await ensureTemporalCli(say);
    const temporal = await startTemporalDevServer({
      executable,
      port: Number(env.EMBEDDED_TEMPORAL_PORT || 7233),
      uiPort: Number(env.EMBEDDED_TEMPORAL_UI_PORT || 8233),
      dbFile: path.join(dataDir, 'temporal.sqlite'),
      restart: true,
      onRestart: say,
      shouldRestart: () => !stopping,
    });
    stops.push(temporal.stop);
    say(`Temporal dev server up (${path.join(dataDir, 'temporal.sqlite')})`);
    return { address: temporal.address, ui: temporal.uiUrl };
  };
  const mail = async (): Promise<string | undefined> => {
    if (env.SMTP_HOST) return undefined;
    // no mail server configured: a local catcher receives the mail and shows it on a web page
    const catcher = await startMailCatcher({
      smtpPort: Number(env.EMBEDDED_SMTP_PORT || 1025),
      httpPort: Number(env.EMBEDDED_MAIL_UI_PORT || 1080),
      // enough for the fault drills' runs (issue 14) to compare the whole inbox with the outbox
      limit: 20_000,
    });
    stops.push(catcher.stop);
    env.SMTP_HOST = '127.0.0.1';
    env.SMTP_PORT = String(catcher.smtpPort);
    env.SMTP_SECURE = 'false';
    say(`mail catcher up (SMTP 127.0.0.1:${catcher.smtpPort})`);
    return catcher.webUrl;
  };
  const [databaseUrl, temporal, mailUi] = await Promise.all([database(), engine(), mail()]);
  env.DATABASE_URL = databaseUrl;
  env.TEMPORAL_ADDRESS = temporal.address;
  const temporalUi = temporal.ui;

  const config = loadConfig(env);
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

  children.run('worker', 'worker.ts', env);
  children.run('api', 'api/server.ts', env);
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

main().catch(async (e) => {
  say(`failed: ${e instanceof Error ? e.message : e}`);
  await shutdown(1);
});
