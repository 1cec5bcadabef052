import { z } from 'zod';
import type { AppDeps } from '../app';
import { decodeCursor, instantInput, pageFrom, pageOf, pageQuery, type ApiBuilder } from '../endpoint';
import { closeAuthFailureBuckets } from '../auth-failure-audit';
import { Problem } from '../problem';
import { verifyAuditChain } from '../../audit/log';
import type { Prisma } from '../../prisma/client';

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

/**
 * The share and query logs (第二十四条) for those who supervise: every denial, access decision, key and case
 * event, newest first; and a check that the hash chain is unbroken.
 */
export function registerAuditRoutes(api: ApiBuilder, deps: AppDeps): void {
  const { db } = deps;

  api.add({
    method: 'get',
    path: '/audit-events',
    operationId: 'listAuditEvents',
    summary: '共享、查询与访问日志 (第二十四条, 只增不改), 最新在前, 游标分页',
    tag: 'audit',
    roles: ['SUPERVISOR', 'ADMIN'],
    query: auditQuery,
    responses: { 200: { description: '一页日志', schema: pageOf(auditEvent) } },
    async handle({ res, query: q }) {
      // failed authentications whose minute is over are written now, so a reader sees them (issue 10)
      await closeAuthFailureBuckets(db);
      const and: Prisma.AuditLogWhereInput[] = [];
      if (q.action) and.push({ action: q.action });
      if (q.actor) and.push({ actor: q.actor });
      if (q.target) and.push({ target: { startsWith: q.target } });
      if (q.since) and.push({ at: { gte: new Date(q.since) } });
      if (q.until) and.push({ at: { lt: new Date(q.until) } });
      if (q.cursor) {
        const [id] = decodeCursor(q.cursor, 1);
        // a bigint id: anything beyond Postgres's range is a forged cursor
        if (typeof id !== 'string' || !/^\d{1,19}$/.test(id) || BigInt(id) > 9223372036854775807n) {
          throw new Problem(400, 'invalid_cursor', '分页游标 (cursor) 无效');
        }
        and.push({ id: { lt: BigInt(id) } });
      }
      const rows = await db.auditLog.findMany({
        where: { AND: and },
        orderBy: { id: 'desc' },
        take: q.limit + 1,
      });
      res.json(
        pageFrom(
          rows,
          q.limit,
          (r) => [r.id.toString()],
          (r) => ({
            id: r.id.toString(),
            at: r.at.toISOString(),
            actor: r.actor,
            action: r.action,
            target: r.target,
            data: r.data,
            hash: r.hash,
            prevHash: r.prevHash,
          }),
        ),
      );
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
    async handle({ res }) {
      await closeAuthFailureBuckets(db);
      const [broken, rows] = await Promise.all([verifyAuditChain(db), db.auditLog.count()]);
      res.json({
        intact: broken === undefined,
        rows,
        firstBrokenId: broken?.toString() ?? null,
        checkedAt: new Date().toISOString(),
      });
    },
  });
}
