import { z } from 'zod';
import { CASE_ID_PATTERN } from '../../core/cases/case-ids';
import { instantInput, instantOf, instantOutput } from '../endpoint'; // also adds .openapi() to zod before the schemas below use it

/** Request shapes of the case API (issue 4). Every input passes through one of these before any work. */

const text = (max = 2000) => z.string().trim().min(1, '不能为空').max(max);
const id = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\w.-]+$/, '只能包含字母、数字、下划线、点和连字符');
const instant = instantInput;
/** A calendar date (YYYY-MM-DD, Asia/Shanghai) or an ISO instant with offset. */
const calendarDate = z
  .string()
  .date('应为 YYYY-MM-DD 日期或带时区的 ISO 时间')
  .refine((s) => instantOf(`${s}T00:00:00+08:00`) !== undefined, {
    message: '日期无效或不在 1970–2100 年之间',
  });
const dateOrInstant = z.union([calendarDate, instant]);

export const startCaseBody = z.discriminatedUnion('procedure', [
  z.object({
    procedure: z.literal('P1'),
    resourceId: id,
    purpose: text(),
    scope: text(),
    receivedAt: instant.optional(),
  }),
  z.object({
    procedure: z.literal('P2'),
    resourceId: id,
    need: text(),
    receivedAt: instant.optional(),
  }),
  z.object({
    procedure: z.literal('P4'),
    resourceId: id,
    item: text(200),
    description: text(),
    discoveredAt: dateOrInstant,
    proofProvided: z.boolean(),
    receivedAt: instant.optional(),
  }),
  z.object({
    procedure: z.literal('P5'),
    departmentId: id.optional(),
    trigger: z.object({
      kind: z.enum(['law_revision', 'function_change']),
      title: text(500),
      reference: text(500),
    }),
    receivedAt: instant.optional(),
  }),
]);
export type StartCaseBody = z.infer<typeof startCaseBody>;

export const changeEventBody = z.object({
  kind: z.enum(['law_revision', 'function_change']),
  title: text(500),
  reference: text(500),
  departmentIds: z
    .array(id)
    .min(1, '至少需要一个受影响的部门')
    .max(200)
    .refine((ids) => new Set(ids).size === ids.length, '部门不能重复'),
  receivedAt: instant.optional(),
});

/** CaseAction without actorDepartmentId: the actor is always the caller's own department. */
export const actionBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('approve'), scope: text(), purpose: text(), validUntil: instant.optional() }),
  z.object({ type: z.literal('refuse'), reason: text(), legalBasis: text() }),
  z.object({ type: z.literal('open_negotiation'), need: text() }),
  z.object({ type: z.literal('agree'), scope: text(), purpose: text(), note: text().optional() }),
  z.object({ type: z.literal('fail'), reason: text() }),
  // share=true without scope/purpose is refused by the workflow's validator (missing_reason → 422)
  z.object({
    type: z.literal('decide'),
    share: z.boolean(),
    reasons: text(),
    scope: text().optional(),
    purpose: text().optional(),
  }),
  z.object({ type: z.literal('correct'), explanation: text() }),
  z.object({ type: z.literal('confirm_correct'), explanation: text() }),
  z.object({ type: z.literal('catalog_updated'), catalogVersion: text(100), note: text().optional() }),
  // P6 (第三十六条): the notified department reports; the supervisor (issuing body) accepts or sends back
  z.object({
    type: z.literal('submit_rectification'),
    report: text(20000),
    attachments: z
      .array(
        z.object({
          name: text(200),
          sha256: z
            .string()
            .regex(/^[0-9a-f]{64}$/, '须为 64 位小写十六进制 SHA-256 摘要')
            .openapi({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }),
        }),
      )
      .max(50)
      .optional()
      .openapi({ description: '附件的文件名与 SHA-256 摘要 (文件本身由部门留存)' }),
  }),
  z.object({ type: z.literal('accept_rectification'), note: text().optional() }),
  z.object({ type: z.literal('send_back'), reasons: text() }),
  // P7 (第三十二条): the reporting department submits its narrative; the figures are the system's
  z.object({ type: z.literal('submit_report'), narrative: text(20000) }),
]);

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const listQuery = z.object({
  procedure: z.enum(['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7']).optional(),
  status: z.enum(['OPEN', 'CLOSED']).optional(),
  overdue: bool.optional(),
  backdated: bool
    .optional()
    .openapi({ description: 'true: 只列出受理时间早于登记时间的案件 (申报的受理时间是一种主张)' }),
  department: id.optional(),
  dueBefore: dateOrInstant.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const disputeQuery = z.object({ resource: id, item: text(200) });

export const caseIdParam = z.string().regex(CASE_ID_PATTERN);

export const idempotencyKey = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\w.:-]+$/, 'Idempotency-Key 只能包含字母、数字、下划线、点、冒号和连字符');

export const idempotencyHeader = z.object({
  'idempotency-key': idempotencyKey.openapi({
    description: '幂等键: 同一请求重试时使用相同的值, 服务端只创建一次',
  }),
});

/** Response shapes: the OpenAPI document is generated from these, and tests validate responses against it. */
const instantOut = instantOutput;

export const caseSummarySchema = z
  .object({
    id: z.string().openapi({ example: 'GX-2026-000123' }),
    procedure: z
      .string()
      .openapi({ description: 'P1 有条件共享申请 … P5 目录更新, P6 书面通报、限期整改, P7 共享情况报送' }),
    status: z.enum(['OPEN', 'CLOSED']),
    stage: z.string(),
    outcome: z.string().nullable(),
    parties: z.object({ requester: z.string().nullable(), responsible: z.string() }),
    resourceId: z.string().nullable(),
    receivedAt: instantOut.openapi({ description: '发起方申报的受理时间 (期限自此起算)' }),
    recordedAt: instantOut.openapi({ description: '系统登记案件的时间' }),
    backdated: z
      .boolean()
      .openapi({ description: '申报的受理时间早于登记时间 (超过 10 分钟): 倒签, 在列表和统计中标明' }),
    backdatedWorkingDays: z
      .number()
      .int()
      .nullable()
      .openapi({ description: '倒签时, 受理时间到登记时间之间的工作日数' }),
    deadline: z.string().openapi({ description: '期限所在日 (北京时间, YYYY-MM-DD), 当日 24:00 截止' }),
    dueAt: instantOut,
    provisional: z.boolean().openapi({ description: '期限落在尚未公布节假日安排的年份: 暂定' }),
    calendarVersion: z.string(),
    overdue: z.boolean(),
    overdueAt: instantOut.nullable(),
    answeredAt: instantOut.nullable(),
    answeredLate: z.boolean(),
    parentCaseId: z.string().nullable(),
    rootCaseId: z.string(),
    details: z.record(z.unknown()),
  })
  .openapi('CaseSummary');

export const caseViewSchema = caseSummarySchema
  .extend({
    timeline: z.array(
      z.object({
        type: z.string().openapi({
          description:
            'received, reminder, reminder_skipped, deadline_recomputed, overdue, answered, answered_late, …',
        }),
        at: instantOut,
        actor: z.string().nullable(),
        data: z.unknown().openapi({
          description:
            '事件内容。reminder_skipped 与补发的 reminder: reminder (half / day-before), due (原定提醒时刻), ' +
            'deadline, reason (calendar_change 日历变更 / received_late 补录 / past_due 已逾期 / under_review 审查中)',
        }),
      }),
    ),
    chain: z.array(z.string()).openapi({ description: '同一链条 (P1→P2→P3) 中调用方可见的案件' }),
  })
  .openapi('Case');

export const changeEventResponse = z.object({
  eventKey: z.string(),
  trigger: z.object({ kind: z.string(), title: z.string(), reference: z.string() }),
  cases: z.array(z.object({ departmentId: z.string(), caseId: z.string(), created: z.boolean() })),
});

export const disputeResponse = z.object({
  resourceId: z.string(),
  item: z.string(),
  underVerification: z.boolean(),
  cases: z.array(
    z.object({ id: z.string(), stage: z.string(), proofProvided: z.boolean(), deadline: z.string() }),
  ),
});
