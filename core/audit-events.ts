/**
 * The share and query logs (第二十四条) as those who supervise read them: every denial, access decision, key
 * and case event, newest first, and a check that the hash chain (audit/log.ts) is unbroken.
 */
import type { Db, Prisma } from '../prisma/client';
import { loadOrCreateSigningKey, type AuditSigningKey } from '../audit/signing-key';
import { verifyAuditProof, type ProofVerification } from '../audit/verify';
import { DomainError } from './errors';
import { AccessDenied, type Actor } from './actor';
import { scopeOf } from './supervision-scope';
import { decodeCursor, pageFrom } from './paging';

export interface AuditDeps {
  db: Db;
  now?: () => Date;
  /** writes entries still held back (e.g. failed authentications of a closed minute), so readers see them */
  flushPending?: () => Promise<unknown>;
  /** the Ed25519 key file signing the digests (config auditSigningKeyFile); created on first use */
  signingKeyFile: string;
}

/** The deployment's audit key; a key file that cannot be read or made is a 503, not a 500. */
export function auditKeyOf(deps: Pick<AuditDeps, 'signingKeyFile'>): AuditSigningKey {
  try {
    return loadOrCreateSigningKey(deps.signingKeyFile);
  } catch (e) {
    throw new DomainError(
      'unavailable',
      'audit_key_unavailable',
      `审计签名密钥不可用, 请管理员检查 AUDIT_SIGNING_KEY_FILE (${(e as Error).message})`,
    );
  }
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  /** a prefix, e.g. a case number or resource code */
  target?: string;
  since?: Date;
  until?: Date;
  cursor?: string;
  limit: number;
}

export interface AuditEvent {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  data: unknown;
  hash: string;
  prevHash: string;
}

const MAX_BIGINT = 9223372036854775807n;

/** The cursor holds the last id shown; ids beyond Postgres's bigint are a forged cursor. */
function idBefore(cursor: string): bigint {
  const [id] = decodeCursor(cursor, 1);
  if (typeof id !== 'string' || !/^\d{1,19}$/.test(id) || BigInt(id) > MAX_BIGINT) {
    throw new DomainError('invalid', 'invalid_cursor', '分页游标 (cursor) 无效');
  }
  return BigInt(id);
}

/**
 * The log is the region's (第二十四条): its rows name clients and targets, not one department, so a 盟市
 * supervisor (core/supervision-scope.ts) cannot be shown its part of it; regional oversight and admins only.
 */
export async function requireWholeScope(deps: AuditDeps, actor: Actor): Promise<void> {
  if ((await scopeOf(deps.db, actor)) !== 'all') {
    throw new AccessDenied('审计日志仅向自治区级督促检查人员和管理员开放');
  }
}

export async function listAuditEvents(
  deps: AuditDeps,
  actor: Actor,
  q: AuditFilter,
): Promise<{ items: AuditEvent[]; nextCursor: string | null }> {
  await requireWholeScope(deps, actor);
  await deps.flushPending?.();
  const and: Prisma.AuditLogWhereInput[] = [];
  if (q.action) and.push({ action: q.action });
  if (q.actor) and.push({ actor: q.actor });
  if (q.target) and.push({ target: { startsWith: q.target } });
  if (q.since) and.push({ at: { gte: q.since } });
  if (q.until) and.push({ at: { lt: q.until } });
  if (q.cursor) and.push({ id: { lt: idBefore(q.cursor) } });
  const rows = await deps.db.auditLog.findMany({
    where: { AND: and },
    orderBy: { id: 'desc' },
    take: q.limit + 1,
  });
  return pageFrom(
    rows,
    q.limit,
    (r) => [r.id.toString()],
    (r) => ({
      id: r.id.toString(),
      at: r.at,
      actor: r.actor,
      action: r.action,
      target: r.target,
      data: r.data,
      hash: r.hash,
      prevHash: r.prevHash,
    }),
  );
}

export interface ChainVerification extends ProofVerification {
  checkedAt: Date;
}

/**
 * The chain, every signed daily digest and tombstone, and each digest's row against its signed hash
 * (audit/verify.ts). The row-by-row walk starts from the newest checkpoint an earlier run walked; `full`
 * re-walks everything.
 */
export async function verifyAuditEvents(
  deps: AuditDeps,
  actor: Actor,
  opts: { full?: boolean } = {},
): Promise<ChainVerification> {
  await requireWholeScope(deps, actor);
  await deps.flushPending?.();
  const now = deps.now?.() ?? new Date();
  const v = await verifyAuditProof(deps.db, auditKeyOf(deps), { full: opts.full, now });
  return { ...v, checkedAt: now };
}
