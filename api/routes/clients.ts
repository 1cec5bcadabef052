import type { Response } from 'express';
import {
  createClient,
  getClient,
  listClientKeys,
  listClients,
  revokeClient,
  whoAmI,
  type ClientRecord,
} from '../../core/identity/clients';
import {
  MAX_ACTIVE_KEYS,
  issueKey,
  revokeClientKey,
  revokeOwnKey,
  type IssuedKey,
  type KeyDeps,
  type KeyRecord,
} from '../../core/identity/keys';
import type { AppDeps } from '../deps';
import { newApiKey } from '../../core/identity/key-material';
import { auditingDenials } from '../denials';
import { ALL_ROLES, pageOf, type ApiBuilder } from '../endpoint';
import {
  SUPERSEDED_NOTE,
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
import { beijingInstant } from '../../calendar/dates';

/**
 * Identity administration over HTTP (issue 5; the rules are core/identity): clients, their keys, the caller
 * itself. Responses carrying a key's secret are never cached.
 */

const SECRET_NOTICE =
  '密钥只在本响应中显示这一次, 服务端只保存其哈希, 无法找回; 请立即妥善保存, 不要写入日志或代码库。';

const iso = (d: Date | null) => (d ? beijingInstant(d) : null);

function keyJson(k: KeyRecord) {
  return {
    ...k,
    createdAt: beijingInstant(k.createdAt),
    expiresAt: iso(k.expiresAt),
    revokedAt: iso(k.revokedAt),
  };
}

function clientJson(c: ClientRecord) {
  return {
    ...c,
    createdAt: beijingInstant(c.createdAt),
    revokedAt: iso(c.revokedAt),
    keys: c.keys.map(keyJson),
  };
}

function issuedJson({ key, secret }: IssuedKey) {
  return { ...key, createdAt: beijingInstant(key.createdAt), expiresAt: iso(key.expiresAt), secret };
}

/** Responses carrying a plaintext key must not be kept by any cache or proxy. */
function noStore(res: Response): Response {
  return res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
}

const toDate = (s: string | undefined) => (s ? new Date(s) : undefined);

export function registerClientRoutes(api: ApiBuilder, deps: AppDeps): void {
  const { db } = deps;
  // the real clock, as the key check at authentication uses (api/auth.ts)
  const keys: KeyDeps = { db, newKey: newApiKey };

  api.add({
    method: 'get',
    path: '/me',
    operationId: 'getMe',
    summary: '查看调用方自身的身份、所属部门和正在使用的密钥 (用于核对接入凭据)',
    tag: 'identity',
    roles: ALL_ROLES,
    responses: { 200: { description: '调用方身份', schema: meView } },
    async handle({ res, principal }) {
      const { client: c, key } = await whoAmI(keys, principal);
      res.json({
        clientId: c.id,
        name: c.name,
        role: c.role,
        departmentId: c.departmentId,
        departmentName: c.departmentName,
        key: {
          id: key.id,
          prefix: key.prefix,
          label: key.label,
          createdAt: beijingInstant(key.createdAt),
          expiresAt: iso(key.expiresAt),
        },
        keys: c.keys.map(keyJson),
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
      const out = await auditingDenials(db, req, principal, () =>
        issueKey(keys, principal, principal.clientId, { ...body, expiresAt: toDate(body.expiresAt) }),
      );
      noStore(res).status(201).json(issuedResponse(out));
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
      const key = await auditingDenials(db, req, principal, () =>
        revokeOwnKey(keys, principal, params.keyId, body.reason),
      );
      res.json(keyJson(key));
    },
  });

  api.add({
    method: 'post',
    path: '/clients',
    operationId: 'createClient',
    summary: '登记新的接入客户端 (部门业务系统、监督方或管理员) 并签发第一个密钥',
    description:
      '部门业务系统 (DEPARTMENT) 只代表一个部门 (departmentId 必填); 监督方 (SUPERVISOR) 可属协调办公室、共享主管部门、统筹管理部门或盟市级部门 (盟市级监督方只能查看和督办本盟市及所辖旗县的部门与案件, 第十条); 管理员不属任何部门。密钥只在响应中显示一次。',
    tag: 'identity',
    roles: ['ADMIN'],
    body: createClientBody,
    responses: { 201: { description: '新客户端及其第一个密钥 (只显示一次)', schema: createdClient } },
    problems: {
      422: '部门不存在 (unknown_department), 或不是可承担监督职责的部门 (not_a_supervising_department)',
    },
    async handle({ res, principal, body }) {
      const out = await createClient(keys, principal, { ...body, expiresAt: toDate(body.expiresAt) });
      noStore(res)
        .status(201)
        .location(`/api/v1/clients/${out.client.id}`)
        .json({ client: clientJson(out.client), key: issuedJson(out), notice: SECRET_NOTICE });
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
    async handle({ res, query }) {
      const page = await listClients(keys, query);
      res.json({ items: page.items.map(clientJson), nextCursor: page.nextCursor });
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
      res.json(clientJson(await getClient(keys, params.id)));
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
    async handle({ res, params, query }) {
      const page = await listClientKeys(keys, params.id, query);
      res.json({ items: page.items.map(keyJson), nextCursor: page.nextCursor });
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
      const out = await auditingDenials(db, req, principal, () =>
        issueKey(keys, principal, params.id, { ...body, expiresAt: toDate(body.expiresAt) }),
      );
      noStore(res).status(201).json(issuedResponse(out));
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
      const key = await auditingDenials(db, req, principal, () =>
        revokeClientKey(keys, principal, params.id, params.keyId, body.reason),
      );
      res.json(keyJson(key));
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
      res.json(clientJson(await revokeClient(keys, principal, params.id, body.reason)));
    },
  });
}

function issuedResponse(out: Awaited<ReturnType<typeof issueKey>>) {
  return {
    key: issuedJson(out),
    expiring: out.expiring.map((e) => ({ ...e, expiresAt: beijingInstant(e.expiresAt) })),
    notice: SECRET_NOTICE,
  };
}
