/**
 * The supervisors' workbench (督办工作台), a second entry point beside the HTTP API: server-rendered pages
 * over the same use-cases (core/). Mounted at /dashboard, so the links in every mail open here.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import path from 'node:path';
import { DomainError } from '../core/errors';
import type { AppDeps } from '../api/deps';
import { problemOf } from '../api/problem';
import { logger } from '../logger';
import { authRoutes, loadPerson, requirePerson } from './auth';
import { requireCsrf } from './csrf';
import { pageRoutes } from './pages';
import { sendMessage } from './render';
import { sessionMiddleware } from './session';

// scripts and styles come from our own origin only: no inline script, no CDN
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

function assetRoutes(): Router {
  const r = express.Router();
  const file = (name: string, from: string) =>
    r.get(`/${name}`, (_req, res) => res.sendFile(from, { maxAge: '1h' }));
  file('htmx.min.js', require.resolve('htmx.org/dist/htmx.min.js'));
  file('echarts.min.js', require.resolve('echarts/dist/echarts.min.js'));
  r.use(express.static(path.join(__dirname, 'assets'), { maxAge: '1h', index: false }));
  return r;
}

export function webRouter(deps: AppDeps, opts: { sessionSecret: string }): Router {
  const r = express.Router();
  r.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  r.use('/assets', assetRoutes());
  r.use(express.urlencoded({ extended: false, limit: '64kb' }));
  r.use(
    sessionMiddleware(deps.db, {
      secret: opts.sessionSecret,
      secureCookies: deps.config.publicBaseUrl.startsWith('https://'),
    }),
  );
  r.use(loadPerson(deps.db));
  r.use(
    requireCsrf((req, res) =>
      sendMessage(req, res, 403, '请求无效', '表单已过期或来源不明 (CSRF 校验失败), 请刷新页面后重试。'),
    ),
  );
  r.use(
    authRoutes(deps.db, {
      loginAttemptsPer15Min: deps.config.limits.authFailuresPer15Min,
      sharedLimits: deps.config.limits.store !== 'memory',
    }),
  );
  r.use(requirePerson);
  r.use(pageRoutes(deps));
  r.use((req, res) => sendMessage(req, res, 404, '页面不存在', '没有这个页面。'));
  r.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof DomainError)
      return sendMessage(req, res, problemOf(err).status, '无法完成', err.detail);
    logger.error({ err }, 'workbench page failed');
    sendMessage(req, res, 500, '出错了', '服务器内部错误, 请稍后重试。');
  });
  return r;
}
