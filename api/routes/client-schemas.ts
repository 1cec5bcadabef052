import { z } from 'zod';
import { pageQuery, instantInput, instantOutput } from '../endpoint';

/** Request and response shapes of the identity API (issue 5): clients, their keys, the caller itself. */

export const SUPERSEDED_NOTE =
  '本次所用的密钥已被更新的密钥取代 (key_superseded): 只有最新的密钥才能轮换或吊销密钥';

export const DEFAULT_OVERLAP_HOURS = 24;
/** 30 days: long enough for a planned switch-over in every department system, short enough to end it. */
export const MAX_OVERLAP_HOURS = 720;

const instant = instantInput;
const iso = instantOutput;
const name = z.string().trim().min(1, '不能为空').max(100);
const label = z
  .string()
  .trim()
  .min(1, '不能为空')
  .max(100)
  .openapi({ description: '密钥备注, 如 "生产环境 2026"; 不要写入密钥本身' });
const departmentId = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\w.-]+$/, '只能包含字母、数字、下划线、点和连字符');
const reason = z
  .string()
  .trim()
  .min(1, '不能为空')
  .max(500)
  .openapi({ description: '吊销原因 (记入审计日志)' });
export const role = z.enum(['DEPARTMENT', 'SUPERVISOR', 'ADMIN']);

export const idParam = z.object({ id: z.string().max(100) });
export const keyParam = z.object({ id: z.string().max(100), keyId: z.string().max(100) });
export const ownKeyParam = z.object({ keyId: z.string().max(100) });

const expiresAt = instant
  .refine((s) => Date.parse(s) > Date.now(), '过期时间必须晚于当前时间')
  .openapi({ description: '密钥过期时间; 省略则不过期 (直到轮换或吊销)' });

export const createClientBody = z
  .object({
    name,
    role,
    departmentId: departmentId.optional().openapi({
      description:
        '部门业务系统 (DEPARTMENT) 必填, 且只代表这一个部门; 监督方 (SUPERVISOR) 可填所属部门; 管理员不填',
    }),
    label: label.optional(),
    expiresAt: expiresAt.optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.role === 'DEPARTMENT' && !b.departmentId) {
      ctx.addIssue({ code: 'custom', path: ['departmentId'], message: '部门业务系统必须指定所代表的部门' });
    }
    if (b.role === 'ADMIN' && b.departmentId) {
      ctx.addIssue({ code: 'custom', path: ['departmentId'], message: '管理员不代表任何部门, 不能指定部门' });
    }
  });

export const issueKeyBody = z
  .object({
    overlapHours: z
      .number()
      .int()
      .min(0)
      .max(MAX_OVERLAP_HOURS)
      .default(DEFAULT_OVERLAP_HOURS)
      .openapi({
        description: `过渡期 (小时, 0–${MAX_OVERLAP_HOURS}, 默认 ${DEFAULT_OVERLAP_HOURS}): 该客户端其余有效密钥最迟在此后失效; 0 表示立即失效`,
      }),
    label: label.optional(),
    expiresAt: expiresAt.optional(),
  })
  .strict();

export const revokeBody = z.object({ reason: reason.optional() }).strict();

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const listClientsQuery = z
  .object({
    role: role.optional(),
    departmentId: departmentId.optional(),
    revoked: bool.optional().openapi({ description: 'true: 只看已吊销的客户端; false: 只看未吊销的' }),
    ...pageQuery,
  })
  .strict();

export const listKeysQuery = z.object({ ...pageQuery }).strict();

/** How a key is named in answers that are not the key's own view (issued, expiring, in use). */
const keyBase = { id: z.string(), prefix: z.string(), label: z.string().nullable() };

/** Who a client is: shared by the client's view and the caller's own (GET /me). */
const clientParty = {
  name: z.string(),
  role,
  departmentId: z.string().nullable(),
  departmentName: z.string().nullable(),
};

export const keyStatus = z.enum(['active', 'expired', 'revoked']);

export const keyView = z
  .object({
    id: z.string(),
    prefix: z.string().openapi({ description: '密钥前缀 (gx_<prefix>_...), 用于辨认, 不是秘密' }),
    label: z.string().nullable(),
    status: keyStatus,
    createdAt: iso,
    createdBy: z.string().nullable(),
    expiresAt: iso.nullable(),
    revokedAt: iso.nullable(),
    revokedBy: z.string().nullable(),
  })
  .openapi('ApiKey', { description: '密钥元数据; 密钥本身只在签发时返回一次, 服务端只存其哈希' });

export const clientView = z
  .object({
    id: z.string(),
    ...clientParty,
    createdAt: iso,
    createdBy: z.string().nullable(),
    revokedAt: iso.nullable(),
    revokedBy: z.string().nullable(),
    keys: z.array(keyView).openapi({ description: '当前有效的密钥 (历史密钥见 GET /clients/{id}/keys)' }),
  })
  .openapi('ApiClient');

export const issuedKey = z
  .object({
    ...keyBase,
    createdAt: iso,
    expiresAt: iso.nullable(),
    secret: z
      .string()
      .openapi({ description: '完整密钥, 形如 gx_<prefix>_<secret>; 只显示这一次, 请立即妥善保存' }),
  })
  .openapi('IssuedApiKey');

const notice = z.string().openapi({ description: '中文提示: 密钥只显示一次' });

export const createdClient = z.object({ client: clientView, key: issuedKey, notice });

export const expiringKey = z.object({ ...keyBase, expiresAt: iso });

export const issuedKeyResponse = z.object({
  key: issuedKey,
  expiring: z
    .array(expiringKey)
    .openapi({ description: '因本次轮换将在过渡期结束时失效的其他密钥, 及其失效时间' }),
  notice,
});

export const meView = z
  .object({
    clientId: z.string(),
    ...clientParty,
    key: z
      .object({
        ...keyBase,
        createdAt: iso,
        expiresAt: iso.nullable(),
      })
      .openapi({ description: '本次请求所用的密钥' }),
    keys: z.array(keyView).openapi({ description: '本客户端当前有效的全部密钥' }),
  })
  .openapi('Me');
