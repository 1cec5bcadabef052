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

const say = (m: string) => process.stderr.write(`[gxcase:test] ${m}\n`);
export const TEMPLATE_DB = 'gxcase_template';

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

    // per run, so concurrent runs in one checkout never read each other's results; copied to
    // jest-results.json at the end for .ci/run
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
          ...process.argv.slice(2),
        ],
        { cwd: projectRoot, env, stdio: 'inherit' },
      );
      jest.on('exit', (c) => resolve(c ?? 1));
    });
    if (fs.existsSync(resultsFile)) {
      fs.copyFileSync(resultsFile, path.join(dataDir, 'jest-results.json'));
      fs.rmSync(resultsFile, { force: true });
      const r = JSON.parse(fs.readFileSync(path.join(dataDir, 'jest-results.json'), 'utf8'));
      // suites that crashed before running any test count as failures too
      const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
      process.stdout.write(`${r.numPassedTests} passed, ${failed} failed\n`);
      if (r.numTotalTests === 0) return 1;
    } else {
      process.stdout.write('0 passed, 1 failed\n');
      return 1;
    }
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
