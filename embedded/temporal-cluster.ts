/**
 * The real Temporal server on PostgreSQL, started without Docker (`npm run start:cluster`): schema setup, the
 * server with deploy/temporal/config.yaml (the same file docker-compose mounts), the `default` namespace and the
 * Web UI server. The schema and namespace steps are deploy/temporal's shell scripts, shared with compose's
 * one-shot jobs, so both paths run the same commands.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Children } from './children';
import { projectRoot } from './paths';
import type { ClusterExecutables } from './temporal-server-build';
import { waitForPort } from './temporal-dev-server';

const run = promisify(execFile);
export const TEMPORAL_DEPLOY_DIR = path.join(projectRoot, 'deploy', 'temporal');

export interface PostgresAccess {
  host: string;
  port: number;
  user: string;
  password: string;
}

/**
 * The frontend on `frontendPort`, the other services beside it in the server's own default layout
 * (7233 → history 7234, matching 7235, worker 7239, membership 6933…6939), so one number moves them all.
 */
export function clusterPorts(frontendPort: number): Record<string, string> {
  const p = (offset: number) => String(frontendPort + offset);
  return {
    FRONTEND_GRPC_PORT: p(0),
    HISTORY_GRPC_PORT: p(1),
    MATCHING_GRPC_PORT: p(2),
    WORKER_GRPC_PORT: p(6),
    FRONTEND_MEMBERSHIP_PORT: p(-300),
    HISTORY_MEMBERSHIP_PORT: p(-299),
    MATCHING_MEMBERSHIP_PORT: p(-298),
    WORKER_MEMBERSHIP_PORT: p(-294),
  };
}

/** The environment config.yaml and setup-schema.sh read, for this machine's Postgres and ports. */
export function clusterEnv(pg: PostgresAccess, frontendPort: number): NodeJS.ProcessEnv {
  return {
    POSTGRES_SEEDS: pg.host,
    DB_PORT: String(pg.port),
    POSTGRES_USER: pg.user,
    POSTGRES_PWD: pg.password,
    DBNAME: 'temporal',
    VISIBILITY_DBNAME: 'temporal_visibility',
    SQL_HOST: pg.host,
    SQL_PORT: String(pg.port),
    SQL_USER: pg.user,
    SQL_PASSWORD: pg.password,
    BIND_ON_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    DYNAMIC_CONFIG_FILE_PATH: path.join(TEMPORAL_DEPLOY_DIR, 'dynamicconfig.yaml'),
    ...clusterPorts(frontendPort),
  };
}

async function script(name: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await run('sh', [path.join(TEMPORAL_DEPLOY_DIR, name)], {
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout.trim();
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string };
    throw new Error(`${name} 失败: ${(err.stderr || err.stdout || String(e)).trim().slice(-2000)}`, {
      cause: e,
    });
  }
}

export interface RunningCluster {
  address: string;
  uiUrl: string;
}

/**
 * Runs the server and the UI under `children` (restarted with backoff if they die; `children.stopAll` stops
 * them). Logs go to files under `logDir`: the server is chatty even at warn, and the terminal is the user's.
 */
export async function startTemporalCluster(opts: {
  executables: ClusterExecutables;
  /** the cached Temporal CLI, for the namespace bootstrap */
  cli: string;
  pg: PostgresAccess;
  frontendPort: number;
  uiPort: number;
  namespace: string;
  logDir: string;
  children: Children;
  say: (m: string) => void;
}): Promise<RunningCluster> {
  const env = { ...process.env, ...clusterEnv(opts.pg, opts.frontendPort) };
  fs.mkdirSync(opts.logDir, { recursive: true });

  const schemaStarted = Date.now();
  await script('setup-schema.sh', { ...env, TEMPORAL_SQL_TOOL: opts.executables.sqlTool });
  opts.say(`Temporal schemas ready (${((Date.now() - schemaStarted) / 1000).toFixed(1)} s)`);

  const serverLog = fs.openSync(path.join(opts.logDir, 'temporal-server.log'), 'a');
  opts.children.runCommand(
    'temporal-server',
    opts.executables.server,
    ['--config-file', path.join(TEMPORAL_DEPLOY_DIR, 'config.yaml'), '--allow-no-auth', 'start'],
    { env, output: serverLog },
  );
  const address = `127.0.0.1:${opts.frontendPort}`;
  const serverFailed = (e: unknown) => {
    const file = path.join(opts.logDir, 'temporal-server.log');
    const tail = fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
    return new Error(`Temporal 服务器未能启动 (${e}); ${file} 的末尾:\n${tail}`);
  };
  await waitForPort(opts.frontendPort, 60_000).catch((e: unknown) => {
    throw serverFailed(e);
  });
  // the port opens before the services have joined each other; the script waits for health itself
  const bootstrap = await script('bootstrap-namespace.sh', {
    ...env,
    TEMPORAL_CLI: opts.cli,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: opts.namespace,
  }).catch((e: unknown) => {
    throw serverFailed(e);
  });
  opts.say(`Temporal server up on PostgreSQL (${bootstrap.split('\n').pop()})`);

  // ui-server reads <root>/<config>/<env>.yaml
  const uiRoot = path.join(opts.logDir, '..', 'ui');
  fs.mkdirSync(path.join(uiRoot, 'config'), { recursive: true });
  fs.writeFileSync(
    path.join(uiRoot, 'config', 'development.yaml'),
    `temporalGrpcAddress: ${address}\nhost: 127.0.0.1\nport: ${opts.uiPort}\nenableUi: true\ndefaultNamespace: ${opts.namespace}\n`,
  );
  const uiLog = fs.openSync(path.join(opts.logDir, 'temporal-ui.log'), 'a');
  opts.children.runCommand(
    'temporal-ui',
    opts.executables.uiServer,
    ['--root', uiRoot, '--config', 'config', '--env', 'development', 'start'],
    { env: process.env, output: uiLog },
  );
  await waitForPort(opts.uiPort, 30_000);
  return { address, uiUrl: `http://127.0.0.1:${opts.uiPort}` };
}
