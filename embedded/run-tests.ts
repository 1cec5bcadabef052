/**
 * Command 2 (`npm test`): sets up what the suite needs on this machine — the Temporal executables (cached),
 * a real PostgreSQL with a migrated template database, a Temporal dev server in memory — then runs jest and
 * prints one line `N passed, N failed`. Extra arguments go to jest (e.g. `npm test -- test/calendar`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrateDeploy } from './migrate';
import { dataDir, projectRoot } from './paths';
import { freePort } from './ports';
import { startEmbeddedPostgres } from './postgres';
import { ensureTemporalCli, ensureTemporalTestServer } from './temporal-executables';
import { startTemporalDevServer } from './temporal-dev-server';
import { ensureClusterExecutables } from './temporal-server-build';

const say = (m: string) => process.stderr.write(`[gxcase:test] ${m}\n`);
export const TEMPLATE_DB = 'gxcase_template';

/** The production topology's suite: last in a full run, after the Temporal server build (see main). */
const CLUSTER_SUITE = 'test/cluster/topology\\.test\\.ts';

interface JestResults {
  numPassedTests: number;
  numFailedTests: number;
  numRuntimeErrorTestSuites: number;
  numTotalTests: number;
  testResults: unknown[];
  [other: string]: unknown;
}

/** One jest run; its JSON results are per run, so concurrent runs in one checkout never read each other's. */
async function runJest(
  env: NodeJS.ProcessEnv,
  args: string[],
): Promise<{ code: number; results?: JestResults }> {
  const resultsFile = path.join(dataDir, `jest-results.${process.pid}.json`);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.rmSync(resultsFile, { force: true });
  const code = await new Promise<number>((resolve) => {
    const jest = spawn(
      path.join(projectRoot, 'node_modules', '.bin', 'jest'),
      [
        '--json',
        `--outputFile=${resultsFile}`,
        // One test file at a time by default: in a trial with two at once on two cores, timing-bound tests (a
        // worker killed mid-flight, SMTP down for the whole case, CLI start-ups) ran out of time. JEST_WORKERS=2
        // runs two (each file has its own database and case-number range, so they do not collide).
        `--maxWorkers=${env.JEST_WORKERS || 1}`,
        ...args,
      ],
      { cwd: projectRoot, env, stdio: 'inherit' },
    );
    jest.on('exit', (c) => resolve(c ?? 1));
  });
  if (!fs.existsSync(resultsFile)) return { code: code || 1 };
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as JestResults;
  fs.rmSync(resultsFile, { force: true });
  return { code, results };
}

/** Both phases' counts and per-file results in one report (.ci/run reads it as jest-results.json). */
function mergeResults(runs: JestResults[]): JestResults {
  const sum = (k: 'numPassedTests' | 'numFailedTests' | 'numRuntimeErrorTestSuites' | 'numTotalTests') =>
    runs.reduce((n, r) => n + r[k], 0);
  return {
    ...(runs[0] ?? {}),
    numPassedTests: sum('numPassedTests'),
    numFailedTests: sum('numFailedTests'),
    numRuntimeErrorTestSuites: sum('numRuntimeErrorTestSuites'),
    numTotalTests: sum('numTotalTests'),
    success: runs.length > 0 && runs.every((r) => r.success === true),
    testResults: runs.flatMap((r) => r.testResults),
  };
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const [cli, testServer] = [await ensureTemporalCli(say), await ensureTemporalTestServer(say)];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_CLI_PATH: cli,
    TEMPORAL_TEST_SERVER_PATH: testServer,
    // request logs of ~1,500 test requests would bury jest's report; LOG_LEVEL=info brings them back
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  const stops: (() => Promise<void>)[] = [];
  try {
    if (!env.TEST_DATABASE_ADMIN_URL) {
      // per run, so several runs (developers, helpers, CI) never share a cluster
      const dir = path.join(os.tmpdir(), `gxcase-test-pg-${process.pid}`);
      const pg = await startEmbeddedPostgres({
        dir,
        port: await freePort(),
        database: 'postgres',
      });
      stops.push(async () => {
        await pg.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      });
      env.TEST_DATABASE_ADMIN_URL = pg.url;
    }
    // a fresh template each run; every test file clones it (CREATE DATABASE … TEMPLATE) for isolation
    const admin = new Client({ connectionString: env.TEST_DATABASE_ADMIN_URL });
    await admin.connect();
    const stale = await admin.query(
      `SELECT datname FROM pg_database WHERE datname LIKE 'gxt_%' OR datname = $1`,
      [TEMPLATE_DB],
    );
    for (const row of stale.rows) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
    await admin.end();
    const templateUrl = env.TEST_DATABASE_ADMIN_URL.replace(/\/[^/?]+(\?|$)/, `/${TEMPLATE_DB}$1`);
    await migrateDeploy(templateUrl);
    env.TEST_TEMPLATE_DB = TEMPLATE_DB;

    if (!env.TEMPORAL_ADDRESS) {
      const temporal = await startTemporalDevServer({ executable: cli, port: await freePort() });
      stops.push(temporal.stop);
      env.TEMPORAL_ADDRESS = temporal.address;
    }
    say(`services ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; running jest`);

    const jestArgs = process.argv.slice(2);
    // The full suite ends with the production topology's suite. On a machine that never built the Temporal
    // server, the build (minutes, at the lowest CPU and I/O priority) runs beside the rest of the suite
    // instead of before it; the topology suite starts once it is done.
    const phases: { label: string; args: string[] }[] =
      jestArgs.length === 0
        ? [
            { label: 'suite', args: [`--testPathIgnorePatterns=${CLUSTER_SUITE}`] },
            { label: 'cluster', args: [CLUSTER_SUITE] },
          ]
        : [{ label: 'suite', args: jestArgs }];
    const clusterBuild =
      phases.length > 1
        ? ensureClusterExecutables((m) => say(`cluster build: ${m}`)).then(
            () => undefined,
            (e: unknown) => say(`cluster build failed (the cluster suite will say why): ${e}`),
          )
        : Promise.resolve();

    let code = 0;
    const results: JestResults[] = [];
    for (const phase of phases) {
      if (phase.label === 'cluster') {
        say('waiting for the Temporal server build before the cluster suite…');
        await clusterBuild;
      }
      const run = await runJest(env, phase.args);
      code ||= run.code;
      if (run.results) results.push(run.results);
      else code ||= 1;
    }
    const merged = mergeResults(results);
    fs.writeFileSync(path.join(dataDir, 'jest-results.json'), JSON.stringify(merged));
    // suites that crashed before running any test count as failures too
    const failed = merged.numFailedTests + merged.numRuntimeErrorTestSuites;
    process.stdout.write(`${merged.numPassedTests} passed, ${failed} failed\n`);
    if (merged.numTotalTests === 0 || results.length < phases.length) return 1;
    return code;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    say(`failed: ${e instanceof Error ? e.message : e}`);
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  },
);
