/**
 * A real worker whose real mail notifier delivers to the in-process SMTP catcher (mail/catcher.ts), as the
 * workbench tests need it: the mails' links point at `publicBaseUrl`. Already running; `stop()` shuts it down.
 */
import type { NativeConnection } from '@temporalio/worker';
import { createMailNotifier } from '../../mail/notifier';
import { createMailTransport } from '../../mail/transport';
import type { Db } from '../../prisma/client';
import { createTestWorker } from './worker';

export async function mailingWorker(opts: {
  connection: NativeConnection;
  db: Db;
  taskQueue: string;
  smtpPort: number;
  publicBaseUrl: string;
  from?: string;
}) {
  const from = opts.from ?? 'noreply@gxcase.local';
  const created = await createTestWorker({
    connection: opts.connection,
    db: opts.db,
    taskQueue: opts.taskQueue,
    notifier: createMailNotifier({
      db: opts.db,
      transport: createMailTransport({ host: '127.0.0.1', port: opts.smtpPort, secure: false, from }),
      from,
      publicBaseUrl: opts.publicBaseUrl,
    }),
  });
  const running = created.worker.run();
  return {
    ...created,
    running,
    async stop(): Promise<void> {
      created.worker.shutdown();
      await running;
    },
  };
}
