import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type CalendarProvider, type Notifier } from './activities';
import { loadConfig, requireSetting, type AppConfig } from './config';
import { createCalendarProvider } from './activities/calendar-provider';
import { createDb, type Db } from './prisma/client';
import { logger } from './api/logger';
import { createMailNotifier } from './mail/notifier';
import { createMailTransport } from './mail/transport';

export interface WorkerDeps {
  config: AppConfig;
  db: Db;
  calendars: CalendarProvider;
  notifier?: Notifier;
  connection: NativeConnection;
}

/** A worker on the statutory-cases task queue; scale out by running more of these against one cluster. */
export function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.config.temporalNamespace,
    taskQueue: deps.config.taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities: createActivities({ db: deps.db, calendars: deps.calendars, notifier: deps.notifier }),
  });
}

/** The dev server opens its port before it serves; retry the first connection briefly. */
export async function connectWithRetry(address: string, attempts = 60): Promise<NativeConnection> {
  for (let i = 1; ; i++) {
    try {
      return await NativeConnection.connect({ address });
    } catch (e) {
      if (i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const db = createDb(requireSetting(config.databaseUrl, 'DATABASE_URL'));
  const connection = await connectWithRetry(requireSetting(config.temporalAddress, 'TEMPORAL_ADDRESS'));
  const calendars = createCalendarProvider(db);
  const notifier = createMailNotifier({
    db,
    transport: createMailTransport(config.smtp),
    from: config.smtp.from,
    publicBaseUrl: config.publicBaseUrl,
    calendars,
    log: (msg, data) => logger.warn(data ?? {}, msg),
  });
  const worker = await createWorker({ config, db, connection, calendars, notifier });
  const stop = () => worker.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  logger.info({ taskQueue: config.taskQueue }, 'worker running');
  await worker.run();
  await connection.close();
  await db.$disconnect();
}

if (require.main === module) {
  main().catch((e) => {
    logger.error({ err: e }, 'worker failed');
    process.exit(1);
  });
}
