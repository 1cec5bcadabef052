import { timingSafeEqual } from 'node:crypto';
import type { Actor } from '../core/actor';
import { hashKey } from '../core/identity/key-material';
import type { NextFunction, Request, Response } from 'express';
import type { Db, Prisma } from '../prisma/client';
import { appendAudit } from '../audit/log';
import { countAuthFailure, sourceAddress, throttledClose } from './auth-failure-audit';
import { Problem, loggableError } from './problem';

export type Role = 'DEPARTMENT' | 'SUPERVISOR' | 'ADMIN';

export interface Principal {
  clientId: string;
  name: string;
  role: Role;
  /** set for DEPARTMENT clients: the one department the system acts for */
  departmentId?: string;
  /** the key this request authenticated with (rotation and self-revocation need to know it) */
  keyId: string;
  keyPrefix: string;
}

/** The auth scheme is case-insensitive (RFC 9110 §11.1); any run of spaces or tabs may follow it. */
const BEARER = /^bearer[ \t]+(\S.*)$/i;

function presentedKey(req: Request): string | undefined {
  const bearer = BEARER.exec(req.headers.authorization ?? '');
  if (bearer) return bearer[1].trim();
  const header = req.headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : undefined;
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p)
    throw new Problem(401, 'unauthenticated', '需要身份认证: 请在 Authorization: Bearer 头中提供 API 密钥');
  return p;
}

/** Identifies the calling system by its API key (第四、二十三条: identity checks on every call). */
export function authenticate(db: Db) {
  // failed authentications reach the audit log per address and minute, once their minute has closed
  const closeAfterFailure = throttledClose(db, 5_000);
  const countFailure = async (req: Request) => {
    try {
      await countAuthFailure(db, sourceAddress(req.ip ?? req.socket.remoteAddress));
      await closeAfterFailure();
    } catch (e) {
      // the 401 stands either way; the counters stay in Postgres for the next close
      req.log?.warn({ err: loggableError(e) }, 'failed authentication not counted for the audit log');
    }
  };
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const key = presentedKey(req);
      if (!key)
        throw new Problem(
          401,
          'unauthenticated',
          '需要身份认证: 请在 Authorization: Bearer 头中提供 API 密钥',
        );
      const match = /^gx_([0-9a-f]{12})_[\w-]{16,}$/.exec(key);
      const row = match
        ? await db.apiKey.findUnique({ where: { prefix: match[1] }, include: { client: true } })
        : null;
      const now = new Date();
      const valid =
        row &&
        timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hashKey(key), 'hex')) &&
        !row.revokedAt &&
        !row.client.revokedAt &&
        (!row.expiresAt || row.expiresAt > now);
      if (!valid) throw new Problem(401, 'invalid_credentials', 'API 密钥无效、已吊销或已过期');
      res.locals.principal = {
        clientId: row.client.id,
        name: row.client.name,
        role: row.client.role,
        departmentId: row.client.departmentId ?? undefined,
        keyId: row.id,
        keyPrefix: row.prefix,
      } satisfies Principal;
      next();
    } catch (e) {
      if (e instanceof Problem && e.status === 401) await countFailure(req);
      next(e);
    }
  };
}

/**
 * Records a denied attempt (第二十二条: no access beyond one's role). Used directly where the answer is a 404
 * that hides someone else's object, so ids do not leak but the attempt is still on record. `who`: an API key's
 * Principal, or a workbench person's actorOf; only clientId, role and departmentId go on record.
 */
export async function recordDenied(
  db: Db | Prisma.TransactionClient,
  req: Request,
  who: Actor,
  detail: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await appendAudit(db, {
    actor: who.clientId,
    action: 'access_denied',
    target: `${req.method} ${req.originalUrl.split('?')[0]}`,
    data: { role: who.role, departmentId: who.departmentId ?? null, detail, ...extra },
  });
}

/** Denied attempts are audited, then answered 403. */
export async function deny(db: Db, req: Request, principal: Principal, detail: string): Promise<never> {
  await recordDenied(db, req, principal, detail);
  throw new Problem(403, 'forbidden', detail);
}

export function requireRole(db: Db, ...roles: Role[]) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const p = principalOf(res);
      if (!roles.includes(p.role)) await deny(db, req, p, `此操作需要以下角色之一: ${roles.join(', ')}`);
      next();
    } catch (e) {
      next(e);
    }
  };
}
