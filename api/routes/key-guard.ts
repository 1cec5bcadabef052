/**
 * Who may change a client's keys (issue 10, finding 5), and the transaction helpers the key routes share.
 */
import type { Request } from 'express';
import type { Db, Prisma } from '../../prisma/client';
import { recordDenied, type Principal } from '../auth';
import { Problem } from '../problem';

type Tx = Prisma.TransactionClient;

/** Where a key is valid right now (not revoked, not expired); the client's own revocation is checked apart. */
export const validKeyWhere = (now: Date): Prisma.ApiKeyWhereInput => ({
  revokedAt: null,
  OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
});

/** Serialises key changes of one client, so two concurrent rotations cannot exceed the key limit. */
export async function lockClient(tx: Tx, id: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM "ApiClient" WHERE id = ${id} FOR UPDATE`;
}

/** A refusal whose audit row must stay: returned from the transaction (so it commits), thrown after it. */
export class Refusal {
  constructor(readonly problem: Problem) {}
}

export async function committing<T>(db: Db, fn: (tx: Tx) => Promise<T | Refusal>): Promise<T> {
  const out = await db.$transaction(fn);
  if (out instanceof Refusal) throw out.problem;
  return out;
}

export const SUPERSEDED_NOTE =
  '本次所用的密钥已被更新的密钥取代 (key_superseded): 只有最新的密钥才能轮换或吊销密钥';

/**
 * Only the newest valid key of a client may change that client's keys. An older key still in its overlap
 * window could otherwise rotate with overlapHours 0 or revoke the newer key, and lock its own system out of
 * the key it has just switched to. Checked under the client's lock, so a rotation racing this request counts.
 * Administrators acting on another client are not concerned: their authority does not depend on a key's age.
 */
export async function newestKeyOnly(
  tx: Tx,
  req: Request,
  principal: Principal,
  clientId: string,
): Promise<Refusal | undefined> {
  if (clientId !== principal.clientId) return undefined;
  await lockClient(tx, clientId);
  const newest = await tx.apiKey.findFirst({
    where: { clientId, ...validKeyWhere(new Date()) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  if (!newest || newest.id === principal.keyId) return undefined;
  const detail = `本次请求所用的密钥 ${principal.keyPrefix} 已被更新的密钥 ${newest.prefix} 取代: 过渡期内旧密钥仍可调用其他接口, 但轮换或吊销密钥只能使用最新的密钥`;
  await recordDenied(tx, req, principal, detail, {
    code: 'key_superseded',
    keyId: principal.keyId,
    newestKeyId: newest.id,
  });
  return new Refusal(new Problem(403, 'key_superseded', detail));
}
