/**
 * What the registry's use-cases share: their dependencies, the clock, instants as the API and the pages show
 * them (ISO strings, UTC), id cursors, and the "what changed" record their audit entries carry.
 */
import type { Db, Prisma } from '../../prisma/client';
import { DomainError } from '../errors';
import { decodeCursor } from '../paging';
import { beijingInstant } from '../../calendar/dates';

export interface RegistryDeps {
  db: Db;
  /** the clock rules are judged by (stop notices, staff in post); the wall clock unless given */
  now?: () => Date;
}

export type Tx = Prisma.TransactionClient;

export const nowOf = (deps: RegistryDeps): Date => deps.now?.() ?? new Date();

export const iso = (d: Date): string => beijingInstant(d);
export const isoOrNull = (d: Date | null): string | null => (d ? beijingInstant(d) : null);

/** A page of a list ordered by id: `limit` items and the filters of the caller's query. */
export interface IdPageQuery {
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The id a one-key cursor carries (lists ordered by id). */
export function cursorId(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const [id] = decodeCursor(cursor, 1);
  if (typeof id !== 'string') throw new DomainError('invalid', 'invalid_cursor', '分页游标 (cursor) 无效');
  return id;
}

export type Changes = Record<string, { from: unknown; to: unknown }>;

/** The fields a patch really changes, with both values: an edit that changes nothing writes nothing. */
export function changesOf<P extends object>(patch: P, cur: { [K in keyof P]: unknown }): Changes {
  const changes: Changes = {};
  for (const k of Object.keys(patch) as (keyof P & string)[]) {
    if (patch[k] !== undefined && patch[k] !== cur[k]) changes[k] = { from: cur[k], to: patch[k] };
  }
  return changes;
}
