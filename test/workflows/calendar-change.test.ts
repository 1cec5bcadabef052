import { validateArrangement, type YearArrangement } from '../../calendar/arrangement';
import { calendarChangedSignal } from '../../workflows/statutory-case';
import { recordHistory } from '../histories/record';
import { caseDriver, P1_MZT_ASKS_RST } from '../support/cases';
import { timeSkippingSuite } from '../support/suite';
import { eventually } from '../support/worker';
import { expectAt, sleepUntil } from '../support/time';

/**
 * TEST FIXTURE, NOT THE OFFICIAL 2027 ARRANGEMENT: a made-up notice whose 元旦 block also closes Monday 2027-01-04,
 * so that loading it moves a provisional deadline. Shaped like calendar/data/official/2026.json.
 */
const FIXTURE_2027: YearArrangement = {
  year: 2027,
  source: {
    title: '（测试用虚构数据）国务院办公厅关于2027年部分节假日安排的通知',
    number: '测试明电〔2026〕99号',
    date: '2026-12-28',
  },
  notes: 'test fixture for test/workflows/calendar-change.test.ts; not an official arrangement',
  holidays: [
    { name: '元旦', restDays: ['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04'], workDays: [] },
  ],
};

// virtual clock starts at 2026-12-21 09:00 Beijing time, before the 2027 arrangement is published
const suite = timeSkippingSuite('2026-12-21T01:00:00Z');
const { worker: caseWorker, handleOf, act, rowOf, eventsOf } = caseDriver(suite);

test('loading the 2027 arrangement mid-flight recomputes a provisional deadline and the overdue timer fires at the new time', async () => {
  const { env, tdb } = suite;
  const { worker, start } = await caseWorker();
  const receivedAt = '2026-12-21T09:00:00+08:00';

  await worker.runUntil(async () => {
    const { caseId } = await start({ ...P1_MZT_ASKS_RST, receivedAt });
    const row = await rowOf(caseId);
    // 1–4 = 12/22–25, 5–8 = 12/28–31, then 2027 is provisional (元旦 1/1 assumed off): 9 = 1/4, 10 = 1/5
    expect(row).toMatchObject({ deadlineDate: '2027-01-05', provisional: true });
    expect(row.dueAt.toISOString()).toBe('2027-01-05T16:00:00.000Z');
    const before = row.calendarVersion;

    const handle = handleOf(caseId);
    // to 2026-12-29 10:00 Beijing: the half-period reminder (end of working day 5, 12/28) is out
    await sleepUntil(env, '2026-12-29T02:00:00Z');

    expect(validateArrangement(FIXTURE_2027, 2027)).toMatchObject({ ok: true });
    await tdb.db.calendarYear.create({
      data: {
        year: 2027,
        version: 1,
        arrangement: FIXTURE_2027,
        sourceNumber: FIXTURE_2027.source.number,
        loadedBy: 'test',
        supersededAt: null,
      },
    });
    await handle.signal(calendarChangedSignal, { reason: '2027 arrangement loaded' });
    // 9 = 1/5, 10 = 1/6 once 1/4 is a day off
    const moved = await eventually(async () => {
      const r = await rowOf(caseId);
      return r.deadlineDate !== '2027-01-05' && r;
    });
    expect(moved).toMatchObject({ deadlineDate: '2027-01-06', provisional: false, overdue: false });
    expect(moved.dueAt.toISOString()).toBe('2027-01-06T16:00:00.000Z');
    expect(moved.calendarVersion).not.toBe(before);
    const recomputed = await tdb.db.caseEvent.findFirstOrThrow({
      where: { caseId, type: 'deadline_recomputed' },
    });
    expectAt(recomputed.at, '2026-12-29T02:00:00Z');
    expect(recomputed.eventKey).toBe(`deadline:${moved.calendarVersion}`);
    expect(recomputed.data).toEqual({
      previousDeadline: '2027-01-05',
      deadline: '2027-01-06',
      previousCalendarVersion: before,
      calendarVersion: moved.calendarVersion,
      provisional: false,
    });

    // to 2027-01-06 10:00 Beijing: not overdue at the old due time (1/5 24:00)
    await sleepUntil(env, '2027-01-06T02:00:00Z');
    expect(await rowOf(caseId)).toMatchObject({
      overdue: false,
      overdueAt: null,
    });
    // to 2027-01-07 10:00 Beijing: overdue at the new due time
    await sleepUntil(env, '2027-01-07T02:00:00Z');
    const overdue = await rowOf(caseId);
    expect(overdue.overdue).toBe(true);
    expectAt(overdue.overdueAt, '2027-01-06T16:00:00Z');

    const events = await eventsOf(caseId);
    expect(events.map((e) => [e.type, e.eventKey])).toEqual([
      ['received', 'received'],
      ['reminder', 'reminder:half:2027-01-05'],
      ['deadline_recomputed', `deadline:${moved.calendarVersion}`],
      ['reminder', 'reminder:day-before:2027-01-06'],
      ['overdue', 'overdue'],
    ]);
    expectAt(events[1].at, '2026-12-28T16:00:00Z');
    // the day-before reminder moved from the end of 1/4 to the end of 1/5 (working day 9)
    expectAt(events[3].at, '2027-01-05T16:00:00Z');

    const state = await act(caseId, {
      type: 'approve',
      actorDepartmentId: 'NMG-RST',
      scope: '参保缴费状态 (是/否)',
      purpose: '低保对象核查',
    });
    expect(state).toMatchObject({ status: 'CLOSED', answeredLate: true, overdue: true });
    await handle.result();
    await recordHistory(handle, 'calendar-change');
  });
});
