/**
 * A use-case's AccessDenied as the API owes it (第二十二、二十四条): one access_denied row naming the request,
 * then the answer the use-case chose (403, or a 404 that hides another department's object). `who` is the
 * caller as the use-case saw it: an API key's Principal (which is an Actor) or a person's actorOf.
 */
import type { Request } from 'express';
import type { Db } from '../prisma/client';
import { AccessDenied, type Actor } from '../core/actor';
import { DomainError } from '../core/errors';
import { recordDenied } from './auth';

export async function auditingDenials<T>(
  db: Db,
  req: Request,
  who: Actor,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof AccessDenied)) throw e;
    await recordDenied(db, req, who, e.reason, e.auditData);
    // rethrown as a plain DomainError, so that nothing further along records the same attempt again
    throw new DomainError(e.kind, e.code, e.detail, e.extra);
  }
}
