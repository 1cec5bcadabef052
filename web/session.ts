/**
 * Workbench sessions: express-session with its store in Postgres (model WebSession), so every API replica
 * sees the same sessions and a restart logs nobody out. The cookie holds only the random session id.
 */
import session, { type SessionData } from 'express-session';
import type { RequestHandler } from 'express';
import type { Db, Prisma } from '../prisma/client';

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    csrf?: string;
    /** where to go after login (a /dashboard path only) */
    next?: string;
  }
}

/** Idle sessions end after this long; every request moves the end (rolling). */
export const SESSION_IDLE_MS = 8 * 3_600_000;
export const SESSION_COOKIE = 'gx.sid';

const sweepEvery = 100;

class PostgresSessionStore extends session.Store {
  private writes = 0;
  constructor(private readonly db: Db) {
    super();
  }

  private expiry(sess: SessionData): Date {
    const at = sess.cookie?.expires;
    return at ? new Date(at) : new Date(Date.now() + SESSION_IDLE_MS);
  }

  override get(sid: string, cb: (err: unknown, sess?: SessionData | null) => void): void {
    this.db.webSession
      .findUnique({ where: { sid } })
      .then((row) =>
        cb(null, row && row.expiresAt > new Date() ? (row.data as unknown as SessionData) : null),
      )
      .catch((e) => cb(e));
  }

  override set(sid: string, sess: SessionData, cb?: (err?: unknown) => void): void {
    const data = JSON.parse(JSON.stringify(sess)) as Prisma.InputJsonValue;
    const expiresAt = this.expiry(sess);
    this.db.webSession
      .upsert({ where: { sid }, create: { sid, data, expiresAt }, update: { data, expiresAt } })
      .then(() => this.sweep())
      .then(() => cb?.())
      .catch((e) => cb?.(e));
  }

  override touch(sid: string, sess: SessionData, cb?: (err?: unknown) => void): void {
    this.db.webSession
      .updateMany({ where: { sid }, data: { expiresAt: this.expiry(sess) } })
      .then(() => cb?.())
      .catch((e) => cb?.(e));
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.db.webSession
      .deleteMany({ where: { sid } })
      .then(() => cb?.())
      .catch((e) => cb?.(e));
  }

  /** Expired rows go now and then, on a write, so the table does not grow without a scheduled job. */
  private async sweep(): Promise<void> {
    if (++this.writes % sweepEvery !== 0) return;
    await this.db.webSession.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  }
}

export function sessionMiddleware(db: Db, opts: { secret: string; secureCookies: boolean }): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: opts.secret,
    store: new PostgresSessionStore(db),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.secureCookies,
      path: '/dashboard',
      maxAge: SESSION_IDLE_MS,
    },
  });
}
