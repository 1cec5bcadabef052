import { z } from 'zod';
import type { AppDeps } from '../deps';
import { instantInput, instantOutput, pageOf, pageQuery, type ApiBuilder } from '../endpoint';
import { closeAuthFailureBuckets } from '../auth-failure-audit';
import { auditingDenials } from '../denials';
import { listAuditEvents, verifyAuditEvents, type AuditDeps } from '../../core/audit-events';
import { auditPublicKey, exportAuditEvents } from '../../core/audit-proof';
import { contentDisposition } from '../../documents/files';
import { beijingInstant } from '../../calendar/dates';

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
    at: instantOutput,
    actor: z.string(),
    action: z.string(),
    target: z.string().nullable(),
    data: z.unknown(),
    hash: z.string(),
    prevHash: z.string(),
  })
  .openapi('AuditEvent');

const verification = z
  .object({
    intact: z
      .boolean()
      .openapi({ description: '哈希链、全部日摘要与删除记录的签名、各日摘要与链的对应均无误' }),
    rows: z.number().int(),
    firstBrokenId: z.string().nullable(),
    firstBrokenDay: z
      .string()
      .nullable()
      .openapi({ description: '签名日摘要与链不符的第一个日期 (北京时间)' }),
    keyId: z.string().openapi({ description: '校验所用签名公钥的编号' }),
    mode: z.enum(['incremental', 'full']),
    walkedFrom: z.object({
      kind: z.enum(['genesis', 'tombstone', 'checkpoint']),
      afterId: z.string(),
      day: z.string().nullable(),
    }),
    walkedRows: z.number().int().openapi({ description: '本次逐条重算的记录数' }),
    digests: z.object({ count: z.number().int(), signaturesValid: z.boolean(), anchorsValid: z.boolean() }),
    tombstones: z.object({
      count: z.number().int(),
      signaturesValid: z.boolean(),
      deletedEntries: z.number().int(),
    }),
    problems: z.array(z.string()),
    checkedAt: instantOutput,
  })
  .openapi('AuditVerification');

const verificationQuery = z
  .object({
    full: z
      .enum(['true', 'false'])
      .optional()
      .openapi({ description: 'true: 从头逐条重算 (默认只从上次已校验的日摘要之后重算)' }),
  })
  .strict();

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '应为日期 YYYY-MM-DD')
  .openapi({ description: '北京时间的日, 含当日', example: '2026-03-04' });
const exportQuery = z.object({ from: day, to: day }).strict();

const publicKey = z
  .object({
    algorithm: z.literal('Ed25519'),
    keyId: z.string().openapi({ description: 'sha-256(公钥 DER) 前 16 位十六进制, 每个日摘要都注明' }),
    publicKeyPem: z.string(),
  })
  .openapi('AuditPublicKey');

/** The share and query logs (core/audit-events.ts) over HTTP, for supervisors and administrators. */
export function registerAuditRoutes(api: ApiBuilder, deps: AppDeps): void {
  const { db } = deps;
  // failed authentications whose minute is over are written first, so a reader sees them (issue 10)
  const audit: AuditDeps = {
    db,
    flushPending: () => closeAuthFailureBuckets(db),
    signingKeyFile: deps.config.auditSigningKeyFile,
    now: deps.now,
  };

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
        items: page.items.map((e) => ({ ...e, at: beijingInstant(e.at) })),
        nextCursor: page.nextCursor,
      });
    },
  });

  api.add({
    method: 'get',
    path: '/audit-events/verification',
    operationId: 'verifyAuditEvents',
    summary: '校验日志: 哈希链、每日签名摘要与删除记录 (第二十四条)',
    description:
      '核对每个日摘要和删除记录 (墓碑) 的 Ed25519 签名、各日摘要所指记录的哈希, 并逐条重算哈希链: 默认从上次已校验的日摘要之后开始 (full=true 从头)。数据库超级用户改写记录并重算哈希, 也会因签名对不上而被发现。firstBrokenId 为第一条对不上的记录。',
    tag: 'audit',
    roles: ['SUPERVISOR', 'ADMIN'],
    query: verificationQuery,
    responses: { 200: { description: '校验结果', schema: verification } },
    async handle({ req, res, principal, query }) {
      const v = await auditingDenials(db, req, principal, () =>
        verifyAuditEvents(audit, principal, { full: query.full === 'true' }),
      );
      res.json({ ...v, checkedAt: beijingInstant(v.checkedAt) });
    },
  });

  api.add({
    method: 'get',
    path: '/audit-events/export',
    operationId: 'exportAuditEvents',
    summary: '导出某段日期的日志 (JSON lines, 含签名日摘要), 可脱机校验',
    description:
      '每行一个 JSON: 首行、起点 (前一日的签名摘要)、删除记录、各日的记录及其签名摘要、带签名的结束行。只含已生成日摘要的日期 (当日的记录次日才签名)。用 `npx tsx cli.ts audit verify-export --file <导出文件> --public-key <公钥PEM>` 脱机校验。',
    tag: 'audit',
    roles: ['SUPERVISOR', 'ADMIN'],
    query: exportQuery,
    responses: { 200: { description: 'JSON lines', contentType: 'application/x-ndjson' } },
    async handle({ req, res, principal, query }) {
      const lines = await auditingDenials(db, req, principal, () =>
        exportAuditEvents(audit, principal, query),
      );
      // the first line is read before any header goes out, so a failure still becomes a problem answer
      const first = await lines.next();
      res.status(200);
      res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
      res.setHeader(
        'Content-Disposition',
        contentDisposition(
          `审计日志 ${query.from} 至 ${query.to}.jsonl`,
          `audit-${query.from}-${query.to}.jsonl`,
        ),
      );
      try {
        if (!first.done) res.write(first.value);
        for await (const line of lines) {
          if (!res.write(line)) await new Promise((r) => res.once('drain', r));
        }
        res.end();
      } catch (e) {
        // headers are gone: cut the stream, so the file lacks its signed end line and fails verification
        res.destroy(e as Error);
      }
    },
  });

  api.add({
    method: 'get',
    path: '/audit/public-key',
    operationId: 'getAuditPublicKey',
    summary: '日志签名公钥 (Ed25519, PEM): 用于脱机校验导出的日志',
    description:
      '公开: 公钥只能用来验证签名, 审计、纪检或任何拿到导出文件的人都需要它; 广泛公布 (并记下 keyId) 也使日后偷换密钥无法不被察觉。',
    tag: 'audit',
    roles: 'public',
    responses: { 200: { description: '公钥', schema: publicKey } },
    handle({ res }) {
      res.json(auditPublicKey(audit));
    },
  });
}
