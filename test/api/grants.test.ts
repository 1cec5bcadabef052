/**
 * Grants and the access decision through HTTP (issue 5) over a real seeded Postgres. Every response is also
 * checked against the served OpenAPI document, so the declared schemas stay exact.
 */
import type request from 'supertest';
import { createTestApi, DEPT_OF, type TestApi, type Who } from '../support/api';
import { ContractChecker, fetchSpec } from '../support/contract';
import { seedGrant as seedGrantRow, type GrantSeed } from '../support/grants';
import { normalisePurpose } from '../../core/access-decision';
import { stopStateOf } from '../../core/registry/resource-stop';
import { verifyAuditChain } from '../../audit/log';
import { beijingInstant } from '../../calendar/dates';

let api: TestApi;
let checker: ContractChecker;
const clientIdOf: Partial<Record<Who, string>> = {};

beforeAll(async () => {
  api = await createTestApi();
  checker = new ContractChecker(await fetchSpec(api.app));
  for (const [who, departmentId] of Object.entries(DEPT_OF)) {
    const c = await api.tdb.db.apiClient.findFirstOrThrow({ where: { departmentId, role: 'DEPARTMENT' } });
    clientIdOf[who as Who] = c.id;
  }
  clientIdOf.supervisor = (await api.tdb.db.apiClient.findFirstOrThrow({ where: { role: 'SUPERVISOR' } })).id;
  clientIdOf.admin = (await api.tdb.db.apiClient.findFirstOrThrow({ where: { role: 'ADMIN' } })).id;
});
afterAll(async () => {
  await api?.close();
});

// each test starts from the seeded registry without grants or stop notices
beforeEach(async () => {
  const db = api.tdb.db;
  await db.grant.deleteMany();
  await db.stopSharingNotice.deleteMany();
  await db.resource.updateMany({ data: { status: 'PUBLISHED' } });
});

/** The response must be one the OpenAPI document declares for this operation, with a body its schema accepts. */
function contract(method: string, path: string, res: request.Response): void {
  expect(checker.check(method, `/api/v1${path}`, res)).toEqual([]);
}

async function decide(who: Who, body: Record<string, unknown>) {
  const r = await api.as(who).post('/api/v1/access-decisions').send(body);
  contract('post', '/access-decisions', r);
  return r;
}

let caseSeq = 0;
/** A closed case and its grant, as the projection activity writes them (support/grants.ts). */
function seedGrant(g: GrantSeed) {
  return seedGrantRow(api.tdb.db, `GX-2026-9${String(++caseSeq).padStart(5, '0')}`, g);
}

/** Grants created a second apart in the order given, the last one second before `t` (lists: newest first). */
async function seedGrantsOldestFirst(t: number, seeds: GrantSeed[]) {
  const made = [];
  for (const [i, g] of seeds.entries()) {
    made.push(await seedGrant({ ...g, createdAt: new Date(t - (seeds.length - i) * 1000) }));
  }
  return made;
}

async function auditMark(): Promise<bigint> {
  const last = await api.tdb.db.auditLog.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
  return last?.id ?? 0n;
}
async function auditSince(mark: bigint) {
  return api.tdb.db.auditLog.findMany({ where: { id: { gt: mark } }, orderBy: { id: 'asc' } });
}

const DAY = 86_400_000;

describe('purpose normalisation and stop state (pure)', () => {
  test('full-width forms, spaces and Latin case do not change a purpose; wording does', () => {
    expect(normalisePurpose(' 城乡低保资格审核（复核） ')).toBe(normalisePurpose('城乡低保资格审核(复核)'));
    expect(normalisePurpose('ＡＢ　数据  校核')).toBe(normalisePurpose('ab 数据 校核'));
    expect(normalisePurpose('低保审核')).not.toBe(normalisePurpose('城乡低保资格审核'));
    expect(normalisePurpose('数据校核、业务协同')).not.toBe(normalisePurpose('数据校核,业务协同'));
  });

  test('a stop takes effect at effectiveAt, not when filed; a withdrawn notice stops nothing', () => {
    const now = new Date('2026-05-01T00:00:00Z');
    const n = (effectiveAt: string, withdrawn = false) => ({
      effectiveAt: new Date(effectiveAt),
      withdrawnAt: withdrawn ? now : null,
      reason: '系统迁移',
    });
    expect(stopStateOf({ status: 'PUBLISHED' }, [n('2026-04-30T00:00:00Z')], now).stopped).toBe(true);
    expect(stopStateOf({ status: 'PUBLISHED' }, [n('2026-05-02T00:00:00Z')], now)).toMatchObject({
      stopped: false,
      at: new Date('2026-05-02T00:00:00Z'),
    });
    expect(stopStateOf({ status: 'PUBLISHED' }, [n('2026-04-30T00:00:00Z', true)], now)).toEqual({
      stopped: false,
    });
    expect(stopStateOf({ status: 'STOPPED' }, [], now).stopped).toBe(true);
  });
});

describe('第二十条 access decision: every answer and its query-log entry (第二十四条)', () => {
  test('unconditional resource: yes without a case, and the access is logged', async () => {
    const mark = await auditMark();
    const r = await decide('mzt', { resource: 'RK-0001', purpose: '低保对象户籍核验' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      allowed: true,
      code: 'unconditional',
      department: 'NMG-MZT',
      purpose: '低保对象户籍核验',
      grant: null,
      grantedPurposes: [],
      resource: {
        id: 'RK-0001',
        name: '人口基础信息',
        shareType: 'UNCONDITIONAL',
        providerDepartmentId: 'NMG-GAT',
      },
    });
    expect(r.body.reason).toMatch(/无条件共享/);
    const rows = await auditSince(mark);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor: clientIdOf.mzt,
      action: 'access_decision',
      target: 'RK-0001',
      data: {
        departmentId: 'NMG-MZT',
        resourceId: 'RK-0001',
        shareType: 'UNCONDITIONAL',
        purpose: '低保对象户籍核验',
        allowed: true,
        code: 'unconditional',
        grantId: null,
        callerRole: 'DEPARTMENT',
        decidedAt: r.body.decidedAt,
      },
    });
    expect(r.body.logId).toBe(rows[0].id.toString());
  });

  test('own resource: yes without a grant, even after its sharing was stopped', async () => {
    await api.tdb.db.resource.update({ where: { id: 'SB-0003' }, data: { status: 'STOPPED' } });
    const mark = await auditMark();
    const r = await decide('rst', { resource: 'SB-0003', purpose: '参保审核' });
    expect(r.body).toMatchObject({ allowed: true, code: 'own_resource', grant: null });
    const rows = await auditSince(mark);
    expect(rows.map((x) => x.data)).toEqual([
      expect.objectContaining({ allowed: true, code: 'own_resource' }),
    ]);
  });

  test('conditional resource without a grant: no (no_grant), logged as a refusal', async () => {
    const mark = await auditMark();
    const r = await decide('mzt', { resource: 'SB-0003', purpose: '城乡低保资格审核' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ allowed: false, code: 'no_grant', grant: null, grantedPurposes: [] });
    expect(r.body.reason).toMatch(/有条件共享.*申请/);
    const rows = await auditSince(mark);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'access_decision',
      data: {
        departmentId: 'NMG-MZT',
        resourceId: 'SB-0003',
        allowed: false,
        code: 'no_grant',
        grantId: null,
      },
    });
  });

  test('not-shared resource without a negotiated grant: no (not_shared)', async () => {
    const r = await decide('mzt', { resource: 'GA-0107', purpose: '出境人员低保核查' });
    expect(r.body).toMatchObject({ allowed: false, code: 'not_shared', grant: null });
    expect(r.body.reason).toMatch(/协商/);
  });

  test('not-shared resource with a grant from negotiation (P2) for that purpose: yes', async () => {
    const g = await seedGrant({ resourceId: 'GA-0107', consumer: 'NMG-MZT', purpose: '出境人员低保核查' });
    const r = await decide('mzt', { resource: 'GA-0107', purpose: '出境人员低保核查' });
    expect(r.body).toMatchObject({ allowed: true, code: 'granted', grant: { id: g.id } });
  });

  test('conditional resource with a grant: yes for the granted purpose, written differently; the grant is shown', async () => {
    const g = await seedGrant({
      resourceId: 'SB-0003',
      consumer: 'NMG-MZT',
      purpose: '城乡低保资格审核（复核）',
      validUntil: new Date(Date.now() + 30 * DAY),
    });
    const mark = await auditMark();
    const r = await decide('mzt', { resource: 'SB-0003', purpose: '  城乡低保资格审核(复核) ' });
    expect(r.body).toMatchObject({
      allowed: true,
      code: 'granted',
      purpose: '城乡低保资格审核(复核)',
      grantedPurposes: ['城乡低保资格审核（复核）'],
      grant: {
        id: g.id,
        caseId: g.caseId,
        resourceId: 'SB-0003',
        resourceName: '社会保险参保缴费信息',
        providerDepartmentId: 'NMG-RST',
        consumerDepartmentId: 'NMG-MZT',
        purpose: '城乡低保资格审核（复核）',
        validUntil: g.validUntil && beijingInstant(g.validUntil),
        active: true,
        state: 'active',
      },
    });
    expect(r.body.reason).toMatch(/有效期至/);
    const rows = await auditSince(mark);
    expect(rows).toHaveLength(1);
    expect(rows[0].data).toMatchObject({ allowed: true, code: 'granted', grantId: g.id });
  });

  test('another purpose than granted: no (purpose_not_granted), naming the granted purposes (第二十条)', async () => {
    await seedGrant({ resourceId: 'SB-0003', consumer: 'NMG-MZT', purpose: '城乡低保资格审核' });
    await seedGrant({ resourceId: 'SB-0003', consumer: 'NMG-MZT', purpose: '特困人员认定' });
    // another department's grant for the asked purpose does not count
    await seedGrant({ resourceId: 'SB-0003', consumer: 'NMG-GAT', purpose: '招聘背景审查' });
    const mark = await auditMark();
    const r = await decide('mzt', { resource: 'SB-0003', purpose: '招聘背景审查' });
    expect(r.body).toMatchObject({ allowed: false, code: 'purpose_not_granted', grant: null });
    expect([...r.body.grantedPurposes].sort()).toEqual(['城乡低保资格审核', '特困人员认定'].sort());
    expect(r.body.reason).toMatch(/第二十条/);
    expect(r.body.reason).toMatch(/招聘背景审查/);
    const rows = await auditSince(mark);
    expect(rows).toHaveLength(1);
    expect(rows[0].data).toMatchObject({
      allowed: false,
      code: 'purpose_not_granted',
      purpose: '招聘背景审查',
    });
  });

  test('grant past validUntil: no (grant_expired), the lapsed grant named in the log', async () => {
    const g = await seedGrant({
      resourceId: 'SB-0003',
      consumer: 'NMG-MZT',
      purpose: '城乡低保资格审核',
      validUntil: new Date(Date.now() - DAY),
    });
    const mark = await auditMark();
    const r = await decide('mzt', { resource: 'SB-0003', purpose: '城乡低保资格审核' });
    expect(r.body).toMatchObject({ allowed: false, code: 'grant_expired', grant: null, grantedPurposes: [] });
    expect(r.body.reason).toMatch(/到期/);
    expect(r.body.reason).toContain(g.id);
    expect((await auditSince(mark))[0].data).toMatchObject({ code: 'grant_expired', grantId: g.id });
  });

  test('a renewed grant for the same purpose wins over the expired one', async () => {
    await seedGrant({
      resourceId: 'SB-0003',
      consumer: 'NMG-MZT',
      purpose: '城乡低保资格审核',
      validUntil: new Date(Date.now() - DAY),
      createdAt: new Date(Date.now() - 60 * DAY),
    });
    const renewed = await seedGrant({
      resourceId: 'SB-0003',
      consumer: 'NMG-MZT',
      purpose: '城乡低保资格审核',
    });
    const r = await decide('mzt', { resource: 'SB-0003', purpose: '城乡低保资格审核' });
    expect(r.body).toMatchObject({ allowed: true, code: 'granted', grant: { id: renewed.id } });
  });

  test('revoked grant: no (grant_revoked) with the revocation reason', async () => {
    const g = await seedGrant({
      resourceId: 'SB-0003',
      consumer: 'NMG-MZT',
      purpose: '城乡低保资格审核',
      revokedAt: new Date(Date.now() - DAY),
      revokeReason: '使用部门超范围使用',
    });
    const mark = await auditMark();
    const r = await decide('mzt', { resource: 'SB-0003', purpose: '城乡低保资格审核' });
    expect(r.body).toMatchObject({ allowed: false, code: 'grant_revoked', grant: null });
    expect(r.body.reason).toMatch(/撤销.*使用部门超范围使用/);
    expect((await auditSince(mark))[0].data).toMatchObject({ code: 'grant_revoked', grantId: g.id });
  });

  test('stop notice in effect: no (resource_stopped) despite an active grant; withdrawn or future notices do not stop', async () => {
    const db = api.tdb.db;
    const g = await seedGrant({ resourceId: 'SB-0003', consumer: 'NMG-MZT', purpose: '城乡低保资格审核' });
    const body = { resource: 'SB-0003', purpose: '城乡低保资格审核' };

    const future = await db.stopSharingNotice.create({
      data: {
        resourceId: 'SB-0003',
        reason: '系统迁移',
        effectiveAt: new Date(Date.now() + 7 * DAY),
        filedBy: 'NMG-RST',
      },
    });
    let r = await decide('mzt', body);
    expect(r.body).toMatchObject({ allowed: true, code: 'granted', grant: { id: g.id, active: true } });
    expect(r.body.reason).toMatch(/将于 .* 停止共享/);

    const withdrawn = await db.stopSharingNotice.create({
      data: {
        resourceId: 'SB-0003',
        reason: '误报',
        effectiveAt: new Date(Date.now() - DAY),
        filedBy: 'NMG-RST',
        withdrawnAt: new Date(),
        withdrawnBy: 'NMG-RST',
      },
    });
    r = await decide('mzt', body);
    expect(r.body).toMatchObject({ allowed: true, code: 'granted' });

    await db.stopSharingNotice.update({
      where: { id: future.id },
      data: { effectiveAt: new Date(Date.now() - 1000) },
    });
    const mark = await auditMark();
    r = await decide('mzt', body);
    expect(r.body).toMatchObject({ allowed: false, code: 'resource_stopped', grant: null });
    expect(r.body.reason).toMatch(/停止共享.*系统迁移/);
    expect((await auditSince(mark)).map((x) => x.data)).toEqual([
      expect.objectContaining({ allowed: false, code: 'resource_stopped', grantId: null }),
    ]);
    expect(withdrawn.id).toBeDefined();

    // the grant itself now shows as inactive
    const shown = await api.as('mzt').get(`/api/v1/grants/${g.id}`);
    expect(shown.body).toMatchObject({ active: false, state: 'resource_stopped', revokedAt: null });
  });

  test('a STOPPED unconditional resource: no (resource_stopped)', async () => {
    await api.tdb.db.resource.update({ where: { id: 'RK-0001' }, data: { status: 'STOPPED' } });
    const r = await decide('mzt', { resource: 'RK-0001', purpose: '户籍核验' });
    expect(r.body).toMatchObject({ allowed: false, code: 'resource_stopped' });
  });

  test('a department asks only for itself: other department → audited 403, no decision logged', async () => {
    const own = await decide('mzt', { department: 'NMG-MZT', resource: 'RK-0001', purpose: '户籍核验' });
    expect(own.body).toMatchObject({ allowed: true, department: 'NMG-MZT' });

    const mark = await auditMark();
    const r = await decide('mzt', { department: 'NMG-RST', resource: 'RK-0001', purpose: '户籍核验' });
    expect(r.status).toBe(403);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.body).toMatchObject({ code: 'forbidden', detail: expect.stringMatching(/本部门/) });
    const rows = await auditSince(mark);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor: clientIdOf.mzt,
      action: 'access_denied',
      target: 'POST /api/v1/access-decisions',
    });
  });

  test('supervisor and admin ask for any department; they must name it', async () => {
    await seedGrant({ resourceId: 'SB-0003', consumer: 'NMG-MZT', purpose: '城乡低保资格审核' });
    const mark = await auditMark();
    const r = await decide('supervisor', {
      department: 'NMG-MZT',
      resource: 'SB-0003',
      purpose: '城乡低保资格审核',
    });
    expect(r.body).toMatchObject({ allowed: true, code: 'granted', department: 'NMG-MZT' });
    const a = await decide('admin', {
      department: 'NMG-GAT',
      resource: 'SB-0003',
      purpose: '城乡低保资格审核',
    });
    expect(a.body).toMatchObject({ allowed: false, code: 'no_grant', department: 'NMG-GAT' });
    const rows = await auditSince(mark);
    expect(rows.map((x) => [x.actor, (x.data as { callerRole: string }).callerRole])).toEqual([
      [clientIdOf.supervisor, 'SUPERVISOR'],
      [clientIdOf.admin, 'ADMIN'],
    ]);

    const none = await decide('supervisor', { resource: 'SB-0003', purpose: '城乡低保资格审核' });
    expect(none.status).toBe(400);
    expect(none.body.code).toBe('department_required');
  });

  test('unknown department or resource: 404 and no decision logged; bad input: 400', async () => {
    const mark = await auditMark();
    const d = await decide('supervisor', { department: 'NMG-XXX', resource: 'SB-0003', purpose: '核验' });
    expect(d.status).toBe(404);
    expect(d.body).toMatchObject({
      code: 'department_not_found',
      detail: expect.stringContaining('NMG-XXX'),
    });
    const res = await decide('mzt', { resource: 'NO-9999', purpose: '核验' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      code: 'resource_not_found',
      detail: expect.stringContaining('NO-9999'),
    });
    const missing = await decide('mzt', { resource: 'SB-0003' });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('validation_failed');
    const extra = await decide('mzt', { resource: 'SB-0003', purpose: '核验', grantId: 'x' });
    expect(extra.status).toBe(400);
    const blank = await decide('mzt', { resource: 'SB-0003', purpose: '   ' });
    expect(blank.status).toBe(400);
    expect(await auditSince(mark)).toHaveLength(0);

    const anon = await api
      .as('none')
      .post('/api/v1/access-decisions')
      .send({ resource: 'RK-0001', purpose: 'x' });
    expect(anon.status).toBe(401);
  });
});

describe('第二十条 grant list and visibility', () => {
  async function three() {
    const [g1, g2, g3] = await seedGrantsOldestFirst(Date.now(), [
      { resourceId: 'SB-0003', consumer: 'NMG-MZT', purpose: '城乡低保资格审核' },
      { resourceId: 'MZ-0012', consumer: 'NMG-ZWFWJ', purpose: '一网通办材料免提交' },
      { resourceId: 'SB-0003', consumer: 'NMG-GAT', purpose: '案件协查' },
    ]);
    return { g1, g2, g3 };
  }
  const ids = (r: request.Response) => (r.body.items as { id: string }[]).map((i) => i.id);
  async function list(who: Who, qs = '') {
    const r = await api.as(who).get(`/api/v1/grants${qs}`);
    contract('get', '/grants', r);
    return r;
  }

  test('a department sees grants it uses and grants on its resources; supervisor and admin see all', async () => {
    const { g1, g2, g3 } = await three();
    expect(ids(await list('rst'))).toEqual([g3.id, g1.id]); // provider of SB-0003
    expect(ids(await list('mzt'))).toEqual([g2.id, g1.id]); // provider of MZ-0012, consumer of g1
    expect(ids(await list('gat'))).toEqual([g3.id]);
    expect(ids(await list('zwfwj'))).toEqual([g2.id]);
    expect(ids(await list('supervisor'))).toEqual([g3.id, g2.id, g1.id]);
    expect(ids(await list('admin'))).toEqual([g3.id, g2.id, g1.id]);
    // filters narrow within what is visible, never beyond it
    expect(ids(await list('gat', '?consumer=NMG-MZT'))).toEqual([]);
    expect(ids(await list('supervisor', '?resource=SB-0003'))).toEqual([g3.id, g1.id]);
    expect(ids(await list('supervisor', '?consumer=NMG-ZWFWJ'))).toEqual([g2.id]);

    const item = (await list('mzt')).body.items[1];
    expect(item).toEqual({
      id: g1.id,
      caseId: g1.caseId,
      resourceId: 'SB-0003',
      resourceName: '社会保险参保缴费信息',
      providerDepartmentId: 'NMG-RST',
      consumerDepartmentId: 'NMG-MZT',
      scope: '参保状态、缴费基数',
      purpose: '城乡低保资格审核',
      validUntil: null,
      createdAt: beijingInstant(g1.createdAt),
      revokedAt: null,
      revokedBy: null,
      revokeReason: null,
      active: true,
      state: 'active',
    });
  });

  test('one grant: visible → 200; another department’s → 404 as if absent, and the attempt is audited', async () => {
    const { g2 } = await three();
    const ok = await api.as('zwfwj').get(`/api/v1/grants/${g2.id}`);
    contract('get', '/grants/{id}', ok);
    expect(ok.body).toMatchObject({
      id: g2.id,
      consumerDepartmentId: 'NMG-ZWFWJ',
      providerDepartmentId: 'NMG-MZT',
    });
    expect((await api.as('supervisor').get(`/api/v1/grants/${g2.id}`)).status).toBe(200);

    const mark = await auditMark();
    const hidden = await api.as('rst').get(`/api/v1/grants/${g2.id}`);
    contract('get', '/grants/{id}', hidden);
    const absent = await api.as('rst').get('/api/v1/grants/00000000-0000-4000-8000-000000000000');
    expect(hidden.status).toBe(404);
    expect(absent.status).toBe(404);
    expect(hidden.body.code).toBe('grant_not_found');
    expect(absent.body.code).toBe('grant_not_found');
    const rows = await auditSince(mark);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor: clientIdOf.rst,
      action: 'access_denied',
      target: `GET /api/v1/grants/${g2.id}`,
      data: { grantId: g2.id, departmentId: 'NMG-RST' },
    });
  });

  test('active filter: revoked, expired and stopped-resource grants are inactive', async () => {
    const db = api.tdb.db;
    const t = Date.now();
    const mzt = { resourceId: 'SB-0003', consumer: 'NMG-MZT' };
    const [live, later, expired, revoked, stopped] = await seedGrantsOldestFirst(t, [
      { ...mzt, purpose: 'a' },
      { ...mzt, purpose: 'b', validUntil: new Date(t + DAY) },
      { ...mzt, purpose: 'c', validUntil: new Date(t - DAY) },
      { ...mzt, purpose: 'd', revokedAt: new Date(t - DAY), revokeReason: '不再需要' },
      { resourceId: 'MZ-0012', consumer: 'NMG-RST', purpose: 'e' },
    ]);
    await db.stopSharingNotice.create({
      data: { resourceId: 'MZ-0012', reason: '数据治理', effectiveAt: new Date(t - DAY), filedBy: 'NMG-MZT' },
    });

    expect(ids(await list('supervisor', '?active=true'))).toEqual([later.id, live.id]);
    const inactive = await list('supervisor', '?active=false');
    expect(ids(inactive)).toEqual([stopped.id, revoked.id, expired.id]);
    expect(inactive.body.items.map((i: { state: string }) => i.state)).toEqual([
      'resource_stopped',
      'revoked',
      'expired',
    ]);
    expect(ids(await list('supervisor', '?active=false&resource=SB-0003'))).toEqual([revoked.id, expired.id]);

    const bad = await list('supervisor', '?active=yes');
    expect(bad.status).toBe(400);
    expect((await list('supervisor', '?unknown=1')).status).toBe(400);
  });

  test('cursor pagination: newest first, ties broken by id, every grant exactly once', async () => {
    const t = new Date(Date.now() - 10_000);
    const made = [];
    for (let i = 0; i < 7; i++) {
      // pairs share a createdAt so the id tie-breaker is exercised
      made.push(
        await seedGrant({
          resourceId: 'SB-0003',
          consumer: 'NMG-MZT',
          purpose: `用途 ${i}`,
          createdAt: new Date(t.getTime() + Math.floor(i / 2) * 1000),
        }),
      );
    }
    const expected = [...made]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((g) => g.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: request.Response = await list('mzt', `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...ids(r));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);

    const bad = await list('mzt', '?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_cursor');
    const forged = Buffer.from(JSON.stringify(['not a date', 'x'])).toString('base64url');
    expect((await list('mzt', `?cursor=${forged}`)).body.code).toBe('invalid_cursor');
    expect((await list('mzt', '?limit=0')).status).toBe(400);
  });
});

describe('第二十条 revoking a grant', () => {
  async function revoke(who: Who, id: string, body: Record<string, unknown>) {
    const r = await api.as(who).post(`/api/v1/grants/${id}/revoke`).send(body);
    contract('post', '/grants/{id}/revoke', r);
    return r;
  }

  test('the provider revokes with a reason, audited; use is refused afterwards; a second revoke is 409 and writes nothing', async () => {
    const db = api.tdb.db;
    const g = await seedGrant({ resourceId: 'SB-0003', consumer: 'NMG-MZT', purpose: '城乡低保资格审核' });

    let mark = await auditMark();
    const r = await revoke('rst', g.id, { reason: '使用部门超出授权范围使用' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: g.id,
      revokedBy: 'NMG-RST',
      revokeReason: '使用部门超出授权范围使用',
      active: false,
      state: 'revoked',
    });
    expect(Date.parse(r.body.revokedAt)).toBeGreaterThan(Date.now() - 60_000);
    const rows = await auditSince(mark);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor: clientIdOf.rst,
      action: 'grant_revoked',
      target: g.id,
      data: {
        grantId: g.id,
        caseId: g.caseId,
        resourceId: 'SB-0003',
        consumerDepartmentId: 'NMG-MZT',
        revokedBy: 'NMG-RST',
        reason: '使用部门超出授权范围使用',
      },
    });

    const after = await decide('mzt', { resource: 'SB-0003', purpose: '城乡低保资格审核' });
    expect(after.body).toMatchObject({ allowed: false, code: 'grant_revoked' });

    const before = await db.grant.findUniqueOrThrow({ where: { id: g.id } });
    mark = await auditMark();
    const again = await revoke('rst', g.id, { reason: '再次撤销' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      code: 'grant_already_revoked',
      detail: expect.stringMatching(/已.*撤销/),
    });
    expect(await auditSince(mark)).toHaveLength(0);
    expect(await db.grant.findUniqueOrThrow({ where: { id: g.id } })).toEqual(before);
  });

  test('the consumer, a supervisor and an unrelated department cannot revoke; bad bodies are 400; nothing changes', async () => {
    const db = api.tdb.db;
    const g = await seedGrant({ resourceId: 'SB-0003', consumer: 'NMG-MZT', purpose: '城乡低保资格审核' });
    const mark = await auditMark();

    const consumer = await revoke('mzt', g.id, { reason: '不想用了' });
    expect(consumer.status).toBe(403);
    expect(consumer.body).toMatchObject({ code: 'forbidden', detail: expect.stringMatching(/提供部门/) });
    const supervisor = await revoke('supervisor', g.id, { reason: '监督' });
    expect(supervisor.status).toBe(403);
    const unrelated = await revoke('gat', g.id, { reason: '无关' });
    expect(unrelated.status).toBe(404);
    expect(unrelated.body.code).toBe('grant_not_found');
    expect((await revoke('rst', g.id, {})).status).toBe(400);
    expect((await revoke('rst', g.id, { reason: '  ' })).status).toBe(400);
    expect((await revoke('rst', g.id, { reason: '理由', revokedBy: 'NMG-ZWFWJ' })).status).toBe(400);

    // only the denials were written: three audited refusals, no grant change
    const rows = await auditSince(mark);
    expect(rows.map((x) => [x.actor, x.action])).toEqual([
      [clientIdOf.mzt, 'access_denied'],
      [clientIdOf.supervisor, 'access_denied'],
      [clientIdOf.gat, 'access_denied'],
    ]);
    expect(await db.grant.findUniqueOrThrow({ where: { id: g.id } })).toMatchObject({
      revokedAt: null,
      revokedBy: null,
      revokeReason: null,
    });
  });

  test('two concurrent revokes: exactly one wins, one audit row', async () => {
    const g = await seedGrant({ resourceId: 'SB-0003', consumer: 'NMG-MZT', purpose: '城乡低保资格审核' });
    const mark = await auditMark();
    const both = await Promise.all([
      revoke('rst', g.id, { reason: '第一次' }),
      revoke('admin', g.id, { reason: '第二次' }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const rows = await auditSince(mark);
    expect(rows.map((x) => x.action)).toEqual(['grant_revoked']);
    const winner = both.find((r) => r.status === 200);
    expect((rows[0].data as { reason: string }).reason).toBe(winner?.body.revokeReason);
  });

  test('an administrator may revoke; revokedBy records the client', async () => {
    const g = await seedGrant({ resourceId: 'MZ-0012', consumer: 'NMG-RST', purpose: '就业困难人员认定' });
    const r = await revoke('admin', g.id, { reason: '提供部门书面申请撤销' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ revokedBy: clientIdOf.admin, state: 'revoked' });
  });

  test('every row written above verifies against the hash chain (append-only log, 第二十四条)', async () => {
    const rows = await api.tdb.db.auditLog.findMany({ orderBy: { id: 'asc' } });
    expect(rows.length).toBeGreaterThan(20);
    expect(await verifyAuditChain(api.tdb.db)).toBeUndefined();
  });
});
