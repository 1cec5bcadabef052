/**
 * Logging in and out, and who is asking. Pages take only a session: an API key (Authorization header)
 * opens no page. Failed logins are limited per source address and login name, counted in Postgres so all
 * replicas share the budget; each attempt is audited by the use-case (第二十四条).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { authenticate, personById, recordLogout, type Person } from '../core/people/accounts';
import type { Db } from '../prisma/client';
import { PostgresRateLimitStore } from '../api/rate-limit-store';
import { csrfTokenOf } from './csrf';
import { sendMessage, sendPage } from './render';

export const LOGIN_PATH = '/dashboard/login';

/** Only our own pages may be a post-login destination (no open redirect). */
function safeNext(raw: unknown): string {
  return typeof raw === 'string' && /^\/dashboard(\/[\w\-./%?=&]*)?$/.test(raw) && !raw.includes('//')
    ? raw
    : '/dashboard';
}

function LoginForm(props: { csrf: string; next: string; username?: string; error?: string }) {
  return (
    <form class="login" method="post" action={LOGIN_PATH}>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="next" value={props.next} />
      <label>
        登录名
        <input name="username" autocomplete="username" required value={props.username ?? ''} autofocus />
      </label>
      <label>
        密码
        <input name="password" type="password" autocomplete="current-password" required />
      </label>
      <button type="submit">登录</button>
    </form>
  );
}

/**
 * Stores the session before answering with a redirect. express-session otherwise writes the response's headers
 * first and the session after, and a browser that follows the redirect at once can arrive before its session.
 */
function savedThenRedirect(req: Request, res: Response, next: NextFunction, to: string): void {
  req.session.save((err) => (err ? next(err) : res.redirect(303, to)));
}

export function personOf(res: Response): Person {
  return res.locals.person as Person;
}

/** Puts the session's person (re-read, so a disabled account stops at once) in res.locals. */
export function loadPerson(db: Db) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const id = req.session?.userId;
      const person = id ? await personById({ db }, id) : undefined;
      if (id && !person) delete req.session.userId;
      res.locals.person = person;
      next();
    } catch (e) {
      next(e);
    }
  };
}

/** Every page but the login page needs a person; without one, the login page, then back here. */
export function requirePerson(req: Request, res: Response, next: NextFunction): void {
  if (res.locals.person) return next();
  if (req.method === 'GET') {
    req.session.next = safeNext(req.originalUrl);
    savedThenRedirect(req, res, next, LOGIN_PATH);
    return;
  }
  sendMessage(req, res, 401, '需要登录', '登录已过期, 请重新登录后再提交。');
}

export function authRoutes(db: Db, opts: { loginAttemptsPer15Min: number; sharedLimits: boolean }): Router {
  const r = express.Router();
  const limiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: opts.loginAttemptsPer15Min,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) =>
      `${req.socket.remoteAddress ?? '?'}|${String(req.body?.username ?? '').toLowerCase()}`,
    ...(opts.sharedLimits ? { store: new PostgresRateLimitStore(db, 'web-login') } : {}),
    handler: (req, res) =>
      sendMessage(req, res, 429, '登录尝试过多', '登录失败次数过多, 请 15 分钟后再试, 或联系管理员。'),
  });

  r.get('/login', (req, res) => {
    if (res.locals.person) return res.redirect(303, safeNext(req.session.next));
    sendPage(req, res, '登录', <LoginForm csrf={csrfTokenOf(req)} next={safeNext(req.session.next)} />);
  });

  r.post('/login', limiter, async (req, res, next) => {
    try {
      const body = req.body as Record<string, unknown>;
      const username = typeof body.username === 'string' ? body.username : '';
      const password = typeof body.password === 'string' ? body.password : '';
      const source = req.socket.remoteAddress ?? 'unknown';
      const result = await authenticate({ db }, { username, password: password.slice(0, 1024), source });
      if (!result.ok) {
        const csrf = csrfTokenOf(req);
        sendPage(
          req,
          res,
          '登录',
          <LoginForm csrf={csrf} next={safeNext(body.next)} username={username} error="登录名或密码不正确" />,
          401,
        );
        return;
      }
      const destination = safeNext(body.next ?? req.session.next);
      // a new session id at login: a session fixed before login is worth nothing after it
      req.session.regenerate((err) => {
        if (err) return next(err);
        req.session.userId = result.person.id;
        savedThenRedirect(req, res, next, destination);
      });
    } catch (e) {
      next(e);
    }
  });

  r.post('/logout', async (req, res, next) => {
    try {
      const person = res.locals.person as Person | undefined;
      if (person) await recordLogout({ db }, person, req.socket.remoteAddress ?? 'unknown');
      req.session.destroy(() => res.redirect(303, LOGIN_PATH));
    } catch (e) {
      next(e);
    }
  });
  return r;
}
