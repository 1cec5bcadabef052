import { Client, Connection } from '@temporalio/client';
import { createCalendarProvider } from '../core/calendar/provider';
import { loadConfig, requireSetting } from '../config';
import { createDb } from '../prisma/client';
import { retry } from '../retry';
import { createApp } from './app';
import { logger } from '../logger';
import { isLoopbackHost } from '../embedded/exposure';

async function main(): Promise<void> {
  const config = loadConfig();
  // the built-in session secret is published with the code: fine on loopback, never where others connect
  if (!isLoopbackHost(config.host) && !process.env.SESSION_SECRET)
    throw new Error(`监听地址 ${config.host} 不是本机回环地址, 必须设置 SESSION_SECRET (见 README 配置表)`);
  const db = createDb(requireSetting(config.databaseUrl, 'DATABASE_URL'));
  const connection = await retry(() =>
    Connection.connect({ address: requireSetting(config.temporalAddress, 'TEMPORAL_ADDRESS') }),
  );
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  const app = createApp({ config, db, temporal, calendars: createCalendarProvider(db) });
  const server = app.listen(config.port, config.host, () =>
    logger.info({ host: config.host, port: config.port }, 'api listening'),
  );
  const stop = () => {
    server.close(() => {
      void connection.close().then(() => db.$disconnect());
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((e) => {
    logger.error({ err: e }, 'api failed to start');
    process.exit(1);
  });
}
