/**
 * Registry API over HTTP against a private seeded Postgres (issue 5): departments, 专人 (第二十七条), the
 * catalog with legal bases (第十四条) and stop-sharing notices (第十八条). Every response is also checked
 * against the OpenAPI document the server publishes, so the declared contract is what the server sends.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type request from 'supertest';
import { createTestApi, type TestApi, type Who } from '../support/api';
import { isResourceStopped } from '../../core/registry/resource-stop';
import { beijingInstant } from '../../calendar/dates';

let api: TestApi;
let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>> };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();

beforeAll(async () => {
  api = await createTestApi();
  const r = await api.as('none').get('/api/v1/openapi.json');
  expect(r.status).toBe(200);
  doc = r.body;
  ajv.addSchema(doc, 'openapi');
});
afterAll(async () => {
  await api?.close();
});

const pointer = (...parts: string[]) =>
  parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

/** The response must be declared for its status and its body must match the declared schema. */
function checkContract(method: string, path: string, r: request.Response): void {
  const full = path.split('?')[0];
  const template = Object.keys(doc.paths).find((t) =>
    new RegExp(`^${t.replace(/\{\w+\}/g, '[^/]+')}$`).test(full),
  );
  if (!template) throw new Error(`${method.toUpperCase()} ${full}: not in the OpenAPI document`);
  const declared = doc.paths[template][method]?.responses[String(r.status)];
  if (!declared) throw new Error(`${method.toUpperCase()} ${template}: status ${r.status} not declared`);
  const type = r.status >= 400 ? 'application/problem+json' : 'application/json';
  expect(r.headers['content-type']).toContain(type);
  const ref = `openapi#/${pointer('paths', template, method, 'responses', String(r.status), 'content', type, 'schema')}`;
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    validators.set(ref, validate);
  }
  if (!validate(r.body)) {
    throw new Error(
      `${method.toUpperCase()} ${template} ${r.status}: body does not match the contract: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(r.body)}`,
    );
  }
}

const V1 = '/api/v1';
async function get(who: Who, path: string) {
  const r = await api.as(who).get(V1 + path);
  checkContract('get', V1 + path, r);
  return r;
}
async function post(who: Who, path: string, body?: object) {
  const t = api.as(who).post(V1 + path);
  const r = body === undefined ? await t : await t.send(body);
  checkContract('post', V1 + path, r);
  return r;
}
async function patch(who: Who, path: string, body: object) {
  const r = await api
    .as(who)
    .patch(V1 + path)
    .send(body);
  checkContract('patch', V1 + path, r);
  return r;
}

const audits = () => api.tdb.db.auditLog.findMany({ orderBy: { id: 'asc' } });
const auditCount = () => api.tdb.db.auditLog.count();
async function lastAudit() {
  return api.tdb.db.auditLog.findFirstOrThrow({ orderBy: { id: 'desc' } });
}
const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

/** Walks every page with the given limit; returns the ids in order. */
async function walk(
  who: Who,
  path: string,
  limit: number,
  idOf: (x: { id: string }) => string = (x) => x.id,
) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const r = await get(who, `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(r.status).toBe(200);
    expect(r.body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...r.body.items.map(idOf));
    cursor = r.body.nextCursor;
    if (++pages > 100) throw new Error('pagination does not end');
  } while (cursor);
  return ids;
}

/**
 * A refused request must leave no trace but (for 403, and for a 404 hiding another department's object) its
 * access_denied entry.
 */
async function expectNothingWritten<T>(
  r: () => Promise<request.Response>,
  status: number,
  code: string,
  tables: () => Promise<T>,
  hiddenDenial = false,
) {
  const before = await tables();
  const audit = await auditCount();
  const res = await r();
  expect(res.status).toBe(status);
  expect(res.body.code).toBe(code);
  expect(typeof res.body.detail).toBe('string');
  expect(await tables()).toEqual(before);
  if (status === 403 || hiddenDenial) {
    expect(await auditCount()).toBe(audit + 1);
    expect((await lastAudit()).action).toBe('access_denied');
  } else {
    expect(await auditCount()).toBe(audit);
  }
  return res;
}

/** expectNothingWritten for each [request, status, code] in turn, on the same tables; a failure names its row. */
async function expectRefusals<T>(
  tables: () => Promise<T>,
  refusals: [() => Promise<request.Response>, number, string][],
) {
  for (const [i, [r, status, code]] of refusals.entries()) {
    try {
      await expectNothingWritten(r, status, code, tables);
    } catch (e) {
      if (e instanceof Error) e.message = `refusal ${i + 1} (${status} ${code}): ${e.message}`;
      throw e;
    }
  }
}

const departments = () => api.tdb.db.department.findMany({ orderBy: { id: 'asc' } });
const staffRows = () => api.tdb.db.staff.findMany({ orderBy: { id: 'asc' } });
const resources = () => api.tdb.db.resource.findMany({ orderBy: { id: 'asc' } });
const notices = () => api.tdb.db.stopSharingNotice.findMany({ orderBy: { id: 'asc' } });

describe('第十条 departments: the 自治区/盟市/旗县 hierarchy', () => {
  it('lists every department once across pages, with levels and the 第二十七条 flag', async () => {
    const all = await walk('rst', '/departments', 2);
    expect(all).toEqual([...all].sort());
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining(['NMG-ZWFWJ', 'NMG-GAT', 'NMG-RST', 'HHHT', 'HHHT-XCQ']));

    const r = await get('supervisor', '/departments?limit=100');
    const byId = new Map<string, Record<string, unknown>>(
      r.body.items.map((d: Record<string, unknown>) => [d.id, d]),
    );
    expect(byId.get('NMG-ZWFWJ')).toMatchObject({
      level: 'REGION',
      levelName: '自治区',
      isManagementDept: true,
      isShareAuthority: true,
      staffCount: 1,
      noResponsibleStaff: false,
    });
    expect(byId.get('NMG-ZRZYT')).toMatchObject({ staffCount: 0, noResponsibleStaff: true });
    expect(byId.get('HHHT-XCQ')).toMatchObject({
      level: 'BANNER_COUNTY',
      levelName: '旗县',
      parentId: 'HHHT',
      noResponsibleStaff: true,
    });

    const counties = await get('gat', '/departments?level=BANNER_COUNTY');
    expect(counties.body.items.map((d: { id: string }) => d.id)).toEqual(['HHHT-XCQ']);
    const under = await get('gat', '/departments?parent=HHHT');
    expect(under.body.items.map((d: { id: string }) => d.id)).toEqual(['HHHT-XCQ']);
  });

  it('refuses bad list input with 400 problems', async () => {
    expect((await get('rst', '/departments?cursor=nonsense')).body.code).toBe('invalid_cursor');
    const bad = await get('rst', '/departments?level=PROVINCE&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['level', 'limit']);
    expect((await get('rst', '/departments?colour=red')).status).toBe(400);
    expect((await get('none', '/departments')).status).toBe(401);
  });

  it('shows one department with its children; unknown id is 404', async () => {
    const r = await get('mzt', '/departments/HHHT');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: 'HHHT',
      level: 'LEAGUE_CITY',
      levelName: '盟市',
      childIds: ['HHHT-XCQ'],
    });
    const missing = await get('mzt', '/departments/NMG-NOPE');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('department_not_found');
  });

  it('admin creates departments within the hierarchy rules; the rest writes nothing', async () => {
    const created = await post('admin', '/departments', {
      id: 'HHHT-HMQ',
      name: '呼和浩特市回民区人民政府',
      level: 'BANNER_COUNTY',
      parentId: 'HHHT',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'HHHT-HMQ',
      parentId: 'HHHT',
      staffCount: 0,
      noResponsibleStaff: true,
      childIds: [],
      isManagementDept: false,
    });
    const entry = await lastAudit();
    expect(entry).toMatchObject({ action: 'department_created', target: 'department:HHHT-HMQ' });
    expect((await get('admin', '/departments/HHHT')).body.childIds).toEqual(['HHHT-HMQ', 'HHHT-XCQ']);

    const county = { id: 'X-1', name: '某旗', level: 'BANNER_COUNTY' };
    await expectNothingWritten(
      () => post('admin', '/departments', { ...county, id: 'HHHT-HMQ', parentId: 'HHHT' }),
      409,
      'department_exists',
      departments,
    );
    // a 旗县 directly under a 自治区 department, or with no parent, or under a missing one
    for (const parentId of ['NMG-GAT', undefined, 'NMG-NOPE']) {
      await expectNothingWritten(
        () => post('admin', '/departments', { ...county, parentId }),
        422,
        'invalid_hierarchy',
        departments,
      );
    }
    await expectNothingWritten(
      () =>
        post('admin', '/departments', { id: 'BT', name: '包头市', level: 'LEAGUE_CITY', parentId: 'HHHT' }),
      422,
      'invalid_hierarchy',
      departments,
    );
    const denied = await expectNothingWritten(
      () => post('rst', '/departments', { id: 'BT', name: '包头市', level: 'LEAGUE_CITY' }),
      403,
      'forbidden',
      departments,
    );
    expect(denied.body.detail).toContain('ADMIN');
    const unknownField = await expectNothingWritten(
      () => post('admin', '/departments', { id: 'BT', name: '包头市', level: 'LEAGUE_CITY', boss: 'x' }),
      400,
      'validation_failed',
      departments,
    );
    expect(unknownField.body.errors[0].code).toBe('unrecognized_keys');
    await expectNothingWritten(
      () => post('admin', '/departments', { id: '-bad id', name: '', level: 'LEAGUE_CITY' }),
      400,
      'validation_failed',
      departments,
    );
  });

  it('admin updates name, parent and flags; no cycles, no level mismatch', async () => {
    const office = await post('admin', '/departments', {
      id: 'NMG-ZWFWJ-SJC',
      name: '数据处',
      level: 'REGION',
      parentId: 'NMG-ZWFWJ',
    });
    expect(office.status).toBe(201);
    const renamed = await patch('admin', '/departments/NMG-ZWFWJ-SJC', {
      name: '数据资源处',
      isShareAuthority: true,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: '数据资源处', isShareAuthority: true, parentId: 'NMG-ZWFWJ' });
    expect(await lastAudit()).toMatchObject({
      action: 'department_updated',
      data: {
        changes: { name: { from: '数据处', to: '数据资源处' }, isShareAuthority: { from: false, to: true } },
      },
    });

    // NMG-ZWFWJ under its own child would close a loop
    await expectRefusals(departments, [
      [
        () => patch('admin', '/departments/NMG-ZWFWJ', { parentId: 'NMG-ZWFWJ-SJC' }),
        422,
        'invalid_hierarchy',
      ],
      [() => patch('admin', '/departments/NMG-ZWFWJ', { parentId: 'NMG-ZWFWJ' }), 422, 'invalid_hierarchy'],
      [() => patch('admin', '/departments/HHHT', { parentId: 'HHHT-XCQ' }), 422, 'invalid_hierarchy'],
      [() => patch('admin', '/departments/HHHT', {}), 400, 'validation_failed'],
      [() => patch('admin', '/departments/NMG-NOPE', { name: 'x' }), 404, 'department_not_found'],
      [() => patch('supervisor', '/departments/HHHT', { name: 'x' }), 403, 'forbidden'],
    ]);
    const detached = await patch('admin', '/departments/NMG-ZWFWJ-SJC', { parentId: null });
    expect(detached.body.parentId).toBeNull();
  });
});

describe('第二十七条 responsible staff (专人), history and gaps', () => {
  it('a department sees its own staff only; supervisors and admin see any', async () => {
    const own = await get('rst', '/departments/NMG-RST/staff');
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ departmentId: 'NMG-RST', noResponsibleStaff: false });
    expect(own.body.items).toEqual([
      expect.objectContaining({
        name: '张伟',
        email: 'zhangwei@rst.nmg.example',
        current: true,
        activeUntil: null,
      }),
    ]);
    const other = await expectNothingWritten(
      () => get('rst', '/departments/NMG-MZT/staff'),
      403,
      'forbidden',
      staffRows,
    );
    expect(other.body.detail).toContain('本部门');
    expect((await lastAudit()).target).toBe('GET /api/v1/departments/NMG-MZT/staff');
    expect((await get('supervisor', '/departments/NMG-MZT/staff')).body.items).toHaveLength(1);
    const none = await get('admin', '/departments/NMG-ZRZYT/staff');
    expect(none.body).toEqual({ departmentId: 'NMG-ZRZYT', noResponsibleStaff: true, items: [] });
    expect((await get('admin', '/departments/NMG-NOPE/staff')).body.code).toBe('department_not_found');
  });

  it('the gap flag flips when staff is added and ended; history is kept; emails never reach the audit log', async () => {
    const gaps = async () => walk('supervisor', '/staff-gaps', 1);
    expect(await gaps()).toEqual(expect.arrayContaining(['NMG-ZRZYT', 'HHHT-XCQ']));
    expect(await gaps()).not.toContain('NMG-RST');
    expect((await get('rst', '/staff-gaps')).status).toBe(403);

    const email = 'sunhong@zrzyt.nmg.example';
    const added = await post('admin', '/departments/NMG-ZRZYT/staff', {
      name: '孙红',
      email,
      phone: '0471-1234567',
      title: '信息中心主任',
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      departmentId: 'NMG-ZRZYT',
      name: '孙红',
      current: true,
      activeUntil: null,
    });
    const addEntry = await lastAudit();
    expect(addEntry).toMatchObject({ action: 'staff_added', target: 'department:NMG-ZRZYT' });
    expect((await get('gat', '/departments/NMG-ZRZYT')).body).toMatchObject({
      staffCount: 1,
      noResponsibleStaff: false,
    });
    expect(await gaps()).not.toContain('NMG-ZRZYT');

    // the same person twice is refused (any case of the address)
    await expectNothingWritten(
      () => post('admin', '/departments/NMG-ZRZYT/staff', { name: '孙红', email: email.toUpperCase() }),
      409,
      'staff_already_active',
      staffRows,
    );

    // no body at all: ends now
    const ended = await post('admin', `/departments/NMG-ZRZYT/staff/${added.body.id}/end`);
    expect(ended.status).toBe(200);
    expect(ended.body.noResponsibleStaff).toBe(true);
    expect(ended.body.staff.current).toBe(false);
    expect(ended.body.staff.activeUntil).not.toBeNull();
    expect(await lastAudit()).toMatchObject({ action: 'staff_ended', data: { noResponsibleStaff: true } });
    expect((await get('gat', '/departments/NMG-ZRZYT')).body.noResponsibleStaff).toBe(true);
    const gapList = await get('admin', '/staff-gaps?limit=100');
    expect(gapList.body.items).toContainEqual(
      expect.objectContaining({ id: 'NMG-ZRZYT', lastStaffUntil: ended.body.staff.activeUntil }),
    );
    expect(gapList.body.items).toContainEqual(
      expect.objectContaining({ id: 'HHHT-XCQ', lastStaffUntil: null }),
    );

    expect((await get('admin', '/departments/NMG-ZRZYT/staff')).body.items).toEqual([]);
    const history = await get('admin', '/departments/NMG-ZRZYT/staff?includeHistory=true');
    expect(history.body.items).toEqual([expect.objectContaining({ id: added.body.id, current: false })]);

    const again = await expectNothingWritten(
      () => post('admin', `/departments/NMG-ZRZYT/staff/${added.body.id}/end`, {}),
      409,
      'staff_already_ended',
      staffRows,
    );
    expect(again.body.detail).toContain('第二十七条');

    const trail = JSON.stringify(
      (await audits()).map((a) => a.data),
      (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v),
    );
    expect(trail).not.toContain('@');
    expect(trail).not.toContain('0471-1234567');
  });

  it('a department manages its own staff only; input is validated', async () => {
    const added = await post('rst', '/departments/NMG-RST/staff', {
      name: '乌云',
      email: 'wuyun@rst.nmg.example',
      activeFrom: '2026-01-05T09:00:00+08:00',
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      activeFrom: '2026-01-05T09:00:00.000+08:00',
      phone: null,
      title: null,
    });

    await expectRefusals(staffRows, [
      [
        () => post('rst', '/departments/NMG-MZT/staff', { name: '某人', email: 'x@y.example' }),
        403,
        'forbidden',
      ],
      [
        () => post('supervisor', '/departments/NMG-MZT/staff', { name: '某人', email: 'x@y.example' }),
        403,
        'forbidden',
      ],
    ]);
    const invalid = await expectNothingWritten(
      () =>
        post('rst', '/departments/NMG-RST/staff', {
          name: '某人',
          email: 'not-an-email',
          activeFrom: 'tomorrow',
        }),
      400,
      'validation_failed',
      staffRows,
    );
    expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'activeFrom',
      'email',
    ]);

    // ending another department's staff through one's own path is "not found", through theirs forbidden;
    // both are denied attempts on record (issue 10, finding 7c)
    const mztStaff = await api.tdb.db.staff.findFirstOrThrow({ where: { departmentId: 'NMG-MZT' } });
    await expectNothingWritten(
      () => post('rst', `/departments/NMG-RST/staff/${mztStaff.id}/end`, {}),
      404,
      'staff_not_found',
      staffRows,
      true,
    );
    await expectRefusals(staffRows, [
      [() => post('rst', `/departments/NMG-MZT/staff/${mztStaff.id}/end`, {}), 403, 'forbidden'],
      [
        () =>
          post('rst', `/departments/NMG-RST/staff/${added.body.id}/end`, { at: '2025-12-31T00:00:00+08:00' }),
        422,
        'invalid_end_time',
      ],
    ]);
    const ended = await post('rst', `/departments/NMG-RST/staff/${added.body.id}/end`, {
      at: '2026-02-01T00:00:00+08:00',
    });
    expect(ended.status).toBe(200);
    // 张伟 is still in post
    expect(ended.body.noResponsibleStaff).toBe(false);
    expect(ended.body.staff.activeUntil).toBe('2026-02-01T00:00:00.000+08:00');
  });
});

describe('第十四条 resources: share types and the legal-basis review', () => {
  it('lists the catalog for every role, paged without duplicates, with filters', async () => {
    const all = await walk('mzt', '/resources', 2);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining(['RK-0001', 'SB-0003', 'GA-0107', 'ZR-0021']));

    const conditional = await get('supervisor', '/resources?shareType=CONDITIONAL&limit=100');
    expect(conditional.body.items.every((r: { shareType: string }) => r.shareType === 'CONDITIONAL')).toBe(
      true,
    );
    const sb = conditional.body.items.find((r: { id: string }) => r.id === 'SB-0003');
    expect(sb).toMatchObject({
      providerDepartmentId: 'NMG-RST',
      catalogType: 'DEPARTMENTAL',
      catalogTypeName: '部门',
      shareTypeName: '有条件共享',
      classification: 'NON_CLASSIFIED',
      legalBasisStatus: 'confirmed',
      legalBasisConfirmedBy: 'NMG-ZWFWJ',
      status: 'PUBLISHED',
      stopsAt: null,
    });
    const gat = await get('rst', '/resources?provider=NMG-GAT&limit=100');
    expect(gat.body.items.map((r: { id: string }) => r.id)).toEqual(['GA-0107', 'RK-0001']);
    const rk = gat.body.items[1];
    expect(rk).toMatchObject({
      shareTypeName: '无条件共享',
      legalBasisStatus: 'not_required',
      legalBasis: null,
    });
    expect(
      (await get('rst', '/resources?catalogType=THEMATIC')).body.items.map((r: { id: string }) => r.id),
    ).toEqual(['MZ-0012']);
    expect((await get('rst', '/resources?shareType=SOMETIMES')).status).toBe(400);

    const one = await get('gat', '/resources/SB-0003');
    expect(one.body).toMatchObject({ id: 'SB-0003', stopNotices: [] });
    expect((await get('gat', '/resources/XX-9999')).body.code).toBe('resource_not_found');
  });

  it('registers resources: own department only, legal basis required for 有条件/不予 (第十四条)', async () => {
    await expectNothingWritten(
      () =>
        post('rst', '/resources', {
          id: 'SB-0100',
          name: '工伤认定信息',
          catalogType: 'DEPARTMENTAL',
          shareType: 'CONDITIONAL',
        }),
      422,
      'legal_basis_required',
      resources,
    );
    const created = await post('rst', '/resources', {
      id: 'SB-0100',
      name: '工伤认定信息',
      description: '工伤认定决定书要素',
      catalogType: 'DEPARTMENTAL',
      shareType: 'CONDITIONAL',
      legalBasis: '《工伤保险条例》第二十条',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      providerDepartmentId: 'NMG-RST',
      legalBasisStatus: 'pending',
      legalBasisConfirmedAt: null,
      catalogVersion: 1,
      status: 'PUBLISHED',
      stopNotices: [],
    });
    expect(await lastAudit()).toMatchObject({
      action: 'resource_created',
      target: 'resource:SB-0100',
      data: { providerDepartmentId: 'NMG-RST', shareType: 'CONDITIONAL' },
    });

    await expectRefusals(resources, [
      [
        () =>
          post('rst', '/resources', {
            id: 'SB-0100',
            name: 'x',
            catalogType: 'BASIC',
            shareType: 'UNCONDITIONAL',
          }),
        409,
        'resource_exists',
      ],
      [
        () =>
          post('rst', '/resources', {
            id: 'MZ-0999',
            name: '冒名登记',
            providerDepartmentId: 'NMG-MZT',
            catalogType: 'BASIC',
            shareType: 'UNCONDITIONAL',
          }),
        403,
        'forbidden',
      ],
      [
        () =>
          post('supervisor', '/resources', {
            id: 'X-1',
            name: 'x',
            catalogType: 'BASIC',
            shareType: 'UNCONDITIONAL',
          }),
        403,
        'forbidden',
      ],
    ]);
    const noProvider = await expectNothingWritten(
      () =>
        post('admin', '/resources', {
          id: 'X-1',
          name: 'x',
          catalogType: 'BASIC',
          shareType: 'UNCONDITIONAL',
        }),
      400,
      'validation_failed',
      resources,
    );
    expect(noProvider.body.errors[0].field).toBe('providerDepartmentId');
    await expectNothingWritten(
      () =>
        post('admin', '/resources', {
          id: 'X-1',
          name: 'x',
          providerDepartmentId: 'NMG-NOPE',
          catalogType: 'BASIC',
          shareType: 'UNCONDITIONAL',
        }),
      422,
      'unknown_department',
      resources,
    );
    const byAdmin = await post('admin', '/resources', {
      id: 'ZR-0030',
      name: '地理国情监测信息',
      providerDepartmentId: 'NMG-ZRZYT',
      catalogType: 'THEMATIC',
      shareType: 'NOT_SHARED',
      classification: 'CLASSIFIED',
      legalBasis: '《中华人民共和国保守国家秘密法》',
    });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body).toMatchObject({
      providerDepartmentId: 'NMG-ZRZYT',
      classification: 'CLASSIFIED',
      shareTypeName: '不予共享',
      legalBasisStatus: 'pending',
    });
  });

  it('updates bump the catalog version; a new legal basis goes back to pending', async () => {
    await expectNothingWritten(
      () => patch('mzt', '/resources/SB-0003', { name: '改名' }),
      403,
      'forbidden',
      resources,
    );
    const renamed = await patch('rst', '/resources/SB-0003', { name: '社会保险参保缴费信息(2026版)' });
    expect(renamed.status).toBe(200);
    // a rename does not touch the confirmed basis
    expect(renamed.body).toMatchObject({ catalogVersion: 2, legalBasisStatus: 'confirmed' });
    expect(await lastAudit()).toMatchObject({ action: 'resource_updated', data: { catalogVersion: 2 } });

    const before = await auditCount();
    const same = await patch('rst', '/resources/SB-0003', { name: '社会保险参保缴费信息(2026版)' });
    expect(same.body.catalogVersion).toBe(2);
    expect(await auditCount()).toBe(before);

    const rebased = await patch('rst', '/resources/SB-0003', {
      legalBasis: '《中华人民共和国社会保险法》第八十一条、《社会保险费征缴暂行条例》',
    });
    expect(rebased.body).toMatchObject({
      catalogVersion: 3,
      legalBasisStatus: 'pending',
      legalBasisConfirmedAt: null,
      legalBasisConfirmedBy: null,
    });

    await expectRefusals(resources, [
      [() => patch('gat', '/resources/RK-0001', { shareType: 'CONDITIONAL' }), 422, 'legal_basis_required'],
      [() => patch('rst', '/resources/SB-0003', { legalBasis: null }), 422, 'legal_basis_required'],
      [
        () => patch('rst', '/resources/SB-0003', { providerDepartmentId: 'NMG-MZT' }),
        400,
        'validation_failed',
      ],
    ]);
    const opened = await patch('gat', '/resources/GA-0107', { shareType: 'UNCONDITIONAL', legalBasis: null });
    expect(opened.body).toMatchObject({ shareType: 'UNCONDITIONAL', legalBasisStatus: 'not_required' });
    const closed = await patch('gat', '/resources/GA-0107', {
      shareType: 'CONDITIONAL',
      legalBasis: '《中华人民共和国出境入境管理法》第八十五条',
    });
    expect(closed.body).toMatchObject({ legalBasisStatus: 'pending', catalogVersion: 3 });
    const byAdmin = await patch('admin', '/resources/GA-0107', {
      description: '出入境证件办理记录',
      catalogType: 'BASIC',
    });
    expect(byAdmin.body).toMatchObject({
      description: '出入境证件办理记录',
      catalogType: 'BASIC',
      catalogVersion: 4,
    });
    expect(byAdmin.body.legalBasisStatus).toBe('pending');
    expect((await patch('rst', '/resources/XX-9999', { name: 'x' })).body.code).toBe('resource_not_found');
  });

  it('only the management department confirms or rejects a legal basis (第十四条)', async () => {
    const created = await post('mzt', '/resources', {
      id: 'MZ-0200',
      name: '婚姻登记信息',
      catalogType: 'DEPARTMENTAL',
      shareType: 'CONDITIONAL',
      legalBasis: '《婚姻登记条例》',
    });
    expect(created.body.legalBasisStatus).toBe('pending');

    // the provider itself and the coordination office (supervisor) are not the management department
    for (const who of ['mzt', 'supervisor'] as const) {
      await expectNothingWritten(
        () => post(who, '/resources/MZ-0200/legal-basis/confirm'),
        403,
        'forbidden',
        resources,
      );
    }
    const rejected = await post('zwfwj', '/resources/MZ-0200/legal-basis/reject', {
      reason: '请注明具体条款',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      legalBasisStatus: 'rejected',
      legalBasisRejectedBy: 'NMG-ZWFWJ',
      legalBasisRejectReason: '请注明具体条款',
    });
    expect(await lastAudit()).toMatchObject({
      action: 'legal_basis_rejected',
      actor: expect.any(String),
      data: { by: 'NMG-ZWFWJ', reason: '请注明具体条款', previous: 'pending' },
    });
    await expectRefusals(resources, [
      [
        () => post('zwfwj', '/resources/MZ-0200/legal-basis/reject', { reason: '再次退回' }),
        409,
        'legal_basis_already_rejected',
      ],
      [() => post('zwfwj', '/resources/MZ-0200/legal-basis/reject', {}), 400, 'validation_failed'],
    ]);

    // the provider revises the basis: back to pending, rejection cleared
    const revised = await patch('mzt', '/resources/MZ-0200', { legalBasis: '《婚姻登记条例》第十九条' });
    expect(revised.body).toMatchObject({
      legalBasisStatus: 'pending',
      legalBasisRejectedAt: null,
      legalBasisRejectReason: null,
    });

    const confirmed = await post('zwfwj', '/resources/MZ-0200/legal-basis/confirm');
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      legalBasisStatus: 'confirmed',
      legalBasisConfirmedBy: 'NMG-ZWFWJ',
    });
    expect(Date.parse(confirmed.body.legalBasisConfirmedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await lastAudit()).action).toBe('legal_basis_confirmed');
    await expectRefusals(resources, [
      [() => post('zwfwj', '/resources/MZ-0200/legal-basis/confirm'), 409, 'legal_basis_already_confirmed'],
      [() => post('admin', '/resources/RK-0001/legal-basis/confirm'), 409, 'legal_basis_not_required'],
    ]);
    // a row written around the API (legacy import) without its basis: shown as missing, nothing to confirm
    await api.tdb.db.resource.create({
      data: {
        id: 'LEGACY-1',
        name: '历史目录项',
        providerDepartmentId: 'NMG-MZT',
        catalogType: 'BASIC',
        shareType: 'CONDITIONAL',
      },
    });
    expect((await get('mzt', '/resources/LEGACY-1')).body.legalBasisStatus).toBe('missing');
    await expectNothingWritten(
      () => post('admin', '/resources/LEGACY-1/legal-basis/confirm'),
      409,
      'no_legal_basis',
      resources,
    );
    expect((await post('zwfwj', '/resources/XX-9999/legal-basis/confirm')).body.code).toBe(
      'resource_not_found',
    );
  });
});

describe('第十八条 stop-sharing notices', () => {
  it('files in advance with a reason, can withdraw before it takes effect', async () => {
    await expectRefusals(notices, [
      [
        () =>
          post('gat', '/resources/RK-0001/stop-notices', { reason: '系统迁移', effectiveAt: inHours(0.25) }),
        422,
        'stop_not_in_advance',
      ],
      [
        () =>
          post('gat', '/resources/RK-0001/stop-notices', { reason: '系统迁移', effectiveAt: inHours(-1) }),
        422,
        'stop_not_in_advance',
      ],
      [
        () => post('gat', '/resources/RK-0001/stop-notices', { effectiveAt: inHours(48) }),
        400,
        'validation_failed',
      ],
      [
        () =>
          post('mzt', '/resources/RK-0001/stop-notices', { reason: '不是我的', effectiveAt: inHours(48) }),
        403,
        'forbidden',
      ],
      [
        () =>
          post('supervisor', '/resources/RK-0001/stop-notices', { reason: 'x', effectiveAt: inHours(48) }),
        403,
        'forbidden',
      ],
    ]);

    const effectiveAt = inHours(48);
    const filed = await post('gat', '/resources/RK-0001/stop-notices', {
      reason: '数据源系统迁移',
      effectiveAt,
    });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({
      resourceId: 'RK-0001',
      reason: '数据源系统迁移',
      filedBy: 'NMG-GAT',
      // given in UTC, answered in Beijing time
      effectiveAt: beijingInstant(effectiveAt),
      state: 'pending',
      withdrawnAt: null,
    });
    expect(await lastAudit()).toMatchObject({
      action: 'stop_notice_filed',
      target: 'resource:RK-0001',
      data: { noticeId: filed.body.id },
    });
    const r = await get('gat', '/resources/RK-0001');
    expect(r.body).toMatchObject({ status: 'PUBLISHED', stopsAt: beijingInstant(effectiveAt) });
    expect(r.body.stopNotices).toEqual([expect.objectContaining({ id: filed.body.id, state: 'pending' })]);
    // other departments learn when the resource stops, but not the filing (as in GET /stop-notices)
    const consumer = await get('rst', '/resources/RK-0001');
    expect(consumer.body).toMatchObject({
      status: 'PUBLISHED',
      stopsAt: beijingInstant(effectiveAt),
      stopNotices: [],
    });

    await expectRefusals(notices, [
      [
        () =>
          post('gat', '/resources/RK-0001/stop-notices', { reason: '再报一次', effectiveAt: inHours(72) }),
        409,
        'stop_notice_pending',
      ],
      [() => post('mzt', `/resources/RK-0001/stop-notices/${filed.body.id}/withdraw`), 403, 'forbidden'],
      [
        () => post('gat', `/resources/GA-0107/stop-notices/${filed.body.id}/withdraw`),
        404,
        'notice_not_found',
      ],
    ]);
    const withdrawn = await post('gat', `/resources/RK-0001/stop-notices/${filed.body.id}/withdraw`);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ state: 'withdrawn', withdrawnBy: 'NMG-GAT' });
    expect((await lastAudit()).action).toBe('stop_notice_withdrawn');
    expect((await get('rst', '/resources/RK-0001')).body).toMatchObject({
      status: 'PUBLISHED',
      stopsAt: null,
    });
    await expectNothingWritten(
      () => post('gat', `/resources/RK-0001/stop-notices/${filed.body.id}/withdraw`),
      409,
      'notice_already_withdrawn',
      notices,
    );
  });

  it('a resource counts as STOPPED once the effective time has passed, computed at read time', async () => {
    const filed = await post('admin', '/resources/ZR-0021/stop-notices', {
      reason: '不动产登记系统切换',
      effectiveAt: inHours(2),
    });
    expect(filed.status).toBe(201);
    expect(await isResourceStopped(api.tdb.db, 'ZR-0021')).toBe(false);
    const published = await walk('gat', '/resources?status=PUBLISHED', 100);
    expect(published).toContain('ZR-0021');

    // The API refuses notices due within the hour, so "time passing" is simulated by moving the filed
    // notice's effectiveAt into the past directly in the database; nothing else changes, no job runs.
    await api.tdb.db.stopSharingNotice.update({
      where: { id: filed.body.id },
      data: { effectiveAt: new Date(Date.now() - 1000) },
    });
    const stopped = await get('supervisor', '/resources/ZR-0021');
    expect(stopped.body).toMatchObject({ status: 'STOPPED', stopsAt: null });
    expect(stopped.body.stopNotices[0].state).toBe('effective');
    expect((await api.tdb.db.resource.findUniqueOrThrow({ where: { id: 'ZR-0021' } })).status).toBe(
      'PUBLISHED',
    );
    expect(await isResourceStopped(api.tdb.db, 'ZR-0021')).toBe(true);
    expect(await walk('gat', '/resources?status=STOPPED', 100)).toContain('ZR-0021');
    expect(await walk('gat', '/resources?status=PUBLISHED', 100)).not.toContain('ZR-0021');

    await expectRefusals(notices, [
      [
        () => post('admin', `/resources/ZR-0021/stop-notices/${filed.body.id}/withdraw`),
        409,
        'stop_already_effective',
      ],
      [
        () =>
          post('admin', '/resources/ZR-0021/stop-notices', { reason: '再停一次', effectiveAt: inHours(5) }),
        409,
        'resource_already_stopped',
      ],
    ]);
  });

  it('lists notices: all for supervisors and the management department, own for other departments', async () => {
    const mz = await post('mzt', '/resources/MZ-0012/stop-notices', {
      reason: '低保系统升级',
      effectiveAt: inHours(30),
    });
    expect(mz.status).toBe(201);
    const sb = await post('rst', '/resources/SB-0003/stop-notices', {
      reason: '社保系统升级',
      effectiveAt: inHours(40),
    });
    expect(sb.status).toBe(201);

    const resourceOf = (n: { resourceId: string }) => n.resourceId;
    const everything = await walk('supervisor', '/stop-notices', 1);
    expect(new Set(everything).size).toBe(everything.length);
    expect(everything).toHaveLength(await api.tdb.db.stopSharingNotice.count());
    // newest first
    expect(everything[0]).toBe(sb.body.id);
    expect(await walk('zwfwj', '/stop-notices', 2)).toEqual(everything);
    expect(await walk('admin', '/stop-notices', 100)).toEqual(everything);

    const mzt = await get('mzt', '/stop-notices?limit=100');
    expect(mzt.body.items.map(resourceOf)).toEqual(['MZ-0012']);
    const gat = await get('gat', '/stop-notices?limit=100');
    expect(new Set(gat.body.items.map(resourceOf))).toEqual(new Set(['RK-0001']));

    const pending = await get('supervisor', '/stop-notices?pending=true&limit=100');
    expect(pending.body.items.map((n: { id: string }) => n.id).sort()).toEqual(
      [mz.body.id, sb.body.id].sort(),
    );
    const settled = await get('supervisor', '/stop-notices?pending=false&limit=100');
    expect(settled.body.items.every((n: { state: string }) => n.state !== 'pending')).toBe(true);
    expect((await get('supervisor', '/stop-notices?resource=SB-0003')).body.items).toHaveLength(1);
    expect((await get('supervisor', '/stop-notices?pending=maybe')).status).toBe(400);
    expect((await get('supervisor', '/stop-notices?cursor=WyJ4Il0')).body.code).toBe('invalid_cursor');
  });
});

describe('races and the contract checker itself', () => {
  it('two simultaneous filings on one resource: one notice, one 409', async () => {
    const file = () =>
      post('admin', '/resources/FR-0001/stop-notices', { reason: '登记系统停机', effectiveAt: inHours(24) });
    const statuses = (await Promise.all([file(), file(), file()])).map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409]);
    expect(await api.tdb.db.stopSharingNotice.count({ where: { resourceId: 'FR-0001' } })).toBe(1);
  });

  it('two simultaneous creations of one department: one 201, the other 409', async () => {
    const create = () =>
      post('admin', '/departments', { id: 'BT', name: '包头市人民政府', level: 'LEAGUE_CITY' });
    const statuses = (await Promise.all([create(), create()])).map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409]);
  });

  it('rejects bodies that do not match the schema and undeclared statuses', () => {
    const fake = (status: number, body: unknown) =>
      ({ status, body, headers: { 'content-type': 'application/json' } }) as unknown as request.Response;
    expect(() =>
      checkContract('get', '/api/v1/departments', fake(200, { items: [{ id: 1 }], nextCursor: null })),
    ).toThrow(/does not match/);
    expect(() => checkContract('get', '/api/v1/departments', fake(418, {}))).toThrow(/not declared/);
  });
});
