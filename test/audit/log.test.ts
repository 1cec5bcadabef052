/**
 * The audit log (第二十四条: share and query logs kept ≥ 2 years, provably untouched): rows written through
 * appendAudit verify; the database refuses UPDATE/DELETE; a row changed behind the trigger's back is found.
 */
import { Client } from 'pg';
import { appendAudit, canonicalJson, verifyAuditChain } from '../../audit/log';
import { createTestDatabase, type TestDatabase } from '../support/db';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(() => tdb?.drop());

test('canonical JSON ignores key order at every depth', () => {
  expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
    canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }),
  );
});

test('rows verify after the jsonb round trip; updates are refused; tampering is located', async () => {
  // key order chosen so jsonb (which sorts keys by length, then bytes) reads them back differently
  for (let i = 0; i < 5; i++) {
    await appendAudit(tdb.db, {
      actor: 'client-1',
      action: 'access_decision',
      target: `RK-000${i}`,
      data: { role: 'DEPARTMENT', departmentId: 'NMG-RST', detail: `第${i}次`, nested: { zz: i, a: [i] } },
    });
  }
  expect(await verifyAuditChain(tdb.db)).toBeUndefined();
  expect(await verifyAuditChain(tdb.db, 2)).toBeUndefined(); // batches carry the chain across their borders

  const pg = new Client({ connectionString: tdb.url });
  await pg.connect();
  try {
    await expect(pg.query(`UPDATE "AuditLog" SET actor = 'x' WHERE id = 3`)).rejects.toThrow();
    await expect(pg.query(`DELETE FROM "AuditLog" WHERE id = 3`)).rejects.toThrow();
    // an owner bypassing the trigger is still caught by the chain
    await pg.query(`ALTER TABLE "AuditLog" DISABLE TRIGGER audit_log_no_update_delete`);
    const third = await pg.query<{ id: string }>(
      `SELECT id::text FROM "AuditLog" ORDER BY id OFFSET 2 LIMIT 1`,
    );
    await pg.query(`UPDATE "AuditLog" SET data = '{"detail":"改过"}' WHERE id = $1`, [third.rows[0].id]);
    expect(await verifyAuditChain(tdb.db)).toBe(BigInt(third.rows[0].id));
    expect(await verifyAuditChain(tdb.db, 2)).toBe(BigInt(third.rows[0].id));
  } finally {
    await pg.end();
  }
});
