/**
 * Supervisors read the share and query logs (第二十四条) through the API: filtered, newest first, paged
 * without gaps or repeats, and with a verdict on the hash chain.
 */
import type { TestApi } from '../support/api';
import { apiWithContract, type ContractChecker } from '../support/contract';
import { testAuditKeyFile } from '../support/audit-key';
import { produceDigests } from '../../audit/digest';
import { verifyExportText } from '../../audit/offline-verify';
import { loadOrCreateSigningKey } from '../../audit/signing-key';
import { beijingDay } from '../../calendar/dates';

let api: TestApi;
let checker: ContractChecker;
beforeAll(async () => ([api, checker] = await apiWithContract()));
afterAll(() => api?.close());

describe('第二十四条 the share and query logs through the API', () => {
  test('denials and decisions are listed newest first, filtered, paged, and the chain verifies', async () => {
    // three audited denials (another department's staff list) and two logged access decisions
    for (let i = 0; i < 3; i++)
      expect((await api.as('gat').get('/api/v1/departments/NMG-RST/staff')).status).toBe(403);
    for (const purpose of ['低保家庭收入核对', '招聘资格审查']) {
      const r = await api.as('mzt').post('/api/v1/access-decisions').send({ resource: 'SB-0003', purpose });
      expect(r.status).toBe(200);
    }

    const denied = await api.as('supervisor').get('/api/v1/audit-events?action=access_denied');
    expect(checker.check('get', '/api/v1/audit-events', denied)).toEqual([]);
    expect(denied.body.items).toHaveLength(3);
    expect(denied.body.items[0]).toMatchObject({
      action: 'access_denied',
      target: 'GET /api/v1/departments/NMG-RST/staff',
      data: { departmentId: 'NMG-GAT' },
    });
    const ids = denied.body.items.map((e: { id: string }) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a > b ? -1 : 1))).toEqual(ids);

    // walk everything two at a time: every row once, none twice
    const total = await api.tdb.db.auditLog.count();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page = await api.as('admin').get(`/api/v1/audit-events?limit=2${q}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);

    const decisions = await api
      .as('supervisor')
      .get('/api/v1/audit-events?action=access_decision&target=SB-0003');
    expect(decisions.body.items.length).toBeGreaterThanOrEqual(2);

    const verdict = await api.as('supervisor').get('/api/v1/audit-events/verification');
    expect(checker.check('get', '/api/v1/audit-events/verification', verdict)).toEqual([]);
    // reading the log writes nothing to it
    expect(verdict.body).toMatchObject({ intact: true, rows: total, firstBrokenId: null });

    const bad = await api.as('supervisor').get('/api/v1/audit-events?cursor=bm9wZQ');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_cursor');
  });

  test('the public key is public; the export streams JSON lines that verify offline against it', async () => {
    const pub = await api.as('none').get('/api/v1/audit/public-key');
    expect(checker.check('get', '/api/v1/audit/public-key', pub)).toEqual([]);
    expect(pub.body).toMatchObject({ algorithm: 'Ed25519', keyId: expect.stringMatching(/^[0-9a-f]{16}$/) });

    // today's entries (the denials and decisions above), signed as the digest job will sign them tomorrow
    const today = beijingDay(new Date());
    const tomorrow = new Date(Date.now() + 86_400_000);
    await produceDigests(api.tdb.db, loadOrCreateSigningKey(testAuditKeyFile()), tomorrow);

    const exp = await api.as('supervisor').get(`/api/v1/audit-events/export?from=${today}&to=${today}`);
    expect(exp.status).toBe(200);
    expect(exp.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const offline = verifyExportText(exp.text, pub.body.publicKeyPem);
    expect(offline).toMatchObject({ ok: true, digests: 1 });

    const bad = await api.as('admin').get('/api/v1/audit-events/export?from=2026-02-30&to=2026-03-01');
    expect(bad.status).toBe(400);
    expect(await api.as('rst').get(`/api/v1/audit-events/export?from=${today}&to=${today}`)).toHaveProperty(
      'status',
      403,
    );

    const verdict = await api.as('admin').get('/api/v1/audit-events/verification?full=true');
    expect(checker.check('get', '/api/v1/audit-events/verification', verdict)).toEqual([]);
    expect(verdict.body).toMatchObject({ intact: true, mode: 'full', digests: { signaturesValid: true } });
  });
});
