import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import { healthRoutes } from './health';
import { isJsonType, requireJsonBody } from './json-body';
import { buildApi } from './routes';
import { logger } from '../logger';
import { Problem, problemHandler } from './problem';
import type { AppDeps } from './deps';
import { webRouter } from '../web/router';
import { beijingInstant } from '../calendar/dates';

export type { AppDeps } from './deps';

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // a Date that reaches res.json() is written like every other instant the API answers (+08:00), never as UTC
  app.set('json replacer', function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? beijingInstant(raw) : value;
  });
  app.use(helmet());
  app.use(
    pinoHttp({
      logger,
      // method, path and status are enough to trace a request; headers may carry keys and personal data
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
    }),
  );
  // a body that is not JSON is refused, not silently read as {}; every JSON spelling is parsed alike
  app.use('/api/v1', requireJsonBody);
  app.use(express.json({ limit: '256kb', type: (req) => isJsonType(req.headers['content-type']) }));
  app.use(healthRoutes(deps.db, deps.temporal));
  const api = buildApi(deps);
  app.use('/api/v1', api.publicRouter, api.router);
  app.get('/', (_req, res) => res.redirect('/dashboard'));
  app.use('/dashboard', webRouter(deps, { sessionSecret: deps.config.sessionSecret }));
  app.use((_req, _res, next) => next(new Problem(404, 'not_found', '请求的资源不存在')));
  app.use(problemHandler);
  return app;
}
