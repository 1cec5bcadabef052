/**
 * A whole stack for a drill test, on the shared test services (never npm start's fixed ports): the real HTTP API
 * on a free port over a private database, the shared Temporal dev server, a real SMTP catcher with its page, and
 * a worker — in this process, or (`workerProcess`) as a real `tsx worker.ts` child that a test can kill -9.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Server } from 'node:http';
import { createCalendarProvider } from '../../core/calendar/provider';
import { startMailCatcher, type MailCatcher } from '../../mail/catcher';
import { createMailNotifier } from '../../mail/notifier';
import { createMailTransport } from '../../mail/transport';
import type { Stack } from '../../drills/stack';
import { createTestApi, KEYS, type TestApi } from '../support/api';
import { testAuditKeyFile } from '../support/audit-key';
import { devServerAddress } from '../support/temporal';
import { createTestWorker } from '../support/worker';
import { NativeConnection } from '@temporalio/worker';

export interface DrillTestStack {
  stack: Stack;
  api: TestApi;
  catcher: MailCatcher;
  /** starts a worker process on the stack's queue (after a kill, a new one) */
  startWorkerProcess(): ChildProcess;
  /** SIGKILL to a worker process and the node process tsx runs it in (its own process group) */
  killWorker(child: ChildProcess): void;
  close(): Promise<void>;
}

const root = path.resolve(__dirname, '..', '..');

export async function drillTestStack(
  opts: { workerProcess?: boolean; noWorker?: boolean } = {},
): Promise<DrillTestStack> {
  // an idempotent receiver by Message-ID, as npm start's catcher and compose's Mailpit are (mail/catcher.ts)
  const catcher = await startMailCatcher({ httpPort: 0, ignoreDuplicateIds: true });
  const taskQueue = `drill-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const api = await createTestApi({ config: { taskQueue } });
  const server: Server = await new Promise((resolve) => {
    const s = api.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const children: ChildProcess[] = [];
  let inProcess: { shutdown(): void; running: Promise<void> } | undefined;
  const startWorkerProcess = () => {
    const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'worker.ts')], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: api.tdb.url,
        TEMPORAL_ADDRESS: devServerAddress(),
        TEMPORAL_TASK_QUEUE: taskQueue,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(catcher.smtpPort),
        SMTP_SECURE: 'false',
        AUDIT_SIGNING_KEY_FILE: testAuditKeyFile(),
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'ignore'],
      // a group of its own: tsx runs the worker in a child node process, and a kill must reach both
      detached: true,
    });
    children.push(child);
    return child;
  };
  const killWorker = (child: ChildProcess) => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  if (opts.workerProcess) startWorkerProcess();
  else if (!opts.noWorker) {
    const connection = await NativeConnection.connect({ address: devServerAddress() });
    const from = 'noreply@gxcase.local';
    const { worker } = await createTestWorker({
      connection,
      db: api.tdb.db,
      taskQueue,
      notifier: createMailNotifier({
        db: api.tdb.db,
        transport: createMailTransport({ host: '127.0.0.1', port: catcher.smtpPort, secure: false, from }),
        from,
        publicBaseUrl: 'http://127.0.0.1',
      }),
    });
    const running = worker.run().finally(() => connection.close());
    inProcess = { shutdown: () => worker.shutdown(), running };
  }
  const stack: Stack = {
    api: `http://127.0.0.1:${port}/api/v1`,
    databaseUrl: api.tdb.url,
    temporalAddress: devServerAddress(),
    mailUi: catcher.webUrl!.replace(/\/$/, ''),
    dataDir: '',
    taskQueue,
    keys: { admin: KEYS.admin, supervisor: KEYS.supervisor, rst: KEYS.rst, mzt: KEYS.mzt, gat: KEYS.gat },
    db: api.tdb.db,
    temporal: api.temporal,
    calendars: createCalendarProvider(api.tdb.db),
    close: async () => undefined,
  };
  return {
    stack,
    api,
    catcher,
    startWorkerProcess,
    killWorker,
    async close() {
      for (const c of children) killWorker(c);
      if (inProcess) {
        inProcess.shutdown();
        await inProcess.running;
      }
      await new Promise((r) => server.close(r));
      await api.close();
      await catcher.stop();
    },
  };
}
