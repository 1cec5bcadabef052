/**
 * 第三十二条 on the real dev server: the reporting Schedules open one report case per reporting body with the
 * period's figures pre-filled; a submitted report is frozen (period lock) and a correction is a new version.
 */
import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from '../../audit/log';
import { loadBundledCalendar } from '../../calendar/bundled';
import { buildSchedule } from '../../calendar/schedule';
import {
  parsePeriod,
  periodEndedBefore,
  reportReceivedAt,
  yearlyReportDueDate,
} from '../../procedures/report-periods';
import type { Actor } from '../../core/actor';
import { correctReport, getReport } from '../../core/reports/reports';
import { openReportingRound } from '../../core/reports/rounds';
import { ensureReportingSchedules, reportingScheduleId } from '../../core/reports/schedules';
import type { DepartmentReport } from '../../core/reports/figures';
import { recordHistory } from '../histories/record';
import { caseDriver } from '../support/cases';
import { devServerSuite } from '../support/suite';
import { eventually } from '../support/worker';
import { EXPECTED_2026H1, writeFirstHalf2026 } from './fixtures';

const suite = devServerSuite({ worker: true });
const { worker: caseWorker, act, rowOf, handleOf } = caseDriver(suite);

const REPORTERS = ['HHHT', 'NMG-GAT', 'NMG-MZT', 'NMG-RST', 'NMG-SCJGJ', 'NMG-ZRZYT', 'NMG-ZWFWJ'];
const regional: Actor = { clientId: 'test-supervisor', role: 'SUPERVISOR' };
const dept = (departmentId: string): Actor => ({
  clientId: `test-${departmentId}`,
  role: 'DEPARTMENT',
  departmentId,
});

describe('第三十二条 reporting rounds', () => {
  test('the half-year schedule opens one pre-filled report per body; submitted figures stay frozen; a correction is version 2', async () => {
    const { db } = suite.tdb;
    await writeFirstHalf2026(db);
    const { worker, start, taskQueue, calendars } = await caseWorker();
    const deps = { db, calendars };
    const prefix = `test-${randomUUID()}`;
    await worker.runUntil(async () => {
      // a coordination 民政厅 → 人社厅, decided by the share authority: still open and overdue
      const coordination = await start({
        procedure: 'P3',
        requesterDepartmentId: 'NMG-MZT',
        responsibleDepartmentId: 'NMG-ZWFWJ',
        resourceId: 'SB-0003',
        receivedAt: '2026-06-15T09:00:00+08:00',
        details: { providerDepartmentId: 'NMG-RST' },
      });
      await eventually(async () => (await rowOf(coordination.caseId)).overdue);

      await ensureReportingSchedules(suite.client, { taskQueue, prefix });
      // idempotent: a second worker start finds them
      await ensureReportingSchedules(suite.client, { taskQueue, prefix });
      const halfYear = suite.client.schedule.getHandle(reportingScheduleId('half_year', prefix));
      const yearly = suite.client.schedule.getHandle(reportingScheduleId('year', prefix));
      try {
        const spec = (await halfYear.describe()).spec;
        expect(spec.timezone).toBe('Asia/Shanghai');
        await halfYear.trigger();
        const reports = await eventually(async () => {
          const rows = await db.case.findMany({
            where: { procedure: 'P7_REPORT', details: { path: ['period'], equals: '2026H1' } },
            orderBy: { responsibleDepartmentId: 'asc' },
          });
          return rows.length === REPORTERS.length && rows.every((r) => r.calendarVersion !== '') && rows;
        }, 30_000);
        expect(reports.map((r) => r.responsibleDepartmentId)).toEqual(REPORTERS);
        for (const r of reports) {
          expect(r).toMatchObject({
            requesterDepartmentId: 'NMG-XTBGS',
            deadlineDate: '2026-07-21',
            workingDays: 15,
          });
          expect(r.details).toEqual({
            kind: 'half_year',
            period: '2026H1',
            periodStart: '2026-01-01T00:00:00+08:00',
            periodEnd: '2026-07-01T00:00:00+08:00',
          });
        }
        // a retried round (or a schedule firing twice) opens nothing new
        const again = await openReportingRound(
          { db, temporal: suite.client, calendars, taskQueue },
          { kind: 'half_year', firedAt: '2026-07-01T00:00:00+08:00' },
        );
        expect(again.cases.every((c) => !c.created)).toBe(true);
        expect(await db.case.count({ where: { procedure: 'P7_REPORT' } })).toBe(REPORTERS.length);

        const caseOf = (d: string) => reports.find((r) => r.responsibleDepartmentId === d)!.id;
        const draftOf = async (d: string) =>
          (await getReport(deps, regional, caseOf(d))).draft as DepartmentReport;
        for (const [d, expected] of Object.entries(EXPECTED_2026H1)) {
          expect(await draftOf(d)).toMatchObject(expected);
        }
        expect((await draftOf('NMG-SCJGJ')).requests.received).toBe(0);

        // 民政厅 submits: version 1 freezes the figures with their hash
        const mztCase = caseOf('NMG-MZT');
        await act(mztCase, {
          type: 'submit_report',
          actorDepartmentId: 'NMG-MZT',
          narrative: '上半年共享落实情况良好。',
        });
        const v1 = await eventually(() =>
          db.reportVersion.findFirst({ where: { caseId: mztCase, version: 1 } }),
        );
        const hashOf = (f: unknown) => createHash('sha256').update(canonicalJson(f)).digest('hex');
        expect(v1.figuresHash).toBe(hashOf(v1.figures));
        expect(v1).toMatchObject({
          period: '2026H1',
          kind: 'half_year',
          departmentId: 'NMG-MZT',
          replacesId: null,
        });
        expect(v1.figures).toMatchObject(EXPECTED_2026H1['NMG-MZT']);
        await handleOf(mztCase).result();
        await recordHistory(handleOf(mztCase), 'p7-submit-report');
        expect(await rowOf(mztCase)).toMatchObject({
          status: 'CLOSED',
          stage: 'submitted',
          outcome: 'report_submitted',
        });
        const submitted = await getReport(deps, regional, mztCase);
        expect(submitted.draft).toBeNull();
        expect(submitted.versions).toHaveLength(1);

        // later, the share authority decides the coordination (late): 人社厅's live draft changes, the frozen report not
        await act(coordination.caseId, {
          type: 'decide',
          actorDepartmentId: 'NMG-ZWFWJ',
          share: false,
          reasons: '涉及个人隐私, 不予共享',
        });
        await eventually(async () => (await rowOf(coordination.caseId)).status === 'CLOSED');
        expect((await draftOf('NMG-RST')).disputes.coordination).toEqual({ raised: 1, resolved: 1 });
        expect((await draftOf('NMG-ZWFWJ')).requests).toMatchObject({ answered: 1, answeredLate: 1 });
        const frozen = await db.reportVersion.findFirstOrThrow({ where: { caseId: mztCase, version: 1 } });
        expect(frozen.figuresHash).toBe(v1.figuresHash);
        expect(frozen.figures).toEqual(v1.figures);

        // a correction: version 2 names version 1, figures recomputed now; only the reporting department
        await expect(
          correctReport(deps, dept('NMG-XTBGS'), mztCase, { narrative: '更正' }),
        ).rejects.toMatchObject({
          kind: 'forbidden',
        });
        await expect(
          correctReport(deps, dept('NMG-RST'), mztCase, { narrative: '更正' }),
        ).rejects.toMatchObject({
          kind: 'not_found',
        });
        await expect(
          correctReport(deps, dept('NMG-RST'), caseOf('NMG-RST'), { narrative: '更正' }),
        ).rejects.toMatchObject({ code: 'report_not_submitted' });
        const corrected = await correctReport(deps, dept('NMG-MZT'), mztCase, {
          narrative: '更正: 协调已有结果。',
        });
        expect(corrected.versions.map((v) => [v.version, v.replacesId])).toEqual([
          [1, null],
          [2, v1.id],
        ]);
        const v2 = corrected.versions[1];
        expect((v2.figures as DepartmentReport).disputes.coordination).toEqual({ raised: 1, resolved: 1 });
        expect(v2.figuresHash).toBe(hashOf(v2.figures));
        expect(corrected.versions[0].figuresHash).toBe(v1.figuresHash);

        // the yearly schedule: one case for the coordination office's 组织推进组, due by the end of January
        await yearly.trigger();
        const year = await eventually(() =>
          db.case.findFirst({
            where: { procedure: 'P7_REPORT', details: { path: ['kind'], equals: 'year' } },
          }),
        );
        expect(year).toMatchObject({ responsibleDepartmentId: 'NMG-XTBGS', deadlineDate: '2026-01-31' });
        expect(year.details).toMatchObject({ period: '2025', fixedDueDate: '2026-01-31' });
      } finally {
        await halfYear.delete().catch(() => undefined);
        await yearly.delete().catch(() => undefined);
      }
    });
  }, 120_000);
});

test('the yearly report is due by 31 January of the following year, on the fixed date (第三十二条)', () => {
  // pure: the schedule computation with a fixed due date
  const p = periodEndedBefore('year', new Date('2027-01-01T00:00:00+08:00'));
  expect(p).toEqual(parsePeriod('2026'));
  expect(yearlyReportDueDate(p)).toBe('2027-01-31');
  const s = buildSchedule(
    loadBundledCalendar(),
    reportReceivedAt(p),
    0,
    { atHalfPeriod: true, oneWorkingDayBefore: true },
    yearlyReportDueDate(p),
  );
  expect(s).toMatchObject({ deadline: '2027-01-31', dueAt: '2027-02-01T00:00:00+08:00', provisional: false });
  expect(s.reminders.every((r) => Date.parse(r.at) < Date.parse(s.dueAt))).toBe(true);
  expect(periodEndedBefore('half_year', new Date('2026-07-01T00:00:00+08:00')).period).toBe('2026H1');
  expect(periodEndedBefore('half_year', new Date('2026-12-31T16:00:00Z')).period).toBe('2026H2');
  expect(periodEndedBefore('half_year', new Date('2026-06-30T15:59:59Z')).period).toBe('2025H2');
});
