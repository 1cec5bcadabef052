/**
 * The registry's routes call use-cases that may refuse with AccessDenied (core/actor.ts): a department
 * acting for another, a non-management caller reviewing a legal basis, another department's staff or
 * notice id under one's own path. Every registry endpoint is declared through `auditedApi`, so each such
 * refusal becomes one access_denied audit row before its 403 (or hiding 404), the same way everywhere.
 */
import type { AnyZodObject, z, ZodTypeAny } from 'zod';
import type { Db } from '../../prisma/client';
import { auditingDenials } from '../denials';
import type { ApiBuilder, Endpoint } from '../endpoint';

export const TAG = 'registry';

/** What a use-case returns, checked (at compile time) against what the document promises. */
export const answer = <S extends ZodTypeAny>(_schema: S, body: z.infer<S>): z.infer<S> => body;

export interface AuditedApi {
  add<P extends AnyZodObject, Q extends ZodTypeAny, B extends ZodTypeAny>(e: Endpoint<P, Q, B>): void;
}

export function auditedApi(api: ApiBuilder, db: Db): AuditedApi {
  return {
    add(e) {
      api.add({
        ...e,
        handle: (call) => auditingDenials(db, call.req, call.principal, async () => e.handle(call)),
      });
    },
  };
}
