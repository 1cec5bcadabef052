/**
 * Command 1 (`npm start`): the whole system on its embedded default — real PostgreSQL and the Temporal dev
 * server started here with their data under .data/ (kept between runs), migrations, demo data, worker and
 * API. With DATABASE_URL / TEMPORAL_ADDRESS set, those are used and nothing embedded is started.
 */
import path from 'node:path';
import { superviseChildren } from './children';
import { startLocalMail } from './local-mail';
import { ensurePrismaClient } from './prisma-client.js';
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
  const mail = () => startLocalMail(env, stops, say);
  const [databaseUrl, temporal, mailUi] = await Promise.all([
    database(),
    engine(),
    mail(),
    ensurePrismaClient(say),
  ]);
  env.DATABASE_URL = databaseUrl;
  env.TEMPORAL_ADDRESS = temporal.address;
  const temporalUi = temporal.ui;

  // the generated Prisma client is needed from here on (bootstrap.js leaves its generation to this point)
  const { startApplication } = await import('./start-app.js');
  await startApplication({ env, say, children, started, temporalUi, mailUi });
}

main().catch(async (e) => {
  say(`failed: ${e instanceof Error ? e.message : e}`);
  await shutdown(1);
});
