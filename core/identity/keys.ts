/**
 * API keys of a client (第二十二、二十三条: every system calls under its own identity, checked on each call).
 * Keys are stored only as hashes and shown once; a rotation bounds the client's other keys to an overlap
 * window, a revocation acts at once, and only the newest valid key of a client may change that client's keys.
 * Every change is one transaction with its audit row; no secret reaches the audit log.
 */
import type { Db, Prisma } from '../../prisma/client';
import { appendAudit } from '../../audit/log';
import { AccessDenied, type Actor } from '../actor';
import { DomainError } from '../errors';

type Tx = Prisma.TransactionClient;

/** A client may hold at most this many valid keys at once (rotation overlap included). */
export const MAX_ACTIVE_KEYS = 5;
const HOUR = 3_600_000;

/** A freshly generated key: the secret for the caller, prefix and hash for the row. */
export interface NewKey {
  key: string;
  prefix: string;
  hash: string;
}

export interface KeyDeps {
  db: Db;
  now?: () => Date;
  /** generates key material (the entry point's, so that issuing and checking keys share one format) */
  newKey: () => NewKey;
}

/** The caller and the key its request authenticated with: rotation and self-revocation depend on it. */
export interface KeyHolder extends Actor {
  keyId: string;
  keyPrefix: string;
}

export type KeyStatus = 'active' | 'expired' | 'revoked';

export interface KeyRow {
  id: string;
  prefix: string;
  label: string | null;
  createdAt: Date;
  createdBy: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
}

/** A key as shown: its metadata and state, never its hash. */
export interface KeyRecord extends KeyRow {
  status: KeyStatus;
}

export interface IssuedKey {
  key: { id: string; prefix: string; label: string | null; createdAt: Date; expiresAt: Date | null };
  /** the whole key, to be shown this once */
  secret: string;
}

export const clockOf = (deps: { now?: () => Date }): Date => deps.now?.() ?? new Date();

export function keyRecord(k: KeyRow, clientRevoked: boolean, now: Date): KeyRecord {
  const status: KeyStatus =
    k.revokedAt || clientRevoked ? 'revoked' : k.expiresAt && k.expiresAt <= now ? 'expired' : 'active';
  return {
    id: k.id,
    prefix: k.prefix,
    label: k.label,
    status,
    createdAt: k.createdAt,
    createdBy: k.createdBy,
    expiresAt: k.expiresAt,
    revokedAt: k.revokedAt,
    revokedBy: k.revokedBy,
  };
}

export const clientNotFound = (id: string) =>
  new DomainError('not_found', 'client_not_found', `客户端 ${id} 不存在`);
const keyNotFound = (id: string) =>
  new DomainError('not_found', 'key_not_found', `密钥 ${id} 不存在或不属于该客户端`);

/** Where a key is valid right now (not revoked, not expired); the client's own revocation is checked apart. */
export const validKeyWhere = (now: Date): Prisma.ApiKeyWhereInput => ({
  revokedAt: null,
  OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
});

/** Serialises key changes of one client, so two concurrent rotations cannot exceed the key limit. */
export async function lockClient(tx: Tx, id: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM "ApiClient" WHERE id = ${id} FOR UPDATE`;
}

/**
 * Only the newest valid key of a client may change that client's keys (issue 10, finding 5). An older key
 * still in its overlap window could otherwise rotate with overlapHours 0 or revoke the newer key, and lock its
 * own system out of the key it has just switched to. Checked under the client's lock, so a rotation racing
 * this request counts. Administrators acting on another client are not concerned: their authority does not
 * depend on a key's age.
 */
async function newestKeyOnly(tx: Tx, by: KeyHolder, clientId: string, now: Date): Promise<void> {
  if (clientId !== by.clientId) return;
  await lockClient(tx, clientId);
  const newest = await tx.apiKey.findFirst({
    where: { clientId, ...validKeyWhere(now) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  if (!newest || newest.id === by.keyId) return;
  const detail = `本次请求所用的密钥 ${by.keyPrefix} 已被更新的密钥 ${newest.prefix} 取代: 过渡期内旧密钥仍可调用其他接口, 但轮换或吊销密钥只能使用最新的密钥`;
  throw new AccessDenied(
    detail,
    { code: 'key_superseded', keyId: by.keyId, newestKeyId: newest.id },
    new DomainError('forbidden', 'key_superseded', detail),
  );
}

export interface IssueKeyInput {
  overlapHours: number;
  label?: string;
  expiresAt?: Date;
}

/**
 * Issues a new key to `clientId` (a rotation) and bounds every other valid key of the client to
 * `now + overlap`: during the window both old and new keys work, so a department system switches over
 * without downtime; afterwards only the new one does. `expiring` lists those keys and when they stop.
 */
export async function issueKey(
  deps: KeyDeps,
  by: KeyHolder,
  clientId: string,
  input: IssueKeyInput,
): Promise<
  IssuedKey & { expiring: { id: string; prefix: string; label: string | null; expiresAt: Date }[] }
> {
  return deps.db.$transaction(async (tx) => {
    await newestKeyOnly(tx, by, clientId, clockOf(deps));
    await lockClient(tx, clientId);
    const client = await tx.apiClient.findUnique({ where: { id: clientId } });
    if (!client) throw clientNotFound(clientId);
    if (client.revokedAt)
      throw new DomainError('conflict', 'client_revoked', '该客户端已被吊销, 不能再签发密钥');
    const now = clockOf(deps);
    const others = await tx.apiKey.findMany({
      where: { clientId, ...validKeyWhere(now) },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    // with overlap 0 the others stop now, so only the new key remains valid
    const validAfter = (input.overlapHours > 0 ? others.length : 0) + 1;
    if (validAfter > MAX_ACTIVE_KEYS) {
      throw new DomainError(
        'conflict',
        'too_many_keys',
        `每个客户端最多同时持有 ${MAX_ACTIVE_KEYS} 个有效密钥; 请先吊销不用的密钥, 或以 overlapHours: 0 轮换`,
        { maxActiveKeys: MAX_ACTIVE_KEYS },
      );
    }
    const overlapEnd = new Date(now.getTime() + input.overlapHours * HOUR);
    const expiring = [];
    for (const k of others) {
      const until = k.expiresAt && k.expiresAt < overlapEnd ? k.expiresAt : overlapEnd;
      if (until !== k.expiresAt) await tx.apiKey.update({ where: { id: k.id }, data: { expiresAt: until } });
      expiring.push({ id: k.id, prefix: k.prefix, label: k.label, expiresAt: until });
    }
    const fresh = deps.newKey();
    const row = await tx.apiKey.create({
      data: {
        clientId,
        prefix: fresh.prefix,
        hash: fresh.hash,
        label: input.label,
        createdBy: by.clientId,
        expiresAt: input.expiresAt,
      },
    });
    await appendAudit(tx, {
      actor: by.clientId,
      action: 'key_issued',
      target: clientId,
      data: {
        clientId,
        keyId: row.id,
        prefix: row.prefix,
        label: row.label,
        expiresAt: row.expiresAt?.toISOString() ?? null,
        overlapHours: input.overlapHours,
        expiring: expiring.map((e) => ({
          keyId: e.id,
          prefix: e.prefix,
          expiresAt: e.expiresAt.toISOString(),
        })),
      },
    });
    const { id, prefix, label, createdAt, expiresAt } = row;
    return { key: { id, prefix, label, createdAt, expiresAt }, secret: fresh.key, expiring };
  });
}

/** Revokes one key at once. A client never revokes the key it is calling with: it would lock itself out. */
async function revoke(tx: Tx, by: KeyHolder, clientId: string, keyId: string, now: Date, reason?: string) {
  await lockClient(tx, clientId);
  const key = await tx.apiKey.findUnique({ where: { id: keyId } });
  if (!key || key.clientId !== clientId) throw keyNotFound(keyId);
  if (clientId === by.clientId && key.prefix === by.keyPrefix) {
    throw new DomainError(
      'conflict',
      'key_in_use',
      '不能吊销本次请求正在使用的密钥; 请先用新密钥调用, 或改用轮换 (overlapHours: 0)',
    );
  }
  if (key.revokedAt) {
    throw new DomainError('conflict', 'key_already_revoked', `密钥 ${key.prefix} 已于此前吊销`);
  }
  const row = await tx.apiKey.update({
    where: { id: keyId },
    data: { revokedAt: now, revokedBy: by.clientId },
  });
  await appendAudit(tx, {
    actor: by.clientId,
    action: 'key_revoked',
    target: clientId,
    data: { clientId, keyId, prefix: key.prefix, reason: reason ?? null },
  });
  return row;
}

/** An administrator revokes a key of any client (its own under the newest-key rule). */
export async function revokeClientKey(
  deps: KeyDeps,
  by: KeyHolder,
  clientId: string,
  keyId: string,
  reason?: string,
): Promise<KeyRecord> {
  const { row, clientRevoked } = await deps.db.$transaction(async (tx) => {
    await newestKeyOnly(tx, by, clientId, clockOf(deps));
    const row = await revoke(tx, by, clientId, keyId, clockOf(deps), reason);
    const client = await tx.apiClient.findUniqueOrThrow({ where: { id: clientId } });
    return { row, clientRevoked: !!client.revokedAt };
  });
  return keyRecord(row, clientRevoked, clockOf(deps));
}

/** A client revokes another of its own keys; another client's key is answered as missing, and audited. */
export async function revokeOwnKey(
  deps: KeyDeps,
  by: KeyHolder,
  keyId: string,
  reason?: string,
): Promise<KeyRecord> {
  const row = await deps.db.$transaction(async (tx) => {
    await newestKeyOnly(tx, by, by.clientId, clockOf(deps));
    const target = await tx.apiKey.findUnique({ where: { id: keyId }, select: { clientId: true } });
    if (target && target.clientId !== by.clientId) {
      throw new AccessDenied('key of another client', { keyId }, keyNotFound(keyId));
    }
    return revoke(tx, by, by.clientId, keyId, clockOf(deps), reason);
  });
  return keyRecord(row, false, clockOf(deps));
}
