/** What the API's routes are given: the adapters (database, Temporal client, calendars) and the clock. */
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config';
import type { Db } from '../prisma/client';
import type { CalendarProvider } from '../activities';

export interface AppDeps {
  config: AppConfig;
  db: Db;
  temporal: Client;
  calendars: CalendarProvider;
  /** the API's clock (receipt times, backdating limits); tests on a virtual Temporal clock pass theirs */
  now?: () => Date;
}
