/**
 * API clients (第二十二、二十三条): every department system, supervisor and administrator has its own
 * credentials. A department system acts for exactly one department; supervision belongs to the coordination
 * office, the share authority and the management department. Every change is one transaction with its audit
 * row; keys are those of ./keys.
 */
import type { Prisma } from '../../prisma/client';
import { appendAudit } from '../../audit/log';
import type { Actor, Role } from '../actor';
import { DomainError } from '../errors';
import { decodeTimeCursor, pageFrom } from '../paging';
import {
  clientNotFound,
  clockOf,
  keyRecord,
  lockClient,
  validKeyWhere,
  type IssuedKey,
  type KeyDeps,
  type KeyHolder,
  type KeyRecord,
} from './keys';

export interface ClientRecord {
  id: string;
  name: string;
  role: Role;
  departmentId: string | null;
  departmentName: string | null;
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  /** the keys valid now (all keys: listClientKeys) */
  keys: KeyRecord[];
}

type ClientDeps = Omit<KeyDeps, 'newKey'>;
type Page<T> = { items: T[]; nextCursor: string | null };

const withValidKeys = (now: Date) =>
  ({
    department: { select: { name: true } },
    keys: { where: validKeyWhere(now), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
  }) satisfies Prisma.ApiClientInclude;
type ClientRow = Prisma.ApiClientGetPayload<{ include: ReturnType<typeof withValidKeys> }>;

function clientRecord(c: ClientRow, now: Date): ClientRecord {
  return {
    id: c.id,
    name: c.name,
    role: c.role,
    departmentId: c.departmentId,
    departmentName: c.department?.name ?? null,
    createdAt: c.createdAt,
    createdBy: c.createdBy,
    revokedAt: c.revokedAt,
    revokedBy: c.revokedBy,
    keys: c.keys.map((k) => keyRecord(k, !!c.revokedAt, now)),
  };
}

export async function getClient(deps: ClientDeps, id: string, now = clockOf(deps)): Promise<ClientRecord> {
  const c = await deps.db.apiClient.findUnique({ where: { id }, include: withValidKeys(now) });
  if (!c) throw clientNotFound(id);
  return clientRecord(c, now);
}

/** The caller itself: its client, the key of this request and all its valid keys. */
export async function whoAmI(deps: ClientDeps, by: KeyHolder) {
  const now = clockOf(deps);
  const [client, key] = await Promise.all([
    getClient(deps, by.clientId, now),
    deps.db.apiKey.findUniqueOrThrow({ where: { id: by.keyId } }),
  ]);
  // the caller's client is not revoked, or its key would not have authenticated
  return { client, key: keyRecord(key, false, now) };
}

export interface NewClient {
  name: string;
  role: Role;
  departmentId?: string;
  label?: string;
  expiresAt?: Date;
}

/** Registers a client with its first key; the secret is in the result only. */
export async function createClient(
  deps: KeyDeps,
  by: Actor,
  input: NewClient,
): Promise<IssuedKey & { client: ClientRecord }> {
  const now = clockOf(deps);
  if (input.departmentId) {
    const dept = await deps.db.department.findUnique({ where: { id: input.departmentId } });
    if (!dept) {
      throw new DomainError('unprocessable', 'unknown_department', `部门 ${input.departmentId} 不存在`, {
        departmentId: input.departmentId,
      });
    }
    // a 盟市 (盟行政公署/市人民政府) supervises its own 盟市 and the 旗县 below it (第十条, core/supervision-scope.ts)
    if (
      input.role === 'SUPERVISOR' &&
      !dept.isCoordinationOffice &&
      !dept.isShareAuthority &&
      !dept.isManagementDept &&
      dept.level !== 'LEAGUE_CITY'
    ) {
      throw new DomainError(
        'unprocessable',
        'not_a_supervising_department',
        `部门 ${dept.name} 不是协调办公室、共享主管部门、统筹管理部门或盟市级部门, 不能登记为监督方`,
      );
    }
  }
  return deps.db.$transaction(async (tx) => {
    const fresh = deps.newKey();
    const client = await tx.apiClient.create({
      data: {
        name: input.name,
        role: input.role,
        departmentId: input.departmentId,
        createdBy: by.clientId,
        keys: {
          create: {
            prefix: fresh.prefix,
            hash: fresh.hash,
            label: input.label,
            createdBy: by.clientId,
            expiresAt: input.expiresAt,
          },
        },
      },
      include: withValidKeys(now),
    });
    const key = client.keys[0];
    await appendAudit(tx, {
      actor: by.clientId,
      action: 'client_created',
      target: client.id,
      data: {
        clientId: client.id,
        name: client.name,
        role: client.role,
        departmentId: client.departmentId,
        keyId: key.id,
        prefix: key.prefix,
      },
    });
    const { id, prefix, label, createdAt, expiresAt } = key;
    return {
      client: clientRecord(client, now),
      key: { id, prefix, label, createdAt, expiresAt },
      secret: fresh.key,
    };
  });
}

export interface ClientFilter {
  role?: Role;
  departmentId?: string;
  revoked?: boolean;
  cursor?: string;
  limit: number;
}

/** Clients in the order they were registered (keyset paging on createdAt, id). */
export async function listClients(deps: ClientDeps, q: ClientFilter): Promise<Page<ClientRecord>> {
  const now = clockOf(deps);
  const where: Prisma.ApiClientWhereInput[] = [];
  if (q.role) where.push({ role: q.role });
  if (q.departmentId) where.push({ departmentId: q.departmentId });
  if (q.revoked !== undefined) where.push({ revokedAt: q.revoked ? { not: null } : null });
  if (q.cursor) {
    const { at: createdAt, id } = decodeTimeCursor(q.cursor);
    where.push({ OR: [{ createdAt: { gt: createdAt } }, { createdAt, id: { gt: id } }] });
  }
  const rows = await deps.db.apiClient.findMany({
    where: { AND: where },
    include: withValidKeys(now),
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: q.limit + 1,
  });
  return pageFrom(
    rows,
    q.limit,
    (c) => [c.createdAt.toISOString(), c.id],
    (c) => clientRecord(c, now),
  );
}

/** Every key of a client, expired and revoked ones included, newest first. */
export async function listClientKeys(
  deps: ClientDeps,
  clientId: string,
  q: { cursor?: string; limit: number },
): Promise<Page<KeyRecord>> {
  const now = clockOf(deps);
  const client = await deps.db.apiClient.findUnique({ where: { id: clientId } });
  if (!client) throw clientNotFound(clientId);
  const where: Prisma.ApiKeyWhereInput = { clientId: client.id };
  if (q.cursor) {
    const { at: createdAt, id } = decodeTimeCursor(q.cursor);
    where.OR = [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }];
  }
  const rows = await deps.db.apiKey.findMany({
    where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: q.limit + 1,
  });
  return pageFrom(
    rows,
    q.limit,
    (k) => [k.createdAt.toISOString(), k.id],
    (k) => keyRecord(k, !!client.revokedAt, now),
  );
}

/** Revokes a client: all its keys stop at once. Nobody revokes itself (another administrator must). */
export async function revokeClient(
  deps: ClientDeps,
  by: Actor,
  clientId: string,
  reason?: string,
): Promise<ClientRecord> {
  if (clientId === by.clientId) {
    throw new DomainError('conflict', 'cannot_revoke_self', '不能吊销调用方自己; 请由另一位管理员操作');
  }
  const now = clockOf(deps);
  await deps.db.$transaction(async (tx) => {
    await lockClient(tx, clientId);
    const client = await tx.apiClient.findUnique({ where: { id: clientId } });
    if (!client) throw clientNotFound(clientId);
    if (client.revokedAt) {
      throw new DomainError('conflict', 'client_already_revoked', `客户端 ${client.name} 已于此前吊销`);
    }
    await tx.apiClient.update({ where: { id: client.id }, data: { revokedAt: now, revokedBy: by.clientId } });
    // the client's revocation alone stops its keys; marking them too keeps each key's record self-evident
    const keys = await tx.apiKey.findMany({ where: { clientId: client.id, revokedAt: null } });
    await tx.apiKey.updateMany({
      where: { clientId: client.id, revokedAt: null },
      data: { revokedAt: now, revokedBy: by.clientId },
    });
    await appendAudit(tx, {
      actor: by.clientId,
      action: 'client_revoked',
      target: client.id,
      data: {
        clientId: client.id,
        name: client.name,
        keys: keys.map((k) => ({ keyId: k.id, prefix: k.prefix })),
        reason: reason ?? null,
      },
    });
  });
  return getClient(deps, clientId, now);
}
