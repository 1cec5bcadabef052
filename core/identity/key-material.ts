/**
 * The one API-key format: `gx_<prefix>_<secret>`. The prefix finds the row; only a sha-256 of the whole key
 * is stored, so issuing (core/identity/keys.ts, the seed) and checking (api/auth.ts) share these two functions.
 */
import { createHash, randomBytes } from 'node:crypto';

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function newApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomBytes(6).toString('hex');
  const key = `gx_${prefix}_${randomBytes(24).toString('base64url')}`;
  return { key, prefix, hash: hashKey(key) };
}
