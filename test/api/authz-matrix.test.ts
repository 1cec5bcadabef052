/**
 * Authorization matrix (issue 5): every operation of the served OpenAPI document × every caller
 * (no key, a department acting on its own object, an unrelated department, the supervisor, the admin, and
 * a 盟市 supervisor: 呼和浩特市, whose scope holds HHHT and its 旗县 only, 第十条).
 *
 * The expected statuses below are written down by hand from the rules, not derived from the routes' role
 * lists: a department sees and acts only on cases where it is a party and on its own registry entries;
 * supervisors read everything and act on oversight procedures (a 盟市 supervisor only within its 盟市: the
 * fixtures here are 自治区 departments' objects, which it must not see); the admin manages departments, clients, the
 * calendar and profiles; every denied attempt leaves exactly one `access_denied` audit row. Where a foreign
 * object is answered with 404 so that its id does not leak (cases, grants, keys), the attempt is still a
 * denied attempt and must be audited as well.
 *
 * Each cell gets a fresh fixture where state matters, with input that is valid, so that authorization and
 * nothing else decides; every response must also conform to the OpenAPI document.
 */
import fs from 'node:fs';
import path from 'node:path';
import type request from 'supertest';
import { createTestApi, DEPT_OF, KEYS, type TestApi, type Who } from '../support/api';
import { ContractChecker, fetchSpec, operationsOf, type OpenApiDoc } from '../support/contract';
import { seedGrant } from '../support/grants';
import { eventually } from '../support/worker';
import { newApiKey } from '../../core/identity/key-material';
import { createCalendarProvider } from '../../core/calendar/provider';
import { freezeReport } from '../../core/reports/freeze';
import { noticeFixture } from '../calendar/notice-fixtures';

type Dept = keyof typeof DEPT_OF;
const COLUMNS = ['none', 'own', 'other', 'supervisor', 'admin', 'league'] as const;
type Column = (typeof COLUMNS)[number];

interface Cell {
  col: Column;
  who: Who;
}

interface Req {
  /** relative to /api/v1, query string included */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Row {
  /** `${METHOD} ${pathTemplate}` exactly as in the OpenAPI document */
  op: string;
  /** the department key that owns / is party to the fixture (default rst) */
  own?: Dept;
  /** an unrelated department key (default gat) */
  other?: Dept;
  expect: Record<Column, number>;
  /**
   * Columns answered 404 (not 403) because the object belongs to someone else: the attempt must still leave
   * one access_denied row. Every 403 cell must leave exactly one; every other cell none.
   */
  hiddenDenial?: Column[];
  make(cell: Cell): Promise<Req> | Req;
}

const V1 = '/api/v1';
const DAY = 86_400_000;
const HOUR = 3_600_000;

let api: TestApi;
let spec: OpenApiDoc;
let checker: ContractChecker;
const clientIdOf: Partial<Record<Who, string>> = {};

let seq = 0;
const uniq = () => `${Date.now().toString(36)}${(++seq).toString(36)}`;

// ---- fixtures ---------------------------------------------------------------------------------------------

const FIXTURE_2027 = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'calendar-api', 'fixtures', '2027-test-fixture.json'), 'utf8'),
) as unknown;

/**
 * A made-up arrangement for a year no case deadline touches, so that loading and withdrawing it is possible
 * whatever cases this file has started (TEST FIXTURE, not an official notice).
 */
const YEAR_UNUSED = 2035;
const ARRANGEMENT_UNUSED = {
  year: YEAR_UNUSED,
  source: {
    title: `测试夹具（非官方）：${YEAR_UNUSED}年部分节假日安排`,
    number: '测试发明电〔2034〕7号',
    date: '2034-11-01',
  },
  holidays: [{ name: '元旦', restDays: [`${YEAR_UNUSED}-01-01`], workDays: [] }],
};

async function ensureUnusedYearLoaded(): Promise<void> {
  const current = await api.tdb.db.calendarYear.findFirst({
    where: { year: YEAR_UNUSED, supersededAt: null },
  });
  if (current) return;
  const r = await api.as('admin').put(`${V1}/calendar/${YEAR_UNUSED}`).send(ARRANGEMENT_UNUSED);
  if (r.status !== 201) throw new Error(`loading ${YEAR_UNUSED} answered ${r.status}: ${r.text}`);
}

/** A fresh P1 case started through the API by MZT against RST's SB-0003 (MZT requester, RST responsible). */
async function startP1(): Promise<string> {
  const r = await api.as('mzt').post(`${V1}/cases`).set('Idempotency-Key', `authz-${uniq()}`).send({
    procedure: 'P1',
    resourceId: 'SB-0003',
    purpose: '城乡低保资格审核',
    scope: '参保状态、缴费基数',
  });
  if (r.status !== 201) throw new Error(`starting the fixture case answered ${r.status}: ${r.text}`);
  const id = r.body.id as string;
  // the workflow has projected its start: it is ready to take actions
  await eventually(() => api.tdb.db.caseEvent.findFirst({ where: { caseId: id, type: 'received' } }));
  return id;
}

const NOTICE_TO_RST = {
  departmentId: 'NMG-RST',
  grounds: [6],
  facts: '授权矩阵测试: 共享申请答复不及时',
  rectificationWorkingDays: 10,
};

/** A fresh written notice to RST, issued by the (regional) supervisor. */
async function freshNotice(): Promise<string> {
  const r = await api
    .as('supervisor')
    .post(`${V1}/notices`)
    .set('Idempotency-Key', `authz-notice-${uniq()}`)
    .send(NOTICE_TO_RST);
  if (r.status !== 201) throw new Error(`issuing the fixture notice answered ${r.status}: ${r.text}`);
  return r.body.caseId as string;
}

let grantCaseSeq = 0;
/** A closed P1 (MZT ← RST, SB-0003) and its grant, written as the projection activity writes them. */
async function freshGrant(): Promise<string> {
  const caseId = `GX-2026-8${String(++grantCaseSeq).padStart(5, '0')}`;
  const g = await seedGrant(api.tdb.db, caseId, {
    resourceId: 'SB-0003',
    consumer: 'NMG-MZT',
    scope: '参保状态、缴费基数',
    purpose: '城乡低保资格审核',
  });
  return g.id;
}

/** A fresh conditional resource of RST whose legal basis awaits the management department (pending). */
async function freshResource(): Promise<string> {
  const id = `T-${uniq()}`;
  await api.tdb.db.resource.create({
    data: {
      id,
      name: '测试资源',
      providerDepartmentId: 'NMG-RST',
      catalogType: 'DEPARTMENTAL',
      shareType: 'CONDITIONAL',
      legalBasis: '《测试条例》第一条',
    },
  });
  return id;
}

async function freshStopNotice(): Promise<{ resourceId: string; noticeId: string }> {
  const resourceId = await freshResource();
  const n = await api.tdb.db.stopSharingNotice.create({
    data: {
      resourceId,
      reason: '系统迁移',
      effectiveAt: new Date(Date.now() + 2 * HOUR),
      filedBy: 'NMG-RST',
    },
  });
  return { resourceId, noticeId: n.id };
}

async function freshStaff(): Promise<string> {
  const s = await api.tdb.db.staff.create({
    data: {
      departmentId: 'NMG-RST',
      name: '测试专人',
      email: `t${uniq()}@rst.nmg.example`,
      activeFrom: new Date(Date.now() - DAY),
    },
  });
  return s.id;
}

/** A fresh RST department client holding two valid keys. */
async function freshClient(): Promise<{ clientId: string; keyIds: string[] }> {
  const keys = [newApiKey(), newApiKey()];
  const c = await api.tdb.db.apiClient.create({
    data: {
      name: `测试客户端 ${uniq()}`,
      role: 'DEPARTMENT',
      departmentId: 'NMG-RST',
      keys: { create: keys.map((k) => ({ prefix: k.prefix, hash: k.hash })) },
    },
    include: { keys: true },
  });
  return { clientId: c.id, keyIds: c.keys.map((k) => k.id) };
}

/** A fresh additional key of the given caller's own client. */
async function freshKeyOf(who: Exclude<Who, 'none'>): Promise<string> {
  const k = newApiKey();
  const row = await api.tdb.db.apiKey.create({
    data: {
      clientId: clientIdOf[who] as string,
      prefix: k.prefix,
      hash: k.hash,
      label: 'authz 矩阵测试',
      // older than the demo key: only a client's newest key may revoke (issue 10, finding 5)
      createdAt: new Date(Date.now() - DAY),
    },
  });
  return row.id;
}

/** Revokes the keys issued after the caller's demo key (the rotation row's), so that it is the newest again. */
async function demoKeyNewest(who: Exclude<Who, 'none'>): Promise<void> {
  const demo = await api.tdb.db.apiKey.findUniqueOrThrow({ where: { prefix: KEYS[who].split('_')[1] } });
  await api.tdb.db.apiKey.updateMany({
    where: { clientId: demo.clientId, createdAt: { gt: demo.createdAt }, revokedAt: null },
    data: { revokedAt: new Date() },
  });
}

let rstReportId: string | undefined;
/** RST's half-year report (第三十二条), submitted: a P7 case and its frozen version 1, as the workflow leaves them. */
async function rstReport(): Promise<string> {
  if (rstReportId) return rstReportId;
  const db = api.tdb.db;
  const id = 'BS-2026-800001';
  await db.case.create({
    data: {
      id,
      procedure: 'P7_REPORT',
      status: 'CLOSED',
      stage: 'submitted',
      outcome: 'report_submitted',
      requesterDepartmentId: 'NMG-XTBGS',
      responsibleDepartmentId: 'NMG-RST',
      rootCaseId: id,
      receivedAt: new Date('2026-06-30T23:59:59.999+08:00'),
      workingDays: 15,
      deadlineDate: '2026-07-21',
      dueAt: new Date('2026-07-22T00:00:00+08:00'),
      calendarVersion: 'fixture',
      profileId: 'nmg-2018',
      answeredAt: new Date('2026-07-10T10:00:00+08:00'),
      details: {
        kind: 'half_year',
        period: '2026H1',
        periodStart: '2026-01-01T00:00:00+08:00',
        periodEnd: '2026-07-01T00:00:00+08:00',
      },
    },
  });
  await freezeReport(
    { db, calendars: createCalendarProvider(db) },
    { caseId: id, submittedAt: '2026-07-10T10:00:00+08:00', submittedBy: 'NMG-RST', narrative: '上半年情况' },
  );
  return (rstReportId = id);
}

// ---- the table ----------------------------------------------------------------------------------------------

const ALL_200 = { none: 401, own: 200, other: 200, supervisor: 200, admin: 200, league: 200 };
const ADMIN_ONLY = (ok: number) => ({
  none: 401,
  own: 403,
  other: 403,
  supervisor: 403,
  admin: ok,
  league: 403,
});
const OWN_OR_ADMIN = (ok: number) => ({
  none: 401,
  own: ok,
  other: 403,
  supervisor: 403,
  admin: ok,
  league: 403,
});

const ROWS: Row[] = [
  // ---- contract (public) ----
  {
    op: 'GET /api/v1/openapi.json',
    expect: { none: 200, own: 200, other: 200, supervisor: 200, admin: 200, league: 200 },
    make: () => ({ path: '/openapi.json' }),
  },
  {
    op: 'GET /api/v1/docs',
    expect: { none: 200, own: 200, other: 200, supervisor: 200, admin: 200, league: 200 },
    make: () => ({ path: '/docs' }),
  },

  // ---- cases ----
  {
    // any department starts its own request; supervisors and the admin are no party to a request
    op: 'POST /api/v1/cases',
    own: 'mzt',
    other: 'gat',
    expect: { none: 401, own: 201, other: 201, supervisor: 403, admin: 403, league: 403 },
    make: () => ({
      path: '/cases',
      headers: { 'Idempotency-Key': `authz-${uniq()}` },
      body: {
        procedure: 'P1',
        resourceId: 'SB-0003',
        purpose: '城乡低保资格审核',
        scope: '参保状态、缴费基数',
      },
    }),
  },
  {
    // a law revision or function change starts P5 catalog updates: oversight (and the admin, for departments)
    op: 'POST /api/v1/change-events',
    expect: { none: 401, own: 403, other: 403, supervisor: 201, admin: 201, league: 422 },
    hiddenDenial: ['league'],
    make: () => ({
      path: '/change-events',
      headers: { 'Idempotency-Key': `authz-${uniq()}` },
      body: {
        kind: 'law_revision',
        title: '《测试条例》修订',
        reference: '测试条例第一条',
        departmentIds: ['NMG-ZRZYT'],
      },
    }),
  },
  {
    // the responsible department RST approves a fresh P1; GAT is no party and must not learn the case exists
    op: 'POST /api/v1/cases/{id}/actions',
    own: 'rst',
    other: 'gat',
    // supervisors pass the role check (they review P6 reports) but may not answer a P1; the 盟市 one cannot see it
    expect: { none: 401, own: 200, other: 404, supervisor: 403, admin: 403, league: 404 },
    hiddenDenial: ['other', 'league'],
    make: async () => ({
      path: `/cases/${await startP1()}/actions`,
      body: { type: 'approve', scope: '参保状态', purpose: '城乡低保资格审核' },
    }),
  },
  // 书面通报 (第三十六条): only supervisors issue; the addressee (RST) and supervisors of its level read it
  {
    op: 'POST /api/v1/notices',
    expect: { none: 401, own: 403, other: 403, supervisor: 201, admin: 403, league: 422 },
    hiddenDenial: ['league'],
    make: () => ({
      path: '/notices',
      headers: { 'Idempotency-Key': `authz-${uniq()}` },
      body: NOTICE_TO_RST,
    }),
  },
  {
    op: 'GET /api/v1/notices/{id}',
    own: 'rst',
    other: 'gat',
    expect: { none: 401, own: 200, other: 404, supervisor: 200, admin: 200, league: 404 },
    hiddenDenial: ['other', 'league'],
    make: async () => ({ path: `/notices/${await freshNotice()}` }),
  },
  {
    op: 'GET /api/v1/notices/{id}/document',
    own: 'rst',
    other: 'gat',
    expect: { none: 401, own: 200, other: 404, supervisor: 200, admin: 200, league: 404 },
    hiddenDenial: ['other', 'league'],
    make: async () => ({ path: `/notices/${await freshNotice()}/document` }),
  },
  {
    op: 'GET /api/v1/notice-proposals',
    expect: { none: 401, own: 403, other: 403, supervisor: 200, admin: 403, league: 200 },
    make: () => ({ path: '/notice-proposals' }),
  },
  {
    op: 'GET /api/v1/cases/{id}',
    own: 'mzt',
    other: 'gat',
    expect: { none: 401, own: 200, other: 404, supervisor: 200, admin: 200, league: 404 },
    hiddenDenial: ['other', 'league'],
    make: async () => ({ path: `/cases/${await startP1()}` }),
  },
  { op: 'GET /api/v1/cases', expect: ALL_200, make: () => ({ path: '/cases' }) },
  {
    op: 'GET /api/v1/data-disputes',
    expect: ALL_200,
    make: () => ({ path: `/data-disputes?resource=SB-0003&item=${encodeURIComponent('参保状态')}` }),
  },

  // ---- grants ----
  { op: 'GET /api/v1/grants', expect: ALL_200, make: () => ({ path: '/grants' }) },
  {
    // MZT uses the grant; GAT has nothing to do with it
    op: 'GET /api/v1/grants/{id}',
    own: 'mzt',
    other: 'gat',
    expect: { none: 401, own: 200, other: 404, supervisor: 200, admin: 200, league: 404 },
    hiddenDenial: ['other', 'league'],
    make: async () => ({ path: `/grants/${await freshGrant()}` }),
  },
  {
    // the provider RST answers for its data; GAT must not learn the grant exists
    op: 'POST /api/v1/grants/{id}/revoke',
    own: 'rst',
    other: 'gat',
    expect: { none: 401, own: 200, other: 404, supervisor: 403, admin: 200, league: 403 },
    hiddenDenial: ['other'],
    make: async () => ({ path: `/grants/${await freshGrant()}/revoke`, body: { reason: '用途已完成' } }),
  },
  {
    // a department asks only about itself; oversight and the admin may ask about anyone
    op: 'POST /api/v1/access-decisions',
    own: 'mzt',
    other: 'gat',
    expect: { none: 401, own: 200, other: 403, supervisor: 200, admin: 200, league: 404 },
    hiddenDenial: ['league'],
    make: () => ({
      path: '/access-decisions',
      body: { department: 'NMG-MZT', resource: 'SB-0003', purpose: '城乡低保资格审核' },
    }),
  },

  // ---- registry: departments and staff ----
  // the catalog and the department registry are shared information every department needs to file requests
  { op: 'GET /api/v1/departments', expect: ALL_200, make: () => ({ path: '/departments' }) },
  { op: 'GET /api/v1/departments/{id}', expect: ALL_200, make: () => ({ path: '/departments/NMG-RST' }) },
  {
    op: 'POST /api/v1/departments',
    expect: ADMIN_ONLY(201),
    make: () => ({ path: '/departments', body: { id: `T-${uniq()}`, name: '测试部门', level: 'REGION' } }),
  },
  {
    // departments are the admin's to manage, even a department's own record
    op: 'PATCH /api/v1/departments/{id}',
    expect: ADMIN_ONLY(200),
    make: () => ({
      path: '/departments/NMG-RST',
      body: { name: `内蒙古自治区人力资源和社会保障厅 ${uniq()}` },
    }),
  },
  {
    op: 'GET /api/v1/staff-gaps',
    expect: { none: 401, own: 403, other: 403, supervisor: 200, admin: 200, league: 200 },
    make: () => ({ path: '/staff-gaps' }),
  },
  {
    op: 'GET /api/v1/departments/{id}/staff',
    expect: { none: 401, own: 200, other: 403, supervisor: 200, admin: 200, league: 404 },
    hiddenDenial: ['league'],
    make: () => ({ path: '/departments/NMG-RST/staff' }),
  },
  {
    op: 'POST /api/v1/departments/{id}/staff',
    expect: OWN_OR_ADMIN(201),
    make: () => ({
      path: '/departments/NMG-RST/staff',
      body: { name: '测试专人', email: `t${uniq()}@rst.nmg.example` },
    }),
  },
  {
    op: 'POST /api/v1/departments/{id}/staff/{staffId}/end',
    expect: OWN_OR_ADMIN(200),
    make: async () => ({ path: `/departments/NMG-RST/staff/${await freshStaff()}/end`, body: {} }),
  },

  // ---- registry: resources ----
  { op: 'GET /api/v1/resources', expect: ALL_200, make: () => ({ path: '/resources' }) },
  { op: 'GET /api/v1/resources/{id}', expect: ALL_200, make: () => ({ path: '/resources/SB-0003' }) },
  {
    // a resource provided by RST: RST registers it, GAT may not register it in RST's name
    op: 'POST /api/v1/resources',
    expect: OWN_OR_ADMIN(201),
    make: () => ({
      path: '/resources',
      body: {
        id: `T-${uniq()}`,
        name: '测试资源',
        providerDepartmentId: 'NMG-RST',
        catalogType: 'DEPARTMENTAL',
        shareType: 'UNCONDITIONAL',
      },
    }),
  },
  {
    op: 'PATCH /api/v1/resources/{id}',
    expect: OWN_OR_ADMIN(200),
    make: async () => ({ path: `/resources/${await freshResource()}`, body: { name: '测试资源 (改名)' } }),
  },
  {
    // 第十四条: the management department confirms legal bases; the provider RST may not confirm its own
    op: 'POST /api/v1/resources/{id}/legal-basis/confirm',
    own: 'zwfwj',
    other: 'rst',
    expect: { none: 401, own: 200, other: 403, supervisor: 403, admin: 200, league: 403 },
    make: async () => ({ path: `/resources/${await freshResource()}/legal-basis/confirm` }),
  },
  {
    op: 'POST /api/v1/resources/{id}/legal-basis/reject',
    own: 'zwfwj',
    other: 'rst',
    expect: { none: 401, own: 200, other: 403, supervisor: 403, admin: 200, league: 403 },
    make: async () => ({
      path: `/resources/${await freshResource()}/legal-basis/reject`,
      body: { reason: '依据条文与资源内容不符' },
    }),
  },
  {
    op: 'POST /api/v1/resources/{id}/stop-notices',
    expect: OWN_OR_ADMIN(201),
    make: async () => ({
      path: `/resources/${await freshResource()}/stop-notices`,
      body: { reason: '系统迁移', effectiveAt: new Date(Date.now() + 2 * HOUR).toISOString() },
    }),
  },
  {
    op: 'POST /api/v1/resources/{id}/stop-notices/{noticeId}/withdraw',
    expect: OWN_OR_ADMIN(200),
    make: async () => {
      const n = await freshStopNotice();
      return { path: `/resources/${n.resourceId}/stop-notices/${n.noticeId}/withdraw` };
    },
  },
  { op: 'GET /api/v1/stop-notices', expect: ALL_200, make: () => ({ path: '/stop-notices' }) },

  // ---- identity ----
  { op: 'GET /api/v1/me', expect: ALL_200, make: () => ({ path: '/me' }) },
  {
    op: 'POST /api/v1/me/keys',
    expect: { none: 401, own: 201, other: 201, supervisor: 201, admin: 201, league: 201 },
    make: () => ({ path: '/me/keys', body: { label: 'authz 矩阵测试' } }),
  },
  {
    // everyone revokes its own other key; `other` (GAT) tries RST's key: not its own, looks absent, audited
    op: 'POST /api/v1/me/keys/{keyId}/revoke',
    own: 'rst',
    other: 'gat',
    expect: { none: 401, own: 200, other: 404, supervisor: 200, admin: 200, league: 200 },
    hiddenDenial: ['other'],
    make: async ({ col, who }) => {
      const owner = col === 'other' || who === 'none' ? 'rst' : who;
      if (who !== 'none') await demoKeyNewest(who);
      return { path: `/me/keys/${await freshKeyOf(owner)}/revoke`, body: { reason: '测试' } };
    },
  },
  {
    op: 'POST /api/v1/clients',
    expect: ADMIN_ONLY(201),
    make: () => ({
      path: '/clients',
      body: { name: `测试客户端 ${uniq()}`, role: 'DEPARTMENT', departmentId: 'NMG-RST' },
    }),
  },
  { op: 'GET /api/v1/clients', expect: ADMIN_ONLY(200), make: () => ({ path: '/clients' }) },
  {
    // even the department's own client record is the admin's (a department looks at itself through /me)
    op: 'GET /api/v1/clients/{id}',
    expect: ADMIN_ONLY(200),
    make: () => ({ path: `/clients/${clientIdOf.rst}` }),
  },
  {
    op: 'GET /api/v1/clients/{id}/keys',
    expect: ADMIN_ONLY(200),
    make: () => ({ path: `/clients/${clientIdOf.rst}/keys` }),
  },
  {
    op: 'POST /api/v1/clients/{id}/keys',
    expect: ADMIN_ONLY(201),
    make: async () => ({
      path: `/clients/${(await freshClient()).clientId}/keys`,
      body: { overlapHours: 0 },
    }),
  },
  {
    op: 'POST /api/v1/clients/{id}/keys/{keyId}/revoke',
    expect: ADMIN_ONLY(200),
    make: async () => {
      const c = await freshClient();
      return { path: `/clients/${c.clientId}/keys/${c.keyIds[0]}/revoke`, body: { reason: '测试' } };
    },
  },
  {
    op: 'POST /api/v1/clients/{id}/revoke',
    expect: ADMIN_ONLY(200),
    make: async () => ({
      path: `/clients/${(await freshClient()).clientId}/revoke`,
      body: { reason: '测试' },
    }),
  },

  // ---- calendar ----
  {
    op: 'GET /api/v1/calendar/deadline',
    expect: ALL_200,
    make: () => ({ path: '/calendar/deadline?from=2026-03-02&workingDays=5' }),
  },
  {
    op: 'GET /api/v1/calendar/working-days',
    expect: ALL_200,
    make: () => ({ path: '/calendar/working-days?from=2026-03-01&to=2026-03-31' }),
  },
  { op: 'GET /api/v1/calendar/{year}', expect: ALL_200, make: () => ({ path: '/calendar/2026' }) },
  {
    op: 'GET /api/v1/audit-events',
    expect: { none: 401, own: 403, other: 403, supervisor: 200, admin: 200, league: 403 },
    make: () => ({ path: '/audit-events?action=access_denied&limit=5' }),
  },
  {
    op: 'GET /api/v1/audit-events/verification',
    expect: { none: 401, own: 403, other: 403, supervisor: 200, admin: 200, league: 403 },
    make: () => ({ path: '/audit-events/verification' }),
  },
  {
    op: 'GET /api/v1/audit-events/export',
    expect: { none: 401, own: 403, other: 403, supervisor: 200, admin: 200, league: 403 },
    make: () => ({ path: '/audit-events/export?from=2026-01-01&to=2026-01-02' }),
  },
  {
    // public on purpose: whoever holds an export needs the key that checks it
    op: 'GET /api/v1/audit/public-key',
    expect: { none: 200, own: 200, other: 200, supervisor: 200, admin: 200, league: 200 },
    make: () => ({ path: '/audit/public-key' }),
  },
  { op: 'GET /api/v1/profiles', expect: ALL_200, make: () => ({ path: '/profiles' }) },
  { op: 'GET /api/v1/profiles/{id}', expect: ALL_200, make: () => ({ path: '/profiles/nmg-2018' }) },
  {
    op: 'GET /api/v1/calendar/{year}/versions/{version}',
    expect: ALL_200,
    make: async () => {
      await ensureUnusedYearLoaded();
      return { path: `/calendar/${YEAR_UNUSED}/versions/1` };
    },
  },
  {
    // a dry run: the admin's cell computes the effect and saves nothing
    op: 'PUT /api/v1/calendar/{year}',
    expect: ADMIN_ONLY(200),
    make: () => ({ path: '/calendar/2027?dryRun=true', body: FIXTURE_2027 }),
  },
  {
    // a dry run of the notice text (issue 16): the admin's cell parses and computes, saves nothing
    op: 'POST /api/v1/calendar/{year}/notice',
    expect: ADMIN_ONLY(200),
    make: () => ({
      path: '/calendar/2019/notice?dryRun=true',
      body: { text: noticeFixture('2019-amendment') },
    }),
  },
  {
    // a loaded arrangement for a year no open case touches, so the admin's withdrawal succeeds
    op: 'DELETE /api/v1/calendar/{year}',
    expect: ADMIN_ONLY(200),
    make: async () => {
      await ensureUnusedYearLoaded();
      return { path: `/calendar/${YEAR_UNUSED}` };
    },
  },

  // ---- reports (第三十二条): the reporting department, oversight by level; corrections by the reporter only ----
  { op: 'GET /api/v1/reports', expect: ALL_200, make: () => ({ path: '/reports' }) },
  ...(['', '/document.docx', '/figures.xlsx'] as const).map((suffix): Row => ({
    op: `GET /api/v1/reports/{id}${suffix}`,
    expect: { none: 401, own: 200, other: 404, supervisor: 200, admin: 200, league: 404 },
    hiddenDenial: ['other', 'league'],
    make: async () => ({ path: `/reports/${await rstReport()}${suffix}` }),
  })),
  {
    op: 'POST /api/v1/reports/{id}/corrections',
    expect: { none: 401, own: 201, other: 404, supervisor: 403, admin: 403, league: 403 },
    hiddenDenial: ['other'],
    make: async () => ({
      path: `/reports/${await rstReport()}/corrections`,
      body: { narrative: '更正说明' },
    }),
  },
];

// ---- running a cell -----------------------------------------------------------------------------------------

function whoOf(row: Row, col: Column): Who {
  if (col === 'own') return row.own ?? 'rst';
  if (col === 'other') return row.other ?? 'gat';
  if (col === 'league') return 'hhht';
  return col;
}

const deniedCount = () => api.tdb.db.auditLog.count({ where: { action: 'access_denied' } });

async function send(who: Who, method: string, req: Req): Promise<request.Response> {
  const caller = api.as(who);
  const url = `${V1}${req.path}`;
  let t: request.Test;
  switch (method) {
    case 'GET':
      t = caller.get(url);
      break;
    case 'POST':
      t = caller.post(url);
      break;
    case 'PUT':
      t = caller.put(url);
      break;
    case 'PATCH':
      t = caller.patch(url);
      break;
    case 'DELETE':
      t = caller.delete(url);
      break;
    default:
      throw new Error(`unknown method ${method}`);
  }
  for (const [k, v] of Object.entries(req.headers ?? {})) t = t.set(k, v);
  return req.body === undefined ? t : t.send(req.body as object);
}

/** Runs all five cells of a row; returns one line per mismatch (status, contract or audit). */
async function runRow(row: Row): Promise<string[]> {
  const [method, template] = row.op.split(' ');
  const problems: string[] = [];
  for (const col of COLUMNS) {
    const who = whoOf(row, col);
    const name = `${row.op} ${col}${col === 'own' || col === 'other' ? ` (${who})` : ''}`;
    let req: Req;
    try {
      req = await row.make({ col, who });
    } catch (e) {
      problems.push(`${name}: fixture failed: ${(e as Error).message}`);
      continue;
    }
    const before = await deniedCount();
    const res = await send(who, method, req);
    const denied = (await deniedCount()) - before;
    const want = row.expect[col];
    if (res.status !== want) {
      const code = (res.body as { code?: string } | undefined)?.code;
      problems.push(`${name}: expected ${want} got ${res.status}${code ? ` (${code})` : ''}`);
    }
    for (const p of checker.check(method.toLowerCase(), template, res)) problems.push(`${name}: ${p}`);
    const wantDenied = want === 403 || row.hiddenDenial?.includes(col) ? 1 : 0;
    if (denied !== wantDenied) {
      problems.push(`${name}: expected ${wantDenied} new access_denied audit row(s), got ${denied}`);
    }
  }
  return problems;
}

// ---- tests --------------------------------------------------------------------------------------------------

beforeAll(async () => {
  api = await createTestApi({ worker: true });
  spec = await fetchSpec(api.app);
  checker = new ContractChecker(spec);
  const db = api.tdb.db;
  for (const [who, departmentId] of Object.entries(DEPT_OF)) {
    const c = await db.apiClient.findFirstOrThrow({ where: { departmentId, role: 'DEPARTMENT' } });
    clientIdOf[who as Who] = c.id;
  }
  clientIdOf.supervisor = (
    await db.apiClient.findFirstOrThrow({ where: { role: 'SUPERVISOR', departmentId: 'NMG-XTBGS' } })
  ).id;
  clientIdOf.hhht = (
    await db.apiClient.findFirstOrThrow({ where: { role: 'SUPERVISOR', departmentId: 'HHHT' } })
  ).id;
  clientIdOf.admin = (await db.apiClient.findFirstOrThrow({ where: { role: 'ADMIN' } })).id;
  await ensureUnusedYearLoaded();
}, 120_000);

afterAll(async () => {
  await api?.close();
});

test('the table has exactly one row per operation of the OpenAPI document', () => {
  const documented = operationsOf(spec)
    .map((o) => `${o.method.toUpperCase()} ${o.path}`)
    .sort();
  const keys = ROWS.map((r) => r.op);
  expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  expect({ withoutRow: documented.filter((o) => !keys.includes(o)) }).toEqual({ withoutRow: [] });
  expect({ notDocumented: keys.filter((k) => !documented.includes(k)) }).toEqual({ notDocumented: [] });
});

test.each(ROWS.map((r) => [r.op, r] as const))('%s', async (_op, row) => {
  expect(await runRow(row)).toEqual([]);
});
