import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createCalendarProvider } from '../../core/calendar/provider';
import { startCase } from '../../core/cases/start';
import { startMailCatcher, type MailCatcher } from '../../mail/catcher';
import { createMailNotifier } from '../../mail/notifier';
import { createMailTransport } from '../../mail/transport';
import { seedRegistry } from '../../prisma/seed';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { createTimeSkippingEnv } from '../support/temporal';
import { createTestWorker, eventually } from '../support/worker';
import { expectAt } from '../support/time';

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let smtp: MailCatcher;

beforeAll(async () => {
  // virtual clock starts 2026-03-02 (Mon) 09:00 Beijing time, the day the request is received
  [env, tdb, smtp] = await Promise.all([
    createTimeSkippingEnv({ startAt: '2026-03-02T01:00:00Z' }),
    createTestDatabase(),
    startMailCatcher(),
  ]);
  await seedRegistry(tdb.db);
});
afterAll(async () => {
  await env?.teardown();
  await smtp?.stop();
  await tdb?.drop();
});

test('an unanswered P1 request mails the 专人 on receipt, at half time and the day before, then staff and supervisors when overdue', async () => {
  const from = 'noreply@gxcase.local';
  const notifier = createMailNotifier({
    db: tdb.db,
    transport: createMailTransport({ host: '127.0.0.1', port: smtp.smtpPort, secure: false, from }),
    from,
    publicBaseUrl: 'http://127.0.0.1:3000',
    calendars: createCalendarProvider(tdb.db),
  });
  const { worker, taskQueue, calendars } = await createTestWorker({
    connection: env.nativeConnection,
    db: tdb.db,
    notifier,
  });

  await worker.runUntil(async () => {
    const { caseId } = await startCase(
      { db: tdb.db, temporal: env.client, calendars, taskQueue },
      {
        procedure: 'P1',
        receivedAt: '2026-03-02T09:00:00+08:00',
        requesterDepartmentId: 'NMG-MZT',
        responsibleDepartmentId: 'NMG-RST',
        resourceId: 'SB-0003',
      },
    );
    // 10 working days from Mon 3/2: day 1 = 3/3 ... day 10 = Mon 3/16
    const row = await tdb.db.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(row.deadlineDate).toBe('2026-03-16');

    await env.sleep('20 days');
    const events = await eventually(async () => {
      const ev = await tdb.db.caseEvent.findMany({ where: { caseId }, orderBy: { at: 'asc' } });
      return ev.length >= 4 && smtp.messages.length >= 6 ? ev : undefined;
    });
    expect(events.map((e) => e.eventKey)).toEqual([
      'received',
      'reminder:half:2026-03-16',
      'reminder:day-before:2026-03-16',
      'overdue',
    ]);
    // half of 10 = end of working day 5 (Mon 3/9); day before = end of working day 9 (Fri 3/13); due end of 3/16
    expectAt(events[1].at, '2026-03-09T16:00:00Z');
    expectAt(events[2].at, '2026-03-13T16:00:00Z');
    expectAt(events[3].at, '2026-03-16T16:00:00Z');

    const mails = smtp.messages.map((m) => [m.envelopeTo[0], m.subject]);
    const tag = `【有条件共享申请】${caseId}`;
    // supervisors in department-id order: 协调办公室 (NMG-XTBGS), then 统筹管理部门 (NMG-ZWFWJ)
    expect(mails).toEqual([
      ['zhangwei@rst.nmg.example', `新案件${tag} 请于2026年3月16日 24:00前办理`],
      ['zhangwei@rst.nmg.example', `办理提醒${tag} 截止2026年3月16日 24:00前`],
      ['zhangwei@rst.nmg.example', `办理提醒${tag} 截止2026年3月16日 24:00前`],
      ['zhangwei@rst.nmg.example', `逾期通知${tag} 已超过办理时限`],
      ['zhaolijuan@xtbgs.nmg.example', `逾期督办${tag} 内蒙古自治区人力资源和社会保障厅未在时限内办理`],
      ['wangjianguo@zwfwj.nmg.example', `逾期督办${tag} 内蒙古自治区人力资源和社会保障厅未在时限内办理`],
    ]);
    // days left counted on the official calendar as of each event's virtual instant
    expect(smtp.messages[0].text).toContain('剩余: 10 个工作日 (不含当日)');
    expect(smtp.messages[1].text).toContain('剩余: 5 个工作日 (不含当日)');
    expect(smtp.messages[2].text).toContain('剩余: 1 个工作日 (不含当日)');
    expect(smtp.messages[3].text).toContain('现已逾期');
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(6);
    const rows = await tdb.db.notification.findMany({ where: { caseId } });
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.status === 'SENT')).toBe(true);
  });
});
