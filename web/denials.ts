/**
 * A use-case run for the logged-in person, its AccessDenied put on record by the API's own auditingDenials
 * (one access_denied row naming the request, 第二十二、二十四条), then answered as the use-case chose.
 */
import type { Request, Response } from 'express';
import type { AppDeps } from '../api/deps';
import { auditingDenials } from '../api/denials';
import type { Actor } from '../core/actor';
import { actorOf } from '../core/people/accounts';
import { personOf } from './auth';

export function auditedForPerson<T>(
  deps: Pick<AppDeps, 'db'>,
  req: Request,
  res: Response,
  work: (actor: Actor) => Promise<T>,
): Promise<T> {
  const actor = actorOf(personOf(res));
  return auditingDenials(deps.db, req, actor, () => work(actor));
}
