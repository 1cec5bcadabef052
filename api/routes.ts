import { Router } from 'express';
import type { AppDeps } from './app';
import { authenticate } from './auth';
import { caseRoutes } from './routes/cases';
import { calendarRoutes } from './routes/calendar';

/**
 * Everything under /api/v1 is authenticated. Each capability adds its router here, one line each.
 */
export function apiRouter(deps: AppDeps): Router {
  const router = Router();
  router.use(authenticate(deps.db));
  router.use(caseRoutes(deps));
  router.use(calendarRoutes(deps));
  return router;
}
