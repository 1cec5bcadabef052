import { createHash } from 'node:crypto';
import { Prisma, type Db } from '../prisma/client';

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string;
  data?: Record<string, unknown>;
}

const GENESIS = '0'.repeat(64);

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
 * Appends to the hash-chained audit log (第二十四条). An advisory lock serialises writers so the chain has
 * no forks; the table itself refuses UPDATE/DELETE (migration trigger).
 */
export async function appendAudit(db: Db | Prisma.TransactionClient, e: AuditEntry): Promise<void> {
  const write = async (tx: Prisma.TransactionClient) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(727274)`;
    const last = await tx.auditLog.findFirst({ orderBy: { id: 'desc' }, select: { hash: true } });
    // retention may have deleted every row: the chain then goes on from the signed tombstone, not from zero
    const tomb = last
      ? undefined
      : await tx.auditTombstone.findFirst({ orderBy: { lastId: 'desc' }, select: { lastHash: true } });
    const prevHash = last?.hash ?? tomb?.lastHash ?? GENESIS;
    const at = new Date();
    await tx.auditLog.create({
      data: {
        at,
        actor: e.actor,
        action: e.action,
        target: e.target,
        data: (e.data ?? {}) as Prisma.InputJsonValue,
        prevHash,
        hash: chainHash(prevHash, at, e),
      },
    });
  };
  if ('$transaction' in db) await db.$transaction(write);
  else await write(db);
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
