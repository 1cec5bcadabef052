/**
 * `npm run start:cluster`: the production topology on one machine, without Docker. Embedded PostgreSQL, the real
 * Temporal server on it (built from the Go module proxy on first run and cached), the Temporal Web UI, two
 * workers, two API replicas behind one port, and the mail catcher; the same demo data and URLs as `npm start`.
 * Its data lives under <data dir>/cluster/, apart from `npm start`'s, and its engine ports default to others
 * than `npm start`'s, so both can run side by side (the benchmark compares them).
 */
import path from 'node:path';
import { loadConfig } from '../config';
import { startBalancer } from './balancer';
import { superviseChildren } from './children';
import { urlHostOf } from './exposure';
import { migrateIfPending } from './migrate';
import { dataDir } from './paths';
import { startEmbeddedPostgres } from './postgres';
import { startLocalMail } from './local-mail';
import { banner, seedData, waitReady } from './stack';
import { startTemporalCluster } from './temporal-cluster';
import { ensureTemporalCli } from './temporal-executables';
import { ensureClusterExecutables } from './temporal-server-build';

const say = (m: string) => process.stderr.write(`[gxcase] ${m}\n`);
/** Postgres and the mail catcher, stopped last (in reverse) */
const stops: (() => Promise<void>)[] = [];
let stopBalancer: (() => Promise<void>) | undefined;
let stopping = false;
const running = () => !stopping;
/** stopped in this order: the application first, then the engine it talks to, then Postgres */
const apps = superviseChildren(say, undefined, running);
const engine = superviseChildren(say, undefined, running);

const WORKERS = 2;
const API_REPLICAS = 2;
const clusterDir = path.join(dataDir, 'cluster');

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('stopping…');
    await apps.stopAll();
    await stopBalancer?.().catch((e) => say(`stop failed: ${e}`));
    await engine.stopAll();
    for (const stop of stops.reverse()) await stop().catch((e) => say(`stop failed: ${e}`));
  }
  process.exit(code);
}

async function main(): Promise<void> {
  const started = Date.now();
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS'] as const) {
    // this command is the embedded topology; pointing it elsewhere is what npm start (or compose) is for
    if (env[name]) say(`ignoring ${name} (start:cluster runs its own; npm start uses external services)`);
    delete env[name];
  }

  // the first run's build (minutes) overlaps Postgres, migrations and the mail catcher
  const binaries = Promise.all([ensureClusterExecutables(say), ensureTemporalCli(say)]);
  const pgPort = Number(env.EMBEDDED_PG_PORT || 54339);
  const pg = await startEmbeddedPostgres({
    dir: path.join(clusterDir, 'postgres'),
    port: pgPort,
    database: 'gxcase',
    onRestart: say,
    shouldRestart: running,
  });
  stops.push(pg.stop);
  say(`embedded PostgreSQL up (${path.join(clusterDir, 'postgres')})`);
  const [applied, mailUi] = await Promise.all([migrateIfPending(pg.url), startLocalMail(env, stops, say)]);
  if (applied.length > 0) say(`migrations applied: ${applied.join(', ')}`);
  env.DATABASE_URL = pg.url;

  const [executables, cli] = await binaries;
  const url = new URL(pg.url);
  const temporal = await startTemporalCluster({
    executables,
    cli,
    pg: {
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    },
    frontendPort: Number(env.EMBEDDED_TEMPORAL_PORT || 7333),
    uiPort: Number(env.EMBEDDED_TEMPORAL_UI_PORT || 8333),
    namespace: loadConfig(env).temporalNamespace,
    logDir: path.join(clusterDir, 'logs'),
    children: engine,
    say,
  });
  env.TEMPORAL_ADDRESS = temporal.address;
  // every worker signs audit digests with the one key of this topology (created race-free by whichever is first)
  env.AUDIT_SIGNING_KEY_FILE ||= path.join(clusterDir, 'audit-signing-key.pem');

  const config = loadConfig(env);
  const demo = await seedData(env, config, say);

  for (let i = 1; i <= WORKERS; i += 1) apps.run(`worker-${i}`, 'worker.ts', env);
  const base = `http://${urlHostOf(config.host)}:${config.port}`;
  // the replicas sit on loopback beside the balancer's port; links in mails point at the balancer
  const replicas = Array.from({ length: API_REPLICAS }, (_, i) => ({
    host: '127.0.0.1',
    port: config.port + 1 + i,
  }));
  replicas.forEach((r, i) =>
    apps.run(`api-${i + 1}`, 'api/server.ts', {
      ...env,
      HOST: r.host,
      PORT: String(r.port),
      PUBLIC_BASE_URL: env.PUBLIC_BASE_URL || base,
    }),
  );
  const balancer = await startBalancer({ host: config.host, port: config.port, upstreams: replicas });
  stopBalancer = balancer.stop;
  await waitReady(`${base}/readyz`, 180_000);
  process.stdout.write(
    banner({
      title: `政务信息资源共享时限监督 (cluster) — ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      base,
      temporalUi: temporal.uiUrl,
      mailUi,
      data: clusterDir,
      demo,
      extra: [
        `  Topology     Temporal server ${temporal.address} on PostgreSQL 127.0.0.1:${pgPort}, ` +
          `${WORKERS} workers, ${API_REPLICAS} API replicas (${replicas.map((r) => r.port).join(', ')}) behind ${config.port}`,
        `  Logs         ${path.join(clusterDir, 'logs')}`,
      ],
    }),
  );
}

main().catch(async (e) => {
  say(`failed: ${e instanceof Error ? e.message : e}`);
  await shutdown(1);
});
