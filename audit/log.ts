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
    const prevHash = last?.hash ?? GENESIS;
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

/**
 * Recomputes the chain; returns the id of the first row that does not match, or undefined if intact. Reads in
 * batches, so two years of logs (第二十四条) are checked without holding them all in memory.
 */
export async function verifyAuditChain(db: Db, batchSize = 5000): Promise<bigint | undefined> {
  let prev = GENESIS;
  let after: bigint | undefined;
  for (;;) {
    const rows = await db.auditLog.findMany({
      where: after === undefined ? {} : { id: { gt: after } },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    for (const row of rows) {
      const expected = chainHash(prev, row.at, {
        actor: row.actor,
        action: row.action,
        target: row.target ?? undefined,
        data: row.data as Record<string, unknown>,
      });
      if (row.prevHash !== prev || row.hash !== expected) return row.id;
      prev = row.hash;
    }
    if (rows.length < batchSize) return undefined;
    after = rows[rows.length - 1].id;
  }
}
