import type { NextFunction, Request, Response } from 'express';
import { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../core/db-errors';
import { DomainError, type DomainErrorKind } from '../core/errors';

const STATUS_OF: Record<DomainErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  unavailable: 503,
};

/** A use-case's refusal as problem+json. */
export function problemOf(e: DomainError): Problem {
  return new Problem(STATUS_OF[e.kind], e.code, e.detail, e.extra);
}

/** RFC 9457 problem details: machine `code` in English, `detail` in Chinese for the people reading it. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function sendProblem(res: Response, p: Problem): void {
  res
    .status(p.status)
    .type('application/problem+json')
    .json({
      type: `https://gxcase.local/problems/${p.code}`,
      title: TITLES[p.status] ?? 'Error',
      status: p.status,
      code: p.code,
      detail: p.detail,
      ...p.extra,
    });
}

/** Field errors listed in one answer: an upload with 15,000 faults once produced a 2 MB problem (issue 10). */
export const MAX_LISTED_ERRORS = 50;

/** The first MAX_LISTED_ERRORS field errors; beyond that the total (errorCount) and a note in the detail. */
export function boundedErrors<T>(
  detail: string,
  errors: T[],
): { detail: string; extra: { errors: T[]; errorCount?: number } } {
  if (errors.length <= MAX_LISTED_ERRORS) return { detail, extra: { errors } };
  return {
    detail: `${detail}（共 ${errors.length} 处错误, errors 仅列出前 ${MAX_LISTED_ERRORS} 处）`,
    extra: { errors: errors.slice(0, MAX_LISTED_ERRORS), errorCount: errors.length },
  };
}

export function fromZod(err: ZodError): Problem {
  const errors = err.issues.map((i) => ({ field: i.path.join('.'), code: i.code, message: i.message }));
  const first = errors[0];
  const { detail, extra } = boundedErrors(
    `请求参数有误: ${first ? `${first.field || '(请求体)'} ${first.message}` : ''}`.trim(),
    errors,
  );
  return new Problem(400, 'validation_failed', detail, extra);
}

/**
 * What of an unexpected error may be logged: its type, code and stack frames, not its message. Database and
 * driver messages quote the values of the failed statement (names, emails), which must not reach the logs.
 */
export function loggableError(err: unknown): Record<string, unknown> {
  const e = err as { name?: unknown; code?: unknown; stack?: unknown };
  const frames = typeof e?.stack === 'string' ? e.stack.split('\n').filter((l) => /^\s+at /.test(l)) : [];
  return {
    type: typeof e?.name === 'string' ? e.name : typeof err,
    code: typeof e?.code === 'string' || typeof e?.code === 'number' ? e.code : undefined,
    stack: frames.slice(0, 12).join('\n'),
  };
}

/** Last error handler: known problems as they are; body-parser errors as 4xx; anything else 500 without internals. */
export function problemHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  if (err instanceof Problem) return sendProblem(res, err);
  if (err instanceof DomainError) return sendProblem(res, problemOf(err));
  if (err instanceof ZodError) return sendProblem(res, fromZod(err));
  const e = err as { type?: string; status?: number; expose?: boolean };
  if (e?.type === 'entity.too.large')
    return sendProblem(res, new Problem(413, 'body_too_large', '请求体过大'));
  if (e?.type === 'entity.parse.failed')
    return sendProblem(res, new Problem(400, 'malformed_json', '请求体不是合法的 JSON'));
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') {
    return sendProblem(res, new Problem(415, 'unsupported_encoding', '不支持的字符集或编码'));
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return sendProblem(res, new Problem(e.status, 'bad_request', '请求无效'));
  }
  if (isDatabaseUnavailable(err)) {
    // Postgres down or restarting: a retryable 503, not a 500 (issue 14, drill 4)
    req.log?.warn({ err: loggableError(err) }, 'database unavailable');
    res.setHeader('Retry-After', '5');
    return sendProblem(res, new Problem(503, 'database_unavailable', '数据库暂时不可用, 请稍后重试'));
  }
  req.log?.error({ err: loggableError(err) }, 'unhandled error');
  sendProblem(res, new Problem(500, 'internal_error', '服务器内部错误, 请稍后重试'));
}
