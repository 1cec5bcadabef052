import type { Response } from 'express';
import { appendAudit } from '../../audit/log';
import type { Prisma } from '../../prisma/client';
import type { AppDeps } from '../app';
import { newApiKey, recordDenied, type Principal } from '../auth';
import { ALL_ROLES, decodeTimeCursor, encodeCursor, pageOf, type ApiBuilder } from '../endpoint';
import { Problem } from '../problem';
import { Refusal, SUPERSEDED_NOTE, committing, lockClient, newestKeyOnly, validKeyWhere } from './key-guard';
import {
  MAX_ACTIVE_KEYS,
  clientView,
  createClientBody,
  createdClient,
  idParam,
  issueKeyBody,
  issuedKeyResponse,
  keyParam,
  keyView,
  listClientsQuery,
  listKeysQuery,
  meView,
  ownKeyParam,
  revokeBody,
} from './client-schemas';

/**
 * Identity administration (issue 5): every department system has its own credentials; keys are stored only as
 * hashes, shown once, rotated with an overlap window and revoked at once. Every change is one transaction with
 * its audit row; no secret ever reaches the audit log or the logs.
 */

type Tx = Prisma.TransactionClient;
type KeyRow = {
  id: string;
  prefix: string;
  label: string | null;
  createdAt: Date;
  createdBy: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
};
type ClientRow = {
  id: string;
  name: string;
  role: Principal['role'];
  departmentId: string | null;
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  department: { name: string } | null;
  keys: KeyRow[];
};

const SECRET_NOTICE =
  '密钥只在本响应中显示这一次, 服务端只保存其哈希, 无法找回; 请立即妥善保存, 不要写入日志或代码库。';
const HOUR = 3_600_000;

const withValidKeys = (now: Date) =>
  ({
    department: { select: { name: true } },
    keys: { where: validKeyWhere(now), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
  }) satisfies Prisma.ApiClientInclude;

function keyOf(k: KeyRow, clientRevoked: boolean, now: Date) {
  const status =
    k.revokedAt || clientRevoked ? 'revoked' : k.expiresAt && k.expiresAt <= now ? 'expired' : 'active';
  return {
    id: k.id,
    prefix: k.prefix,
    label: k.label,
    status,
    createdAt: k.createdAt.toISOString(),
    createdBy: k.createdBy,
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    revokedBy: k.revokedBy,
  } as const;
}

function clientOf(c: ClientRow, now: Date) {
  return {
    id: c.id,
    name: c.name,
    role: c.role,
    departmentId: c.departmentId,
    departmentName: c.department?.name ?? null,
    createdAt: c.createdAt.toISOString(),
    createdBy: c.createdBy,
    revokedAt: c.revokedAt?.toISOString() ?? null,
    revokedBy: c.revokedBy,
    keys: c.keys.map((k) => keyOf(k, !!c.revokedAt, now)),
  };
}

/** Responses carrying a plaintext key must not be kept by any cache or proxy. */
function noStore(res: Response): Response {
  return res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
}

const clientNotFound = (id: string) => new Problem(404, 'client_not_found', `客户端 ${id} 不存在`);
const keyNotFound = (id: string) => new Problem(404, 'key_not_found', `密钥 ${id} 不存在或不属于该客户端`);

interface IssueInput {
  overlapHours: number;
  label?: string;
  expiresAt?: string;
}

/**
 * Issues a new key and bounds every other valid key of the client to `now + overlap`: during the window both
 * old and new keys work, so a department system can switch over without downtime; afterwards only the new one.
 */
async function issueKey(tx: Tx, clientId: string, actor: string, input: IssueInput) {
  await lockClient(tx, clientId);
  const client = await tx.apiClient.findUnique({ where: { id: clientId } });
  if (!client) throw clientNotFound(clientId);
  if (client.revokedAt) throw new Problem(409, 'client_revoked', '该客户端已被吊销, 不能再签发密钥');
  const now = new Date();
  const others = await tx.apiKey.findMany({
    where: { clientId, ...validKeyWhere(now) },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  // with overlap 0 the others stop now, so only the new key remains valid
  const validAfter = (input.overlapHours > 0 ? others.length : 0) + 1;
  if (validAfter > MAX_ACTIVE_KEYS) {
    throw new Problem(
      409,
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
    expiring.push({ id: k.id, prefix: k.prefix, label: k.label, expiresAt: until.toISOString() });
  }
  const fresh = newApiKey();
  const row = await tx.apiKey.create({
    data: {
      clientId,
      prefix: fresh.prefix,
      hash: fresh.hash,
      label: input.label,
      createdBy: actor,
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : undefined,
    },
  });
  await appendAudit(tx, {
    actor,
    action: 'key_issued',
    target: clientId,
    data: {
      clientId,
      keyId: row.id,
      prefix: row.prefix,
      label: row.label,
      expiresAt: row.expiresAt?.toISOString() ?? null,
      overlapHours: input.overlapHours,
      expiring: expiring.map((e) => ({ keyId: e.id, prefix: e.prefix, expiresAt: e.expiresAt })),
    },
  });
  return {
    key: {
      id: row.id,
      prefix: row.prefix,
      label: row.label,
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt?.toISOString() ?? null,
      secret: fresh.key,
    },
    expiring,
    notice: SECRET_NOTICE,
  };
}

async function revokeKey(
  tx: Tx,
  clientId: string,
  keyId: string,
  actor: string,
  inUsePrefix: string | undefined,
  reason: string | undefined,
) {
  await lockClient(tx, clientId);
  const key = await tx.apiKey.findUnique({ where: { id: keyId } });
  if (!key || key.clientId !== clientId) throw keyNotFound(keyId);
  if (key.prefix === inUsePrefix) {
    throw new Problem(
      409,
      'key_in_use',
      '不能吊销本次请求正在使用的密钥; 请先用新密钥调用, 或改用轮换 (overlapHours: 0)',
    );
  }
  if (key.revokedAt) throw new Problem(409, 'key_already_revoked', `密钥 ${key.prefix} 已于此前吊销`);
  const row = await tx.apiKey.update({
    where: { id: keyId },
    data: { revokedAt: new Date(), revokedBy: actor },
  });
  await appendAudit(tx, {
    actor,
    action: 'key_revoked',
    target: clientId,
    data: { clientId, keyId, prefix: key.prefix, reason: reason ?? null },
  });
  return row;
}

export function registerClientRoutes(api: ApiBuilder, deps: AppDeps): void {
  const { db } = deps;

  async function loadClient(id: string, now: Date): Promise<ClientRow> {
    const c = await db.apiClient.findUnique({ where: { id }, include: withValidKeys(now) });
    if (!c) throw clientNotFound(id);
    return c;
  }

  api.add({
    method: 'get',
    path: '/me',
    operationId: 'getMe',
    summary: '查看调用方自身的身份、所属部门和正在使用的密钥 (用于核对接入凭据)',
    tag: 'identity',
    roles: ALL_ROLES,
    responses: { 200: { description: '调用方身份', schema: meView } },
    async handle({ res, principal }) {
      const now = new Date();
      const [c, key] = await Promise.all([
        loadClient(principal.clientId, now),
        db.apiKey.findUniqueOrThrow({ where: { id: principal.keyId } }),
      ]);
      res.json({
        clientId: c.id,
        name: c.name,
        role: c.role,
        departmentId: c.departmentId,
        departmentName: c.department?.name ?? null,
        key: {
          id: key.id,
          prefix: key.prefix,
          label: key.label,
          createdAt: key.createdAt.toISOString(),
          expiresAt: key.expiresAt?.toISOString() ?? null,
        },
        keys: c.keys.map((k) => keyOf(k, false, now)),
      });
    },
  });

  api.add({
    method: 'post',
    path: '/me/keys',
    operationId: 'rotateOwnKey',
    summary: '为调用方自身签发新密钥 (轮换): 其余有效密钥在过渡期结束时失效',
    description:
      '部门业务系统无需管理员即可轮换自己的密钥。新密钥立即可用; 其余仍有效的密钥 (包括本次所用的) 最迟在 overlapHours 小时后失效。新密钥只在响应中出现一次。',
    tag: 'identity',
    roles: ALL_ROLES,
    body: issueKeyBody,
    responses: { 201: { description: '新密钥 (只显示一次)', schema: issuedKeyResponse } },
    problems: { 403: SUPERSEDED_NOTE, 409: `有效密钥已达 ${MAX_ACTIVE_KEYS} 个 (too_many_keys)` },
    async handle({ req, res, principal, body }) {
      const out = await committing(
        db,
        async (tx) =>
          (await newestKeyOnly(tx, req, principal, principal.clientId)) ??
          issueKey(tx, principal.clientId, principal.clientId, body),
      );
      noStore(res).status(201).json(out);
    },
  });

  api.add({
    method: 'post',
    path: '/me/keys/{keyId}/revoke',
    operationId: 'revokeOwnKey',
    summary: '吊销调用方自己的另一个密钥 (不能是本次请求所用的), 立即生效',
    tag: 'identity',
    roles: ALL_ROLES,
    params: ownKeyParam,
    body: revokeBody,
    responses: { 200: { description: '已吊销的密钥', schema: keyView } },
    problems: {
      403: SUPERSEDED_NOTE,
      404: '密钥不存在或不属于调用方 (key_not_found)',
      409: '密钥已吊销 (key_already_revoked), 或是本次请求所用的密钥 (key_in_use)',
    },
    async handle({ req, res, principal, params, body }) {
      const row = await committing(db, async (tx) => {
        const refused = await newestKeyOnly(tx, req, principal, principal.clientId);
        if (refused) return refused;
        const target = await tx.apiKey.findUnique({
          where: { id: params.keyId },
          select: { clientId: true },
        });
        if (target && target.clientId !== principal.clientId) {
          // another client's credential: answered like a missing key, but on record as a denied attempt
          await recordDenied(tx, req, principal, 'key of another client', { keyId: params.keyId });
          return new Refusal(keyNotFound(params.keyId));
        }
        return revokeKey(
          tx,
          principal.clientId,
          params.keyId,
          principal.clientId,
          principal.keyPrefix,
          body.reason,
        );
      });
      res.json(keyOf(row, false, new Date()));
    },
  });

  api.add({
    method: 'post',
    path: '/clients',
    operationId: 'createClient',
    summary: '登记新的接入客户端 (部门业务系统、监督方或管理员) 并签发第一个密钥',
    description:
      '部门业务系统 (DEPARTMENT) 只代表一个部门 (departmentId 必填); 监督方 (SUPERVISOR) 可属协调办公室、共享主管部门或统筹管理部门; 管理员不属任何部门。密钥只在响应中显示一次。',
    tag: 'identity',
    roles: ['ADMIN'],
    body: createClientBody,
    responses: { 201: { description: '新客户端及其第一个密钥 (只显示一次)', schema: createdClient } },
    problems: {
      422: '部门不存在 (unknown_department), 或不是可承担监督职责的部门 (not_a_supervising_department)',
    },
    async handle({ res, principal, body }) {
      const now = new Date();
      if (body.departmentId) {
        const dept = await db.department.findUnique({ where: { id: body.departmentId } });
        if (!dept) {
          throw new Problem(422, 'unknown_department', `部门 ${body.departmentId} 不存在`, {
            departmentId: body.departmentId,
          });
        }
        // supervision belongs to the coordination office, the share authority and the management department
        if (
          body.role === 'SUPERVISOR' &&
          !dept.isCoordinationOffice &&
          !dept.isShareAuthority &&
          !dept.isManagementDept
        ) {
          throw new Problem(
            422,
            'not_a_supervising_department',
            `部门 ${dept.name} 不是协调办公室、共享主管部门或统筹管理部门, 不能登记为监督方`,
          );
        }
      }
      const out = await db.$transaction(async (tx) => {
        const fresh = newApiKey();
        const client = await tx.apiClient.create({
          data: {
            name: body.name,
            role: body.role,
            departmentId: body.departmentId,
            createdBy: principal.clientId,
            keys: {
              create: {
                prefix: fresh.prefix,
                hash: fresh.hash,
                label: body.label,
                createdBy: principal.clientId,
                expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
              },
            },
          },
          include: withValidKeys(now),
        });
        const key = client.keys[0];
        await appendAudit(tx, {
          actor: principal.clientId,
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
        return {
          client: clientOf(client, now),
          key: {
            id: key.id,
            prefix: key.prefix,
            label: key.label,
            createdAt: key.createdAt.toISOString(),
            expiresAt: key.expiresAt?.toISOString() ?? null,
            secret: fresh.key,
          },
          notice: SECRET_NOTICE,
        };
      });
      noStore(res).status(201).location(`/api/v1/clients/${out.client.id}`).json(out);
    },
  });

  api.add({
    method: 'get',
    path: '/clients',
    operationId: 'listClients',
    summary: '客户端列表 (按登记时间, 游标分页), 含各自当前有效的密钥',
    tag: 'identity',
    roles: ['ADMIN'],
    query: listClientsQuery,
    responses: { 200: { description: '一页客户端', schema: pageOf(clientView) } },
    async handle({ res, query: q }) {
      const now = new Date();
      const where: Prisma.ApiClientWhereInput[] = [];
      if (q.role) where.push({ role: q.role });
      if (q.departmentId) where.push({ departmentId: q.departmentId });
      if (q.revoked !== undefined) where.push({ revokedAt: q.revoked ? { not: null } : null });
      if (q.cursor) {
        const { at: createdAt, id } = decodeTimeCursor(q.cursor);
        where.push({ OR: [{ createdAt: { gt: createdAt } }, { createdAt, id: { gt: id } }] });
      }
      const rows = await db.apiClient.findMany({
        where: { AND: where },
        include: withValidKeys(now),
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      res.json({
        items: page.map((c) => clientOf(c, now)),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
      });
    },
  });

  api.add({
    method: 'get',
    path: '/clients/{id}',
    operationId: 'getClient',
    summary: '查看一个客户端及其当前有效的密钥',
    tag: 'identity',
    roles: ['ADMIN'],
    params: idParam,
    responses: { 200: { description: '客户端', schema: clientView } },
    problems: { 404: '客户端不存在 (client_not_found)' },
    async handle({ res, params }) {
      const now = new Date();
      res.json(clientOf(await loadClient(params.id, now), now));
    },
  });

  api.add({
    method: 'get',
    path: '/clients/{id}/keys',
    operationId: 'listClientKeys',
    summary: '一个客户端的全部密钥, 含已过期和已吊销的 (新的在前, 游标分页)',
    tag: 'identity',
    roles: ['ADMIN'],
    params: idParam,
    query: listKeysQuery,
    responses: { 200: { description: '一页密钥', schema: pageOf(keyView) } },
    problems: { 404: '客户端不存在 (client_not_found)' },
    async handle({ res, params, query: q }) {
      const now = new Date();
      const client = await db.apiClient.findUnique({ where: { id: params.id } });
      if (!client) throw clientNotFound(params.id);
      const where: Prisma.ApiKeyWhereInput = { clientId: client.id };
      if (q.cursor) {
        const { at: createdAt, id } = decodeTimeCursor(q.cursor);
        where.OR = [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }];
      }
      const rows = await db.apiKey.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      res.json({
        items: page.map((k) => keyOf(k, !!client.revokedAt, now)),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
      });
    },
  });

  api.add({
    method: 'post',
    path: '/clients/{id}/keys',
    operationId: 'issueClientKey',
    summary: '为客户端签发新密钥 (轮换): 其余有效密钥在过渡期结束时失效',
    tag: 'identity',
    roles: ['ADMIN'],
    params: idParam,
    body: issueKeyBody,
    responses: { 201: { description: '新密钥 (只显示一次)', schema: issuedKeyResponse } },
    problems: {
      403: `调用方角色无权执行此操作; 或管理员为自己的客户端签发时, ${SUPERSEDED_NOTE}`,
      404: '客户端不存在 (client_not_found)',
      409: `客户端已吊销 (client_revoked), 或有效密钥已达 ${MAX_ACTIVE_KEYS} 个 (too_many_keys)`,
    },
    async handle({ req, res, principal, params, body }) {
      const out = await committing(
        db,
        async (tx) =>
          (await newestKeyOnly(tx, req, principal, params.id)) ??
          issueKey(tx, params.id, principal.clientId, body),
      );
      noStore(res).status(201).json(out);
    },
  });

  api.add({
    method: 'post',
    path: '/clients/{id}/keys/{keyId}/revoke',
    operationId: 'revokeClientKey',
    summary: '立即吊销客户端的一个密钥',
    tag: 'identity',
    roles: ['ADMIN'],
    params: keyParam,
    body: revokeBody,
    responses: { 200: { description: '已吊销的密钥', schema: keyView } },
    problems: {
      403: `调用方角色无权执行此操作; 或管理员吊销自己客户端的密钥时, ${SUPERSEDED_NOTE}`,
      404: '客户端或密钥不存在 (key_not_found)',
      409: '密钥已吊销 (key_already_revoked), 或是本次请求所用的密钥 (key_in_use)',
    },
    async handle({ req, res, principal, params, body }) {
      // an admin revoking the key it is calling with would lock itself out mid-request
      const inUse = params.id === principal.clientId ? principal.keyPrefix : undefined;
      const row = await committing(
        db,
        async (tx) =>
          (await newestKeyOnly(tx, req, principal, params.id)) ??
          revokeKey(tx, params.id, params.keyId, principal.clientId, inUse, body.reason),
      );
      const client = await db.apiClient.findUniqueOrThrow({ where: { id: params.id } });
      res.json(keyOf(row, !!client.revokedAt, new Date()));
    },
  });

  api.add({
    method: 'post',
    path: '/clients/{id}/revoke',
    operationId: 'revokeClient',
    summary: '吊销客户端: 其全部密钥立即失效',
    tag: 'identity',
    roles: ['ADMIN'],
    params: idParam,
    body: revokeBody,
    responses: { 200: { description: '已吊销的客户端', schema: clientView } },
    problems: {
      404: '客户端不存在 (client_not_found)',
      409: '不能吊销调用方自己 (cannot_revoke_self), 或客户端已吊销 (client_already_revoked)',
    },
    async handle({ res, principal, params, body }) {
      if (params.id === principal.clientId) {
        throw new Problem(409, 'cannot_revoke_self', '不能吊销调用方自己; 请由另一位管理员操作');
      }
      const now = new Date();
      await db.$transaction(async (tx) => {
        await lockClient(tx, params.id);
        const client = await tx.apiClient.findUnique({ where: { id: params.id } });
        if (!client) throw clientNotFound(params.id);
        if (client.revokedAt)
          throw new Problem(409, 'client_already_revoked', `客户端 ${client.name} 已于此前吊销`);
        await tx.apiClient.update({
          where: { id: client.id },
          data: { revokedAt: now, revokedBy: principal.clientId },
        });
        // the client's revocation alone stops its keys; marking them too keeps each key's record self-evident
        const keys = await tx.apiKey.findMany({ where: { clientId: client.id, revokedAt: null } });
        await tx.apiKey.updateMany({
          where: { clientId: client.id, revokedAt: null },
          data: { revokedAt: now, revokedBy: principal.clientId },
        });
        await appendAudit(tx, {
          actor: principal.clientId,
          action: 'client_revoked',
          target: client.id,
          data: {
            clientId: client.id,
            name: client.name,
            keys: keys.map((k) => ({ keyId: k.id, prefix: k.prefix })),
            reason: body.reason ?? null,
          },
        });
      });
      const c = await loadClient(params.id, now);
      res.json(clientOf(c, now));
    },
  });
}
