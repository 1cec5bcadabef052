import { createHash } from 'node:crypto';
import { Prisma, type Db } from '../prisma/client';

/** The chain's first previous hash (the SQL function audit_append and proof-format.ts use the same). */
export const GENESIS = '0'.repeat(64);

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string;
  data?: Record<string, unknown>;
}

/**
 * JSON with object keys sorted at every level: Postgres jsonb does not keep key order, so a hash over the
 * written order could never be recomputed from what is read back.
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function chainHash(prevHash: string, at: Date, e: AuditEntry): string {
  return createHash('sha256')
    .update(canonicalJson([prevHash, at.toISOString(), e.actor, e.action, e.target ?? null, e.data ?? {}]))
    .digest('hex');
}

/**
 * Appends to the hash-chained audit log (第二十四条) in one statement: the database function audit_append
 * (migration 20261201020000) takes the advisory lock that serialises writers, so the chain has no forks, reads
 * the previous hash (or the retention tombstone's) and inserts the row with chainHash's hash, stamped with the
 * database's clock. The table itself refuses UPDATE/DELETE (migration trigger).
 */
export async function appendAudit(db: Db | Prisma.TransactionClient, e: AuditEntry): Promise<void> {
  const data = e.data ?? {};
  // chainHash's array after [prevHash, at, …: the function puts the two in front of this canonical tail
  const tail = canonicalJson([e.actor, e.action, e.target ?? null, data]).slice(1);
  await db.$executeRaw`SELECT audit_append(${e.actor}, ${e.action}, ${e.target ?? null}, ${JSON.stringify(data)}::jsonb, ${tail})`;
}

/**
 * appendAudit as an SQL expression whose target is a column of the statement it is part of (e.g. the id a case
 * insert just drew), so a row and its audit entry are written by one statement. The canonical tail is built
 * around the target: canonicalJson of a string is its JSON.stringify, which Postgres' to_json gives alike.
 */
export function auditAppendSql(e: Omit<AuditEntry, 'target'>, target: Prisma.Sql): Prisma.Sql {
  const data = e.data ?? {};
  const before = `${JSON.stringify(e.actor)},${JSON.stringify(e.action)},`;
  const after = `,${canonicalJson(data)}]`;
  return Prisma.sql`audit_append(${e.actor}, ${e.action}, ${target}, ${JSON.stringify(data)}::jsonb,
    ${before} || to_json(${target})::text || ${after})`;
}

export interface ChainRow {
  id: bigint;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  data: unknown;
  prevHash: string;
  hash: string;
}

/** Whether a row is the link after `prev`: its prevHash is `prev` and its hash recomputes from its content. */
export function rowLinks(prev: string, row: ChainRow): boolean {
  const expected = chainHash(prev, row.at, {
    actor: row.actor,
    action: row.action,
    target: row.target ?? undefined,
    data: row.data as Record<string, unknown>,
  });
  return row.prevHash === prev && row.hash === expected;
}

/** The rows with id in (afterId, untilId], in id order, a batch at a time (two years never sit in memory). */
export async function* chainBatches(
  db: Db,
  afterId: bigint,
  untilId?: bigint,
  batchSize = 5000,
): AsyncGenerator<ChainRow[]> {
  let after = afterId;
  for (;;) {
    const rows = await db.auditLog.findMany({
      where: { id: untilId === undefined ? { gt: after } : { gt: after, lte: untilId } },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    if (rows.length > 0) yield rows;
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1].id;
  }
}

/**
 * Recomputes the chain; returns the id of the first row that does not match, or undefined if intact. Reads in
 * batches, so two years of logs (第二十四条) are checked without holding them all in memory. `from` starts
 * past a signed checkpoint (a digest or a retention tombstone) instead of the first row.
 */
export async function verifyAuditChain(
  db: Db,
  batchSize = 5000,
  from: { afterId: bigint; prevHash: string } = { afterId: 0n, prevHash: GENESIS },
): Promise<bigint | undefined> {
  let prev = from.prevHash;
  for await (const rows of chainBatches(db, from.afterId, undefined, batchSize)) {
    for (const row of rows) {
      if (!rowLinks(prev, row)) return row.id;
      prev = row.hash;
    }
  }
  return undefined;
}
