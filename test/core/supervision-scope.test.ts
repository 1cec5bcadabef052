/**
 * The scope rule of supervision by level (第十条, core/supervision-scope.ts) on a real registry: who is attached
 * to which level sees which departments. The routes that apply it are tested in test/web/supervision-level.test.ts.
 */
import { createAccount } from '../../core/people/accounts';
import { caseInScope, scopeOf, type Scope } from '../../core/supervision-scope';
import { seedRegistry } from '../../prisma/seed';
import { createTestDatabase, type TestDatabase } from '../support/db';

describe('第十条 scopeOf: the level a supervisor is attached to bounds what it sees', () => {
  let tdb: TestDatabase;
  const ids = (s: Scope) => (s === 'all' ? 'all' : [...s].sort());

  beforeAll(async () => {
    tdb = await createTestDatabase();
    await seedRegistry(tdb.db);
    await tdb.db.department.createMany({
      data: [
        { id: 'BT', name: '包头市人民政府', level: 'LEAGUE_CITY' },
        { id: 'BT-KDL', name: '包头市昆都仑区人民政府', level: 'BANNER_COUNTY', parentId: 'BT' },
        { id: 'HHHT-SJJ', name: '呼和浩特市数据局', level: 'LEAGUE_CITY', parentId: 'NMG-ZWFWJ' },
        { id: 'HHHT-HMQ', name: '呼和浩特市回民区人民政府', level: 'BANNER_COUNTY', parentId: 'HHHT' },
      ],
    });
  });
  afterAll(() => tdb?.drop());

  const supervisor = (departmentId?: string) => ({
    clientId: 't',
    role: 'SUPERVISOR' as const,
    departmentId,
  });

  it('administrators, supervisors without a department and 自治区 supervisors see everything', async () => {
    expect(await scopeOf(tdb.db, { clientId: 'a', role: 'ADMIN' })).toBe('all');
    expect(await scopeOf(tdb.db, supervisor())).toBe('all');
    expect(await scopeOf(tdb.db, supervisor('NMG-XTBGS'))).toBe('all');
  });

  it('a 盟市 supervisor: its department and the 旗县 whose parent chain reaches it', async () => {
    expect(ids(await scopeOf(tdb.db, supervisor('HHHT')))).toEqual(['HHHT', 'HHHT-HMQ', 'HHHT-XCQ']);
    expect(ids(await scopeOf(tdb.db, supervisor('BT')))).toEqual(['BT', 'BT-KDL']);
  });

  it('a 旗县 supervisor: its department only; a department: itself; an unknown department: nothing', async () => {
    expect(ids(await scopeOf(tdb.db, supervisor('HHHT-XCQ')))).toEqual(['HHHT-XCQ']);
    expect(
      ids(await scopeOf(tdb.db, { clientId: 'd', role: 'DEPARTMENT', departmentId: 'NMG-RST' })),
    ).toEqual(['NMG-RST']);
    expect(ids(await scopeOf(tdb.db, supervisor('NOPE')))).toEqual([]);
  });

  it('a case is in scope when its responsible or its requester department is', async () => {
    const s = await scopeOf(tdb.db, supervisor('HHHT'));
    expect(caseInScope(s, { responsibleDepartmentId: 'HHHT-XCQ', requesterDepartmentId: 'NMG-MZT' })).toBe(
      true,
    );
    expect(caseInScope(s, { responsibleDepartmentId: 'NMG-RST', requesterDepartmentId: 'HHHT' })).toBe(true);
    expect(caseInScope(s, { responsibleDepartmentId: 'BT', requesterDepartmentId: 'NMG-GAT' })).toBe(false);
    expect(caseInScope(s, { responsibleDepartmentId: 'NMG-GAT', requesterDepartmentId: null })).toBe(false);
  });

  it('accounts: a supervisor may have a department, an administrator may not (CHECK and use-case agree)', async () => {
    const admin = { clientId: 'system:test', role: 'ADMIN' as const };
    const p = await createAccount({ db: tdb.db }, admin, {
      username: 'bt-duban',
      displayName: '包头市 督办',
      role: 'SUPERVISOR',
      departmentId: 'BT',
      password: 'bt-demo-2026-x',
    });
    expect(p.departmentId).toBe('BT');
    await expect(
      createAccount({ db: tdb.db }, admin, {
        username: 'admin2',
        displayName: '管理员',
        role: 'ADMIN',
        departmentId: 'BT',
        password: 'admin-demo-2026-x',
      }),
    ).rejects.toMatchObject({ code: 'department_required' });
    // the database refuses it as well, whoever writes
    await expect(
      tdb.db.webUser.create({
        data: {
          username: 'x',
          displayName: 'x',
          role: 'ADMIN',
          departmentId: 'BT',
          passwordHash: 'x',
          createdBy: 't',
        },
      }),
    ).rejects.toThrow(/WebUser_department_role/);
  });
});
