/**
 * One declaration per endpoint serves three purposes: Express routing, request validation and the OpenAPI 3.1
 * document. Because the spec is generated from the very zod schemas that validate requests, the contract cannot
 * drift from what the server accepts (issue 5).
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  extendZodWithOpenApi,
  type ResponseConfig,
} from '@asteasolutions/zod-to-openapi';
import { z, type AnyZodObject, type ZodType, type ZodTypeAny, type ZodTypeDef } from 'zod';
import type { Db } from '../prisma/client';
import { authenticate, deny, principalOf, type Principal, type Role } from './auth';
import { Problem, fromZod } from './problem';
import { PostgresRateLimitStore } from './rate-limit-store';
import { MAX_YEAR, MIN_YEAR, instantOf } from '../core/paging';
import { BEIJING_INSTANT_PATTERN } from '../calendar/dates';

// cursor and paging helpers live in the domain core; re-exported for the routes that import them from here
export { decodeCursor, decodeTimeCursor, encodeCursor, instantOf, pageFrom } from '../core/paging';

extendZodWithOpenApi(z);

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Validates input against a schema; failures become 400 problem+json with one entry per field. */
export function parse<O>(schema: ZodType<O, ZodTypeDef, unknown>, input: unknown): O {
  const r = schema.safeParse(input);
  if (!r.success) throw fromZod(r.error);
  return r.data;
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ description: '机器可读的错误代码 (英文)' }),
    detail: z.string().openapi({ description: '中文说明' }),
    errors: z
      .array(z.object({ field: z.string(), code: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: '字段级错误 (校验失败时)' }),
  })
  .passthrough()
  .openapi('Problem', { description: 'RFC 9457 problem details' });

interface Ctx<P, Q, B> {
  req: Request;
  res: Response;
  /** absent only on public endpoints */
  principal: Principal;
  params: P;
  query: Q;
  body: B;
}

export interface EndpointResponse {
  description: string;
  schema?: ZodTypeAny;
  /** defaults to application/json */
  contentType?: string;
}

export interface Endpoint<P extends AnyZodObject, Q extends ZodTypeAny, B extends ZodTypeAny> {
  method: Method;
  /** OpenAPI style, relative to /api/v1: `/cases/{id}` */
  path: string;
  operationId: string;
  /** Chinese one-liner shown in the docs page */
  summary: string;
  description?: string;
  tag: string;
  /** who may call at all; finer checks (own department) are the handler's. 'public' needs no key. */
  roles: readonly Role[] | 'public';
  params?: P;
  query?: Q;
  body?: B;
  /** documents the body as required even though its schema accepts {} (checks made past the schema) */
  bodyRequired?: boolean;
  /** documented request headers; the handler validates them with the same schemas */
  headers?: AnyZodObject;
  responses: Record<number, EndpointResponse>;
  /** further problem statuses the endpoint can answer, with when */
  problems?: Record<number, string>;
  handle(ctx: Ctx<z.output<P>, z.output<Q>, z.output<B>>): Promise<void> | void;
}

export interface RegisteredOperation {
  method: Method;
  path: string;
  operationId: string;
  roles: readonly Role[] | 'public';
}

export interface ApiLimits {
  /** requests per client per minute */
  perClientPerMinute: number;
  /** failed authentications per source address per 15 minutes */
  authFailuresPer15Min: number;
  /** 'postgres' (shared by all API replicas) or 'memory' (per process) */
  store?: 'postgres' | 'memory';
}

const ALL_ROLES: readonly Role[] = ['DEPARTMENT', 'SUPERVISOR', 'ADMIN'];

function tooMany(res: Response, detail: string): void {
  res.status(429).type('application/problem+json').json({
    type: 'https://gxcase.local/problems/rate_limited',
    title: 'Too Many Requests',
    status: 429,
    code: 'rate_limited',
    detail,
  });
}

/**
 * Text Postgres cannot store: U+0000, and UTF-16 lone surrogates (JSON's `"\udfff"` parses to one; it has no
 * UTF-8 form). Refused at the edge, before any rule or workflow sees it: a lone surrogate that reached a
 * workflow once froze a case (its projection could never be written).
 */
const LONE_SURROGATE = /\p{Surrogate}/u;

export function unstorableText(v: unknown, depth = 0): 'nul' | 'lone_surrogate' | undefined {
  if (typeof v === 'string') {
    if (v.includes('\u0000')) return 'nul';
    return LONE_SURROGATE.test(v) ? 'lone_surrogate' : undefined;
  }
  if (depth > 32 || v === null || typeof v !== 'object') return undefined;
  for (const [k, x] of Object.entries(v)) {
    const bad = unstorableText(k, depth + 1) ?? unstorableText(x, depth + 1);
    if (bad) return bad;
  }
  return undefined;
}

const UNSTORABLE_DETAIL = {
  nul: '请求中含有 NUL (\\u0000) 字符, 无法处理',
  lone_surrogate: '请求中含有不成对的 UTF-16 代理字符 (如 \\udfff), 不是合法的 Unicode 文本, 无法处理',
} as const;

export class ApiBuilder {
  readonly registry = new OpenAPIRegistry();
  /** endpoints needing no key (the contract itself, docs) */
  readonly publicRouter = Router();
  /** everything else: authenticated, then limited per client */
  readonly router = Router();
  readonly operations: RegisteredOperation[] = [];

  constructor(
    private readonly db: Db,
    limits: ApiLimits,
  ) {
    this.registry.registerComponent('securitySchemes', 'apiKey', {
      type: 'http',
      scheme: 'bearer',
      description: 'API 密钥, 形如 gx_<12位十六进制>_<密钥>; 也可用 X-API-Key 头',
    });
    const auth = authenticate(db);
    const storeFor = (prefix: string) =>
      limits.store === 'memory' ? undefined : new PostgresRateLimitStore(db, prefix);
    this.router.use(
      // a failed authentication is remembered, not answered yet, so the limiter below can count it
      (req, res, next) =>
        auth(req, res, (err?: unknown) => {
          res.locals.authError = err;
          next();
        }),
      // brute force on keys: only failed authentications count, per source address; callers with a valid key
      // behind the same address (a shared government NAT) are never held back by someone else's failures
      rateLimit({
        windowMs: 15 * 60_000,
        limit: limits.authFailuresPer15Min,
        skip: (_req, res) => res.locals.authError === undefined,
        store: storeFor('auth-failures'),
        standardHeaders: 'draft-7',
        legacyHeaders: false,
        handler: (_req, res) => tooMany(res, '身份认证失败次数过多, 请 15 分钟后再试'),
      }),
      (_req, res, next) => next(res.locals.authError),
      rateLimit({
        windowMs: 60_000,
        limit: limits.perClientPerMinute,
        keyGenerator: (_req, res) => principalOf(res).clientId,
        store: storeFor('client'),
        standardHeaders: 'draft-7',
        legacyHeaders: false,
        handler: (_req, res) =>
          tooMany(res, `请求过于频繁: 每个客户端每分钟最多 ${limits.perClientPerMinute} 次, 请稍后重试`),
      }),
    );
  }

  add<P extends AnyZodObject, Q extends ZodTypeAny, B extends ZodTypeAny>(e: Endpoint<P, Q, B>): void {
    const expressPath = e.path.replace(/\{(\w+)\}/g, ':$1');
    const target = e.roles === 'public' ? this.publicRouter : this.router;
    const roles = e.roles;
    const db = this.db;
    target[e.method](expressPath, (req: Request, res: Response, next: NextFunction) => {
      void (async () => {
        const principal = res.locals.principal as Principal;
        if (roles !== 'public' && !roles.includes(principal.role)) {
          await deny(db, req, principal, `此操作需要以下角色之一: ${roles.join(', ')}`);
        }
        for (const part of [req.params, req.query, req.body]) {
          const bad = unstorableText(part);
          if (bad) throw new Problem(400, 'invalid_character', UNSTORABLE_DETAIL[bad], { reason: bad });
        }
        const params = e.params ? parse(e.params, req.params) : req.params;
        const query = e.query ? parse(e.query, req.query) : {};
        const body = e.body ? parse(e.body, req.body ?? {}) : undefined;
        await e.handle({ req, res, principal, params, query, body } as Ctx<
          z.output<P>,
          z.output<Q>,
          z.output<B>
        >);
      })().catch(next);
    });
    this.operations.push({ method: e.method, path: e.path, operationId: e.operationId, roles });
    this.registry.registerPath({
      method: e.method,
      path: `/api/v1${e.path}`,
      operationId: e.operationId,
      summary: e.summary,
      description: e.description,
      tags: [e.tag],
      security: roles === 'public' ? [] : [{ apiKey: [] }],
      'x-roles': roles === 'public' ? [] : [...roles],
      request: {
        params: e.params,
        query: e.query as AnyZodObject | undefined,
        headers: e.headers,
        body: e.body
          ? {
              // a body whose every field is optional may be left out (it is then read as {})
              required: e.bodyRequired ?? !e.body.safeParse({}).success,
              content: { 'application/json': { schema: e.body } },
            }
          : undefined,
      },
      responses: this.responsesOf(e),
    });
  }

  private responsesOf(e: Endpoint<AnyZodObject, ZodTypeAny, ZodTypeAny>): Record<string, ResponseConfig> {
    const out: Record<string, ResponseConfig> = {};
    for (const [status, r] of Object.entries(e.responses)) {
      out[status] = {
        description: r.description,
        ...(r.schema ? { content: { [r.contentType ?? 'application/json']: { schema: r.schema } } } : {}),
      };
    }
    const problem = (description: string): ResponseConfig => ({
      description,
      content: { 'application/problem+json': { schema: problemSchema } },
    });
    // any request may carry a malformed JSON body or bad parameters
    out['400'] ??= problem('请求参数或请求体有误 (字段错误见 errors)');
    // any request may carry a body: a non-JSON one is 415 (api/json-body.ts), a JSON one over 256 KB 413
    out['413'] = problem('请求体超过 256 KB');
    out['415'] = problem(
      e.body
        ? '请求体不是 JSON (unsupported_media_type), 或不支持的字符集或内容编码'
        : '此操作不需要请求体; 附带的请求体不是 JSON 时 (unsupported_media_type)',
    );
    if (e.roles !== 'public') {
      out['401'] = problem('缺少 API 密钥, 或密钥无效、已吊销、已过期');
      if (e.roles.length < ALL_ROLES.length) out['403'] = problem('调用方角色无权执行此操作');
      out['429'] = problem('请求过于频繁');
    }
    for (const [status, description] of Object.entries(e.problems ?? {})) out[status] = problem(description);
    return out;
  }

  document(serverUrl?: string): ReturnType<OpenApiGeneratorV31['generateDocument']> {
    return new OpenApiGeneratorV31(this.registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: '政务信息资源共享时限监督 API',
        version: '1.0.0',
        description:
          '部门业务系统发起和办理法定时限案件 (内政发〔2018〕23号), 查询工作日期限、目录登记和共享授权。错误一律为 RFC 9457 problem+json: `code` 为机器代码, `detail` 为中文说明。',
      },
      servers: serverUrl ? [{ url: serverUrl }] : [],
    });
  }
}

/** Public id of the caller's own department, or a denied (audited) attempt. */
export async function ownDepartmentOf(db: Db, req: Request, p: Principal, what: string): Promise<string> {
  if (p.role !== 'DEPARTMENT' || !p.departmentId) {
    return deny(db, req, p, `只有部门业务系统才能${what}, 且只能代表本部门`);
  }
  return p.departmentId;
}

/**
 * Request instants: ISO 8601 with an explicit offset, and a real time in 1970–2100 (zod's datetime alone lets
 * offsets like +99:99 through, which become Invalid Date further on).
 */
const ISO_WITH_OFFSET = z.string().datetime({ offset: true });

export const instantInput = z
  .string()
  .datetime({ offset: true, message: '应为带时区的 ISO 时间, 如 2026-03-02T09:00:00+08:00' })
  // only judged once the format is right, so a malformed value is reported once
  .refine((s) => !ISO_WITH_OFFSET.safeParse(s).success || instantOf(s) !== undefined, {
    message: `时间无效或不在 ${MIN_YEAR}–${MAX_YEAR} 年之间`,
  });

/**
 * Every instant an answer carries: Beijing time with offset (calendar/dates.ts beijingInstant writes them).
 * Requests may use any offset (instantInput); answers use this one, so clients can compare strings.
 */
export const instantOutput = z.string().regex(BEIJING_INSTANT_PATTERN).openapi({
  description: 'ISO 8601 时间, 北京时间 (+08:00, 含毫秒)',
  example: '2026-03-04T23:59:59.999+08:00',
});

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: '每页条数 (1–100)' }),
  cursor: z.string().max(400).optional().openapi({ description: '上一页返回的 nextCursor' }),
};

/** `{ items, nextCursor }`: every list that grows is paged this way. */
export function pageOf<T extends ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export { ALL_ROLES };
