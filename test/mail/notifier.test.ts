import { createHash } from 'node:crypto';
import { freePort } from '../../embedded/ports';
import { createMailNotifier, messageIdFor } from '../../mail/notifier';
import { startMailCatcher, type MailCatcher } from '../../mail/catcher';
import { createMailTransport } from '../../mail/transport';
import { seedRegistry } from '../../prisma/seed';
import { createTestDatabase, type TestDatabase } from '../support/db';

let tdb: TestDatabase;
const catchers: MailCatcher[] = [];
const FROM = '政务信息资源共享时限监督 <noreply@gxcase.local>';
const BASE = 'http://gx.example:3000';
/** What the workflow asks for: a new case to the responsible staff, overdue to them and the supervisors. */
const NEW_CASE = { eventKey: 'received', kind: 'new_case', to: 'responsible' } as const;
const OVERDUE = { eventKey: 'overdue', kind: 'overdue', to: 'responsible_and_supervisors' } as const;

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedRegistry(tdb.db);
});
afterAll(async () => {
  await Promise.all(catchers.map((c) => c.stop()));
  await tdb?.drop();
});

async function catcher(opts: Parameters<typeof startMailCatcher>[0] = {}): Promise<MailCatcher> {
  const c = await startMailCatcher(opts);
  catchers.push(c);
  return c;
}

function notifierOn(port: number) {
  const transport = createMailTransport({ host: '127.0.0.1', port, secure: false, from: FROM });
  return createMailNotifier({ db: tdb.db, transport, from: FROM, publicBaseUrl: BASE });
}

let seq = 0;
async function makeCase(over: { responsibleDepartmentId?: string; requesterDepartmentId?: string } = {}) {
  const id = `GX-2026-9${String(++seq).padStart(5, '0')}`;
  await tdb.db.case.create({
    data: {
      id,
      procedure: 'P1_CONDITIONAL_REQUEST',
      stage: 'awaiting_answer',
      requesterDepartmentId: over.requesterDepartmentId ?? 'NMG-MZT',
      responsibleDepartmentId: over.responsibleDepartmentId ?? 'NMG-RST',
      resourceId: 'SB-0003',
      rootCaseId: id,
      receivedAt: new Date('2026-03-02T09:00:00+08:00'),
      workingDays: 10,
      deadlineDate: '2026-03-16',
      dueAt: new Date('2026-03-16T16:00:00Z'),
      calendarVersion: 'test',
      profileId: 'nmg-2018',
    },
  });
  return id;
}

test('a new case mails the responsible staff: Chinese subject and body, deadline, link, derived Message-ID', async () => {
  const smtp = await catcher();
  const caseId = await makeCase();
  await notifierOn(smtp.smtpPort).enqueue({ caseId, ...NEW_CASE });

  expect(smtp.messages).toHaveLength(1);
  const m = smtp.messages[0];
  expect(m.envelopeTo).toEqual(['zhangwei@rst.nmg.example']);
  expect(m.to).toContain('张伟');
  expect(m.subject).toBe(`新案件【有条件共享申请】${caseId} 请于2026年3月16日 24:00前办理`);
  expect(m.text).toContain('第十九条');
  expect(m.text).toContain('社会保险参保缴费信息');
  expect(m.text).toContain(`${BASE}/dashboard/cases/${caseId}`);
  expect(m.html).toContain(`href="${BASE}/dashboard/cases/${caseId}"`);
  const hash = createHash('sha256').update('zhangwei@rst.nmg.example').digest('hex').slice(0, 12);
  expect(m.messageId).toBe(`<${caseId}.received.${hash}@gxcase.local>`);

  const rows = await tdb.db.notification.findMany({ where: { caseId } });
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    status: 'SENT',
    recipient: 'zhangwei@rst.nmg.example',
    messageId: m.messageId,
    attempts: 1,
  });
  expect(rows[0].smtpResponse).toMatch(/^250/);
  expect(rows[0].sentAt).toBeInstanceOf(Date);
});

test('SMTP server down: enqueue throws, rows stay PENDING; once it is up the retry delivers each mail exactly once, a third call sends nothing', async () => {
  const port = await freePort();
  const caseId = await makeCase();
  const notifier = notifierOn(port);
  const input = { caseId, ...OVERDUE };

  // the failure message lands in Temporal's history: it names the outbox row and the error, not an address
  await expect(notifier.enqueue(input)).rejects.toThrow(/将重试: notification [\w-]+: E[A-Z]+$/);
  const pending = await tdb.db.notification.findMany({ where: { caseId } });
  expect(pending.map((r) => r.status)).toEqual(['PENDING', 'PENDING', 'PENDING']);
  // the first refusal stops the round: the others are left for the retry
  expect(pending.map((r) => r.attempts).sort()).toEqual([0, 0, 1]);
  expect(pending.some((r) => /ECONNREFUSED/.test(r.lastError ?? ''))).toBe(true);
  await expect(notifier.enqueue(input)).rejects.toThrow();

  const smtp = await catcher({ smtpPort: port });
  await notifier.enqueue(input);
  expect(smtp.messages.map((m) => m.envelopeTo[0]).sort()).toEqual([
    'wangjianguo@zwfwj.nmg.example',
    'zhangwei@rst.nmg.example',
    'zhaolijuan@xtbgs.nmg.example',
  ]);
  const staffMail = smtp.messages.find((m) => m.envelopeTo[0] === 'zhangwei@rst.nmg.example')!;
  expect(staffMail.subject).toBe(`逾期通知【有条件共享申请】${caseId} 已超过办理时限`);
  const supMail = smtp.messages.find((m) => m.envelopeTo[0] === 'zhaolijuan@xtbgs.nmg.example')!;
  expect(supMail.subject).toBe(
    `逾期督办【有条件共享申请】${caseId} 内蒙古自治区人力资源和社会保障厅未在时限内办理`,
  );
  expect(supMail.text).toContain('第三十六条');

  await notifier.enqueue(input);
  expect(smtp.messages).toHaveLength(3);
  const rows = await tdb.db.notification.findMany({ where: { caseId } });
  expect(rows).toHaveLength(3);
  expect(rows.every((r) => r.status === 'SENT' && r.attempts >= 1)).toBe(true);
  expect(rows.every((r) => r.sentAt !== null)).toBe(true);
  expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(3);
  expect(rows.map((r) => r.messageId).sort()).toEqual(smtp.messages.map((m) => m.messageId).sort());
});

test('a permanent 550 marks the notification FAILED without throwing; the other recipients still get theirs', async () => {
  const smtp = await catcher({
    reject: (a) =>
      a === 'wangjianguo@zwfwj.nmg.example' ? { code: 550, message: '5.1.1 mailbox unavailable' } : undefined,
  });
  const caseId = await makeCase();
  const input = { caseId, ...OVERDUE };
  await notifierOn(smtp.smtpPort).enqueue(input);
  const rows = await tdb.db.notification.findMany({ where: { caseId }, orderBy: { recipient: 'asc' } });
  expect(rows.map((r) => [r.recipient, r.status])).toEqual([
    ['wangjianguo@zwfwj.nmg.example', 'FAILED'],
    ['zhangwei@rst.nmg.example', 'SENT'],
    ['zhaolijuan@xtbgs.nmg.example', 'SENT'],
  ]);
  expect(rows[0].lastError).toMatch(/550/);
  expect(smtp.messages).toHaveLength(2);
  // a retry does not resend a FAILED one either
  await notifierOn(smtp.smtpPort).enqueue(input);
  expect(smtp.messages).toHaveLength(2);
});

test('a department without active 专人 (第二十七条): the supervisors get a gap alert instead', async () => {
  const smtp = await catcher();
  // NMG-ZRZYT has no staff; NMG-SCJGJ's only staff member left last year
  await tdb.db.staff.updateMany({
    where: { departmentId: 'NMG-SCJGJ' },
    data: { activeUntil: new Date('2025-12-31T16:00:00Z') },
  });
  const caseId = await makeCase({ responsibleDepartmentId: 'NMG-SCJGJ' });
  await notifierOn(smtp.smtpPort).enqueue({ caseId, ...NEW_CASE });
  expect(smtp.messages.map((m) => m.envelopeTo[0]).sort()).toEqual([
    'wangjianguo@zwfwj.nmg.example',
    'zhaolijuan@xtbgs.nmg.example',
  ]);
  expect(smtp.messages[0].subject).toBe(
    `专人缺位【有条件共享申请】${caseId} 内蒙古自治区市场监督管理局无在岗专人, 通知无法送达`,
  );
  expect(smtp.messages[0].text).toContain('第二十七条');
  expect(smtp.messages[0].text).not.toContain('lihaiyan');
  const rows = await tdb.db.notification.findMany({ where: { caseId } });
  expect(rows.map((r) => [r.kind, r.eventKey])).toEqual([
    ['staff_gap', 'received#gap:NMG-SCJGJ'],
    ['staff_gap', 'received#gap:NMG-SCJGJ'],
  ]);
  expect(rows[0].messageId).toBe(messageIdFor(caseId, 'received#gap:NMG-SCJGJ', rows[0].recipient));
});

test('the outcome goes to the requester; HTML is escaped', async () => {
  const smtp = await catcher();
  const caseId = await makeCase();
  await tdb.db.case.update({
    where: { id: caseId },
    data: { status: 'CLOSED', stage: 'refused', outcome: 'refused' },
  });
  await tdb.db.resource.update({ where: { id: 'SB-0003' }, data: { name: '社会保险<参保>缴费信息' } });
  await notifierOn(smtp.smtpPort).enqueue({ caseId, eventKey: 'answered', kind: 'outcome', to: 'requester' });
  expect(smtp.messages).toHaveLength(1);
  expect(smtp.messages[0].envelopeTo).toEqual(['qiqige@mzt.nmg.example']);
  expect(smtp.messages[0].subject).toBe(`办理结果【有条件共享申请】${caseId} 不予共享`);
  expect(smtp.messages[0].text).toContain('发起协商');
  expect(smtp.messages[0].html).toContain('社会保险&lt;参保&gt;缴费信息');
  expect(smtp.messages[0].html).not.toContain('<参保>');
  await tdb.db.resource.update({ where: { id: 'SB-0003' }, data: { name: '社会保险参保缴费信息' } });
});
