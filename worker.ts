import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { sweepRecomputeSignals } from './core/calendar/recompute-signals';
import { ensureReportingSchedules } from './core/reports/schedules';
import { createActivities, type CalendarProvider, type Notifier } from './activities';
import { loadConfig, requireSetting, type AppConfig } from './config';
import { createCalendarProvider } from './core/calendar/provider';
import { createDb, type Db } from './prisma/client';
import { retry } from './retry';
import { logger } from './logger';
import { createMailNotifier } from './mail/notifier';
import { createMailTransport } from './mail/transport';
import { loadOrCreateSigningKey } from './audit/signing-key';
import { scheduleAuditUpkeep } from './audit/upkeep';

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

async function main(): Promise<void> {
  const config = loadConfig();
  const db = createDb(requireSetting(config.databaseUrl, 'DATABASE_URL'));
  const connection = await retry(() =>
    NativeConnection.connect({ address: requireSetting(config.temporalAddress, 'TEMPORAL_ADDRESS') }),
  );
  const calendars = createCalendarProvider(db);
  const transport = createMailTransport(config.smtp);
  const notifier = createMailNotifier({
    db,
    transport,
    from: config.smtp.from,
    publicBaseUrl: config.publicBaseUrl,
    calendars,
    log: (msg, data) => logger.warn(data ?? {}, msg),
  });
  const worker = await createWorker({ config, db, connection, calendars, notifier });
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  // 第三十二条: the half-year and yearly reporting rounds (idempotent: every worker start makes sure of them)
  const schedules = await ensureReportingSchedules(temporal, { taskQueue: config.taskQueue });
  logger.info({ schedules }, 'reporting schedules in place');
  // calendar recompute signals that could not be sent when a year was loaded are retried from here
  const sweep = sweepRecomputeSignals({ db, temporal }, 30_000, (msg, data) => logger.warn(data, msg));
  // 第二十四条: daily digests signed (catching up after downtime) and, if configured, retention; every 15 minutes
  const auditKey = loadOrCreateSigningKey(config.auditSigningKeyFile);
  logger.info({ keyId: auditKey.keyId, file: auditKey.file }, 'audit signing key');
  const auditUpkeep = scheduleAuditUpkeep(
    { db, key: auditKey, retentionDays: config.auditRetentionDays },
    900_000,
    (level, msg, data) => logger[level](data, msg),
  );
  const stop = () => {
    auditUpkeep.stop();
    sweep.stop();
    // Ctrl-C reaches a supervised worker twice (the terminal's SIGINT, then its supervisor's SIGTERM)
    if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  logger.info({ taskQueue: config.taskQueue }, 'worker running');
  await worker.run();
  // the pooled SMTP connections would keep the process alive after the worker has stopped
  transport.close();
  await connection.close();
  await db.$disconnect();
}

if (require.main === module) {
  main().catch((e) => {
    logger.error({ err: e }, 'worker failed');
    process.exit(1);
  });
}
