/**
 * The API speaks JSON only (issue 10, finding 6). express.json leaves a body of any other type unread, and a
 * route then saw `{}`: a text/plain `{"overlapHours":0}` sent to POST /me/keys was accepted with the defaults.
 * A body that is present but not declared JSON is therefore refused with 415 before anything else runs; a
 * request without a body is fine whatever its Content-Type says.
 */
import type { NextFunction, Request, Response } from 'express';
import { Problem } from './problem';

/** `application/json` or a structured-syntax `application/<x>+json` (RFC 6839), parameters ignored. */
export function isJsonType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || /^application\/[\w.!#$%&'*^`|~-]+\+json$/.test(type);
}

/** A body is present when it is chunked or has a positive length (RFC 9112 §6.3). */
export function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && Number(length) > 0;
}

export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (hasBody(req) && !isJsonType(req.headers['content-type'])) {
    return next(
      new Problem(
        415,
        'unsupported_media_type',
        '请求体必须是 JSON: 请以 Content-Type: application/json 发送; 没有请求体的请求不要附带内容',
      ),
    );
  }
  next();
}
