/**
 * Issue 14, loose end: a calendar that moves a deadline EARLIER past a reminder's time leaves a trace. While
 * the new deadline is still ahead the overtaken reminder goes out at once (marked late, reason 日历变更); once
 * the new deadline has passed too it is recorded as skipped (reason 日历变更). Both are on the case's timeline,
 * in the API (Beijing time) and on the case page (Chinese).
 */
import { h } from 'preact';
import { render } from 'preact-render-to-string';
import type { Notifier } from '../../activities';
import type { NotifyInput } from '../../activities/types';
import { startCase } from '../../core/cases/start';
import { getCase } from '../../core/cases/queries';
import { caseDetail } from '../../core/oversight/case-detail';
import type { YearArrangement } from '../../calendar/arrangement';
import { loadCalendarYear } from '../../core/calendar/store';
import { stateQuery } from '../../workflows/statutory-case';
import { Timeline } from '../../web/pages/case-detail/timeline';
import { recordHistory } from '../histories/record';
import { timeSkippingSuite } from '../support/suite';
import { createTestWorker, eventually } from '../support/worker';
import { expectAt, sleepUntil } from '../support/time';

/**
 * TEST FIXTURE, NOT AN OFFICIAL ARRANGEMENT: 元旦 1/1 off, Saturday 1/2 and Sunday 1/3 made working days. Until
 * it is loaded 2027 is provisional (1/1 off, 1/2–1/3 a weekend), so loading it pulls deadlines that reach past
 * 1/3 two working days earlier: far enough to overtake a day-before reminder not yet due.
 */
const FIXTURE_2027: YearArrangement = {
  year: 2027,
  source: {
    title: '（测试用虚构数据）国务院办公厅关于2027年部分节假日安排的通知',
    number: '测试明电〔2026〕97号',
    date: '2026-12-20',
  },
  notes: 'test fixture for test/workflows/calendar-earlier-reminder.test.ts; not an official arrangement',
  holidays: [{ name: '元旦', restDays: ['2027-01-01'], workDays: ['2027-01-02', '2027-01-03'] }],
};

// virtual clock: Tue 2026-12-22 09:00 Beijing time
const suite = timeSkippingSuite('2026-12-22T01:00:00Z');
const to = (iso: string) => sleepUntil(suite.env, iso);
const ADMIN = { clientId: 'test-admin', role: 'ADMIN' as const };

describe('第十九条 时限: a calendar change that moves a deadline earlier past a reminder', () => {
  test('the reminder is sent at once while the deadline is ahead, recorded as skipped once it has passed, both on the timeline with the reason 日历变更', async () => {
    const { env, tdb } = suite;
    // every mail the workflow asks for, in order (the outbox itself is tested in test/mail)
    const mails: NotifyInput[] = [];
    const notifier: Notifier = { enqueue: async (input) => void mails.push(input) };
    const { worker, taskQueue, calendars } = await createTestWorker({
      connection: env.nativeConnection,
      db: tdb.db,
      notifier,
    });
    await worker.runUntil(async () => {
      const deps = { db: tdb.db, temporal: env.client, calendars, taskQueue };
      // C, received Tue 12/22: 1–3 = 12/23–25, 4–7 = 12/28–31, 8 = 1/4, 9 = 1/5 (day-before), 10 = 1/6
      const c = await startCase(deps, {
        procedure: 'P1',
        requesterDepartmentId: 'NMG-MZT',
        responsibleDepartmentId: 'NMG-RST',
        resourceId: 'SB-0003',
        receivedAt: '2026-12-22T09:00:00+08:00',
      });
      await to('2026-12-23T01:00:00Z');
      // D, received Wed 12/23: 1–2 = 12/24–25, 3–6 = 12/28–31, 7 = 1/4, 8 = 1/5, 9 = 1/6 (day-before), 10 = 1/7
      const d = await startCase(deps, {
        procedure: 'P1',
        requesterDepartmentId: 'NMG-RST',
        responsibleDepartmentId: 'NMG-MZT',
        resourceId: 'MZ-0012',
        receivedAt: '2026-12-23T09:00:00+08:00',
      });
      const before = async (id: string) =>
        (await tdb.db.case.findUniqueOrThrow({ where: { id } })).deadlineDate;
      expect([await before(c.caseId), await before(d.caseId)]).toEqual(['2027-01-06', '2027-01-07']);

      // Tue 2027-01-05 10:00 Beijing: both half-period reminders went out, neither day-before one is due yet
      await to('2027-01-05T02:00:00Z');
      for (const id of [c.caseId, d.caseId]) {
        expect((await env.client.workflow.getHandle(id).query(stateQuery)).remindersSent).toEqual(['half']);
      }
      const loaded = await loadCalendarYear(
        { db: tdb.db, temporal: env.client },
        { year: 2027, arrangement: FIXTURE_2027, loadedBy: 'test-admin' },
      );
      expect(loaded.signalled.sort()).toEqual([c.caseId, d.caseId].sort());

      // C: 8 = 1/2, 9 = 1/3, 10 = 1/4 — the deadline has passed: overdue at once, the day-before reminder
      // (now end of 1/3) recorded as skipped for the calendar change, no mail for it
      const overdueC = await eventually(async () => {
        const r = await tdb.db.case.findUniqueOrThrow({ where: { id: c.caseId } });
        return r.overdue && r;
      });
      expect(overdueC.deadlineDate).toBe('2027-01-04');
      expectAt(overdueC.overdueAt, '2027-01-04T16:00:00Z');
      const skipped = await tdb.db.caseEvent.findFirstOrThrow({
        where: { caseId: c.caseId, type: 'reminder_skipped' },
      });
      expect(skipped.eventKey).toBe('reminder-skipped:day-before:2027-01-04');
      expect(skipped.data).toEqual({
        reminder: 'day-before',
        due: '2027-01-04T00:00:00+08:00',
        deadline: '2027-01-04',
        reason: 'calendar_change',
      });

      // D: 7 = 1/2, 8 = 1/3, 9 = 1/4 (day-before, past), 10 = 1/5 (ahead): the reminder goes out now, late
      const sentD = await eventually(() =>
        tdb.db.caseEvent.findFirst({
          where: { caseId: d.caseId, type: 'reminder', eventKey: { contains: 'day-before' } },
        }),
      );
      expect(sentD.eventKey).toBe('reminder:day-before:2027-01-05');
      expect(sentD.data).toEqual({
        reminder: 'day-before',
        due: '2027-01-05T00:00:00+08:00',
        deadline: '2027-01-05',
        reason: 'calendar_change',
      });
      expect(sentD.at.getTime()).toBeGreaterThanOrEqual(Date.parse('2027-01-05T02:00:00Z'));
      const reminderMails = (id: string) =>
        mails.filter((m) => m.caseId === id && m.kind === 'reminder').map((m) => m.eventKey);
      await eventually(async () => reminderMails(d.caseId).length === 2);
      expect(reminderMails(d.caseId)).toEqual(['reminder:half:2027-01-07', 'reminder:day-before:2027-01-05']);
      expect(reminderMails(c.caseId)).toEqual(['reminder:half:2027-01-06']);
      const stateD = await env.client.workflow.getHandle(d.caseId).query(stateQuery);
      expect(stateD.remindersSent).toEqual(['half', 'day-before']);
      expect(await tdb.db.caseEvent.count({ where: { caseId: d.caseId, type: 'reminder_skipped' } })).toBe(0);

      // the API's timeline (Beijing time) and the case page (Chinese) show both
      const apiC = await getCase({ db: tdb.db }, ADMIN, c.caseId);
      expect(apiC.timeline.find((e) => e.type === 'reminder_skipped')).toMatchObject({
        data: { reason: 'calendar_change', due: '2027-01-04T00:00:00+08:00' },
      });
      expect(apiC.timeline.every((e) => /\.\d{3}\+08:00$/.test(e.at))).toBe(true);
      const pageC = render(h(Timeline, { d: await caseDetail({ db: tdb.db, calendars }, ADMIN, c.caseId) }));
      expect(pageC).toContain('提醒未发送');
      expect(pageC).toContain('日历变更');
      expect(pageC).toContain('2027年1月4日');
      const pageD = render(h(Timeline, { d: await caseDetail({ db: tdb.db, calendars }, ADMIN, d.caseId) }));
      expect(pageD).toContain('期限提前, 原定提醒时点已过, 即时补发');

      // D is overdue at the end of 1/5, on time, with nothing sent twice
      await to('2027-01-06T02:00:00Z');
      const overdueD = await tdb.db.case.findUniqueOrThrow({ where: { id: d.caseId } });
      expectAt(overdueD.overdueAt, '2027-01-05T16:00:00Z');
      const typesD = (
        await tdb.db.caseEvent.findMany({ where: { caseId: d.caseId }, orderBy: { id: 'asc' } })
      ).map((e) => e.type);
      // in the order recorded
      expect(typesD).toEqual(['received', 'reminder', 'deadline_recomputed', 'reminder', 'overdue']);
      const typesC = (
        await tdb.db.caseEvent.findMany({ where: { caseId: c.caseId }, orderBy: { id: 'asc' } })
      ).map((e) => e.type);
      expect(typesC).toEqual(['received', 'reminder', 'deadline_recomputed', 'reminder_skipped', 'overdue']);

      expect(reminderMails(d.caseId)).toHaveLength(2);
      expect(reminderMails(c.caseId)).toHaveLength(1);

      // replayed by test/workflows/replay.test.ts (send-reminder-moved-earlier)
      await recordHistory(env.client.workflow.getHandle(d.caseId), 'calendar-earlier-reminder-sent');
      await recordHistory(env.client.workflow.getHandle(c.caseId), 'calendar-earlier-reminder-skipped');
    });
  });
});
