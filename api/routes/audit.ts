import { z } from 'zod';
import type { AppDeps } from '../deps';
import { instantInput, pageOf, pageQuery, type ApiBuilder } from '../endpoint';
import { closeAuthFailureBuckets } from '../auth-failure-audit';
import { auditingDenials } from '../denials';
import { listAuditEvents, verifyAuditEvents, type AuditDeps } from '../../core/audit-events';

const instant = instantInput;

const auditQuery = z
  .object({
    action: z
      .string()
      .regex(/^[a-z_]{1,64}$/, 'action 应为小写字母和下划线')
      .optional()
      .openapi({
        description:
          '如 access_denied、access_decision、case_started、key_issued、auth_failed (每个来源地址每分钟一条)',
      }),
    actor: z.string().max(100).optional().openapi({ description: '客户端 id' }),
    target: z.string().max(200).optional().openapi({ description: '目标前缀, 如案件号或资源编号' }),
    since: instant.optional(),
    until: instant.optional(),
    ...pageQuery,
  })
  .strict();

const auditEvent = z
  .object({
    id: z.string().openapi({ description: '递增序号 (十进制字符串)' }),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    target: z.string().nullable(),
    data: z.unknown(),
    hash: z.string(),
    prevHash: z.string(),
  })
  .openapi('AuditEvent');

const verification = z.object({
  intact: z.boolean(),
  rows: z.number().int(),
  firstBrokenId: z.string().nullable(),
  checkedAt: z.string(),
});

/** The share and query logs (core/audit-events.ts) over HTTP, for supervisors and administrators. */
export function registerAuditRoutes(api: ApiBuilder, deps: AppDeps): void {
  const { db } = deps;
  // failed authentications whose minute is over are written first, so a reader sees them (issue 10)
  const audit: AuditDeps = { db, flushPending: () => closeAuthFailureBuckets(db) };

  api.add({
    method: 'get',
    path: '/audit-events',
    operationId: 'listAuditEvents',
    summary: '共享、查询与访问日志 (第二十四条, 只增不改), 最新在前, 游标分页',
    tag: 'audit',
    roles: ['SUPERVISOR', 'ADMIN'],
    query: auditQuery,
    responses: { 200: { description: '一页日志', schema: pageOf(auditEvent) } },
    async handle({ req, res, principal, query: q }) {
      const page = await auditingDenials(db, req, principal, () =>
        listAuditEvents(audit, principal, {
          ...q,
          since: q.since ? new Date(q.since) : undefined,
          until: q.until ? new Date(q.until) : undefined,
        }),
      );
      res.json({
        items: page.items.map((e) => ({ ...e, at: e.at.toISOString() })),
        nextCursor: page.nextCursor,
      });
    },
  });

  api.add({
    method: 'get',
    path: '/audit-events/verification',
    operationId: 'verifyAuditEvents',
    summary: '校验日志哈希链: 是否有记录被改动或删除',
    description: '逐条重算哈希 (全表扫描, 日志量大时耗时较长)。firstBrokenId 为第一条对不上的记录。',
    tag: 'audit',
    roles: ['SUPERVISOR', 'ADMIN'],
    responses: { 200: { description: '校验结果', schema: verification } },
    async handle({ req, res, principal }) {
      const v = await auditingDenials(db, req, principal, () => verifyAuditEvents(audit, principal));
      res.json({ ...v, checkedAt: v.checkedAt.toISOString() });
    },
  });
}
