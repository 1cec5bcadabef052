import type { AppDeps } from './deps';
import { ApiBuilder } from './endpoint';
import { registerCaseRoutes } from './routes/cases';
import { registerCalendarRoutes } from './routes/calendar';
import { registerCalendarNoticeRoutes } from './routes/calendar-notice';
import { registerContractRoutes } from './routes/contract';
import { registerRegistryRoutes } from './routes/registry';
import { registerGrantRoutes } from './routes/grants';
import { registerClientRoutes } from './routes/clients';
import { registerProfileRoutes } from './routes/profiles';
import { registerAuditRoutes } from './routes/audit';
import { registerNoticeRoutes } from './routes/notices';
import { registerReportRoutes } from './routes/reports';

/**
 * Everything under /api/v1. Each capability registers its endpoints on the builder, one line each; the builder
 * routes, validates and documents them (GET /api/v1/openapi.json).
 */
export function buildApi(deps: AppDeps): ApiBuilder {
  const api = new ApiBuilder(deps.db, deps.config.limits);
  registerContractRoutes(api, deps);
  registerCaseRoutes(api, deps);
  registerCalendarRoutes(api, deps);
  registerCalendarNoticeRoutes(api, deps);
  registerRegistryRoutes(api, deps);
  registerGrantRoutes(api, deps);
  registerClientRoutes(api, deps);
  registerProfileRoutes(api, deps);
  registerAuditRoutes(api, deps);
  registerNoticeRoutes(api, deps);
  registerReportRoutes(api, deps);
  return api;
}
