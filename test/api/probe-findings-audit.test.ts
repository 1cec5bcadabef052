/**
 * Issue 10, finding 7: what the 第二十四条 log missed. Failed authentications (aggregated per source address
 * and minute, so that guessing cannot flood the log) and cross-department attempts made through the caller's
 * own path (a child id that belongs to another department). Real app over a real socket (source addresses
 * matter here), private seeded Postgres.
 */
import http from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type request from 'supertest';
import { verifyAuditChain } from '../../audit/log';
import { createTestApi, type TestApi, type Who } from '../support/api';
import { ContractChecker, fetchSpec } from '../support/contract';

let api: TestApi;
let server: Server;
let checker: ContractChecker;

beforeAll(async () => {
  api = await createTestApi();
  checker = new ContractChecker(await fetchSpec(api.app));
  server = await new Promise<Server>((resolve) => {
    const s = api.app.listen(0, '127.0.0.1', () => resolve(s));
  });
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await api?.close();
});

const V1 = '/api/v1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET over a real socket from a chosen loopback source address (Linux routes all of 127/8 to lo). */
function getFrom(localAddress: string, path: string, headers: Record<string, string>): Promise<number> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'GET', localAddress, headers, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

interface AuditItem {
  actor: string;
  action: string;
  target: string | null;
  data: Record<string, unknown>;
}
async function authFailures(): Promise<AuditItem[]> {
  const res = await api.as('supervisor').get(`${V1}/audit-events?action=auth_failed&limit=100`);
  expect(res.status).toBe(200);
  expect(checker.check('get', `${V1}/audit-events`, res)).toEqual([]);
  return (res.body.items as AuditItem[]).filter((i) => /^address:127\.0\.0\.[23]$/.test(i.target ?? ''));
}

describe('finding 7b: failed authentications are audited, one row per source address and minute', () => {
  it('guessing leaves no row while its minute runs, then exactly one row per address with the count', async () => {
    // all failures must fall into one minute: start early in one
    const second = new Date().getUTCSeconds();
    if (second > 40) await sleep((61 - second) * 1000);
    const minute = new Date();
    minute.setUTCSeconds(0, 0);

    const guesses: Record<string, string>[] = [
      { authorization: 'Bearer gx_0123456789ab_guessing-keys-here' },
      { authorization: 'Bearer gx_0000000000c1_demo-rst-local-onlx' },
      { 'x-api-key': 'not-even-the-format' },
      {},
      { authorization: 'Bearer gx_0123456789ab_guessing-keys-here' },
    ];
    for (const h of guesses) expect(await getFrom('127.0.0.2', `${V1}/me`, h)).toBe(401);
    for (const h of guesses.slice(0, 2)) expect(await getFrom('127.0.0.3', `${V1}/cases`, h)).toBe(401);
    // a valid key from the same address is no failure
    const ok = await getFrom('127.0.0.2', `${V1}/me`, {
      authorization: 'Bearer gx_0000000000c1_demo-rst-local-only',
    });
    expect(ok).toBe(200);

    // while the minute runs nothing is written, however many guesses come
    expect(await authFailures()).toEqual([]);

    // once the minute is over (and a few seconds of grace), the next read of the log closes the buckets
    let rows: AuditItem[] = [];
    const deadline = Date.now() + 90_000;
    while (rows.length < 2 && Date.now() < deadline) {
      await sleep(2000);
      rows = await authFailures();
    }
    const byTarget = Object.fromEntries(rows.map((r) => [r.target, r]));
    expect(byTarget).toEqual({
      'address:127.0.0.2': expect.objectContaining({
        action: 'auth_failed',
        data: expect.objectContaining({ address: '127.0.0.2', minute: minute.toISOString(), count: 5 }),
      }),
      'address:127.0.0.3': expect.objectContaining({
        action: 'auth_failed',
        data: expect.objectContaining({ address: '127.0.0.3', minute: minute.toISOString(), count: 2 }),
      }),
    });
    // no key material in the log
    expect(JSON.stringify(rows)).not.toMatch(/guessing|demo-rst|not-even/);
    // reading again closes nothing twice
    expect(await authFailures()).toHaveLength(2);
    expect(await verifyAuditChain(api.tdb.db)).toBeUndefined();
  }, 150_000);
});

describe("finding 7c: another department's child id through the caller's own path is 404 and audited", () => {
  const deniedRows = () => api.tdb.db.auditLog.count({ where: { action: 'access_denied' } });
  async function post(who: Who, path: string, body: object = {}): Promise<request.Response> {
    const res = await api
      .as(who)
      .post(V1 + path)
      .send(body);
    return res;
  }

  it("POST /departments/NMG-GAT/staff/<RST's staff>/end by GAT: 404, one access_denied row, staff unchanged", async () => {
    const rstStaff = await post('admin', '/departments/NMG-RST/staff', {
      name: '人社厅专人',
      email: 'probe-7c@rst.example',
    });
    expect(rstStaff.status).toBe(201);
    const before = await deniedRows();
    const res = await post('gat', `/departments/NMG-GAT/staff/${rstStaff.body.id}/end`);
    expect([res.status, res.body.code]).toEqual([404, 'staff_not_found']);
    expect(checker.check('post', `${V1}/departments/{id}/staff/{staffId}/end`, res)).toEqual([]);
    expect(await deniedRows()).toBe(before + 1);
    const row = await api.tdb.db.auditLog.findFirstOrThrow({ orderBy: { id: 'desc' } });
    expect(row).toMatchObject({
      action: 'access_denied',
      target: `POST /api/v1/departments/NMG-GAT/staff/${rstStaff.body.id}/end`,
    });
    const staff = await api.tdb.db.staff.findUniqueOrThrow({ where: { id: rstStaff.body.id } });
    expect(staff.activeUntil).toBeNull();
  });

  it("withdrawing another department's stop notice through one's own resource: 404, one access_denied row", async () => {
    const effectiveAt = new Date(Date.now() + 48 * 3600_000).toISOString();
    const notice = await post('rst', '/resources/SB-0003/stop-notices', { reason: '系统迁移', effectiveAt });
    expect(notice.status).toBe(201);
    const before = await deniedRows();
    const res = await post('gat', `/resources/RK-0001/stop-notices/${notice.body.id}/withdraw`);
    expect([res.status, res.body.code]).toEqual([404, 'notice_not_found']);
    expect(await deniedRows()).toBe(before + 1);
    const n = await api.tdb.db.stopSharingNotice.findUniqueOrThrow({ where: { id: notice.body.id } });
    expect(n.withdrawnAt).toBeNull();
    // cleaned up by its owner, so other tests see no pending stop
    expect((await post('rst', `/resources/SB-0003/stop-notices/${notice.body.id}/withdraw`)).status).toBe(
      200,
    );
  });

  it('a mismatched path that crosses no department (own ids, the admin, unknown ids) is 404 without a denial', async () => {
    const gatStaff = await post('gat', '/departments/NMG-GAT/staff', {
      name: '公安厅专人',
      email: 'probe-7c@gat.example',
    });
    expect(gatStaff.status).toBe(201);
    const effectiveAt = new Date(Date.now() + 48 * 3600_000).toISOString();
    const notice = await post('gat', '/resources/RK-0001/stop-notices', { reason: '系统迁移', effectiveAt });
    expect(notice.status).toBe(201);
    const before = await deniedRows();
    for (const [who, path, code] of [
      ['gat', '/departments/NMG-GAT/staff/00000000-0000-4000-8000-000000000000/end', 'staff_not_found'],
      ['admin', `/departments/NMG-RST/staff/${gatStaff.body.id}/end`, 'staff_not_found'],
      ['gat', `/resources/GA-0107/stop-notices/${notice.body.id}/withdraw`, 'notice_not_found'],
      ['admin', `/resources/SB-0003/stop-notices/${notice.body.id}/withdraw`, 'notice_not_found'],
      [
        'gat',
        '/resources/RK-0001/stop-notices/00000000-0000-4000-8000-000000000000/withdraw',
        'notice_not_found',
      ],
    ] as const) {
      const res = await post(who, path);
      expect([path, res.status, res.body.code]).toEqual([path, 404, code]);
    }
    expect(await deniedRows()).toBe(before);
    expect((await post('gat', `/resources/RK-0001/stop-notices/${notice.body.id}/withdraw`)).status).toBe(
      200,
    );
  });
});
