/**
 * CSRF protection for every form: a synchronizer token kept in the server-side session and echoed by each
 * form (hidden `_csrf` field) or htmx request (`X-CSRF-Token` header). SameSite=Lax cookies are the first
 * line; this token is the one that holds when a browser or proxy does not honour SameSite.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export function csrfTokenOf(req: Request): string {
  req.session.csrf ??= randomBytes(24).toString('base64url');
  return req.session.csrf;
}

function matches(expected: string | undefined, given: unknown): boolean {
  if (!expected || typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Refuses any state-changing request whose token is missing or wrong: 403 with a page that says why. */
export function requireCsrf(onRefused: (req: Request, res: Response) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const given = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
    if (matches(req.session?.csrf, given)) return next();
    onRefused(req, res);
  };
}
