/** What the API's routes are given: the adapters (database, Temporal client, calendars) and the clock. */
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config';
import type { Db } from '../prisma/client';
import type { CalendarProvider } from '../activities';
import type { CaseDeps } from '../core/cases/admission';
import type { NoticeDeps } from '../core/oversight/rectification';

export interface AppDeps {
  config: AppConfig;
  db: Db;
  temporal: Client;
  calendars: CalendarProvider;
  /** the API's clock (receipt times, backdating limits); tests on a virtual Temporal clock pass theirs */
  now?: () => Date;
}

/** The case use-cases' dependencies, as the API's routes and the workbench's pages both build them. */
export function caseDepsOf(deps: AppDeps): CaseDeps {
  return {
    db: deps.db,
    temporal: deps.temporal,
    calendars: deps.calendars,
    taskQueue: deps.config.taskQueue,
    now: deps.now,
  };
}

/** …and those of a written notice (第三十六条), which is numbered with the configured prefix. */
export const noticeDepsOf = (deps: AppDeps): NoticeDeps => ({
  ...caseDepsOf(deps),
  noticePrefix: deps.config.noticeNumberPrefix,
});
