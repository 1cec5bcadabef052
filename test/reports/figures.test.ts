/**
 * 第三十二条 report figures: the pure counting (figures.ts) and the access decisions read from the audit log
 * (figure-rows.ts) for the period that contains today.
 */
import { createCalendarProvider } from '../../core/calendar/provider';
import { decideAndLog } from '../../core/decide-access';
import { bodyFigures } from '../../core/reports/compute';
import { departmentFigures, median, yearSummary, type FigureRows } from '../../core/reports/figures';
import { periodEndedBefore, parsePeriod, periodLabel } from '../../procedures/report-periods';
import { seedRegistry } from '../../prisma/seed';
import { createTestDatabase, type TestDatabase } from '../support/db';

const EMPTY: FigureRows = { cases: [], grants: [], decisions: [], notices: [] };

describe('第三十二条 report figures (pure)', () => {
  test('access decisions: asked by the area (allowed, refused) and about its resources', () => {
    const f = departmentFigures(new Set(['A']), {
      ...EMPTY,
      decisions: [
        { departmentId: 'A', providerDepartmentId: 'B', allowed: true, n: 3 },
        { departmentId: 'A', providerDepartmentId: 'B', allowed: false, n: 2 },
        { departmentId: 'C', providerDepartmentId: 'A', allowed: true, n: 4 },
        { departmentId: 'A', providerDepartmentId: 'A', allowed: true, n: 1 },
      ],
    });
    expect(f.accessDecisions).toEqual({ asked: 6, allowed: 4, refused: 2, onOwnResources: 5 });
  });

  test('median of an even count is the mean of the middle two; none without answers', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  test('the yearly ranking: higher on-time rate first, then fewer overdue; equal figures share a rank', () => {
    const body = (id: string, answered: number, onTime: number, overdue: number) => {
      const f = departmentFigures(new Set(), EMPTY);
      f.requests = { ...f.requests, answered, answeredOnTime: onTime, overdue };
      f.requests.onTimeRate = answered ? onTime / answered : null;
      return { ...f, departmentId: id, departmentName: id };
    };
    const header = { period: '2026', periodStart: '', periodEnd: '', asOf: '' };
    const s = yearSummary(
      header,
      [body('C', 4, 2, 2), body('A', 4, 4, 0), body('B', 0, 0, 0), body('D', 4, 2, 3)],
      departmentFigures(new Set(), EMPTY),
    );
    expect(s.departments.map((d) => [d.departmentId, d.rank])).toEqual([
      ['A', 1],
      ['B', 1],
      ['C', 3],
      ['D', 4],
    ]);
  });

  test('periods: names, labels and the period a firing reports on', () => {
    expect(parsePeriod('2026H2')).toMatchObject({ firstDay: '2026-07-01', lastDay: '2026-12-31' });
    expect(parsePeriod('2026H3')).toBeUndefined();
    expect(periodLabel('2026H2')).toBe('2026年下半年');
    expect(periodLabel('2026')).toBe('2026年度');
    expect(periodEndedBefore('year', new Date('2027-01-01T00:00:00+08:00')).period).toBe('2026');
  });
});

describe('第三十二条 report figures from the audit log', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    await seedRegistry(tdb.db);
  });
  afterAll(() => tdb?.drop());

  test('access decisions logged in the period count for the asking department and for the provider', async () => {
    const actor = { clientId: 'test-mzt', role: 'DEPARTMENT' as const, departmentId: 'NMG-MZT' };
    // no grant: refused; unconditional: allowed (第十三、二十条)
    await decideAndLog({ db: tdb.db }, actor, { resource: 'SB-0003', purpose: '低保审核' });
    await decideAndLog({ db: tdb.db }, actor, { resource: 'RK-0001', purpose: '身份核验' });
    const now = new Date();
    const period = periodEndedBefore('half_year', new Date(now.getTime() + 200 * 86_400_000));
    const deps = { db: tdb.db, calendars: createCalendarProvider(tdb.db) };
    const body = (id: string, name: string) => ({ id, name, level: 'REGION' as const });
    const mzt = await bodyFigures(deps, period, body('NMG-MZT', '民政厅'), now);
    expect(mzt.accessDecisions).toEqual({ asked: 2, allowed: 1, refused: 1, onOwnResources: 0 });
    const rst = await bodyFigures(deps, period, body('NMG-RST', '人社厅'), now);
    expect(rst.accessDecisions).toEqual({ asked: 0, allowed: 0, refused: 0, onOwnResources: 1 });
  });
});
