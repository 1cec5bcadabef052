/** The use-cases' dependencies as the workbench builds them from the app's (the API builds the same). */
import type { AppDeps } from '../api/deps';
import type { CaseDeps } from '../core/cases/admission';
import type { NoticeDeps } from '../core/oversight/rectification';

export function caseDepsOf(deps: AppDeps): CaseDeps {
  return {
    db: deps.db,
    temporal: deps.temporal,
    calendars: deps.calendars,
    taskQueue: deps.config.taskQueue,
    now: deps.now,
  };
}

export const noticeDepsOf = (deps: AppDeps): NoticeDeps => ({
  ...caseDepsOf(deps),
  noticePrefix: deps.config.noticeNumberPrefix,
});
