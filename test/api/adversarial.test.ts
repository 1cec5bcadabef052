/**
 * Adversarial probes from a review of the issue 5 API: impossible or far-off dates, forged cursors, races,
 * authorization side doors, leaks, partial writes. The ones named "was a defect" failed before their fix.
 */
import { randomUUID } from 'node:crypto';
import supertest from 'supertest';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import { createCalendarProvider } from '../../core/calendar/provider';
import { loadConfig } from '../../config';
import { KEYS } from '../support/api';
import type request from 'supertest';
import { encodeCursor } from '../../api/endpoint';
import { loggableError } from '../../api/problem';
import type { TestApi, Who } from '../support/api';
import { apiWithContract, type ContractChecker } from '../support/contract';

let api: TestApi;
let checker: ContractChecker;
beforeAll(async () => ([api, checker] = await apiWithContract()));
afterAll(() => api?.close());

/** Response conforms to the OpenAPI document for `method template`. */
function conforms(method: string, template: string, res: request.Response): void {
  expect(checker.check(method, `/api/v1${template}`, res)).toEqual([]);
}

/** A 4xx problem+json, never a 500. */
function isClientProblem(res: request.Response): void {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
}

const BAD_OFFSET = '2030-01-01T00:00:00+99:99'; // zod .datetime({offset:true}) accepts it; new Date() → Invalid

async function countAudit(action: string): Promise<number> {
  return api.tdb.db.auditLog.count({ where: { action } });
}

/** A valid P1 request and change event, for probes that vary one field. */
const P1 = { procedure: 'P1', resourceId: 'SB-0003', purpose: '低保审核', scope: '参保状态' };
const CHANGE_EVENT = {
  kind: 'law_revision',
  title: '修订',
  reference: '令第1号',
  departmentIds: ['NMG-RST'],
};

/** POST with a fresh Idempotency-Key, as starting a case or filing a change event requires. */
function postKeyed(who: Who, path: string, body: object): request.Test {
  return api.as(who).post(path).set('Idempotency-Key', `probe-${randomUUID()}`).send(body);
}

// ---------------------------------------------------------------------------------------------------------
// 1. 500s on valid-looking input
// ---------------------------------------------------------------------------------------------------------

describe('instants that pass the schema but are not real instants', () => {
  // [title, request, the operation the answer must conform to (null: not checked)]; every row has all three,
  // or jest would take the test function's third parameter for a `done` callback
  const probes: [string, () => request.Test, [string, string] | null][] = [
    [
      'stop notice with an impossible UTC offset is a 4xx, not a 500',
      () =>
        api
          .as('rst')
          .post('/api/v1/resources/SB-0003/stop-notices')
          .send({ reason: '系统迁移', effectiveAt: BAD_OFFSET }),
      ['post', '/resources/{id}/stop-notices'],
    ],
    [
      'staff activeFrom with an impossible UTC offset is a 4xx, not a 500',
      () =>
        api
          .as('rst')
          .post('/api/v1/departments/NMG-RST/staff')
          .send({ name: '测试员', email: 'probe-offset@rst.example', activeFrom: BAD_OFFSET }),
      null,
    ],
    [
      'audit-events since/until with an impossible UTC offset is a 4xx, not a 500',
      () => api.as('supervisor').get('/api/v1/audit-events').query({ since: BAD_OFFSET }),
      null,
    ],
    [
      'cases dueBefore with an impossible UTC offset is a 4xx, not a 500',
      () => api.as('supervisor').get('/api/v1/cases').query({ dueBefore: BAD_OFFSET }),
      null,
    ],
    [
      'POST /cases receivedAt with an impossible UTC offset is a 4xx, not a 500',
      () => postKeyed('mzt', '/api/v1/cases', { ...P1, receivedAt: BAD_OFFSET }),
      null,
    ],
    [
      'POST /change-events receivedAt with an impossible UTC offset is a 4xx, not a 500',
      () => postKeyed('supervisor', '/api/v1/change-events', { ...CHANGE_EVENT, receivedAt: BAD_OFFSET }),
      null,
    ],
  ];
  it.each(probes)('%s', async (_title, send, operation) => {
    const res = await send();
    isClientProblem(res);
    if (operation) conforms(operation[0], operation[1], res);
  });

  it('staff end `at` with an impossible UTC offset is a 4xx, not a 500', async () => {
    const added = await api
      .as('rst')
      .post('/api/v1/departments/NMG-RST/staff')
      .send({ name: '测试员二', email: 'probe-end@rst.example' });
    expect(added.status).toBe(201);
    const res = await api
      .as('rst')
      .post(`/api/v1/departments/NMG-RST/staff/${added.body.id}/end`)
      .send({ at: BAD_OFFSET });
    isClientProblem(res);
  });
});

describe('dates far in the past or future', () => {
  it('POST /cases with receivedAt before the calendar range (2014) is a 4xx, not a 500', async () => {
    const res = await postKeyed('mzt', '/api/v1/cases', { ...P1, receivedAt: '2014-06-03T10:00:00+08:00' });
    isClientProblem(res);
    conforms('post', '/cases', res);
  });

  it('POST /change-events with receivedAt in year 0001 is a 4xx, not a 500', async () => {
    const res = await postKeyed('supervisor', '/api/v1/change-events', {
      ...CHANGE_EVENT,
      receivedAt: '0001-01-01T00:00:00Z',
    });
    isClientProblem(res);
  });

  it('P4 discoveredAt far in the past / future answers 4xx or 201, never 500', async () => {
    for (const discoveredAt of ['0001-01-01', '9999-12-31', '2014-12-31']) {
      const res = await postKeyed('mzt', '/api/v1/cases', {
        procedure: 'P4',
        resourceId: 'RK-0001',
        item: `probe-item-${discoveredAt}`,
        description: '数据有误',
        discoveredAt,
        proofProvided: true,
      });
      expect([discoveredAt, res.status < 500]).toEqual([discoveredAt, true]);
      conforms('post', '/cases', res);
    }
  });

  it('stop notice effective in year 9999 (offset pushing it to year 10000) does not 500', async () => {
    const res = await api
      .as('gat')
      .post('/api/v1/resources/GA-0107/stop-notices')
      .send({ reason: '远期停止', effectiveAt: '9999-12-31T23:59:59-23:59' });
    expect(res.status).toBeLessThan(500);
    conforms('post', '/resources/{id}/stop-notices', res);
    if (res.status === 201) {
      // clean up so later probes on GA-0107 are not blocked by a pending notice
      const w = await api
        .as('gat')
        .post(`/api/v1/resources/GA-0107/stop-notices/${res.body.id}/withdraw`)
        .send({});
      expect(w.status).toBe(200);
    }
  });

  it('staff activeFrom in year 0000 / 0001 does not 500', async () => {
    for (const [i, activeFrom] of ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z'].entries()) {
      const res = await api
        .as('rst')
        .post('/api/v1/departments/NMG-RST/staff')
        .send({ name: '远古专人', email: `ancient${i}@rst.example`, activeFrom });
      expect([activeFrom, res.status < 500]).toEqual([activeFrom, true]);
    }
  });
});

describe('cursors that decode but carry out-of-range keys', () => {
  const forged: [string, Who, string, (string | number)[]][] = [
    ['stop-notices, a huge timestamp', 'rst', '/api/v1/stop-notices', [1e300, 'x']],
    ['stop-notices, a timestamp before 4713 BC', 'rst', '/api/v1/stop-notices', [-8.64e15, 'x']],
    ['grants, year -100000', 'rst', '/api/v1/grants', ['-100000-01-01T00:00:00.000Z', 'x']],
    ['clients, year -100000', 'admin', '/api/v1/clients', ['-100000-01-01T00:00:00.000Z', 'x']],
    ['cases, year -100000', 'supervisor', '/api/v1/cases', ['-100000-01-01T00:00:00.000Z', 'x']],
    ['audit events, beyond the bigint range', 'supervisor', '/api/v1/audit-events', ['9999999999999999999']],
  ];
  it.each(forged)('%s: 400, not 500', async (_what, who, path, key) => {
    isClientProblem(
      await api
        .as(who)
        .get(path)
        .query({ cursor: encodeCursor(key) }),
    );
  });

  it('a huge `limit` is a 400', async () => {
    for (const limit of ['1e400', '101', '-1', '1.5', '']) {
      const res = await api.as('rst').get('/api/v1/resources').query({ limit });
      expect([limit, res.status]).toEqual([limit, 400]);
      conforms('get', '/resources', res);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// 2. Races: two identical creates
// ---------------------------------------------------------------------------------------------------------

describe('concurrent identical creates', () => {
  it('two identical POST /resources: one 201, one 409, never 500, one audit row', async () => {
    const before = await countAudit('resource_created');
    const body = {
      id: 'PROBE-RACE-1',
      name: '竞态资源',
      catalogType: 'DEPARTMENTAL',
      shareType: 'UNCONDITIONAL',
    };
    const rs = await Promise.all([1, 2, 3].map(() => api.as('rst').post('/api/v1/resources').send(body)));
    expect(rs.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    for (const r of rs) conforms('post', '/resources', r);
    expect(await countAudit('resource_created')).toBe(before + 1);
  });

  it('two identical POST /departments: one 201, the others 409', async () => {
    const body = { id: 'PROBE-DEPT-RACE', name: '竞态部门', level: 'REGION' };
    const rs = await Promise.all([1, 2, 3].map(() => api.as('admin').post('/api/v1/departments').send(body)));
    expect(rs.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it('two identical staff registrations: one 201, one 409', async () => {
    const body = { name: '并发专人', email: 'race@mzt.example' };
    const rs = await Promise.all(
      [1, 2].map(() => api.as('mzt').post('/api/v1/departments/NMG-MZT/staff').send(body)),
    );
    expect(rs.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it('two concurrent stop notices for one resource: one 201, one 409', async () => {
    const effectiveAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const rs = await Promise.all(
      [1, 2].map(() =>
        api.as('mzt').post('/api/v1/resources/MZ-0012/stop-notices').send({ reason: '迁移', effectiveAt }),
      ),
    );
    expect(rs.map((r) => r.status).sort()).toEqual([201, 409]);
    const made = rs.find((r) => r.status === 201)!;
    await api.as('mzt').post(`/api/v1/resources/MZ-0012/stop-notices/${made.body.id}/withdraw`).send({});
  });

  it('concurrent key rotations never exceed the key limit', async () => {
    const created = await api
      .as('admin')
      .post('/api/v1/clients')
      .send({ name: '轮换竞态', role: 'DEPARTMENT', departmentId: 'NMG-ZRZYT' });
    expect(created.status).toBe(201);
    const rs = await Promise.all(
      Array.from({ length: 8 }, () =>
        api.as('admin').post(`/api/v1/clients/${created.body.client.id}/keys`).send({ overlapHours: 1 }),
      ),
    );
    expect(rs.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const valid = await api.tdb.db.apiKey.count({
      where: {
        clientId: created.body.client.id,
        revokedAt: null,
        OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }],
      },
    });
    expect(valid).toBeLessThanOrEqual(5);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 3. Authorization
// ---------------------------------------------------------------------------------------------------------

describe('authorization', () => {
  it('a department cannot widen /grants with ?consumer= to other departments', async () => {
    // a grant between two other departments (GAT uses MZT's resource)
    await api.tdb.db.grant.create({
      data: {
        resourceId: 'MZ-0012',
        consumerDepartmentId: 'NMG-GAT',
        scope: '范围',
        purpose: '用途',
      },
    });
    const res = await api.as('rst').get('/api/v1/grants').query({ consumer: 'NMG-GAT' });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    conforms('get', '/grants', res);
    const sup = await api.as('supervisor').get('/api/v1/grants').query({ consumer: 'NMG-GAT' });
    expect(sup.body.items.length).toBeGreaterThan(0);
    const grantId = sup.body.items[0].id as string;
    const before = await countAudit('access_denied');
    const one = await api.as('rst').get(`/api/v1/grants/${grantId}`);
    expect(one.status).toBe(404);
    expect(await countAudit('access_denied')).toBe(before + 1);
    // the consumer sees but may not revoke; the attempt is a recorded 403
    const rev = await api.as('gat').post(`/api/v1/grants/${grantId}/revoke`).send({ reason: '试图撤销' });
    expect(rev.status).toBe(403);
    conforms('post', '/grants/{id}/revoke', rev);
    expect(await countAudit('access_denied')).toBe(before + 2);
  });

  it('a department cannot ask access decisions for another department (403, audited)', async () => {
    const before = await countAudit('access_denied');
    const res = await api
      .as('rst')
      .post('/api/v1/access-decisions')
      .send({ department: 'NMG-MZT', resource: 'SB-0003', purpose: '核查' });
    expect(res.status).toBe(403);
    conforms('post', '/access-decisions', res);
    expect(await countAudit('access_denied')).toBe(before + 1);
  });

  it('a department sees only its own resources\u2019 notices in /stop-notices', async () => {
    const effectiveAt = new Date(Date.now() + 5 * 86_400_000).toISOString();
    const filed = await api
      .as('gat')
      .post('/api/v1/resources/RK-0001/stop-notices')
      .send({ reason: '内部原因: 系统下线 (机密说明)', effectiveAt });
    expect(filed.status).toBe(201);
    const list = await api.as('rst').get('/api/v1/stop-notices').query({ resource: 'RK-0001' });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    conforms('get', '/stop-notices', list);
  });

  it('was a defect: GET /resources/{id} hands another department the stop notices /stop-notices hides', async () => {
    const detail = await api.as('rst').get('/api/v1/resources/RK-0001');
    expect(detail.status).toBe(200);
    // /stop-notices says: "其他部门只看到本部门资源的报备" — the detail view should apply the same rule
    expect(detail.body.stopNotices).toEqual([]);
  });

  it('staff lists of other departments are refused (403, audited) and contain no email in audit', async () => {
    const before = await countAudit('access_denied');
    const res = await api.as('rst').get('/api/v1/departments/NMG-GAT/staff');
    expect(res.status).toBe(403);
    conforms('get', '/departments/{id}/staff', res);
    expect(await countAudit('access_denied')).toBe(before + 1);
  });

  it('PATCH /resources cannot move a resource to another provider', async () => {
    const res = await api
      .as('rst')
      .patch('/api/v1/resources/SB-0003')
      .send({ providerDepartmentId: 'NMG-MZT' });
    expect(res.status).toBe(400);
    const r = await api.tdb.db.resource.findUniqueOrThrow({ where: { id: 'SB-0003' } });
    expect(r.providerDepartmentId).toBe('NMG-RST');
  });

  it('a department cannot PATCH another department\u2019s resource (403, audited, nothing written)', async () => {
    const before = await countAudit('access_denied');
    const res = await api.as('rst').patch('/api/v1/resources/MZ-0012').send({ name: '篡改' });
    expect(res.status).toBe(403);
    conforms('patch', '/resources/{id}', res);
    expect(await countAudit('access_denied')).toBe(before + 1);
    const r = await api.tdb.db.resource.findUniqueOrThrow({ where: { id: 'MZ-0012' } });
    expect(r.name).not.toBe('篡改');
  });

  it('a non-management department cannot confirm a legal basis (403, audited)', async () => {
    const before = await countAudit('access_denied');
    const res = await api.as('rst').post('/api/v1/resources/SB-0003/legal-basis/confirm').send({});
    expect(res.status).toBe(403);
    conforms('post', '/resources/{id}/legal-basis/confirm', res);
    expect(await countAudit('access_denied')).toBe(before + 1);
  });

  it('/cases?department= cannot reach cases the caller is no party to', async () => {
    const started = await postKeyed('mzt', '/api/v1/cases', P1);
    expect(started.status).toBe(201);
    const res = await api.as('gat').get('/api/v1/cases').query({ department: 'NMG-MZT' });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    conforms('get', '/cases', res);
  });

  it('was a defect: /data-disputes hands case ids (and stage/deadline) of cases the caller is no party to', async () => {
    const started = await postKeyed('mzt', '/api/v1/cases', {
      procedure: 'P4',
      resourceId: 'FR-0001',
      item: '统一社会信用代码 91150000XXXXXXXX',
      description: '登记信息有误',
      discoveredAt: new Date().toISOString().slice(0, 10),
      proofProvided: false,
    });
    expect(started.status).toBe(201);
    const caseId = started.body.id as string;
    // RST is neither requester (MZT) nor responsible (SCJGJ): GET /cases/{id} hides the case from it ...
    const direct = await api.as('rst').get(`/api/v1/cases/${caseId}`);
    expect(direct.status).toBe(404);
    // ... but the dispute lookup hands the same id out
    const res = await api
      .as('rst')
      .get('/api/v1/data-disputes')
      .query({ resource: 'FR-0001', item: '统一社会信用代码 91150000XXXXXXXX' });
    expect(res.status).toBe(200);
    conforms('get', '/data-disputes', res);
    expect(res.body.underVerification).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain(caseId);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 4. Secrets and personal data
// ---------------------------------------------------------------------------------------------------------

describe('secrets and personal data', () => {
  it('no key secret, hash or staff email reaches responses of admin reads or the audit log', async () => {
    const created = await api
      .as('admin')
      .post('/api/v1/clients')
      .send({ name: '泄露检查', role: 'DEPARTMENT', departmentId: 'NMG-ZRZYT' });
    expect(created.status).toBe(201);
    const secret = created.body.key.secret as string;
    const row = await api.tdb.db.apiKey.findFirstOrThrow({ where: { clientId: created.body.client.id } });
    const rotated = await api.as('admin').post(`/api/v1/clients/${created.body.client.id}/keys`).send({});
    expect(rotated.status).toBe(201);
    const reads = [
      await api.as('admin').get('/api/v1/clients'),
      await api.as('admin').get(`/api/v1/clients/${created.body.client.id}`),
      await api.as('admin').get(`/api/v1/clients/${created.body.client.id}/keys`),
      await api.as('admin').get('/api/v1/me'),
      await api.as('supervisor').get('/api/v1/audit-events').query({ limit: 100 }),
    ];
    const all = reads.map((r) => r.text).join('\n');
    expect(all).not.toContain(secret);
    expect(all).not.toContain(rotated.body.key.secret);
    expect(all).not.toContain(row.hash);
    const audit = (await api.tdb.db.auditLog.findMany()).map((a) => JSON.stringify(a.data)).join('\n');
    expect(audit).not.toContain(secret);
    expect(audit).not.toContain(row.hash);
    expect(audit).not.toMatch(/@[\w.-]+\.example/);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 5. No half-written records
// ---------------------------------------------------------------------------------------------------------

describe('refused writes leave nothing behind', () => {
  it('a refused resource (legal basis missing) writes neither row nor audit', async () => {
    const before = await countAudit('resource_created');
    const res = await api
      .as('rst')
      .post('/api/v1/resources')
      .send({ id: 'PROBE-NOLB', name: '缺依据', catalogType: 'BASIC', shareType: 'CONDITIONAL' });
    expect(res.status).toBe(422);
    conforms('post', '/resources', res);
    expect(await api.tdb.db.resource.findUnique({ where: { id: 'PROBE-NOLB' } })).toBeNull();
    expect(await countAudit('resource_created')).toBe(before);
  });

  it('a department with a cycle-forming parent writes nothing', async () => {
    const res = await api.as('admin').patch('/api/v1/departments/HHHT').send({ parentId: 'HHHT' });
    expect(res.status).toBe(422);
    conforms('patch', '/departments/{id}', res);
    const d = await api.tdb.db.department.findUniqueOrThrow({ where: { id: 'HHHT' } });
    expect(d.parentId).toBeNull();
  });

  it('unicode and emoji in free text round-trip; unicode ids are a 400', async () => {
    const ok = await api.as('rst').post('/api/v1/resources').send({
      id: 'PROBE-UNI',
      name: 'ᠮᠣᠩᠭᠣᠯ 蒙古文 🙂 \u202e',
      catalogType: 'BASIC',
      shareType: 'UNCONDITIONAL',
    });
    expect(ok.status).toBe(201);
    expect(ok.body.name).toBe('ᠮᠣᠩᠭᠣᠯ 蒙古文 🙂 \u202e');
    conforms('post', '/resources', ok);
    const bad = await api
      .as('rst')
      .post('/api/v1/resources')
      .send({ id: '资源-1', name: 'x', catalogType: 'BASIC', shareType: 'UNCONDITIONAL' });
    expect(bad.status).toBe(400);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 6. Personal data in logs, writes without audit
// ---------------------------------------------------------------------------------------------------------

describe('logs and audit completeness', () => {
  it('was a defect: an unexpected error is logged without its message (database messages quote values)', () => {
    // what a Prisma error looked like when an invalid date reached the staff insert
    const err = Object.assign(
      new Error(
        'Invalid `tx.staff.create()` invocation: { name: "隐私测试张三", email: "privacy.zhangsan@rst.example" }',
      ),
      { code: 'P2007' },
    );
    const logged = JSON.stringify(loggableError(err));
    expect(logged).not.toContain('privacy.zhangsan@rst.example');
    expect(logged).not.toContain('隐私测试张三');
    expect(JSON.parse(logged)).toMatchObject({
      type: 'Error',
      code: 'P2007',
      stack: expect.stringMatching(/^\s+at /),
    });
  });

  it('was a defect: a case whose workflow start failed once is never audited as started (row + audit not atomic)', async () => {
    // Temporal refuses the first start (outage), then works again: the client retries with the same key
    let failNext = true;
    const real = api.temporal;
    const flaky = {
      workflow: {
        start: (...args: Parameters<Client['workflow']['start']>) => {
          if (failNext) {
            failNext = false;
            return Promise.reject(new Error('temporal unavailable'));
          }
          return real.workflow.start(...args);
        },
        getHandle: real.workflow.getHandle.bind(real.workflow),
      },
    } as unknown as Client;
    const app = createApp({
      config: {
        ...loadConfig({}),
        taskQueue: api.taskQueue,
        limits: { perClientPerMinute: 1e5, authFailuresPer15Min: 1e5 },
      },
      db: api.tdb.db,
      temporal: flaky,
      calendars: createCalendarProvider(api.tdb.db),
    });
    const key = `probe-${randomUUID()}`;
    const send = () =>
      supertest(app)
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${KEYS.mzt}`)
        .set('Idempotency-Key', key)
        .send({ procedure: 'P1', resourceId: 'SB-0003', purpose: '审计检查', scope: '参保状态' });
    const first = await send();
    expect(first.status).toBe(500);
    const retry = await send();
    expect(retry.status).toBe(200); // "retry of the same key": the case exists, its workflow now runs
    const caseId = retry.body.id as string;
    const audited = await api.tdb.db.auditLog.count({ where: { action: 'case_started', target: caseId } });
    expect(audited).toBe(1);
  });
});
