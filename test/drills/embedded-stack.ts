/**
 * Command 1 (`npm start`, embedded/start.ts) as a real child process on a data directory and ports of its own,
 * for the tests that need the embedded default itself (embedded Postgres, Temporal dev server on its SQLite
 * file): never the shared test services, never another stack's ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { processesUsing, runningPostmaster } from '../../embedded/backup-parts';
import { freePort } from '../../embedded/ports';
import { EMBEDDED_PG_PASSWORD } from '../../embedded/postgres';

export interface EmbeddedStack {
  dataDir: string;
  /** e.g. http://127.0.0.1:34567/api/v1 */
  api: string;
  databaseUrl: string;
  temporalAddress: string;
  /** what the process printed, for a failing test's message */
  output(): string;
  /** Ctrl-C: SIGINT to its process group, as a terminal sends it; resolves when it has exited */
  stop(): Promise<void>;
}

const root = path.resolve(__dirname, '..', '..');

export async function startEmbeddedStack(dataDir: string, timeoutMs = 150_000): Promise<EmbeddedStack> {
  const [pg, temporal, ui, smtp, mailUi, port] = await Promise.all(Array.from({ length: 6 }, freePort));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GXCASE_DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pg),
    EMBEDDED_TEMPORAL_PORT: String(temporal),
    EMBEDDED_TEMPORAL_UI_PORT: String(ui),
    EMBEDDED_SMTP_PORT: String(smtp),
    EMBEDDED_MAIL_UI_PORT: String(mailUi),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  // the test services' settings would make npm start use them instead of its embedded parts
  for (const k of [
    'DATABASE_URL',
    'TEMPORAL_ADDRESS',
    'TEST_DATABASE_ADMIN_URL',
    'SMTP_HOST',
    'AUDIT_SIGNING_KEY_FILE',
  ])
    delete env[k];
  const child: ChildProcess = spawn(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    [path.join(root, 'embedded', 'start.ts')],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGINT');
      } catch {
        // already gone
      }
      const killer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    }
    // its servers finish their own shutdown a moment after it exits (they got the SIGINT too)
    const sqlite = path.join(dataDir, 'temporal.sqlite');
    for (let i = 0; i < 150; i++) {
      if (!runningPostmaster(path.join(dataDir, 'postgres')) && processesUsing(sqlite).length === 0) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the stack on ${dataDir} left its servers running`);
  };
  const deadline = Date.now() + timeoutMs;
  while (!/ready in/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`npm start did not get ready on ${dataDir}:\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    dataDir,
    api: `http://127.0.0.1:${port}/api/v1`,
    databaseUrl: `postgresql://postgres:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${pg}/gxcase`,
    temporalAddress: `127.0.0.1:${temporal}`,
    output: () => out,
    stop,
  };
}
