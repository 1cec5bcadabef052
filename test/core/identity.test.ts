/**
 * Identity rules of core/identity without a database: what a key's status is, that a key record never
 * carries its hash, and the refusals made before anything is read.
 */
import { revokeClient } from '../../core/identity/clients';
import { keyRecord } from '../../core/identity/keys';
import type { Db } from '../../prisma/client';

const now = new Date('2026-05-01T02:00:00Z');
const row = {
  id: 'k-1',
  clientId: 'c-1',
  prefix: '0123456789ab',
  hash: 'f'.repeat(64),
  label: '生产环境 2026',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  createdBy: 'c-admin',
  expiresAt: null as Date | null,
  revokedAt: null as Date | null,
  revokedBy: null as string | null,
};

describe('第二十三条 API keys: status and what is shown', () => {
  test('active until it expires (at expiresAt exactly it is expired) or is revoked, itself or its client', () => {
    expect(keyRecord(row, false, now).status).toBe('active');
    expect(keyRecord({ ...row, expiresAt: now }, false, now).status).toBe('expired');
    expect(keyRecord({ ...row, expiresAt: new Date(now.getTime() + 1) }, false, now).status).toBe('active');
    expect(keyRecord({ ...row, revokedAt: now, expiresAt: now }, false, now).status).toBe('revoked');
    expect(keyRecord(row, true, now).status).toBe('revoked');
  });

  test('a key record has its metadata and never the hash', () => {
    const k = keyRecord(row, false, now);
    expect(Object.keys(k).sort()).toEqual(
      [
        'createdAt',
        'createdBy',
        'expiresAt',
        'id',
        'label',
        'prefix',
        'revokedAt',
        'revokedBy',
        'status',
      ].sort(),
    );
    expect(JSON.stringify(k)).not.toContain(row.hash);
  });

  test('nobody revokes its own client (409 cannot_revoke_self), refused before anything is read', async () => {
    const db = new Proxy({} as Db, {
      get(_, name) {
        throw new Error(`no database access expected (db.${String(name)})`);
      },
    });
    await expect(
      revokeClient({ db }, { clientId: 'c-admin', role: 'ADMIN' }, 'c-admin'),
    ).rejects.toMatchObject({
      kind: 'conflict',
      code: 'cannot_revoke_self',
    });
  });
});
