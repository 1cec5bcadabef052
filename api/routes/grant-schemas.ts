import { z } from 'zod';
import { DECISION_CODES } from '../../core/access-decision';
import { instantOutput, pageOf, pageQuery } from '../endpoint';

/** Request and response shapes of grants and access decisions (issue 5); responses are documented exactly. */

const text = (max = 2000) => z.string().trim().min(1, '不能为空').max(max);
const code = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\w.-]+$/, '只能包含字母、数字、下划线、点和连字符');
const instant = instantOutput;
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const grantIdParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ description: '授权编号', param: { name: 'id', in: 'path' } }),
});

export const grantListQuery = z
  .object({
    resource: code.optional().openapi({ description: '信息资源代码' }),
    consumer: code.optional().openapi({ description: '使用部门代码' }),
    active: bool.optional().openapi({
      type: 'string',
      enum: ['true', 'false'],
      description: 'true: 仅有效授权; false: 仅已失效授权',
    }),
    ...pageQuery,
  })
  .strict();

export const revokeBody = z
  .object({ reason: text().openapi({ description: '撤销理由 (中文)' }) })
  .strict()
  .openapi('RevokeGrant');

export const decisionBody = z
  .object({
    department: code
      .optional()
      .openapi({ description: '使用部门代码; 部门业务系统可省略 (即本部门), 也只能问本部门' }),
    resource: code.openapi({ description: '信息资源代码' }),
    purpose: text().openapi({ description: '本次使用的用途, 须与授权用途一致 (第二十条)' }),
  })
  .strict()
  .openapi('AccessDecisionRequest');

export const grantView = z
  .object({
    id: z.string(),
    caseId: z.string().nullable().openapi({ description: '产生该授权的案件 (P1/P2/P3)' }),
    resourceId: z.string(),
    resourceName: z.string(),
    providerDepartmentId: z.string(),
    consumerDepartmentId: z.string(),
    scope: z.string().openapi({ description: '共享范围 (第十八条)' }),
    purpose: z.string().openapi({ description: '使用用途 (第二十条)' }),
    validUntil: instant.nullable(),
    createdAt: instant,
    revokedAt: instant.nullable(),
    revokedBy: z.string().nullable(),
    revokeReason: z.string().nullable(),
    active: z.boolean().openapi({ description: '未撤销、未到期且资源未停止共享' }),
    state: z.enum(['active', 'revoked', 'expired', 'resource_stopped']),
  })
  .strict()
  .openapi('Grant');

export const grantPage = pageOf(grantView);

export const decisionView = z
  .object({
    allowed: z.boolean(),
    code: z.enum(DECISION_CODES),
    reason: z.string().openapi({ description: '中文说明' }),
    department: z.string(),
    purpose: z.string(),
    resource: z
      .object({
        id: z.string(),
        name: z.string(),
        shareType: z.enum(['UNCONDITIONAL', 'CONDITIONAL', 'NOT_SHARED']),
        providerDepartmentId: z.string(),
      })
      .strict(),
    // union, not .nullable(): zod-to-openapi 7 drops the null of a nullable registered component
    // (or makes the component itself nullable), which the contract would then misstate
    grant: z
      .union([grantView, z.null()])
      .openapi({ description: '准许所依据的授权; 不准许或无须授权时为 null' }),
    grantedPurposes: z
      .array(z.string())
      .openapi({ description: '该部门对该资源现有有效授权的用途 (用途不符时据此说明)' }),
    decidedAt: instant,
    logId: z.string().openapi({ description: '查询日志 (审计日志) 中本次判定的编号 (第二十四条)' }),
  })
  .strict()
  .openapi('AccessDecision');
