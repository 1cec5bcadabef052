/**
 * Keyset paging shared by every list (API and pages): opaque cursors holding the sort key of a page's last
 * item, and one page from `limit + 1` fetched rows.
 */
import { DomainError } from './errors';

const badCursor = () => new DomainError('invalid', 'invalid_cursor', '分页游标 (cursor) 无效');

/** Opaque cursors for keyset pagination: base64url of the sort key of the last item on the page. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  const bad = badCursor();
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  if (
    !Array.isArray(v) ||
    v.length !== arity ||
    !v.every((x) => typeof x === 'string' || typeof x === 'number')
  ) {
    throw bad;
  }
  return v as (string | number)[];
}

export const MIN_YEAR = 1970;
export const MAX_YEAR = 2100;

/** A real time between 1970 and 2100 (ISO string or epoch milliseconds), or undefined. */
export function instantOf(v: unknown): Date | undefined {
  const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return undefined;
  const year = d.getUTCFullYear();
  return year >= MIN_YEAR && year <= MAX_YEAR ? d : undefined;
}

/** A (time, id) keyset cursor; a time out of range or an id of the wrong type is a forged cursor. */
export function decodeTimeCursor(cursor: string): { at: Date; id: string } {
  const [t, id] = decodeCursor(cursor, 2);
  const at = instantOf(t);
  if (!at || typeof id !== 'string') throw badCursor();
  return { at, id };
}

/** One page from `limit + 1` fetched rows: the extra row only says whether a next page exists. */
export function pageFrom<T, V>(
  rows: T[],
  limit: number,
  key: (t: T) => (string | number)[],
  view: (t: T) => V,
): { items: V[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(view),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null,
  };
}
